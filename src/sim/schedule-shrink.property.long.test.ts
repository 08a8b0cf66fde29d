/**
 * Property (issue 16), heavier than schedule-shrink.property.test.ts: more failing seeds of
 * each example with a planted bug, larger budgets, and the broken Raft store's three bugs. For
 * each, the shrunk run fails the same way, is never larger, and replays identically.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  failingRun,
  SHRINK_CASES,
  shrinkAndCheck,
  type ShrinkCase,
} from '../../test/support/shrink-cases.js';

function shrinkProperty(
  entry: ShrinkCase,
  options: { seedsMax: number; numRuns: number; seedRuns: number; scheduleRuns: number; fcSeed?: number },
): void {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: options.seedsMax }), (seed) => {
      const failing = failingRun(entry, seed);
      fc.pre(failing !== undefined);
      if (failing === undefined) return;
      shrinkAndCheck(entry, failing, { seedRuns: options.seedRuns, scheduleRuns: options.scheduleRuns });
    }),
    { numRuns: options.numRuns, seed: options.fcSeed ?? 1616, maxSkipsPerRun: 100 },
  );
}

/**
 * Lets vitest's worker talk to its main process between two synchronous tests: without a turn
 * of the event loop, its messages wait the whole file long and time out.
 */
function yieldToVitest(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('shrinking the examples: same failure, never larger, identical replay (long)', () => {
  it.each([
    ['two-generals', SHRINK_CASES.twoGenerals],
    ['lottery', SHRINK_CASES.lottery],
    ['perfect-link', SHRINK_CASES.perfectLink],
    ['lab-1', SHRINK_CASES.lab1],
  ] as const)('%s', async (_name, entry) => {
    await yieldToVitest();
    shrinkProperty(entry, { seedsMax: 100_000, numRuns: 20, seedRuns: 200, scheduleRuns: 500 });
  });

  // One failing seed per test: a Raft shrink is a synchronous loop of seconds, and a test must
  // not hold its worker much longer (vitest's own messages would time out).
  const raftBugs = [
    ['stale-reads', SHRINK_CASES.staleReads],
    ['commit-old-terms', SHRINK_CASES.commitOldTerms],
    ['volatile-vote', SHRINK_CASES.volatileVote],
  ] as const;
  it.each(raftBugs.flatMap(([bug, entry]) => [1, 2, 3].map((fcSeed) => [bug, fcSeed, entry] as const)))(
    'raft-kv-broken bug=%s, draw %i',
    async (_bug, fcSeed, entry) => {
      await yieldToVitest();
      shrinkProperty(entry, { seedsMax: 60, numRuns: 1, seedRuns: 5, scheduleRuns: 15, fcSeed });
    },
  );
});
