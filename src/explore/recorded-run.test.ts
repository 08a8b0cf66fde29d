import { describe, expect, it } from 'vitest';
import type { NodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import type { SimulationConfig } from '../sim/index.js';
import { momentOf, recordRun, snapshotsAt } from './recorded-run.js';

/** Two nodes that ping each other a few times, counting what they received. */
const pinger = defineProtocol<{ received: number }, { n: number }>({
  name: 'pinger',
  init: () => ({ received: 0 }),
  onBoot(ctx) {
    if (ctx.id === 'a') ctx.send('b' as NodeId, { n: 1 });
  },
  onMessage(ctx, from, message) {
    ctx.state.received++;
    if (message.n < 4) ctx.send(from, { n: message.n + 1 });
  },
});

const config: SimulationConfig = { nodes: { a: pinger, b: pinger }, durationMs: 1000 };

describe('a recorded run and its moments', () => {
  it('knows which moment holds each event, and shows the state there and just before', () => {
    const run = recordRun(config, { seed: 1 }, 'test');
    const events = run.result.trace.events;
    expect(run.moments[run.moments.length - 1]).toBe(events.length);
    // Each message delivered to b: b's count grows by one at that moment.
    const delivered = events.findIndex((event) => event.type === 'deliver' && event.node === 'b');
    const k = momentOf(run, delivered);
    const { now, before } = snapshotsAt(config, run, k);
    const countOf = (snapshot: typeof now | null): unknown =>
      (snapshot?.nodes.find((node) => node.id === 'b')?.state as { received: number } | undefined)?.received;
    expect(countOf(before)).toBe(0);
    expect(countOf(now)).toBe(1);
    expect(now.inFlight.map((entry) => entry.message)).toEqual([{ n: 2 }]);
  });
});
