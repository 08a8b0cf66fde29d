import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHistoryCheck } from '../cli.js';

/** T0 saw T1's append to y but not its append to x: G-single. */
const gSingle = `; a G-single
[{:type :invoke, :f :txn, :value [[:r "x" nil] [:r "y" nil]], :process 0}
 {:type :invoke, :f :txn, :value [[:append "x" 1] [:append "y" 1]], :process 1}
 {:type :ok, :f :txn, :value [[:r "x" []] [:r "y" [1]]], :process 0}
 {:type :ok, :f :txn, :value [[:append "x" 1] [:append "y" 1]], :process 1}
 {:type :invoke, :f :txn, :value [[:r "x" nil]], :process 0}
 {:type :ok, :f :txn, :value [[:r "x" [1]]], :process 0}]
`;

let folder: string;
let file: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fairlink-txn-'));
  file = join(folder, 'history.edn');
  await writeFile(file, gSingle);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('fairlink history check --model list-append', () => {
  it('names the anomaly, the models it rules out, explains and draws the cycle, exit 1', async () => {
    const html = join(folder, 'report.html');
    const output = await runHistoryCheck({ files: [file], model: 'list-append', html });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toContain('invalid under strict-serializable');
    expect(output.stdout).toContain('not repeatable-read, snapshot-isolation');
    expect(output.stdout).toContain(
      'T0 read key x empty, and T1 appended the next element, 1, which T0 did not see (rw)',
    );
    expect(output.stdout).toContain('T0 -rw-> T1 -wr-+');
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('G-single');
  });

  it('exits 0 when the models asked allow the anomaly', async () => {
    const output = await runHistoryCheck({
      files: [file],
      model: 'list-append',
      consistencyModels: ['read-committed'],
    });
    expect(output.exitCode).toBe(0);
    expect(output.stdout).toContain('valid under read-committed');
  });

  it('prints JSON with the anomalies', async () => {
    const output = await runHistoryCheck({ files: [file], model: 'list-append', json: true });
    const parsed = JSON.parse(output.stdout) as {
      checker: string;
      result: { anomalyTypes: string[]; not: string[] };
    };
    expect(parsed.checker).toBe('transactions');
    expect(parsed.result.anomalyTypes).toEqual(['G-single']);
  });

  it('refuses an unknown model and a transactional workload under another checker, exit 2', async () => {
    const unknown = await runHistoryCheck({
      files: [file],
      model: 'list-append',
      consistencyModels: ['linearizable'],
    });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown model "linearizable"');
    const mismatch = await runHistoryCheck({ files: [file], model: 'list-append', checker: 'linearizable' });
    expect(mismatch.exitCode).toBe(2);
  });

  it('refuses a history without transactions, exit 2', async () => {
    const registers = join(folder, 'register.edn');
    await writeFile(
      registers,
      '{:type :invoke, :f :write, :value 1, :process 0}\n{:type :ok, :f :write, :value 1, :process 0}\n',
    );
    const output = await runHistoryCheck({ files: [registers], model: 'list-append' });
    expect(output.exitCode).toBe(2);
    expect(output.stderr).toContain('register.edn:1: no :txn operations');
  });

  it('names the file and line of a malformed transaction, exit 2', async () => {
    const bad = join(folder, 'bad.edn');
    await writeFile(bad, '{:type :invoke, :f :txn, :value [[:append 1]], :process 0}\n');
    const output = await runHistoryCheck({ files: [bad], model: 'list-append' });
    expect(output.exitCode).toBe(2);
    expect(output.stderr).toMatch(/bad\.edn:1: a micro-operation must be \[f key value\]/);
  });
});
