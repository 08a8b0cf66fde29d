/**
 * Lab 1's suite, tested: the untouched skeleton fails every test with the TODO it hits; fairlink's
 * own solution dropped into the handout passes with full points; each planted bug loses exactly
 * the tests (and points) that should catch it.
 */
import { describe, expect, it } from 'vitest';
import { dropIn, failedTests, gradeHandout, initHandout } from './lab-kit.js';

describe('lab 1 handout, graded', () => {
  it('the untouched skeleton fails every test, each naming the handler left to write', async () => {
    const handout = await initHandout(1);
    const { run, report } = await gradeHandout(handout, 1);
    expect(run.code).toBe(1);
    expect(report.earned).toBe(0);
    expect(report.points).toBe(100);
    for (const test of report.tests) {
      expect(test.verdict, test.name).toBe('fail');
      expect(test.reason, test.name).toMatch(
        /TODO \(lab 1, part [12]\): (reliableSender|keyValueClient)\.onBoot/,
      );
    }
    const simulated = report.tests.find((test) => test.name === 'ping-under-20-percent-drop');
    expect(simulated?.replay).toMatch(/^npx fairlink sim tests\/reliable-send\.ts --seed 1 /);
    expect(simulated?.diagram).toBe('out/lab-1/ping-under-20-percent-drop.html');
  });

  it("fairlink's own solution passes with full points", async () => {
    const handout = await initHandout(1);
    dropIn(handout, 1, 'solution/protocol.ts');
    const { run, report } = await gradeHandout(handout, 1);
    expect(failedTests(report)).toEqual([]);
    expect(report.earned).toBe(100);
    expect(run.code).toBe(0);
  });

  it('a sender that never retransmits loses the tests with loss, a partition or a crash (75/100)', async () => {
    const handout = await initHandout(1);
    dropIn(handout, 1, 'planted/no-retransmit.ts');
    const { run, report } = await gradeHandout(handout, 1);
    expect(failedTests(report)).toEqual([
      'ping-under-20-percent-drop',
      'ping-under-loss-duplication-reordering',
      'ping-through-a-partition',
      'ping-across-a-crash',
    ]);
    expect(report.earned).toBe(75);
    expect(run.code).toBe(1);
  });

  it('a server that runs every copy loses the exactly-once tests, the search among them (45/100)', async () => {
    const handout = await initHandout(1);
    dropIn(handout, 1, 'planted/no-deduplication.ts');
    const { run, report } = await gradeHandout(handout, 1);
    expect(failedTests(report)).toEqual([
      'key-value-under-1-percent-drop',
      'key-value-under-loss-and-duplication',
      'key-value-through-a-partition',
      'exactly-once-every-interleaving',
    ]);
    const search = report.tests.find((test) => test.name === 'exactly-once-every-interleaving');
    expect(search?.reason).toMatch(/exactly once: the server runs each request at most once/);
    expect(search?.replay).toMatch(/^npx fairlink check tests\/key-value\.ts --param operations=4/);
    expect(report.earned).toBe(45);
    expect(run.code).toBe(1);
  });
});
