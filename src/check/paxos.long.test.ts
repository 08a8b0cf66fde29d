/**
 * Single-decree Paxos with 3 clients (examples/paxos.ts) on two workers, cross-checked against
 * Stateright 0.31: 1,194,428 distinct states, 2,420,477 generated, depth 28. A long run (about
 * a minute of CPU), kept out of the default suite: `npm run test:long`.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkInWorkers } from './parallel.js';

const exampleModule = fileURLToPath(new URL('../../examples/paxos.ts', import.meta.url));

describe('Paxos, as Stateright checks it (long)', () => {
  it('3 clients: 1,194,428 states, 2,420,477 generated, depth 28, linearizable', async () => {
    const result = await checkInWorkers({ module: exampleModule, params: { clients: 3 } }, { workers: 2 });
    expect(result).toMatchObject({
      verdict: 'ok',
      complete: true,
      distinctStates: 1_194_428,
      generatedStates: 2_420_477,
      maxDepth: 28,
    });
  }, 900_000);
});
