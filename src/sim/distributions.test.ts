import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import {
  constant,
  custom,
  describeDistribution,
  draw,
  exponential,
  uniform,
  validateDistribution,
  type Distribution,
} from './distributions.js';
import { randomStream } from '../core/index.js';

const DRAWS = 100_000;

/** Draws many durations; returns their mean and extremes. */
function sample(
  distribution: Distribution,
  seed = 1,
): { mean: number; min: number; max: number; values: number[] } {
  const random = randomStream(seed, 'distribution-test');
  const values = Array.from({ length: DRAWS }, () => draw(distribution, random));
  return {
    mean: values.reduce((sum, value) => sum + value, 0) / DRAWS,
    min: values.reduce((low, value) => Math.min(low, value), Infinity),
    max: values.reduce((high, value) => Math.max(high, value), -Infinity),
    values,
  };
}

/** Five standard errors of a mean of DRAWS samples with standard deviation `deviation`, plus the rounding to 1 µs. */
function tolerance(deviation: number): number {
  return (5 * deviation) / Math.sqrt(DRAWS) + 0.0005;
}

describe('delay distributions', () => {
  it('constant is always its value and draws nothing', () => {
    const random = randomStream(1, 'c');
    expect(draw(constant(7), random)).toBe(7);
    expect(draw(constant(0), random)).toBe(0);
    expect(random.next()).toBe(randomStream(1, 'c').next());
  });

  it('uniform stays in [min, max] with mean (min + max) / 2', () => {
    const { mean, min, max } = sample(uniform(10, 30));
    expect(min).toBeGreaterThanOrEqual(10);
    expect(max).toBeLessThanOrEqual(30);
    // Both ends are reached closely over 100k draws.
    expect(min).toBeLessThan(10.01);
    expect(max).toBeGreaterThan(29.99);
    expect(Math.abs(mean - 20)).toBeLessThan(tolerance(20 / Math.sqrt(12)));
  });

  it('uniform with min = max is that value', () => {
    expect(sample(uniform(4, 4)).values.every((value) => value === 4)).toBe(true);
  });

  it('exponential stays above its minimum with mean minMs + meanMs', () => {
    const { mean, min } = sample(exponential(50, 5), 2);
    expect(min).toBeGreaterThanOrEqual(5);
    expect(min).toBeLessThan(5.1);
    // An exponential's standard deviation is its mean.
    expect(Math.abs(mean - 55)).toBeLessThan(tolerance(50));
  });

  it('exponential has the memoryless tail: P(X > mean) is about 1/e', () => {
    const { values } = sample(exponential(10), 3);
    const above = values.filter((value) => value > 10).length / DRAWS;
    expect(Math.abs(above - Math.exp(-1))).toBeLessThan(
      5 * Math.sqrt((Math.exp(-1) * (1 - Math.exp(-1))) / DRAWS),
    );
  });

  it('rounds every draw to whole microseconds', () => {
    const { values } = sample(uniform(0, 1), 4);
    for (const value of values.slice(0, 1000)) expect(Math.round(value * 1000) / 1000).toBe(value);
  });

  it('custom draws from the stream it is given, and its result is checked', () => {
    const doubled = custom('double', (random) => random.next() * 2);
    const values = sample(doubled, 5);
    expect(values.min).toBeGreaterThanOrEqual(0);
    expect(values.max).toBeLessThan(2.0005);
    expect(Math.abs(values.mean - 1)).toBeLessThan(tolerance(2 / Math.sqrt(12)));
    expect(() =>
      draw(
        custom('negative', () => -1),
        randomStream(1, 'x'),
      ),
    ).toThrow("custom distribution 'negative' drew -1: need a finite number >= 0");
    expect(() =>
      draw(
        custom('nan', () => Number.NaN),
        randomStream(1, 'x'),
      ),
    ).toThrow(InputError);
  });

  it.each([
    [() => constant(-1), 'constant: ms must be a finite number of ms >= 0, got -1'],
    [() => constant(Number.NaN), 'constant: ms must be a finite number of ms >= 0, got NaN'],
    [() => uniform(5, 1), 'uniform(5, 1): maxMs must be at least minMs'],
    [() => uniform(-1, 1), 'uniform: minMs must be a finite number of ms >= 0, got -1'],
    [() => exponential(Infinity), 'exponential: meanMs must be a finite number of ms >= 0, got Infinity'],
    [() => exponential(1, -2), 'exponential: minMs must be a finite number of ms >= 0, got -2'],
    [() => custom('f', 3 as unknown as () => number), "custom('f'): draw must be a function"],
  ])('refuses bad parameters with an InputError (%#)', (build, message) => {
    expect(build).toThrow(InputError);
    expect(build).toThrow(message);
  });

  it('validates distributions given as data, naming where', () => {
    expect(validateDistribution(3, 'network.delay')).toEqual({ kind: 'constant', ms: 3 });
    expect(validateDistribution({ kind: 'uniform', minMs: 1, maxMs: 2 }, 'x')).toEqual(uniform(1, 2));
    expect(() => validateDistribution(-3, 'network.delay')).toThrow(
      'network.delay: delay must be a finite number of ms >= 0, got -3',
    );
    expect(() => validateDistribution({ kind: 'constant', ms: -1 }, 'w')).toThrow('w: ms must be');
    expect(() => validateDistribution({ kind: 'uniform', minMs: 3, maxMs: 1 }, 'w')).toThrow(
      'w: uniform maxMs must be at least minMs',
    );
    expect(() => validateDistribution({ kind: 'exponential', meanMs: 1 }, 'w')).toThrow('w: minMs must be');
    expect(() => validateDistribution({ kind: 'custom' }, 'w')).toThrow(
      'w: custom distribution needs draw()',
    );
    expect(() => validateDistribution({ kind: 'normal' }, 'w')).toThrow(/^w: not a delay distribution/);
    expect(() => validateDistribution(null, 'w')).toThrow(InputError);
  });

  it('describes itself for trace headers', () => {
    expect(describeDistribution(constant(2))).toBe('constant 2 ms');
    expect(describeDistribution(uniform(1, 3))).toBe('uniform 1..3 ms');
    expect(describeDistribution(exponential(10))).toBe('exponential mean 10 ms');
    expect(describeDistribution(exponential(10, 2))).toBe('exponential mean 10 ms + 2 ms');
    expect(describeDistribution(custom('heavy', () => 1))).toBe('custom heavy');
  });
});
