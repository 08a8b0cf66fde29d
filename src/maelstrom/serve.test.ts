import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStoredRuns, serveResults, type ResultsServer } from './serve.js';

let store: string;
let server: ResultsServer;

function writeRun(path: string, results: Record<string, unknown>): void {
  mkdirSync(join(store, path), { recursive: true });
  writeFileSync(join(store, path, 'results.json'), JSON.stringify(results));
  writeFileSync(join(store, path, 'summary.txt'), `maelstrom ${path}: ${String(results['verdict'])}\n`);
}

beforeAll(async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fairlink-serve-'));
  store = join(scratch, 'store');
  writeRun('echo/20261207T010000.000Z', {
    verdict: 'valid',
    startedAt: '2026-12-07T01:00:00.000Z',
    reasons: [],
    notes: ['rate not reached: <few>'],
  });
  writeRun('lin-kv/20261207T020000.000Z', {
    verdict: 'invalid',
    startedAt: '2026-12-07T02:00:00.000Z',
    reasons: ['the lin-kv check says invalid'],
  });
  mkdirSync(join(store, 'lin-kv', 'half-written'));
  symlinkSync('20261207T020000.000Z', join(store, 'lin-kv', 'latest'));
  writeFileSync(join(scratch, 'secret.txt'), 'outside the store\n');
  symlinkSync(join(scratch, 'secret.txt'), join(store, 'escape.txt'));
  server = await serveResults(store, 0, '127.0.0.1');
});

afterAll(async () => server.close());

describe('maelstrom serve', () => {
  it('lists the runs of the store, newest first, with their verdicts and notes', async () => {
    const runs = await listStoredRuns(store);
    expect(runs.map((run) => `${run.path} ${run.verdict}`)).toEqual([
      'lin-kv/20261207T020000.000Z invalid',
      // `latest` is a link to the same run: listed once, by its real folder.
      'echo/20261207T010000.000Z valid',
    ]);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<a href="/lin-kv/20261207T020000.000Z/summary.txt">summary</a>');
    expect(html).toContain('note: rate not reached: &lt;few&gt;');
    expect(html.indexOf('lin-kv')).toBeLessThan(html.indexOf('>echo<'));
  });

  it('serves the files of a run, through the latest link too', async () => {
    const response = await fetch(`${server.url}lin-kv/latest/summary.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('maelstrom lin-kv/20261207T020000.000Z: invalid\n');
    const folder = await fetch(`${server.url}echo/20261207T010000.000Z/`);
    expect(await folder.text()).toContain(
      '<a href="/echo/20261207T010000.000Z/results.json">results.json</a>',
    );
  });

  it('serves nothing outside the store', async () => {
    for (const path of ['escape.txt', '%2e%2e/secret.txt', '..%2fsecret.txt', 'no/such/file']) {
      const response = await fetch(`${server.url}${path}`);
      expect([response.status, path]).toEqual([404, path]);
    }
  });
});
