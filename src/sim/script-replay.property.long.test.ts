/**
 * The sweep of script-replay.property.test.ts: more seeds and cuts of each example under every
 * fault kind; a replayed prefix is the run's, byte for byte. One test per sampled run, so that no
 * test is a long loop.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  CUT,
  CUTS,
  expectPrefixReplayed,
  LONG_PREFIX_REPLAY_CASES,
  SEED,
} from '../../test/support/prefix-replay.js';

const RUNS_PER_CASE = 30;

describe("a run's prefix, replayed with its faults, is the run's, byte for byte (sweep)", () => {
  const samples = fc.sample(fc.tuple(SEED, CUT), { numRuns: RUNS_PER_CASE, seed: 1307 });
  const cases = LONG_PREFIX_REPLAY_CASES.flatMap((entry) =>
    samples.map(([seed, cut]) => [entry.name, seed, (cut / CUTS).toFixed(3), entry, cut / CUTS] as const),
  );
  it.each(cases)('%s, seed %i, cut at %s of the run', (_name, seed, _shown, entry, fraction) => {
    expectPrefixReplayed(entry, seed, fraction);
  });
});
