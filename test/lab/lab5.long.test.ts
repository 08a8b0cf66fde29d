/**
 * Lab 5's planted bugs, graded: slow (the simulator shrinks each non-linearizable history it finds,
 * a minute of CPU), so a long test. Each loses exactly the tests that should catch it:
 * - forget-sessions applies a retried request twice: the two tests whose lost and duplicated
 *   messages make clients retry;
 * - stale-reads answers reads from the leader's own state without confirming its leadership:
 *   the cut-off-leader test keeps two reading clients on a leader cut off from the majority while
 *   the third writes through the new one. The random partitions of the other tests rarely leave a
 *   client reading from a deposed leader after a write elsewhere (one seed in 60 when measured),
 *   so with their 5 seeds they pass.
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

/** Against hangs only: a minute of CPU on a quiet machine, several on one as busy as a CI box. */
const GRADE_TIMEOUT_MS = 600_000;

describe('lab 5 handout, graded: planted bugs', () => {
  it.each([
    [
      'planted/forget-sessions',
      ['linearizable-under-loss-and-duplication', 'linearizable-under-everything'],
      65,
    ],
    ['planted/stale-reads', ['linearizable-reads-from-a-cut-off-leader'], 80],
  ] as const)(
    '%s loses exactly %j (%i/100)',
    async (file, lost, earned) => {
      const handout = await initHandout(5);
      dropIn(handout, 5, `${file}.ts`);
      const { run, report } = await gradeHandout(handout, 5, [], GRADE_TIMEOUT_MS);
      expect(failedTests(report)).toEqual(lost);
      expect(report.earned).toBe(earned);
      expect(run.code).toBe(1);
    },
    GRADE_TIMEOUT_MS + 60_000,
  );
});
