import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFairlink, scratchFolder } from '../../../test/cli/run-cli.js';

const example = fileURLToPath(new URL('../../../examples/raft-check.ts', import.meta.url));

// Exhaustive runs of examples/raft-check.ts, a minute of CPU each: in the long suite, and in a
// child process (`fairlink check`), so that no test worker runs a long synchronous search.
describe('Raft model-checked exhaustively (long)', () => {
  it('3 servers, one term, no crash, no client: every property holds on every path', async () => {
    const args = ['--param', 'bug=volatile-vote', '--param', 'fixed=true', '--param', 'crashes=0', '--json'];
    const run = await runFairlink(['check', example, ...args], {
      cwd: scratchFolder(),
      timeoutMs: 1_200_000,
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ verdict: 'ok', complete: true });
    // Breadth-first and exhaustive, no symmetry (the command's default): the same count on every
    // machine (841,756 generated, depth 23 on one worker).
    expect(result.distinctStates).toBe(167_531);
    expect(run.code).toBe(0);
  }, 1_300_000);
});
