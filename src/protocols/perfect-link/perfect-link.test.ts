import { describe, expect, it } from 'vitest';
import { constant, invariant, simulate } from '../../sim/index.js';
import perfectLinkScenario from '../../../examples/perfect-link.js';
import {
  isPerfectLinkMessage,
  perfectLinkLayer,
  perfectLinkNode,
  type PerfectLinkNodeState,
} from './perfect-link.js';

const SEEDS = 200;

describe('the perfect link', () => {
  it(`delivers every message exactly once under 50% drop, duplication and reordering (seeds 1..${SEEDS})`, () => {
    let duplicates = 0;
    let deliveries = 0;
    let latestEndMs = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = simulate(perfectLinkScenario.build(perfectLinkScenario.params), { seed });
      expect(result.failure, `seed ${seed}`).toBeUndefined();
      duplicates += result.stats.duplicates;
      deliveries += result.stats.deliveries;
      latestEndMs = Math.max(latestEndMs, result.endMs);
    }
    // The medium really did duplicate, and copies really did reach the nodes: the dedup was needed.
    expect(duplicates).toBeGreaterThan(SEEDS);
    expect(deliveries).toBeGreaterThan(SEEDS * 2 * 2 * perfectLinkScenario.params.messages);
    // Every run finished (all acknowledged, no timer left) before its time bound.
    expect(latestEndMs).toBeLessThan(perfectLinkScenario.params.durationMs);
  });

  it('the application callback sees each payload once, in the queue order', () => {
    const calls: string[] = [];
    let queue: string[] = [];
    const protocol = perfectLinkNode<string>({
      resendMs: 5,
      outbox: { a: ['x', 'y', 'z'].map((payload) => ({ to: 'b', payload })) },
      onDeliver: (_context, delivery) => calls.push(delivery.payload),
    });
    const result = simulate(
      {
        nodes: { a: protocol, b: protocol },
        network: { duplicate: 1, delay: constant(20) },
        durationMs: 1_000,
        properties: [
          invariant('probe', (view) => {
            queue =
              view.state<PerfectLinkNodeState<string>>('b')?.delivered.map((delivery) => delivery.payload) ??
              queue;
            return true;
          }),
        ],
      },
      { seed: 1 },
    );
    expect(result.ok).toBe(true);
    // Every copy is duplicated, and resent every 5 ms during a 40 ms round trip: still once each.
    expect(calls).toEqual(['x', 'y', 'z']);
    expect(queue).toEqual(calls);
  });

  it('remembers deliveries compactly: everything below a mark, plus what arrived out of order', () => {
    const layer = perfectLinkLayer<string>({ resendMs: 10 });
    const link = layer.init();
    const sent: unknown[] = [];
    const context = {
      send: (_to: string, message: unknown) => sent.push(message),
      setTimer: () => {},
      cancelTimer: () => {},
    };
    const delivered: string[] = [];
    const receive = (sequence: number): void =>
      layer.receive(context, link, 'a', { type: 'pl-data', sequence, payload: `m${sequence}` }, (payload) =>
        delivered.push(payload),
      );
    for (const sequence of [2, 0, 2, 1, 0, 4]) receive(sequence);
    expect(delivered).toEqual(['m2', 'm0', 'm1', 'm4']);
    expect(link.delivered.get('a')).toEqual({ below: 3, above: new Set([4]) });
    // Every copy was acknowledged, duplicates included.
    expect(sent).toHaveLength(6);
  });

  it('recognises its own messages', () => {
    expect(isPerfectLinkMessage({ type: 'pl-ack', sequence: 0 })).toBe(true);
    expect(isPerfectLinkMessage({ type: 'ping' })).toBe(false);
    expect(isPerfectLinkMessage(null)).toBe(false);
  });
});
