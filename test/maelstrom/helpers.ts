/**
 * What the workbench tests share: the fixture nodes, fairlink's own nodes as a
 * program, short runs, and the check that no node process outlives its run.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { killGroup, liveProcessGroups } from '../../src/maelstrom/node-process.js';
import type { MaelstromTestInput } from '../../src/maelstrom/options.js';
import { runMaelstromTest, type MaelstromRun } from '../../src/maelstrom/run.js';

export { fairlinkNodeProgram } from './fairlink-node-bundle.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The path of a fixture node (test/maelstrom/fixtures). */
export function fixture(name: string): string {
  return join(here, 'fixtures', name);
}

/** Settings of a short test run: 3 nodes, 2 s, 20 operations per second, quick timeouts. */
export const SHORT_RUN = {
  nodeCount: 3,
  timeLimitMs: 2_000,
  rate: 20,
  recoveryMs: 500,
  requestTimeoutMs: 1_000,
  stopGraceMs: 1_000,
} as const;

/**
 * The fewest operations a short run at `rate` operations per second must complete for its verdict
 * to count as earned (a checker that judged almost nothing proves nothing). A short run is real
 * time, so how many operations it completes depends on how busy the machine is: beside two busy
 * processes and five other test jobs (load 14), runs completed 45% of `rate` times the run's
 * length, and a floor of half failed. The floor is an eighth: it still fails a run whose client
 * or checker silently stopped, which is what it is for.
 */
export function earnedFloor(rate: number = SHORT_RUN.rate): number {
  return Math.floor((rate * SHORT_RUN.timeLimitMs) / 1000 / 8);
}

/** Runs a workbench test with {@link SHORT_RUN}'s settings unless overridden, and checks nothing is left running. */
export async function runShort(input: MaelstromTestInput): Promise<MaelstromRun> {
  const run = await runMaelstromTest({ ...SHORT_RUN, ...input });
  expectNoProcessLeft(run);
  return run;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every node process of `run` has ended, and so has everything in its process group. */
export function expectNoProcessLeft(run: MaelstromRun): void {
  for (const node of run.nodes) {
    if (node.pid === undefined) continue;
    expect(groupAlive(node.pid), `process group of ${node.id} (pid ${node.pid})`).toBe(false);
    expect(liveProcessGroups()).not.toContain(node.pid);
  }
}

/**
 * For afterAll (tests of a file may run concurrently): nothing may be left running; whatever a
 * failed test left is killed, and the test file fails.
 */
export function expectNothingLeft(): void {
  const left = liveProcessGroups();
  for (const group of left) killGroup(group, 'SIGKILL');
  expect(left, 'process groups left running').toEqual([]);
}

/** The kinds of diagnostics of a run, as `node kind` strings. */
export function problems(run: MaelstromRun): string[] {
  return run.diagnostics.map((group) => `${group.node} ${group.kind}`);
}
