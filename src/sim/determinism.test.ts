import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defineProtocol } from '../core/index.js';
import { traceToJsonl } from '../trace/index.js';
import { checkDeterminism } from './determinism.js';
import { uniform } from './distributions.js';
import { simulate, type SimulationConfig } from './simulator.js';

/** A correct protocol with timers, randomness, retries and durable storage. */
interface PingState {
  acked: number;
  sent: number;
}
const pinger = defineProtocol<PingState, { type: 'ping'; n: number } | { type: 'pong'; n: number }>({
  name: 'pinger',
  init: () => ({ acked: 0, sent: 0 }),
  onBoot: (context) => context.setTimer('ping', [5, 25]),
  onRecover: (context) => {
    context.state.acked = context.load<number>('acked') ?? 0;
    context.setTimer('ping', [5, 25]);
  },
  onTimer: (context) => {
    const peer = context.peers[context.randomInt(0, context.peers.length - 1)];
    if (peer !== undefined) context.send(peer, { type: 'ping', n: ++context.state.sent });
    context.setTimer('ping', [5, 25]);
  },
  onMessage: (context, from, message) => {
    if (message.type === 'ping') context.send(from, { type: 'pong', n: message.n });
    else {
      context.state.acked++;
      context.persist('acked', context.state.acked);
      context.log(`pong ${message.n} from ${from}`);
    }
  },
});

const correct: SimulationConfig = {
  nodes: { n1: pinger, n2: pinger, n3: pinger, n4: pinger },
  network: { delay: uniform(1, 30), drop: 0.1, duplicate: 0.05 },
  faults: { kind: 'random', intervalMs: 100, durationMs: [20, 80] },
  durationMs: 600,
};

describe('checkDeterminism', () => {
  it('passes a correct protocol over many seeds, under every kind of fault', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const report = checkDeterminism(correct, { seed });
      expect(report.identical, `seed ${seed}`).toBe(true);
      expect(report.hashes[0]).toBe(report.hashes[1]);
      expect(report.firstDifference).toBeUndefined();
    }
  });

  it('hashes the JSON Lines trace', () => {
    const report = checkDeterminism(correct, { seed: 5, scenario: 'pings', params: { nodes: 4 } });
    const trace = simulate(correct, { seed: 5, trace: true, scenario: 'pings', params: { nodes: 4 } }).trace;
    expect(trace).toBeDefined();
    const expected = createHash('sha256')
      .update(traceToJsonl(trace as NonNullable<typeof trace>))
      .digest('hex');
    expect(report.hashes).toEqual([expected, expected]);
  });

  it('catches protocol code that keeps state outside its context, naming the first differing line', () => {
    // A module-level counter: shared by every node and by both runs.
    let ticket = 0;
    const leaky = defineProtocol<null, { ticket: number }>({
      name: 'leaky',
      init: () => null,
      onBoot: (context) => context.setTimer('tick', 10),
      onTimer: (context) => {
        context.broadcast({ ticket: ++ticket });
        if (ticket % 50 !== 0) context.setTimer('tick', 10);
      },
    });
    const config: SimulationConfig = { nodes: { n1: leaky, n2: leaky }, durationMs: 100 };
    const report = checkDeterminism(config, { seed: 1 });
    expect(report.identical).toBe(false);
    expect(report.hashes[0]).not.toBe(report.hashes[1]);
    const difference = report.firstDifference;
    expect(difference).toBeDefined();
    // Line 1 is the header; then the phase, two boots and two timer-sets at time 0, the first timer at 10 ms.
    expect(JSON.parse(difference?.first ?? '')).toMatchObject({
      type: 'send',
      node: 'n1',
      body: { ticket: 1 },
    });
    expect(JSON.parse(difference?.second ?? '')).toMatchObject({
      type: 'send',
      node: 'n1',
      body: { ticket: 21 },
    });
    const trace = simulate(config, { seed: 1, trace: true }).trace;
    const lines = traceToJsonl(trace as NonNullable<typeof trace>).split('\n');
    expect(lines[(difference?.line ?? 0) - 1]).toContain('"type":"send"');
    expect(lines.slice(0, (difference?.line ?? 0) - 1).some((line) => line.includes('"type":"send"'))).toBe(
      false,
    );
  });

  it('catches a cache shared across runs that changes what a node does', () => {
    // Remembers across runs which peers were greeted: the second run greets nobody.
    const greeted = new Set<string>();
    const polite = defineProtocol<null, 'hello'>({
      name: 'polite',
      init: () => null,
      onBoot: (context) => {
        for (const peer of context.peers) {
          if (greeted.has(`${context.id}>${peer}`)) continue;
          greeted.add(`${context.id}>${peer}`);
          context.send(peer, 'hello');
        }
      },
    });
    const report = checkDeterminism({ nodes: { a: polite, b: polite }, durationMs: 10 }, { seed: 2 });
    expect(report.identical).toBe(false);
    expect(report.firstDifference?.first).toContain('"type":"send"');
    expect(report.firstDifference?.second).not.toContain('"type":"send"');
  });

  it('checks the replay of a shrunk run too', () => {
    const report = checkDeterminism(correct, {
      seed: 3,
      shrink: { endMs: 300, keptLosses: new Set(), removedFaults: new Set([0, 1]) },
    });
    expect(report.identical).toBe(true);
    const full = checkDeterminism(correct, { seed: 3 });
    expect(report.hashes[0]).not.toBe(full.hashes[0]);
  });
});
