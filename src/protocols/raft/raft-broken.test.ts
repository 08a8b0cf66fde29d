import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import broken, { type BrokenBug } from '../../../examples/raft-kv-broken.js';
import { historyFromSimulation, historyFromTrace } from '../../history/index.js';
import { runCampaign } from '../../sim/index.js';
import { parseShrinkToken } from '../../sim/index.js';
import { resolveParams } from '../../sim/index.js';
import { simulate } from '../../sim/index.js';

const brokenExample = fileURLToPath(new URL('../../../examples/raft-kv-broken.ts', import.meta.url));

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
    'commit-old-terms: a leader without an entry committed earlier (first at seed 1)',
    {
      bug: 'commit-old-terms',
      failure: { kind: 'invariant', property: 'leader completeness' },
      seedsMax: 30,
      shrinkRunsMax: 120,
    },
  ],
  [
    'volatile-vote: two leaders in one term (first at seed 32)',
    {
      bug: 'volatile-vote',
      failure: { kind: 'invariant', property: 'election safety' },
      seedsMax: 50,
      shrinkRunsMax: 300,
    },
  ],
];

describe('examples/raft-kv-broken.ts: each planted bug is found, and shrunk', () => {
  // The search (seeds from 1, then a few hundred shrinking runs) is the campaign engine's, as
  // `fairlink sim --seeds` runs it, on worker threads: this thread stays free for vitest. The
  // workers load the example as the CLI does, its `fairlink/*` imports resolving to the build
  // (`npm test` builds first). This thread then runs the three runs it judges by. The hunts run
  // side by side, one worker each: shrinking is one run after another, so one hunt alone would
  // leave the second core idle, and a second worker would only run seeds past the failing one.
  it.concurrent.each(hunts)('%s', async (_name, hunt) => {
    const found = await runCampaign({
      scenarioPath: brokenExample,
      params: [`bug=${hunt.bug}`],
      seeds: { from: 1, to: hunt.seedsMax },
      shrinkRunsMax: hunt.shrinkRunsMax,
      // The seed-level shrink and its token are what this judges; schedule-shrink.long.test.ts cuts the schedule.
      shrinkTimeMs: 0,
      workers: 1,
    });
    expect(found.failure, `no failure in seeds 1..${hunt.seedsMax}`).toMatchObject(hunt.failure);
    const seed = found.failure?.seed as number;
    const token = found.shrunk?.token as string;
    expect(token).toBeDefined();

    const params = { ...broken.params, bug: hunt.bug };
    const config = broken.build(params);
    const original = simulate(config, { seed });
    expect(original.failure).toMatchObject(hunt.failure);
    // The same seed without the bug passes: the failure is the bug's.
    const fixed = simulate(broken.build({ ...params, fixed: true }), { seed });
    expect(fixed.failure).toBeUndefined();

    // The shrunk run replays from the seed and its token, smaller than the original.
    const shrunk = simulate(config, { seed, shrink: parseShrinkToken(token) });
    expect(shrunk.failure).toMatchObject(hunt.failure);
    expect(found.reported).toEqual({ seed, shrunk: token, failure: shrunk.failure });
    expect(shrunk.stats.faults).toBeLessThan(original.stats.faults);
    expect(shrunk.losses.length).toBeLessThanOrEqual(original.losses.length);
    expect(shrunk.endMs).toBeLessThanOrEqual(original.endMs);
    // Its trace holds the violation and, in its client events, the whole history.
    const trace = found.trace;
    expect(trace?.header.shrunk).toBe(token);
    expect(trace?.events.at(-1)).toMatchObject({ type: 'violation', property: hunt.failure.property });
    expect(historyFromTrace(trace!, 'run')).toEqual(historyFromSimulation(shrunk.history, 'run'));
  });

  it('refuses an unknown bug, naming the ones it has', () => {
    expect(() => resolveParams(broken, ['bug=typo'])).toThrow(
      '--param bug=typo: expected one of stale-reads, commit-old-terms, volatile-vote',
    );
    expect(broken.paramChoices).toEqual({ bug: ['stale-reads', 'commit-old-terms', 'volatile-vote'] });
  });
});
