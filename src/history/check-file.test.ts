import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkHistoryFile } from './check-file.js';
import { runHistoryCheck } from './cli.js';
import { HistoryUsageError } from './errors.js';
import { pairOperations } from './types.js';
import { parseJsonl } from './formats/jsonl.js';
import { checkLinearizability } from './linearizability/check.js';
import { registerModel } from './models/register.js';
import { renderHistoryHtml } from './report/html.js';

let folder = '';
const line = (process: number, type: string, f: string, value: unknown, time: number, key?: string) =>
  JSON.stringify({ process, type, f, value, time, ...(key === undefined ? {} : { key }) });
const staleRead = [
  line(0, 'invoke', 'write', 1, 0),
  line(0, 'ok', 'write', 1, 10),
  line(1, 'invoke', 'read', null, 20),
  line(1, 'ok', 'read', null, 30),
].join('\n');
const fine = [
  line(0, 'invoke', 'write', 1, 0),
  line(1, 'invoke', 'read', null, 1),
  line(1, 'ok', 'read', 1, 5),
  line(0, 'ok', 'write', 1, 10),
].join('\n');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fairlink-check-'));
  await writeFile(join(folder, 'stale.jsonl'), staleRead);
  await writeFile(join(folder, 'fine.jsonl'), fine);
  await writeFile(join(folder, 'broken.jsonl'), `${line(0, 'invoke', 'read', null, 0)}\n{oops\n`);
  await writeFile(
    join(folder, 'set.jsonl'),
    [
      line(0, 'invoke', 'add', 1, 0),
      line(0, 'ok', 'add', 1, 1),
      line(1, 'invoke', 'read', null, 2),
      line(1, 'ok', 'read', [], 3),
    ].join('\n'),
  );
  await writeFile(
    join(folder, 'counter.jsonl'),
    [
      line(0, 'invoke', 'add', 2, 0),
      line(0, 'ok', 'add', 2, 1),
      line(1, 'invoke', 'read', null, 2),
      line(1, 'ok', 'read', 2, 3),
    ].join('\n'),
  );
});

describe('checkHistoryFile', () => {
  it('checks linearizability with a named model, or with a model object', async () => {
    const bad = await checkHistoryFile(join(folder, 'stale.jsonl'), { model: 'register' });
    expect(bad).toMatchObject({ checker: 'linearizable', outcome: 'violation', exitCode: 1 });
    const good = await checkHistoryFile(join(folder, 'fine.jsonl'), {
      model: registerModel(),
      format: 'jsonl',
      timeoutSeconds: 10,
    });
    expect(good).toMatchObject({ outcome: 'ok', exitCode: 0 });
  });

  it('runs the other checkers', async () => {
    expect(
      (await checkHistoryFile(join(folder, 'stale.jsonl'), { model: 'register', checker: 'sequential' }))
        .outcome,
    ).toBe('ok');
    expect((await checkHistoryFile(join(folder, 'set.jsonl'), { checker: 'set' })).outcome).toBe('violation');
    expect((await checkHistoryFile(join(folder, 'counter.jsonl'), { checker: 'counter' })).outcome).toBe(
      'ok',
    );
  });

  it('refuses bad options', async () => {
    await expect(checkHistoryFile(join(folder, 'fine.jsonl'))).rejects.toThrow(HistoryUsageError);
    await expect(
      checkHistoryFile(join(folder, 'fine.jsonl'), { model: 'register', timeoutSeconds: 0 }),
    ).rejects.toThrow(/--timeout/);
    await expect(checkHistoryFile(join(folder, 'fine.jsonl'), { model: 'nope' })).rejects.toThrow(
      /unknown model/,
    );
  });
});

describe('runHistoryCheck', () => {
  it('prints a verdict with the explanation, and exits 1 for a violation', async () => {
    const output = await runHistoryCheck({ file: join(folder, 'stale.jsonl'), model: 'register' });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toContain('not-linearizable');
    expect(output.stdout).toContain('none of these can be placed next:');
    expect(output.stdout).toMatch(/#1 process 1 read\(\) -> null \[20, 30\]: illegal in that state/);
  });

  it('prints JSON, and writes the HTML report', async () => {
    const html = join(folder, 'report.html');
    const output = await runHistoryCheck({
      file: join(folder, 'fine.jsonl'),
      model: 'register',
      json: true,
      html,
      partition: false,
      timeout: 5,
    });
    expect(output.exitCode).toBe(0);
    const parsed = JSON.parse(output.stdout) as { outcome: string; result: { verdict: string } };
    expect(parsed.outcome).toBe('ok');
    expect(parsed.result.verdict).toBe('linearizable');
    expect(await readFile(html, 'utf8')).toContain('<svg');
  });

  it('exits 2 with a one-line error naming the file and line for bad input', async () => {
    const output = await runHistoryCheck({ file: join(folder, 'broken.jsonl'), model: 'register' });
    expect(output.exitCode).toBe(2);
    expect(output.stdout).toBe('');
    expect(output.stderr).toMatch(/broken\.jsonl:2: invalid JSON/);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect((await runHistoryCheck({ file: join(folder, 'fine.jsonl'), model: 'what' })).exitCode).toBe(2);
  });

  it('exits 3 when nothing can be decided', async () => {
    await writeFile(join(folder, 'empty-set.jsonl'), line(0, 'invoke', 'add', 1, 0));
    expect((await runHistoryCheck({ file: join(folder, 'empty-set.jsonl'), checker: 'set' })).exitCode).toBe(
      3,
    );
  });
});

describe('renderHistoryHtml', () => {
  it('draws one row per process and marks the partial linearization and the blocked operations', () => {
    const paired = pairOperations(parseJsonl(staleRead, 'stale'));
    const result = checkLinearizability(paired.operations, registerModel());
    const html = renderHistoryHtml(paired, result, { title: 'stale <read>' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>stale &#60;read&#62;</title>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/class="proc"/g)).toHaveLength(2);
    expect(html).toContain('class="op linearized"');
    expect(html).toContain('class="op blocked illegal"');
    expect(html).toContain('1. write(1) → 1');
  });

  it('draws unknown operations to the end of the axis', () => {
    const paired = pairOperations(
      parseJsonl(
        [
          line(0, 'invoke', 'write', 1, 0),
          line(1, 'invoke', 'read', null, 1),
          line(1, 'ok', 'read', null, 2),
        ].join('\n'),
        'u',
      ),
    );
    expect(renderHistoryHtml(paired)).toContain('class="op unknown"');
  });
});
