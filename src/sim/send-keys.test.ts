import { describe, expect, it } from 'vitest';
import { defineProtocol } from '../core/index.js';
import { uniform } from './distributions.js';
import { SEND_KEY_PATTERN, SendKeys } from './send-keys.js';
import { simulate, type SimulationConfig } from './simulator.js';

describe('SendKeys', () => {
  it('names a send by sender, receiver and content, numbering identical sends', () => {
    const keys = new SendKeys();
    const first = keys.next('n1', 'n2', { type: 'put', value: 5 });
    const other = keys.next('n1', 'n3', { type: 'put', value: 5 });
    const second = keys.next('n1', 'n2', { type: 'put', value: 5 });
    const reply = keys.next('n2', 'n1', { type: 'put', value: 5 });
    const changed = keys.next('n1', 'n2', { type: 'put', value: 6 });
    for (const key of [first, other, second, reply, changed]) expect(key).toMatch(SEND_KEY_PATTERN);
    expect(first.endsWith('.1')).toBe(true);
    expect(second).toBe(first.replace(/\.1$/, '.2'));
    expect(new Set([first, other, reply, changed].map((key) => key.split('.')[0])).size).toBe(4);
  });

  it('is the same in every run: a key depends only on what was sent before', () => {
    const a = new SendKeys();
    const b = new SendKeys();
    const message = { set: new Set([1, 2]), map: new Map([['k', 1n]]) };
    expect(a.next('x', 'y', message)).toBe(b.next('x', 'y', message));
  });
});

// A node that sends a numbered message to each peer every 10 ms: plenty of losses to keep or cancel.
const chatty = defineProtocol<{ sent: number }, { n: number }>({
  name: 'chatty',
  init: () => ({ sent: 0 }),
  onBoot: (context) => context.setTimer('tick', 10),
  onTimer: (context) => {
    context.broadcast({ n: ++context.state.sent });
    context.setTimer('tick', 10);
  },
});
const lossy: SimulationConfig = {
  nodes: { n1: chatty, n2: chatty, n3: chatty },
  network: { delay: uniform(1, 5), drop: 0.3 },
  durationMs: 500,
};

describe('kept losses in the simulator', () => {
  const original = simulate(lossy, { seed: 4, trace: true, shrink: {} });
  const lossKeys = original.lossKeys ?? [];

  it('names every loss of a run that has shrink directives (and only then)', () => {
    expect(original.losses.length).toBeGreaterThan(50);
    expect(lossKeys).toHaveLength(original.losses.length);
    expect(new Set(lossKeys).size).toBe(lossKeys.length);
    expect(simulate(lossy, { seed: 4 }).lossKeys).toBeUndefined();
  });

  it('keeping exactly the run’s own losses reproduces it', () => {
    const again = simulate(lossy, { seed: 4, trace: true, shrink: { keptLosses: new Set(lossKeys) } });
    expect(again.trace).toEqual(original.trace);
    expect(again.losses).toEqual(original.losses);
  });

  it('keeping none cancels every loss, and what arrived before arrives as before', () => {
    const none = simulate(lossy, { seed: 4, trace: true, shrink: { keptLosses: new Set() } });
    expect(none.losses).toEqual([]);
    expect(none.stats.drops).toBe(0);
    const delivered = new Set(
      none.trace?.events.filter((event) => event.type === 'deliver').map((event) => JSON.stringify(event)),
    );
    const before = original.trace?.events.filter((event) => event.type === 'deliver') ?? [];
    expect(before.length).toBeGreaterThan(100);
    for (const event of before) expect(delivered.has(JSON.stringify(event))).toBe(true);
  });

  it('keeps a loss by content, even when earlier changes shift the send indices', () => {
    // Every delivery is echoed, so each cancelled loss adds a send and shifts later indices.
    const echo = defineProtocol<{ sent: number }, { n: number } | { echo: number }>({
      name: 'echo',
      init: () => ({ sent: 0 }),
      onBoot: (context) => context.setTimer('tick', 10),
      onTimer: (context) => {
        context.broadcast({ n: ++context.state.sent });
        context.setTimer('tick', 10);
      },
      onMessage: (context, from, message) => {
        if ('n' in message) context.send(from, { echo: message.n });
      },
    });
    const config: SimulationConfig = { ...lossy, nodes: { n1: echo, n2: echo, n3: echo } };
    const full = simulate(config, { seed: 4, shrink: {} });
    const last = full.lossKeys?.[full.lossKeys.length - 1] as string;
    const only = simulate(config, { seed: 4, shrink: { keptLosses: new Set([last]) } });
    expect(only.lossKeys).toEqual([last]);
    expect(only.losses[0]).toBeGreaterThan(full.losses[full.losses.length - 1] as number);
  });

  it('never loses on a link that cannot lose', () => {
    const reliable: SimulationConfig = {
      ...lossy,
      network: { ...lossy.network, links: [{ from: 'n1', to: 'n2', drop: 0 }] },
    };
    const keys = new SendKeys();
    const firstToN2 = keys.next('n1', 'n2', { n: 1 });
    const firstToN3 = keys.next('n1', 'n3', { n: 1 });
    const run = simulate(reliable, { seed: 4, shrink: { keptLosses: new Set([firstToN2, firstToN3]) } });
    expect(run.lossKeys).toEqual([firstToN3]);
  });

  it('carries directives and send numbering into the liveness network', () => {
    const withLiveness: SimulationConfig = {
      ...lossy,
      durationMs: 200,
      liveness: { withinMs: 200, network: { delay: 2, drop: 0.5 } },
    };
    const run = simulate(withLiveness, { seed: 4, shrink: {} });
    const sorted = [...run.losses].sort((a, b) => a - b);
    expect(run.losses).toEqual(sorted);
    expect(new Set(run.losses).size).toBe(run.losses.length);
    expect(run.losses.some((index) => index > run.stats.sends / 2)).toBe(true);
    const none = simulate(withLiveness, { seed: 4, shrink: { keptLosses: new Set() } });
    expect(none.losses).toEqual([]);
  });
});

describe('partition shapes under shrinking', () => {
  it('a partition cuts off the same nodes whether or not an earlier fault is left out', () => {
    const config: SimulationConfig = {
      nodes: { n1: chatty, n2: chatty, n3: chatty, n4: chatty, n5: chatty },
      faults: [
        { atMs: 10, fault: { kind: 'partition', shape: { kind: 'halves' }, forMs: 20 } },
        { atMs: 50, fault: { kind: 'partition', shape: { kind: 'majorities-ring' }, forMs: 20 } },
        { atMs: 90, fault: { kind: 'partition', shape: { kind: 'isolate' }, forMs: 20 } },
      ],
      durationMs: 120,
    };
    const names = (removed: number[]) =>
      simulate(config, {
        seed: 11,
        trace: true,
        shrink: { removedFaults: new Set(removed) },
      }).trace?.events.flatMap((event) => (event.type === 'partition' ? [event.name] : [])) ?? [];
    const all = names([]);
    expect(all).toHaveLength(3);
    expect(names([0])).toEqual(all.slice(1));
    expect(names([0, 1])).toEqual(all.slice(2));
    expect(names([1])).toEqual([all[0], all[2]]);
  });
});
