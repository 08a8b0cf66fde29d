import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFairlink, scratchFolder } from '../../../test/cli/run-cli.js';

const example = fileURLToPath(new URL('../../../examples/raft-check.ts', import.meta.url));

/** Runs `fairlink check examples/raft-check.ts` with `params` in a child process; its JSON result. */
async function checkRaft(
  params: readonly string[],
  extra: readonly string[] = [],
): Promise<{ readonly code: number | null; readonly result: Record<string, unknown>; readonly cwd: string }> {
  const cwd = scratchFolder();
  const args = params.flatMap((param) => ['--param', param]);
  const run = await runFairlink(['check', example, ...args, ...extra, '--json'], {
    cwd,
    timeoutMs: 2_400_000,
  });
  // Nothing on stderr but the progress lines of a search that lasts more than ten seconds.
  expect(run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('progress: '))).toEqual([]);
  return { code: run.code, result: JSON.parse(run.stdout) as Record<string, unknown>, cwd };
}

// Exhaustive runs of examples/raft-check.ts, minutes of CPU each: in the long suite, and in a
// child process (`fairlink check`), so that no test worker runs a long synchronous search.
// Breadth-first, one worker, no symmetry (the command's defaults): the same counts on every
// machine.
describe('Raft model-checked exhaustively (long)', () => {
  it('3 servers, one term, no crash, no client: every property holds on every path', async () => {
    const { code, result } = await checkRaft(['bug=volatile-vote', 'fixed=true', 'crashes=0']);
    expect(result).toMatchObject({ verdict: 'ok', complete: true });
    // 96,511 generated, depth 18 (55,877 states without forgetting dead messages).
    expect(result.distinctStates).toBe(7_925);
    expect(code).toBe(0);
  }, 2_500_000);

  it('3 servers, one term, one client whose put may retry anywhere: Raft safety and linearizability on every path', async () => {
    const { code, result } = await checkRaft(['bug=none']);
    expect(result).toMatchObject({ verdict: 'ok', complete: true, depth: 17 });
    expect(result.properties).toContainEqual({ name: 'linearizable (kv)', kind: 'always', status: 'ok' });
    // 47,773 generated (5,696 states without forgetting dead messages).
    expect(result.distinctStates).toBe(4_016);
    expect(code).toBe(0);
  }, 2_500_000);

  // Each planted bug, found by the search and replayed by the simulator from the trace.
  it.each([
    // [bug, property, steps, distinct states, depth]
    ['volatile-vote', 'election safety', 8, 2_197, 9],
    ['stale-reads', 'linearizable (kv)', 12, 41_121, 13],
    ['commit-old-terms', 'leader completeness', 16, 890_698, 17],
  ] as const)(
    '%s: %s fails in %i steps, and the simulator replays them',
    async (bug, property, steps, states, depth) => {
      const trace = `${bug}.trace.jsonl`;
      const { code, result, cwd } = await checkRaft([`bug=${bug}`], ['--trace', trace]);
      expect(code).toBe(1);
      expect(result).toMatchObject({ verdict: 'violation', property: { name: property }, depth });
      expect(result.path).toHaveLength(steps);
      expect(result.distinctStates).toBe(states);
      const replay = await runFairlink(
        ['sim', example, '--param', `bug=${bug}`, '--schedule', join(cwd, trace), '--json'],
        { cwd },
      );
      expect(JSON.parse(replay.stdout)).toMatchObject({ verdict: 'fail', steps, failure: { property } });
      expect(replay.code).toBe(1);
    },
    2_500_000,
  );
});
