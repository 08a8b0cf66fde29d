/**
 * Property: a simulator run's first k events, replayed as a script with every fault where it
 * happened (`scriptFromTrace(..., { faults: true })`, `RunOptions.scriptSendFates`), record the
 * same k events, byte for byte: what the explorer relies on when it branches a run at event k.
 * Random seeds and cuts over the examples under every fault kind (test/support/prefix-replay.ts);
 * script-replay.property.long.test.ts sweeps more of both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CUT,
  CUTS,
  expectPrefixReplayed,
  PREFIX_REPLAY_CASES,
  RUN_TO_END,
  SEED,
} from '../../test/support/prefix-replay.js';
import { simulate } from './simulator.js';

describe("a run's prefix, replayed with its faults, is the run's, byte for byte", () => {
  it.each(PREFIX_REPLAY_CASES.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    fc.assert(
      fc.property(SEED, CUT, (seed, cut) => expectPrefixReplayed(entry, seed, cut / CUTS)),
      // A fixed fast-check seed: the same runs every time.
      { numRuns: 10, seed: 13 },
    );
  });

  it.each(PREFIX_REPLAY_CASES.map((entry) => [entry.name, entry] as const))(
    '%s: whole runs, the verdicts judged as a run ends included',
    (_name, entry) => {
      fc.assert(
        fc.property(SEED, (seed) => expectPrefixReplayed(entry, seed, 1)),
        { numRuns: 5, seed: 14 },
      );
    },
  );

  it('a run judged at its end time, later than its last step: the verdict comes at that time', () => {
    const run = simulate(RUN_TO_END.config, { seed: 3, trace: true });
    const events = run.trace?.events ?? [];
    expect(run.failure?.kind).toBe('at-end');
    expect(events[events.length - 1]?.t).toBeGreaterThan(events[events.length - 2]?.t ?? Infinity);
    expectPrefixReplayed(RUN_TO_END, 3, 1);
  });
});
