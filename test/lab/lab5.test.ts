/**
 * Lab 5's suite (a key-value store on Raft, judged linearizable), tested: the untouched skeleton
 * fails every test with the TODO it hits; fairlink's own Raft passes with full points; the planted
 * bug's test is lab5.long.test.ts (shrinking its non-linearizable history takes a minute).
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

describe('lab 5 handout, graded', () => {
  it('the untouched skeleton fails every test, each naming the handler left to write', async () => {
    const handout = await initHandout(5);
    const { run, report } = await gradeHandout(handout, 5);
    expect(run.code).toBe(1);
    expect(report.earned).toBe(0);
    for (const test of report.tests) expect(test.reason, test.name).toMatch(/TODO \(Raft\): raft\.onBoot/);
  });

  it("fairlink's own solution passes with full points", async () => {
    const handout = await initHandout(5);
    dropIn(handout, 5, 'solution/protocol.ts');
    const { run, report } = await gradeHandout(handout, 5);
    expect(failedTests(report)).toEqual([]);
    expect(report.earned).toBe(100);
    expect(run.code).toBe(0);
  });
});
