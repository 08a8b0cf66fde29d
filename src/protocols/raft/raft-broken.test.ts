import { describe, expect, it } from 'vitest';
import broken, { type BrokenBug } from '../../../examples/raft-kv-broken.js';
import { historyFromSimulation, historyFromTrace } from '../../history/workloads/history.js';
import { resolveParams } from '../../sim/scenario.js';
import { shrinkFailure } from '../../sim/shrink.js';
import { simulate, type SimulationResult } from '../../sim/simulator.js';

interface Hunt {
  readonly bug: BrokenBug;
  /** The check that catches it. */
  readonly failure: { readonly kind: string; readonly property: string };
  /** The bug must show within this many seeds, from seed 1. */
  readonly seedsMax: number;
  /** Candidate runs the shrinker may try. */
  readonly shrinkRunsMax: number;
}

// The first failing seed, as measured when this was written, is in each test's name; the bound
// leaves room for changes elsewhere (the simulator's streams, the network model) that move it.
const hunts: readonly (readonly [string, Hunt])[] = [
  [
    'stale-reads: a linearizability violation (first at seed 3)',
    {
      bug: 'stale-reads',
      failure: { kind: 'at-end', property: 'linearizable (kv)' },
      seedsMax: 30,
      shrinkRunsMax: 60,
    },
  ],
  [
    'commit-old-terms: a committed entry overwritten (first at seed 1)',
    {
      bug: 'commit-old-terms',
      failure: { kind: 'invariant', property: 'committed entries never change' },
      seedsMax: 30,
      shrinkRunsMax: 120,
    },
  ],
  [
    'volatile-vote: two leaders in one term (first at seed 11)',
    {
      bug: 'volatile-vote',
      failure: { kind: 'invariant', property: 'election safety' },
      seedsMax: 50,
      shrinkRunsMax: 300,
    },
  ],
];

describe('examples/raft-kv-broken.ts: each planted bug is found, and shrunk', () => {
  it.each(hunts)(
    '%s',
    (_name, hunt) => {
      const params = { ...broken.params, bug: hunt.bug };
      const config = broken.build(params);
      let failing: SimulationResult | undefined;
      let seed = 1;
      for (; seed <= hunt.seedsMax && failing === undefined; seed++) {
        const result = simulate(config, { seed });
        if (result.failure) failing = result;
      }
      seed--;
      expect(failing?.failure, `no failure in seeds 1..${hunt.seedsMax}`).toMatchObject(hunt.failure);
      const found = failing as SimulationResult;

      // The same seed without the bug passes: the failure is the bug's.
      const fixed = simulate(broken.build({ ...params, fixed: true }), { seed });
      expect(fixed.failure).toBeUndefined();

      const shrunk = shrinkFailure(config, found, { seed, runsMax: hunt.shrinkRunsMax });
      expect(shrunk.result.failure).toMatchObject(hunt.failure);
      expect(shrunk.result.stats.faults).toBeLessThan(found.stats.faults);
      expect(shrunk.result.losses.length).toBeLessThanOrEqual(found.losses.length);
      expect(shrunk.result.endMs).toBeLessThanOrEqual(found.endMs);
      // The shrunk run replays from the seed and its directives, and its trace holds the violation
      // and, in its client events, the whole history.
      const replayed = simulate(config, { seed, shrink: shrunk.directives });
      expect(replayed.failure).toEqual(shrunk.result.failure);
      const trace = shrunk.result.trace;
      expect(trace?.header.shrunk).toBe(shrunk.token);
      expect(trace?.events.at(-1)).toMatchObject({ type: 'violation', property: hunt.failure.property });
      expect(historyFromTrace(trace!, 'run')).toEqual(historyFromSimulation(shrunk.result.history, 'run'));
    },
    60_000,
  );

  it('refuses an unknown bug, naming the ones it has', () => {
    expect(() => resolveParams(broken, ['bug=typo'])).toThrow(
      '--param bug=typo: expected one of stale-reads, commit-old-terms, volatile-vote',
    );
    expect(broken.paramChoices).toEqual({ bug: ['stale-reads', 'commit-old-terms', 'volatile-vote'] });
  });
});
