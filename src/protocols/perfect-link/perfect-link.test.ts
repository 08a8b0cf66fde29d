import { describe, expect, it } from 'vitest';
import { constant, exponential, simulate } from '../../sim/index.js';
import { always, invariant } from '../../core/index.js';
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
    const receive = (sequence: number): boolean =>
      layer.receive(context, link, 'a', { type: 'pl-data', sequence, payload: `m${sequence}` }, (payload) =>
        delivered.push(payload),
      );
    // A copy leaves the link as it was: a host that persists the link has nothing to write.
    expect([2, 0, 2, 1, 0, 4].map(receive)).toEqual([true, true, false, true, false, true]);
    expect(delivered).toEqual(['m2', 'm0', 'm1', 'm4']);
    expect(link.delivered.get('a')).toEqual({ below: 3, above: new Set([4]) });
    // Every copy was acknowledged, duplicates included.
    expect(sent).toHaveLength(6);
  });

  it('with durable state, survives a crash-recover of either node in the simulator: each payload once (seeds 1..50)', () => {
    const outbox = {
      a: ['w', 'x', 'y', 'z'].map((payload) => ({ to: 'b', payload })),
      b: ['p', 'q'].map((payload) => ({ to: 'a', payload })),
    };
    type Fault = { atMs: number; fault: { kind: 'crash-recover'; node: string; downMs: number } };
    const queues = (durable: boolean, seed: number, faults: Fault[]): { a: string[]; b: string[] } => {
      const protocol = perfectLinkNode<string>({ resendMs: 5, outbox, durable });
      let last = { a: [] as string[], b: [] as string[] };
      simulate(
        {
          nodes: { a: protocol, b: protocol },
          network: { drop: 0.3, duplicate: 0.3, delay: exponential(5) },
          faults,
          durationMs: 1_000,
          properties: [
            always('probe', (view) => {
              const of = (node: string): string[] =>
                view.state<PerfectLinkNodeState<string>>(node)?.delivered.map((d) => d.payload) ?? [];
              if (view.isUp('a') && view.isUp('b')) last = { a: of('a'), b: of('b') };
              return true;
            }),
          ],
        },
        { seed },
      );
      return last;
    };
    for (let seed = 1; seed <= 50; seed++) {
      const { a, b } = queues(true, seed, [
        { atMs: 8, fault: { kind: 'crash-recover', node: 'b', downMs: 20 } },
        { atMs: 12, fault: { kind: 'crash-recover', node: 'a', downMs: 20 } },
        { atMs: 200, fault: { kind: 'crash-recover', node: 'b', downMs: 20 } },
      ]);
      expect([...b].sort(), `seed ${seed}`).toEqual(['w', 'x', 'y', 'z']);
      expect([...a].sort(), `seed ${seed}`).toEqual(['p', 'q']);
    }
    // Without it, a receiver that crashes once all is acknowledged comes back with an empty queue.
    const late: Fault[] = [{ atMs: 200, fault: { kind: 'crash-recover', node: 'b', downMs: 20 } }];
    expect(queues(false, 1, late).b).toEqual([]);
    expect([...queues(true, 1, late).b].sort()).toEqual(['w', 'x', 'y', 'z']);
  });

  it('recognises its own messages', () => {
    expect(isPerfectLinkMessage({ type: 'pl-ack', sequence: 0 })).toBe(true);
    expect(isPerfectLinkMessage({ type: 'ping' })).toBe(false);
    expect(isPerfectLinkMessage(null)).toBe(false);
  });
});
