/**
 * Lab 3's suite (Raft's election), tested: the untouched skeleton fails every test with the TODO
 * it hits; fairlink's own Raft passes with full points; each planted bug loses exactly the tests
 * (and points) that should catch it, the search test among them.
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

describe('lab 3 handout, graded', () => {
  it('the untouched skeleton fails every test, each naming the handler left to write', async () => {
    const handout = await initHandout(3);
    const { run, report } = await gradeHandout(handout, 3);
    expect(run.code).toBe(1);
    expect(report.earned).toBe(0);
    for (const test of report.tests) expect(test.reason, test.name).toMatch(/TODO \(Raft\): raft\.onBoot/);
  });

  it.each([
    ['solution/protocol', [], 100],
    ['planted/vote-twice', ['no-two-leaders-in-one-term'], 80],
    [
      'planted/no-heartbeats',
      ['stability', 'election-random-timeouts', 'election-under-loss-and-duplication'],
      60,
    ],
  ] as const)('%s loses exactly %j (%i/100)', async (file, lost, earned) => {
    const handout = await initHandout(3);
    dropIn(handout, 3, `${file}.ts`);
    const { run, report } = await gradeHandout(handout, 3);
    expect(failedTests(report)).toEqual(lost);
    expect(report.earned).toBe(earned);
    expect(run.code).toBe(lost.length === 0 ? 0 : 1);
  });
});
