import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../linearizability/check.js';
import { casRegisterModel, registerModel } from '../models/register.js';
import { keyValueModel } from '../models/key-value.js';
import { ops } from '../testing/builders.js';
import { checkSequentialConsistency } from './check.js';

describe('checkSequentialConsistency', () => {
  it('accepts a stale read that linearizability rejects: real time does not count', () => {
    const history = ops(
      { process: 'a', f: 'write', input: 1, call: 0, ret: 1 },
      { process: 'b', f: 'read', output: null, call: 5, ret: 6 },
    );
    expect(checkLinearizability(history, registerModel()).verdict).toBe('not-linearizable');
    expect(checkSequentialConsistency(history, registerModel()).verdict).toBe('sequentially-consistent');
  });

  it('rejects a process that goes back in time against its own order', () => {
    const history = ops(
      { process: 'a', f: 'write', input: 1, call: 0, ret: 1 },
      { process: 'b', f: 'read', output: 1, call: 2, ret: 3 },
      { process: 'b', f: 'read', output: null, call: 4, ret: 5 },
    );
    const result = checkSequentialConsistency(history, registerModel());
    expect(result.verdict).toBe('not-sequentially-consistent');
    expect(result.processes).toBe(2);
    expect(result.explanation?.blocked.map((b) => b.operation.id)).toContain(2);
  });

  it('is not compositional: keys each fine, the whole map not', () => {
    // Process a writes x then reads y empty; process b writes y then reads x empty.
    const history = ops(
      { process: 'a', f: 'put', key: 'x', input: '1', call: 0, ret: 1 },
      { process: 'a', f: 'get', key: 'y', output: '', call: 2, ret: 3 },
      { process: 'b', f: 'put', key: 'y', input: '1', call: 0, ret: 1 },
      { process: 'b', f: 'get', key: 'x', output: '', call: 2, ret: 3 },
    );
    expect(checkSequentialConsistency(history, keyValueModel()).verdict).toBe('not-sequentially-consistent');
    for (const key of ['x', 'y']) {
      const part = history.filter((op) => op.key === key);
      expect(checkSequentialConsistency(part, keyValueModel()).verdict).toBe('sequentially-consistent');
    }
  });

  it('lets unknown operations take effect or not', () => {
    const history = ops(
      { process: 'a', f: 'write', input: 1, call: 0, ret: Infinity },
      { process: 'b', f: 'read', output: null, call: 2, ret: 3 },
      { process: 'b', f: 'read', output: 1, call: 4, ret: 5 },
    );
    expect(checkSequentialConsistency(history, registerModel()).verdict).toBe('sequentially-consistent');
    const never = ops(
      { process: 'a', f: 'write', input: 1, call: 0, ret: Infinity },
      { process: 'b', f: 'read', output: 2, call: 4, ret: 5 },
    );
    expect(checkSequentialConsistency(never, registerModel()).verdict).toBe('not-sequentially-consistent');
  });

  it('answers unknown when out of time', () => {
    const history = ops(
      ...Array.from({ length: 12 }, (_, i) => ({ process: i, f: 'write', input: i, call: 0, ret: 1 })),
      { process: 99, f: 'read', output: 77, call: 2, ret: 3 },
    );
    expect(checkSequentialConsistency(history, registerModel(), { timeoutMs: 0 }).verdict).toBe('unknown');
  });

  it('accepts every linearizable history (linearizability implies sequential consistency)', () => {
    const arbitrary = fc.array(
      fc.record({
        process: fc.integer({ min: 0, max: 2 }),
        kind: fc.constantFrom('read', 'write'),
        value: fc.constantFrom(null, 1, 2),
        at: fc.integer({ min: 0, max: 30 }),
        length: fc.integer({ min: 0, max: 8 }),
      }),
      { maxLength: 7 },
    );
    fc.assert(
      fc.property(arbitrary, (steps) => {
        // Each process's operations one after the other.
        const nextFree = new Map<number, number>();
        const history = ops(
          ...steps.map((s) => {
            const call = Math.max(s.at, nextFree.get(s.process) ?? 0);
            nextFree.set(s.process, call + s.length + 1);
            return s.kind === 'read'
              ? { process: s.process, f: 'read', output: s.value, call, ret: call + s.length }
              : { process: s.process, f: 'write', input: s.value, call, ret: call + s.length };
          }),
        );
        if (checkLinearizability(history, casRegisterModel()).verdict === 'linearizable') {
          expect(checkSequentialConsistency(history, casRegisterModel()).verdict).toBe(
            'sequentially-consistent',
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
