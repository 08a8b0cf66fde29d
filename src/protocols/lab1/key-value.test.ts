import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { invariant } from '../../core/index.js';
import kvScenario from '../../../examples/lab1-kv.js';
import type { KeyValueServerState } from './key-value.js';

describe("lab 1's reliable key-value server", () => {
  it('with 1% drop and 10 ms delay: set a=1, set b=22, then get a -> 1, get b -> 22 (seeds 1..30)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const result = simulate(kvScenario.build(kvScenario.params), { seed });
      expect(result.failure, `seed ${seed}`).toBeUndefined();
      expect(result.history.map(({ type, f, value }) => `${type} ${f} ${JSON.stringify(value)}`)).toEqual([
        'invoke put ["a",1]',
        'ok put ["a",1]',
        'invoke put ["b",22]',
        'ok put ["b",22]',
        'invoke get ["a",null]',
        'ok get ["a",1]',
        'invoke get ["b",null]',
        'ok get ["b",22]',
      ]);
    }
  });

  it('runs each request once even when copies are lost, duplicated and retransmitted', () => {
    let retransmittedRuns = 0;
    for (let seed = 1; seed <= 30; seed++) {
      let server: KeyValueServerState | undefined;
      const config = kvScenario.build({ ...kvScenario.params, dropRate: 0.3, resendMs: 15 });
      const result = simulate(
        {
          ...config,
          network: { ...config.network, duplicate: 0.3 },
          properties: [
            ...(config.properties ?? []),
            invariant('at most once', (view) => {
              server = view.state<KeyValueServerState>('server') ?? server;
              return (server?.executed ?? 0) <= 4;
            }),
          ],
        },
        { seed },
      );
      expect(result.failure, `seed ${seed}`).toBeUndefined();
      expect(server?.executed).toBe(4);
      if (result.stats.deliveries > 8) retransmittedRuns++;
    }
    // The server did receive copies (more than 4 requests and 4 replies delivered) in most runs.
    expect(retransmittedRuns).toBeGreaterThan(20);
  });
});
