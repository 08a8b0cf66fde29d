import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { constant, exponential, uniform } from './distributions.js';
import { Network, validateNetwork, type NetworkSettings } from './network.js';
import { randomStream } from '../core/index.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

const a = 'a' as NodeId;
const b = 'b' as NodeId;
const c = 'c' as NodeId;
const NODES = new Set(['a', 'b', 'c']);

function network(settings: NetworkSettings, seed = 1, forced?: ReadonlySet<number>): Network {
  return new Network(settings, randomStream(seed, 'network'), forced);
}

/** Whether a binomial count of `count` trials is within five standard deviations of `p`. */
function expectProportion(hits: number, count: number, p: number): void {
  const deviation = Math.sqrt(count * p * (1 - p));
  expect(Math.abs(hits - count * p)).toBeLessThan(5 * deviation + 1);
}

describe('Network.fate', () => {
  it('drops each copy independently with the link’s probability', () => {
    const medium = network({ drop: 0.3 });
    let lost = 0;
    const count = 100_000;
    for (let index = 0; index < count; index++) {
      const fate = medium.fate(a, b, index, 0);
      if (!fate.arrives) {
        if (fate.reason !== 'loss') throw new Error(`unexpected reason ${fate.reason}`);
        lost++;
      }
    }
    expectProportion(lost, count, 0.3);
  });

  it('duplicates with the link’s probability, each copy with its own delay', () => {
    const medium = network({ duplicate: 0.25, delay: uniform(1, 100) });
    let twice = 0;
    let differentDelays = 0;
    const count = 100_000;
    for (let index = 0; index < count; index++) {
      const fate = medium.fate(a, b, index, 0);
      if (!fate.arrives || fate.delays.length > 2) throw new Error(`unexpected fate ${JSON.stringify(fate)}`);
      if (fate.delays.length === 2) {
        twice++;
        if (fate.delays[0] !== fate.delays[1]) differentDelays++;
      }
    }
    expectProportion(twice, count, 0.25);
    expect(differentDelays).toBeGreaterThan(twice * 0.9);
  });

  it('with duplicate = 1 always delivers two copies, and never with 0', () => {
    const always = network({ duplicate: 1 });
    const never = network({ duplicate: 0 });
    for (let index = 0; index < 100; index++) {
      expect(always.fate(a, b, index, 0)).toMatchObject({ arrives: true, delays: [1, 1] });
      expect(never.fate(a, b, index, 0)).toMatchObject({ arrives: true, delays: [1] });
    }
  });

  it('returns absolute arrival times: send time plus the drawn delay (default constant 1 ms)', () => {
    expect(network({}).fate(a, b, 'm', 40)).toEqual({ arrives: true, delays: [41], index: 0 });
    expect(network({ delay: 7 }).fate(a, b, 'm', 40)).toEqual({ arrives: true, delays: [47], index: 0 });
  });

  it('numbers sends in order, drops included', () => {
    const medium = network({ drop: 0.5 });
    const indices = Array.from({ length: 20 }, (_, index) => medium.fate(a, b, index, 0).index);
    expect(indices).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('draws the same amount of randomness whatever the outcome', () => {
    // Two media on equal streams: one drops everything it can, one nothing. Their streams stay aligned.
    const lossy = randomStream(4, 'aligned');
    const clean = randomStream(4, 'aligned');
    const lossyNetwork = new Network({ drop: 0.99, duplicate: 0.5, delay: exponential(5) }, lossy);
    const cleanNetwork = new Network({ drop: 0, duplicate: 0, delay: exponential(5) }, clean);
    lossyNetwork.setGrudge(new Map([['b', new Set(['a'])]]));
    for (let index = 0; index < 50; index++) {
      lossyNetwork.fate(a, b, index, 0);
      cleanNetwork.fate(a, b, index, 0);
    }
    expect(lossy.next()).toBe(clean.next());
  });

  it('keeps each pair’s order under fifo, even with random delays and duplicates', () => {
    const medium = network({ ordering: 'fifo', delay: exponential(20), duplicate: 0.2 });
    const last = new Map<string, number>();
    for (let index = 0; index < 5000; index++) {
      const [from, to] = index % 3 === 0 ? [a, b] : index % 3 === 1 ? [b, a] : [a, c];
      const fate = medium.fate(from, to, index, index * 0.5);
      if (!fate.arrives) throw new Error('no drops configured');
      const key = `${from}>${to}`;
      for (const arrival of fate.delays) expect(arrival).toBeGreaterThanOrEqual(last.get(key) ?? 0);
      last.set(key, Math.max(...fate.delays));
    }
  });

  it('lets copies overtake each other when unordered', () => {
    const medium = network({ delay: exponential(20) });
    let overtaken = 0;
    let previous = 0;
    for (let index = 0; index < 1000; index++) {
      const fate = medium.fate(a, b, index, index);
      if (!fate.arrives) throw new Error('no drops configured');
      if ((fate.delays[0] as number) < previous) overtaken++;
      previous = fate.delays[0] as number;
    }
    expect(overtaken).toBeGreaterThan(100);
  });

  it('applies link overrides: matching entries apply, later ones win, `*` matches any node', () => {
    const medium = network({
      delay: 10,
      links: [
        { from: '*', to: 'b', delay: 20 },
        { from: 'a', to: '*', delay: 30, duplicate: 1 },
        { from: 'c', to: 'b', drop: 0.5 },
      ],
    });
    expect(medium.link(b, a)).toMatchObject({ delay: { ms: 10 }, drop: 0, duplicate: 0 });
    expect(medium.link(c, b)).toMatchObject({ delay: { ms: 10 }, drop: 0.5 });
    expect(medium.link(a, b)).toMatchObject({ delay: { ms: 30 }, duplicate: 1 });
    expect(medium.link(a, c)).toMatchObject({ delay: { ms: 30 }, duplicate: 1 });
    expect(medium.link(b, b)).toMatchObject({ delay: { ms: 20 } });
    // Fields an override leaves out come from the defaults, not from earlier overrides.
    expect(medium.link(c, b).delay).toEqual(constant(10));
    expect(medium.fate(a, b, 'x', 0)).toMatchObject({ arrives: true, delays: [30, 30] });
  });

  it('drops traffic a grudge holds, whatever the drop probability, and only that', () => {
    const medium = network({});
    medium.setGrudge(new Map([['b', new Set(['a'])]]));
    expect(medium.blocked(a, b)).toBe(true);
    expect(medium.blocked(b, a)).toBe(false);
    expect(medium.fate(a, b, 'x', 0)).toMatchObject({ arrives: false, reason: 'partition' });
    expect(medium.fate(b, a, 'x', 0)).toMatchObject({ arrives: true });
    medium.setGrudge(undefined);
    expect(medium.fate(a, b, 'x', 0)).toMatchObject({ arrives: true });
  });

  it('holds a clogged link’s traffic until the clog ends, then releases it', () => {
    const medium = network({ delay: 5 });
    medium.clog(a, b, 100);
    expect(medium.fate(a, b, 1, 10)).toMatchObject({ delays: [100] });
    expect(medium.fate(a, b, 2, 94)).toMatchObject({ delays: [100] });
    expect(medium.fate(b, a, 3, 10)).toMatchObject({ delays: [15] });
    expect(medium.fate(a, b, 4, 96)).toMatchObject({ delays: [101] });
    expect(medium.fate(a, b, 5, 200)).toMatchObject({ delays: [205] });
  });

  it('forces deliveries shrinking asks for, by send index', () => {
    const medium = network({ drop: 0.999999 }, 1, new Set([1, 3]));
    const fates = Array.from({ length: 5 }, (_, index) => medium.fate(a, b, index, 0).arrives);
    expect(fates).toEqual([false, true, false, true, false]);
  });

  it('never drops the same message on the same link more than consecutiveDropsMax times in a row', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(
          fc.tuple(fc.constantFrom(a, b, c), fc.constantFrom(a, b, c), fc.constantFrom('x', 'y', { v: 1 })),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        (bound, drop, seed, sends) => {
          const medium = network({ drop, consecutiveDropsMax: bound }, seed);
          const streaks = new Map<string, number>();
          for (const [from, to, message] of sends) {
            const key = `${from}>${to}>${JSON.stringify(message)}`;
            const fate = medium.fate(from, to, message, 0);
            const streak = fate.arrives ? 0 : (streaks.get(key) ?? 0) + 1;
            expect(streak).toBeLessThanOrEqual(bound);
            streaks.set(key, streak);
          }
        },
      ),
    );
  });

  it('with consecutiveDropsMax 0 never loses a copy', () => {
    const medium = network({ drop: 0.9, consecutiveDropsMax: 0 });
    for (let index = 0; index < 1000; index++) expect(medium.fate(a, b, 'same', 0).arrives).toBe(true);
  });

  it('describes its settings for the trace header', () => {
    expect(
      network({
        delay: uniform(1, 2),
        drop: 0.1,
        ordering: 'fifo',
        links: [{ from: 'a', to: '*', drop: 0.2 }],
        consecutiveDropsMax: 3,
      }).describe(),
    ).toEqual({
      delay: 'uniform 1..2 ms',
      drop: 0.1,
      duplicate: 0,
      ordering: 'fifo',
      links: [{ from: 'a', to: '*', delay: 'uniform 1..2 ms', drop: 0.2, duplicate: 0 }],
      consecutiveDropsMax: 3,
    });
  });
});

