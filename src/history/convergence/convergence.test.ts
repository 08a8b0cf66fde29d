import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ops, type OpSpec } from '../testing/builders.js';
import type { PairedHistory } from '../types.js';
import { checkCounter } from './counter-check.js';
import { quantiles } from './quantiles.js';
import { checkSetConvergence } from './set-check.js';
import { subsetSumReachable } from './subset-sum.js';

const timed = (...specs: OpSpec[]): PairedHistory => ({
  operations: ops(...specs),
  axis: 'time',
  failed: 0,
  unknown: 0,
});

describe('checkSetConvergence', () => {
  it('is valid when every acknowledged element is in every final read, and measures stable latency', () => {
    const result = checkSetConvergence(
      timed(
        { process: 'c1', f: 'add', input: 1, call: 0, ret: 10 },
        { process: 'c2', f: 'broadcast', input: 2, call: 5, ret: Infinity },
        { process: 'c1', f: 'read', output: [1], call: 20, ret: 21 },
        { process: 'c1', f: 'read', output: [1, 2], call: 40, ret: 41 },
        { process: 'c2', f: 'read', output: { messages: [2, 1] }, call: 42, ret: 43 },
      ),
    );
    expect(result).toMatchObject({
      verdict: 'valid',
      attempted: 2,
      acknowledged: 1,
      stable: 2,
      lost: 0,
      stale: 0,
      neverRead: 0,
      finalReads: 2,
    });
    // Element 1: stable from the read at 20 (20 after its add at 0); element 2: from the read at 40.
    expect(result.stableLatencies).toEqual({ '0': 20, '0.5': 20, '0.95': 35, '0.99': 35, '1': 35 });
  });

  it('counts lost, stale, never-read and unexpected elements', () => {
    const result = checkSetConvergence(
      timed(
        { process: 'c1', f: 'add', input: 'lost', call: 0, ret: 1 },
        { process: 'c1', f: 'add', input: 'stale', call: 2, ret: 3 },
        { process: 'c1', f: 'add', input: 'late', call: 100, ret: 101 },
        { process: 'c2', f: 'read', output: ['lost'], call: 10, ret: 11 },
        { process: 'c2', f: 'read', output: ['stale', 'ghost'], call: 50, ret: 51 },
        { process: 'c3', f: 'read', output: ['stale'], call: 52, ret: 53 },
      ),
    );
    expect(result).toMatchObject({
      verdict: 'invalid',
      lost: 1,
      stale: 1,
      neverRead: 1,
      unexpected: 1,
      stable: 1,
    });
    expect(result.lostExamples).toEqual(['"lost"']);
    expect(result.unexpectedExamples).toEqual(['"ghost"']);
  });

  it('is unknown with no reads, and reports no latencies without times', () => {
    expect(checkSetConvergence(timed({ f: 'add', input: 1, call: 0, ret: 1 })).verdict).toBe('unknown');
    const untimed = {
      ...timed({ f: 'add', input: 1, call: 0, ret: 1 }, { f: 'read', output: [1], call: 2, ret: 3 }),
      axis: 'index' as const,
    };
    expect(checkSetConvergence(untimed).stableLatencies).toBeUndefined();
  });
});

describe('checkCounter', () => {
  it('accepts final reads equal to the acknowledged sum plus a subset of the unknown adds', () => {
    const result = checkCounter(
      timed(
        { process: 'a', f: 'add', input: 5, call: 0, ret: 1 },
        { process: 'b', f: 'add', input: 3, call: 0, ret: Infinity },
        { process: 'c', f: 'add', input: -2, call: 0, ret: Infinity },
        { process: 'a', f: 'read', output: 3, call: 10, ret: 11 },
        { process: 'd', f: 'read', output: 6, call: 12, ret: 13 },
      ),
    );
    expect(result.verdict).toBe('valid');
    expect(result.acknowledgedSum).toBe(5);
    expect(result.unknownDeltas).toEqual([3, -2]);
    expect(result.finalReads.map((r) => r.possible)).toEqual([true, true]);
  });

  it('rejects impossible final reads and reads outside real-time bounds', () => {
    const impossible = checkCounter(
      timed(
        { f: 'add', input: 5, call: 0, ret: 1 },
        { f: 'add', input: 3, call: 0, ret: Infinity },
        { f: 'read', output: 7, call: 10, ret: 11 },
      ),
    );
    expect(impossible.verdict).toBe('invalid');
    expect(impossible.finalReads[0]?.possible).toBe(false);
    // A read that ends before an add begins cannot see it.
    const early = checkCounter(
      timed(
        { process: 'a', f: 'read', output: 1, call: 0, ret: 1 },
        { process: 'b', f: 'add', input: 1, call: 5, ret: 6 },
        { process: 'a', f: 'read', output: 1, call: 10, ret: 11 },
      ),
    );
    expect(early.verdict).toBe('invalid');
    expect(early.outOfBounds.map((r) => [r.operation.id, r.lower, r.upper])).toEqual([[0, 0, 0]]);
  });
});

describe('subsetSumReachable', () => {
  it('decides the easy shapes exactly', () => {
    expect(subsetSumReachable(0, [])).toBe(true);
    expect(
      subsetSumReachable(
        3,
        Array.from({ length: 100_000 }, () => 1),
      ),
    ).toBe(true);
    expect(
      subsetSumReachable(
        100_001,
        Array.from({ length: 100_000 }, () => 1),
      ),
    ).toBe(false);
    expect(subsetSumReachable(7, [2, 4, 6])).toBe(false);
    expect(subsetSumReachable(0.3, [0.1, 0.2])).toBe(true);
  });

  it('agrees with enumeration on random instances', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 12 }),
        fc.integer({ min: -100, max: 100 }),
        (values, target) => {
          let sums = new Set([0]);
          for (const v of values) sums = new Set([...sums, ...Array.from(sums, (s) => s + v)]);
          expect(subsetSumReachable(target, values)).toBe(sums.has(target));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('uses meet-in-the-middle for a few huge values', () => {
    const values = [1e12, 3e12 + 7, 5e12 + 11, 2e12 + 3, 7];
    expect(subsetSumReachable(1e12 + 5e12 + 11 + 7, values)).toBe(true);
    expect(subsetSumReachable(1e12 + 1, values)).toBe(false);
  });
});

describe('quantiles', () => {
  it('uses nearest rank', () => {
    expect(quantiles([])).toBeUndefined();
    expect(quantiles([5, 1, 3, 2, 4])).toEqual({ '0': 1, '0.5': 3, '0.95': 5, '0.99': 5, '1': 5 });
  });
});
