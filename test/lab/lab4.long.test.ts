/**
 * Lab 4's suite (a queue replicated by Raft), tested: the untouched skeleton fails every test with
 * the TODO it hits; fairlink's own Raft passes with full points; each planted bug loses exactly the
 * tests that should catch it:
 * - forget-sessions applies a retried request twice, and only the lossy test makes clients retry;
 * - reply-before-commit answers before a majority holds the entry: replicated-to-a-majority stops
 *   the run when the client has its answer and requires 2 of 3 logs to hold the entry then (its
 *   servers are farther from each other than from the client, so an early answer arrives first).
 *   Faults do not expose it here: the early answers are right as long as the leader keeps them.
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

describe('lab 4 handout, graded', () => {
  it('the untouched skeleton fails every test, each naming the handler left to write', async () => {
    const handout = await initHandout(4);
    const { run, report } = await gradeHandout(handout, 4);
    expect(run.code).toBe(1);
    expect(report.earned).toBe(0);
    for (const test of report.tests) expect(test.reason, test.name).toMatch(/TODO \(Raft\): raft\.onBoot/);
  });

  it.each([
    ['solution/protocol', [], 100],
    ['planted/forget-sessions', ['queue-under-loss-and-duplication'], 80],
    ['planted/reply-before-commit', ['replicated-to-a-majority'], 85],
  ] as const)('%s loses exactly %j (%i/100)', async (file, lost, earned) => {
    const handout = await initHandout(4);
    dropIn(handout, 4, `${file}.ts`);
    const { run, report } = await gradeHandout(handout, 4);
    expect(failedTests(report)).toEqual(lost);
    expect(report.earned).toBe(earned);
    expect(run.code).toBe(lost.length === 0 ? 0 : 1);
  });
});
