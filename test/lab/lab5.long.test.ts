/**
 * Lab 5's planted bug, graded: slow (the simulator shrinks each non-linearizable history it finds,
 * a minute of CPU), so a long test.
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

describe('lab 5 handout, graded: planted bugs', () => {
  it('servers that forget their sessions apply retried requests twice: not linearizable (60/100)', async () => {
    const handout = await initHandout(5);
    dropIn(handout, 5, 'planted/forget-sessions.ts');
    const { run, report } = await gradeHandout(handout, 5);
    expect(failedTests(report)).toEqual([
      'linearizable-under-loss-and-duplication',
      'linearizable-under-everything',
    ]);
    expect(report.earned).toBe(60);
    expect(run.code).toBe(1);
  });
});
