import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyValueModel } from '../models/key-value.js';
import type { Model } from '../models/model.js';
import { casRegisterModel, registerModel } from '../models/register.js';
import { bruteForceLinearizable, ops, type OpSpec } from '../testing/builders.js';
import type { Operation } from '../types.js';
import { checkLinearizability } from './check.js';
import { checkLinearizabilityParallel } from './parallel.js';

describe('checkLinearizability on small histories', () => {
  const register = registerModel();

  it('accepts overlapping operations in some order, and rejects reads from the past', () => {
    // Herlihy & Wing's classic: write 1 then read 1 overlapping a write 2.
    const ok = ops(
      { f: 'write', input: 1, call: 0, ret: 10 },
      { f: 'write', input: 2, call: 5, ret: 20 },
      { f: 'read', output: 1, call: 12, ret: 15 },
    );
    expect(checkLinearizability(ok, register).verdict).toBe('linearizable');
    // The read starts after write 2 has returned, so it cannot see 1.
    const bad = ops(
      { f: 'write', input: 1, call: 0, ret: 10 },
      { f: 'write', input: 2, call: 11, ret: 12 },
      { f: 'read', output: 1, call: 13, ret: 15 },
    );
    const result = checkLinearizability(bad, register);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions).toBe(1);
    expect(result.partitionsChecked).toBe(1);
    const [explanation] = result.explanation ?? [];
    expect(explanation?.linearized.map((op) => op.id)).toEqual([0, 1]);
    expect(explanation?.state).toBe('2');
    expect(explanation?.blocked).toEqual([
      { operation: bad[2], description: 'read() -> 1', reason: 'illegal' },
    ]);
  });

  it('lets an operation with an unknown outcome take effect or not', () => {
    const tookEffect = ops(
      { f: 'write', input: 1, call: 0, ret: Infinity },
      { f: 'read', output: 1, call: 5, ret: 6 },
    );
    expect(checkLinearizability(tookEffect, register).verdict).toBe('linearizable');
    const didNot = ops(
      { f: 'write', input: 1, call: 0, ret: Infinity },
      { f: 'read', output: null, call: 5, ret: 6 },
      { f: 'read', output: null, call: 7, ret: 8 },
    );
    expect(checkLinearizability(didNot, register).verdict).toBe('linearizable');
    // But once seen, it cannot be unseen.
    const flicker = ops(
      { f: 'write', input: 1, call: 0, ret: Infinity },
      { f: 'read', output: 1, call: 5, ret: 6 },
      { f: 'read', output: null, call: 7, ret: 8 },
    );
    expect(checkLinearizability(flicker, register).verdict).toBe('not-linearizable');
  });

  it('checks keys independently when partitioning, and gives the same verdict without', () => {
    const history = ops(
      { f: 'put', key: 'a', input: 'x', call: 0, ret: 1 },
      { f: 'put', key: 'b', input: 'y', call: 0, ret: 1 },
      { f: 'get', key: 'a', output: 'x', call: 2, ret: 3 },
      { f: 'get', key: 'b', output: '', call: 2, ret: 3 },
    );
    const partitioned = checkLinearizability(history, keyValueModel());
    const whole = checkLinearizability(history, keyValueModel(), { partition: false });
    expect(partitioned.verdict).toBe('not-linearizable');
    expect(partitioned.partitions).toBe(2);
    expect(partitioned.explanation?.[0]?.key).toBe('b');
    expect(whole.verdict).toBe('not-linearizable');
    expect(whole.partitions).toBe(1);
  });

  it('searches every partition when asked to explain them all', () => {
    const history = ops(
      { f: 'put', key: 'a', input: 'x', call: 0, ret: 1 },
      { f: 'get', key: 'a', output: 'z', call: 2, ret: 3 },
      { f: 'put', key: 'b', input: 'y', call: 0, ret: 1 },
      { f: 'get', key: 'b', output: 'z', call: 2, ret: 3 },
    );
    const first = checkLinearizability(history, keyValueModel());
    expect(first.explanation).toHaveLength(1);
    expect(first.partitionResults.map((p) => p.outcome)).toEqual(['not-linearizable', 'skipped']);
    const all = checkLinearizability(history, keyValueModel(), { stopAtFirstViolation: false });
    expect(all.explanation?.map((e) => e.key)).toEqual(['a', 'b']);
  });

  it('supports non-deterministic models (a set of possible states)', () => {
    // A "flaky write" may or may not store its value.
    const flaky: Model<number> = {
      name: 'flaky',
      init: () => 0,
      step: (state, op) =>
        op.f === 'write'
          ? [state, op.input as number]
          : op.output === state
            ? { ok: true, state }
            : { ok: false },
    };
    const history = ops(
      { f: 'write', input: 1, call: 0, ret: 1 },
      { f: 'read', output: 0, call: 2, ret: 3 },
      { f: 'write', input: 2, call: 4, ret: 5 },
      { f: 'read', output: 2, call: 6, ret: 7 },
    );
    expect(checkLinearizability(history, flaky).verdict).toBe('linearizable');
    const impossible = ops(
      { f: 'write', input: 1, call: 0, ret: 1 },
      { f: 'read', output: 2, call: 2, ret: 3 },
    );
    const result = checkLinearizability(impossible, flaky);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.explanation?.[0]?.state).toBe('one of: 0 | 1');
  });

  it('answers unknown, never a guess, when the time budget runs out', () => {
    // Many concurrent writes and an impossible read at the end: the search must try every order.
    const specs: OpSpec[] = Array.from({ length: 14 }, (_, i) => ({
      f: 'write',
      input: i,
      call: 0,
      ret: 100,
    }));
    specs.push({ f: 'read', output: 99, call: 101, ret: 102 });
    const result = checkLinearizability(ops(...specs), registerModel(), { timeoutMs: 0 });
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/time budget/);
    expect(() => checkLinearizability([], registerModel(), { timeoutMs: -1 })).toThrow(
      /timeoutMs must be >= 0/,
    );
  });

  it('accepts the empty history', () => {
    expect(checkLinearizability([], registerModel()).verdict).toBe('linearizable');
  });

  it('gives the same verdicts on worker threads', async () => {
    const history = ops(
      { f: 'put', key: 'a', input: 'x', call: 0, ret: 1 },
      { f: 'get', key: 'a', output: 'x', call: 2, ret: 3 },
      { f: 'put', key: 'b', input: 'y', call: 0, ret: 1 },
      { f: 'get', key: 'b', output: 'z', call: 2, ret: 3 },
    );
    const result = await checkLinearizabilityParallel(
      history,
      { name: 'kv' },
      { minOperationsForThreads: 0, threads: 2 },
    );
    expect(result.verdict).toBe('not-linearizable');
    expect(result.explanation?.[0]?.key).toBe('b');
    const fine = await checkLinearizabilityParallel(
      history.slice(0, 2),
      { name: 'kv' },
      { minOperationsForThreads: 0, threads: 2 },
    );
    expect(fine.verdict).toBe('linearizable');
  });
});

