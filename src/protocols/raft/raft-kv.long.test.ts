/**
 * The long sweep of examples/raft-kv.ts (`npm run test:long`): 1,000 seeds through the campaign
 * engine that `fairlink sim --seeds` uses, on worker threads, so the test's own thread stays free
 * while the seeds run. `npm test` runs a representative few seeds (raft-kv.test.ts).
 *
 * The workers load the example as the CLI does, its `fairlink/*` imports resolving to the build
 * (`npm run test:long` builds first).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../sim/index.js';

const raftKvExample = fileURLToPath(new URL('../../../examples/raft-kv.ts', import.meta.url));
const SEEDS = 1_000;

describe('examples/raft-kv.ts: 5 servers, 4 clients, every fault', () => {
  it(`${SEEDS} seeds: the invariants hold, every history is linearizable, every client is served after the heal`, async () => {
    const result = await runCampaign({
      scenarioPath: raftKvExample,
      seeds: { from: 1, to: SEEDS },
      // Every failing seed, not just the first, and as they are: a failure here is read, not replayed.
      keepGoing: true,
      shrink: false,
    });
    expect(result.seeds.failing, JSON.stringify(result.failure)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.seeds.run).toBe(SEEDS);
    // Each run was made of faults (measured when written: 14.5 per run).
    expect(result.stats.faults / SEEDS).toBeGreaterThan(10);
  });
});
