/**
 * `fairlink history check FILE --model list-append` end to end, through the built binary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFairlink, scratchFolder } from './run-cli.js';

/** Write skew: each transaction read both keys empty and appended to one. */
const writeSkew = `[{:type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 1 1]], :process 0}
 {:type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 2 1]], :process 1}
 {:type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 1 1]], :process 0}
 {:type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 2 1]], :process 1}
 {:type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil]], :process 2}
 {:type :ok, :f :txn, :value [[:r 1 [1]] [:r 2 [1]]], :process 2}]
`;

describe('fairlink history check --model list-append', () => {
  it('write skew: G2-item, exit 1 under serializable, exit 0 under snapshot isolation', async () => {
    const cwd = scratchFolder();
    const file = join(cwd, 'skew.edn');
    writeFileSync(file, writeSkew);
    const strict = await runFairlink(['history', 'check', file, '--model', 'list-append'], { cwd });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('anomalies: G2-item (1)');
    expect(strict.stdout).toContain('not repeatable-read');
    const si = await runFairlink(
      ['history', 'check', file, '--model', 'list-append', '--consistency-models', 'snapshot-isolation'],
      { cwd },
    );
    expect(si.code).toBe(0);
    const unknown = await runFairlink(
      ['history', 'check', file, '--model', 'list-append', '--consistency-models', 'acid'],
      { cwd },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown model "acid"');
  });
});
