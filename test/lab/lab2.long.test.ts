/**
 * Lab 2's suite, tested: the untouched skeleton fails every test with the TODO it hits; fairlink's
 * own clocks dropped into the handout pass with full points; each planted bug loses exactly the
 * tests (and points) that should catch it.
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

describe('lab 2 handout, graded', () => {
  it('the untouched skeleton fails every test, each naming the function left to write', async () => {
    const handout = await initHandout(2);
    const { run, report } = await gradeHandout(handout, 2);
    expect(run.code).toBe(1);
    expect(report.earned).toBe(0);
    expect(report.points).toBe(100);
    for (const test of report.tests) {
      expect(test.verdict, test.name).toBe('fail');
      expect(test.reason, test.name).toMatch(/TODO \(lab 2, part [123]\)/);
    }
    expect(report.tests[0]?.reason).toBe(
      'lamportReceive(0, 0) threw Error: TODO (lab 2, part 1): lamportReceive(0, 0)',
    );
  });

  it("fairlink's own solution passes with full points", async () => {
    const handout = await initHandout(2);
    dropIn(handout, 2, 'solution/protocol.ts');
    const { run, report } = await gradeHandout(handout, 2);
    expect(failedTests(report)).toEqual([]);
    expect(report.earned).toBe(100);
    expect(run.code).toBe(0);
  });

  it.each([
    ['receive-without-tick', ['lamport-rules', 'vector-receive'], 80],
    ['equal-is-before', ['vector-compare'], 90],
    [
      'latest-sample',
      ['clock-sync-5-percent-drop-100ms-delay', 'clock-sync-duplication', 'clock-sync-server-crash'],
      70,
    ],
  ] as const)('planted bug %s loses exactly %j (%i/100)', async (bug, lost, earned) => {
    const handout = await initHandout(2);
    dropIn(handout, 2, `planted/${bug}.ts`);
    const { run, report } = await gradeHandout(handout, 2);
    expect(failedTests(report)).toEqual(lost);
    expect(report.earned).toBe(earned);
    expect(run.code).toBe(1);
  });

  it('a failed case says which call returned what, against what', async () => {
    const handout = await initHandout(2);
    dropIn(handout, 2, 'planted/equal-is-before.ts');
    const { report } = await gradeHandout(handout, 2, ['--test', 'vector-compare']);
    expect(report.tests[0]?.reason).toBe(
      'compareVectors({"p1":2,"p2":1}, {"p1":2,"p2":1}) returned "before", expected "concurrent"',
    );
  });
});
