import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomStream, RandomStreams } from './random.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

function draws(stream: { next(): number }, count: number): number[] {
  return Array.from({ length: count }, () => stream.next());
}

describe('randomStream', () => {
  it('is a function of (seed, name) alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.string(), (seed, name) => {
        expect(draws(randomStream(seed, name), 8)).toEqual(draws(randomStream(seed, name), 8));
      }),
    );
  });

  it('gives different sequences to different names and to different seeds', () => {
    const names = [
      'network',
      'faults',
      'signing',
      'node:n1',
      'node:n2',
      'timers:n1',
      'byzantine:n1',
      'workload',
    ];
    const firsts = new Set<string>();
    for (const seed of [0, 1, 2, 1000, 2 ** 31, 2 ** 32 - 1]) {
      for (const name of names) firsts.add(draws(randomStream(seed, name), 4).join(','));
    }
    expect(firsts.size).toBe(6 * names.length);
  });

  it('draws floats in [0, 1) with a mean near 1/2', () => {
    const stream = randomStream(7, 'uniformity');
    const count = 100_000;
    let sum = 0;
    let outside = 0;
    for (let index = 0; index < count; index++) {
      const value = stream.next();
      if (!(value >= 0 && value < 1)) outside++;
      sum += value;
    }
    expect(outside).toBe(0);
    // The mean of U(0,1) has standard error sqrt(1/12)/sqrt(n); allow five of them.
    expect(Math.abs(sum / count - 0.5)).toBeLessThan((5 * Math.sqrt(1 / 12)) / Math.sqrt(count));
  });

  it('int(min, max) covers [min, max] evenly, bounds included', () => {
    const stream = randomStream(3, 'ints');
    const counts = new Map<number, number>();
    const count = 60_000;
    for (let index = 0; index < count; index++) {
      const value = stream.int(-2, 3);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    // Each count is binomial(n, 1/6): allow five standard deviations.
    const deviation = Math.sqrt(count * (1 / 6) * (5 / 6));
    for (const seen of counts.values()) expect(Math.abs(seen - count / 6)).toBeLessThan(5 * deviation);
  });

  it('between, pick and chance stay in their ranges', () => {
    const stream = randomStream(11, 'helpers');
    for (let index = 0; index < 1000; index++) {
      const value = stream.between(5, 7);
      expect(value >= 5 && value < 7).toBe(true);
      expect(['a', 'b']).toContain(stream.pick(['a', 'b']));
      expect(stream.chance(0)).toBe(false);
      expect(stream.chance(1)).toBe(true);
    }
    expect(() => stream.pick([])).toThrow(RangeError);
  });

  it('chance(0) draws nothing, so it leaves the stream where it was', () => {
    const stream = randomStream(5, 'chance');
    stream.chance(0);
    expect(stream.next()).toBe(randomStream(5, 'chance').next());
  });
});

describe('RandomStreams', () => {
  it('returns the same stream object for a name', () => {
    const streams = new RandomStreams(1);
    expect(streams.stream('a')).toBe(streams.stream('a'));
    expect(streams.seed).toBe(1);
  });

  it('keeps streams independent: drawing more from one never changes another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.constantFrom('network', 'faults', 'node:n1', 'node:n2'), { maxLength: 50 }),
        (seed, noise) => {
          const quiet = new RandomStreams(seed);
          const expected = draws(quiet.stream('node:n3'), 10);
          const noisy = new RandomStreams(seed);
          // Interleave draws from the other streams before and between the draws of the one we watch.
          const seen: number[] = [];
          for (const [index, name] of noise.entries()) {
            noisy.stream(name).next();
            if (index % 5 === 0 && seen.length < 10) seen.push(noisy.stream('node:n3').next());
          }
          while (seen.length < 10) seen.push(noisy.stream('node:n3').next());
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it('matches randomStream for the same seed and name', () => {
    expect(draws(new RandomStreams(99).stream('x'), 5)).toEqual(draws(randomStream(99, 'x'), 5));
  });
});
