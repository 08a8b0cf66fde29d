/**
 * The figures of issue 16 for the small examples, pinned: each one's first failing seed, before
 * and after shrinking with the default budgets (counted in runs, so the same on every machine).
 * The broken Raft store's are in schedule-shrink.long.test.ts; `npm run bench` (bench/shrink.ts)
 * prints all of them with the time shrinking took.
 */
import { describe, expect, it } from 'vitest';
import {
  failingRun,
  SHRINK_CASES,
  shrinkAndCheck,
  type ShrinkCase,
} from '../../test/support/shrink-cases.js';
import { SCHEDULE_SHRINK_RUNS_DEFAULT } from './schedule-shrink.js';
import { SHRINK_RUNS_MAX_DEFAULT } from './shrink.js';

const DEFAULT_BUDGETS = { seedRuns: SHRINK_RUNS_MAX_DEFAULT, scheduleRuns: SCHEDULE_SHRINK_RUNS_DEFAULT };

function firstFailingSeed(entry: ShrinkCase): number {
  for (let seed = 1; seed <= 100; seed++) if (failingRun(entry, seed) !== undefined) return seed;
  throw new Error(`${entry.name}: no failing seed in 1..100`);
}

describe('shrinking figures of the small examples (at most 20 steps)', () => {
  it.each([
    // name, case, first failing seed, before, after (steps, messages, operations, faults)
    ['two-generals', SHRINK_CASES.twoGenerals, 3, [15, 9, 0, 0], [4, 3, 0, 0]],
    // Liveness failures: only the seed-level shrink applies (see schedule-shrink.ts).
    ['perfect-link (durationMs=100)', SHRINK_CASES.perfectLink, 7, [22, 18, 0, 0], [20, 14, 0, 0]],
    ['lab-1 (durationMs=300, dropRate=0.3)', SHRINK_CASES.lab1, 1, [11, 10, 1, 0], [11, 10, 1, 0]],
  ] as const)('%s', (_name, entry, seed, before, after) => {
    expect(firstFailingSeed(entry)).toBe(seed);
    const shrunk = shrinkAndCheck(entry, failingRun(entry, seed)!, DEFAULT_BUDGETS);
    const sizes = (size: typeof shrunk.before): number[] => [
      size.steps,
      size.messages,
      size.operations,
      size.faults,
    ];
    expect(sizes(shrunk.before)).toEqual(before);
    expect(sizes(shrunk.after)).toEqual(after);
    expect(shrunk.after.steps).toBeLessThanOrEqual(20);
  });
});