describe('validateNetwork', () => {
  it.each<[NetworkSettings, string]>([
    [
      { drop: 1 },
      'network.drop must be a probability in [0, 1), got 1 (a link that drops everything is not fair-loss)',
    ],
    [{ drop: 1.5 }, 'network.drop must be a probability in [0, 1), got 1.5'],
    [{ drop: -0.1 }, 'network.drop must be a probability in [0, 1), got -0.1'],
    [{ drop: Number.NaN }, 'network.drop must be a probability in [0, 1), got NaN'],
    [{ duplicate: 1.01 }, 'network.duplicate must be a probability in [0, 1], got 1.01'],
    [{ delay: -5 }, 'network.delay: delay must be a finite number of ms >= 0, got -5'],
    [
      { delay: { kind: 'uniform', minMs: 5, maxMs: 1 } },
      'network.delay: uniform maxMs must be at least minMs',
    ],
    [{ ordering: 'causal' as 'fifo' }, "network.ordering must be 'unordered' or 'fifo', got causal"],
    [{ consecutiveDropsMax: 1.5 }, 'network.consecutiveDropsMax must be a whole number >= 0, got 1.5'],
    [{ consecutiveDropsMax: -1 }, 'network.consecutiveDropsMax must be a whole number >= 0, got -1'],
    [{ links: [{ from: 'a', to: 'z' }] }, "network.links[0].to: unknown node 'z'"],
    [
      {
        links: [
          { from: '*', to: 'a' },
          { from: 'q', to: 'a' },
        ],
      },
      "network.links[1].from: unknown node 'q'",
    ],
    [
      { links: [{ from: 'a', to: 'b', drop: 1 }] },
      'network.links[0].drop must be a probability in [0, 1), got 1',
    ],
    [
      { links: [{ from: 'a', to: 'b', delay: -1 }] },
      'network.links[0].delay: delay must be a finite number of ms >= 0, got -1',
    ],
  ])('refuses %j with a message naming the field', (settings, message) => {
    const check = () => validateNetwork(settings, NODES);
    expect(check).toThrow(InputError);
    expect(check).toThrow(message);
  });

  it('accepts the boundaries', () => {
    expect(() =>
      validateNetwork(
        { drop: 0.999, duplicate: 1, delay: 0, consecutiveDropsMax: 0, ordering: 'unordered' },
        NODES,
      ),
    ).not.toThrow();
  });
});