/** A sequential run of a register with random real-time slack around each linearization point. */
const sequentialRun = fc
  .array(
    fc.record({
      kind: fc.constantFrom('read', 'write', 'cas'),
      value: fc.integer({ min: 0, max: 3 }),
      to: fc.integer({ min: 0, max: 3 }),
      before: fc.integer({ min: 0, max: 40 }),
      after: fc.integer({ min: 0, max: 40 }),
      unknown: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((steps) => {
    let state: unknown = null;
    const specs: OpSpec[] = steps.map((step, i) => {
      const point = i * 10 + 5;
      const call = point - step.before;
      const ret = step.unknown && step.kind !== 'read' ? Infinity : point + step.after;
      switch (step.kind) {
        case 'read':
          return { f: 'read', output: state, call, ret };
        case 'write':
          state = step.value;
          return { f: 'write', input: step.value, call, ret };
        case 'cas': {
          const applied = state === step.value;
          if (applied) state = step.to;
          return { f: 'cas', input: [step.value, step.to], output: applied, call, ret };
        }
      }
    });
    return ops(...specs);
  });

describe('linearizability properties', () => {
  it('a history produced by a sequential register, with any real-time overlap around the true order, is linearizable', () => {
    fc.assert(
      fc.property(sequentialRun, (history) => {
        expect(checkLinearizability(history, casRegisterModel()).verdict).toBe('linearizable');
      }),
      { numRuns: 300 },
    );
  });

  it('a read of a value that was never written makes it not linearizable', () => {
    fc.assert(
      fc.property(sequentialRun, fc.nat(), (history, pick) => {
        const reads = history.filter((op) => op.f === 'read');
        fc.pre(reads.length > 0);
        const victim = reads[pick % reads.length] as Operation;
        const mutated = history.map((op) => (op === victim ? { ...op, output: 42 } : op));
        const result = checkLinearizability(mutated, casRegisterModel());
        expect(result.verdict).toBe('not-linearizable');
        expect(result.explanation?.[0]?.blocked.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with brute force on random small histories', () => {
    const randomHistory = fc.array(
      fc.record({
        kind: fc.constantFrom('read', 'write', 'cas'),
        value: fc.constantFrom(null, 1, 2),
        to: fc.constantFrom(1, 2),
        applied: fc.boolean(),
        call: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 0, max: 10 }),
        unknown: fc.integer({ min: 0, max: 5 }),
      }),
      { minLength: 0, maxLength: 6 },
    );
    fc.assert(
      fc.property(randomHistory, (steps) => {
        const history = ops(
          ...steps.map((s): OpSpec => {
            const ret = s.unknown === 0 ? Infinity : s.call + s.length;
            if (s.kind === 'read') return { f: 'read', output: s.value, call: s.call, ret };
            if (s.kind === 'write') return { f: 'write', input: s.to, call: s.call, ret };
            return { f: 'cas', input: [s.value, s.to], output: s.applied, call: s.call, ret };
          }),
        );
        const expected = bruteForceLinearizable(history, casRegisterModel());
        expect(checkLinearizability(history, casRegisterModel()).verdict).toBe(
          expected ? 'linearizable' : 'not-linearizable',
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with brute force on random small key-value histories, partitioned or not', () => {
    const randomHistory = fc.array(
      fc.record({
        kind: fc.constantFrom('get', 'put', 'append'),
        key: fc.constantFrom('a', 'b'),
        value: fc.constantFrom('', 'x', 'y', 'xy', 'yx'),
        call: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 0, max: 10 }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(randomHistory, fc.boolean(), (steps, partition) => {
        const history = ops(
          ...steps.map((s): OpSpec => ({
            f: s.kind,
            key: s.key,
            ...(s.kind === 'get' ? { output: s.value } : { input: s.value.slice(0, 1) }),
            call: s.call,
            ret: s.call + s.length,
          })),
        );
        const expected = bruteForceLinearizable(history, keyValueModel());
        expect(checkLinearizability(history, keyValueModel(), { partition }).verdict).toBe(
          expected ? 'linearizable' : 'not-linearizable',
        );
      }),
      { numRuns: 800 },
    );
  });
});
