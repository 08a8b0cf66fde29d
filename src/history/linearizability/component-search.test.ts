import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyValueModel } from '../models/key-value.js';
import type { Model } from '../models/model.js';
import { bruteForceLinearizable, ops, type OpSpec } from '../testing/builders.js';
import type { Operation } from '../types.js';
import { checkLinearizability } from './check.js';
import { ComponentSearch } from './component-search.js';
import { hasComponents } from './component-space.js';
import { createSearch } from './partition-check.js';
import { StateSpace } from './state-space.js';

const verdictOf = (linearizable: boolean): string => (linearizable ? 'linearizable' : 'not-linearizable');

/** A random key-value history on a few keys, unknown outcomes included. */
const randomKeyValueHistory = (keys: readonly string[], maxLength: number) =>
  fc
    .array(
      fc.record({
        kind: fc.constantFrom('get', 'put', 'append', 'cas'),
        key: fc.constantFrom(...keys),
        value: fc.constantFrom('', 'x', 'y', 'xy', 'yx'),
        to: fc.constantFrom('x', 'y'),
        applied: fc.boolean(),
        call: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 0, max: 10 }),
        unknown: fc.integer({ min: 0, max: 6 }),
      }),
      { maxLength },
    )
    .map((steps) =>
      ops(
        ...steps.map((s): OpSpec => {
          const ret = s.unknown === 0 && s.kind !== 'get' ? Infinity : s.call + s.length;
          switch (s.kind) {
            case 'get':
              return { f: 'get', key: s.key, output: s.value, call: s.call, ret };
            case 'cas':
              return { f: 'cas', key: s.key, input: [s.value, s.to], output: s.applied, call: s.call, ret };
            case 'put':
            case 'append':
              return { f: s.kind, key: s.key, input: s.value.slice(0, 1), call: s.call, ret };
          }
        }),
      ),
    );

/** A map of "flaky" registers: a write may or may not store its value (a non-deterministic step). */
const flakyMap: Model<Readonly<Record<string, number>>> = {
  name: 'flaky-map',
  init: () => ({}),
  step(state, op) {
    const key = op.key as string;
    if (op.f === 'write') return [state, { ...state, [key]: op.input as number }];
    return op.status === 'unknown' || (state[key] ?? 0) === op.output ? { ok: true, state } : { ok: false };
  },
  component: (op) => op.key,
  componentState: (state, key) => state[key as string] ?? 0,
};

describe('the component search (a map checked as one object)', () => {
  it('is the search used for a key-value history on two keys or more, and only then', () => {
    const model = keyValueModel();
    expect(hasComponents(model)).toBe(true);
    const twoKeys = ops(
      { f: 'put', key: 'a', input: 'x', call: 0, ret: 1 },
      { f: 'put', key: 'b', input: 'y', call: 0, ret: 1 },
    );
    expect(createSearch(twoKeys, model, new StateSpace(model, twoKeys))).toBeInstanceOf(ComponentSearch);
    const oneKey = twoKeys.slice(0, 1);
    expect(createSearch(oneKey, model, new StateSpace(model, oneKey))).not.toBeInstanceOf(ComponentSearch);
  });

  it('agrees with brute force and with the partitioned check on random histories over three keys', () => {
    fc.assert(
      fc.property(randomKeyValueHistory(['a', 'b', 'c'], 8), (history) => {
        const expected = verdictOf(bruteForceLinearizable(history, keyValueModel()));
        expect(checkLinearizability(history, keyValueModel(), { partition: false }).verdict).toBe(expected);
        expect(checkLinearizability(history, keyValueModel()).verdict).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with brute force on a non-deterministic model with components', () => {
    const randomHistory = fc.array(
      fc.record({
        write: fc.boolean(),
        key: fc.constantFrom('a', 'b'),
        value: fc.integer({ min: 0, max: 2 }),
        call: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 0, max: 10 }),
      }),
      { maxLength: 7 },
    );
    fc.assert(
      fc.property(randomHistory, (steps) => {
        const history = ops(
          ...steps.map((s): OpSpec => ({
            f: s.write ? 'write' : 'read',
            key: s.key,
            ...(s.write ? { input: s.value } : { output: s.value }),
            call: s.call,
            ret: s.call + s.length,
          })),
        );
        const expected = verdictOf(bruteForceLinearizable(history, flakyMap));
        expect(checkLinearizability(history, flakyMap).verdict).toBe(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('agrees with brute force when known operations return at +Infinity (nobody blamed then)', () => {
    // `pairOperations` never makes such operations, but hand-built histories may: then the
    // operation returning first may have an unknown outcome, and the search branches on all.
    // `require` is legal only when its key holds its input, even when its outcome is unknown.
    const guarded: Model<Readonly<Record<string, number>>> = {
      ...flakyMap,
      name: 'guarded-map',
      step(state, op) {
        const key = op.key as string;
        const value = state[key] ?? 0;
        if (op.f === 'write') return { ok: true, state: { ...state, [key]: op.input as number } };
        if (op.f === 'require') return value === op.input ? { ok: true, state } : { ok: false };
        return op.status === 'unknown' || value === op.output ? { ok: true, state } : { ok: false };
      },
      readOnly: (op) => op.f !== 'write',
    };
    const randomHistory = fc.array(
      fc.record({
        f: fc.constantFrom('write', 'read', 'require'),
        key: fc.constantFrom('a', 'b'),
        value: fc.integer({ min: 0, max: 1 }),
        call: fc.integer({ min: 0, max: 10 }),
        length: fc.integer({ min: 0, max: 10 }),
        end: fc.constantFrom('returns', 'unknown', 'ok at +Infinity'),
      }),
      { maxLength: 7 },
    );
    fc.assert(
      fc.property(randomHistory, (steps) => {
        const history = steps.map((s, id): Operation => ({
          id,
          process: id,
          f: s.f,
          key: s.key,
          input: s.value,
          output: s.end === 'unknown' ? undefined : s.value,
          status: s.end === 'unknown' ? 'unknown' : 'ok',
          call: s.call,
          ret: s.end === 'returns' ? s.call + s.length : Infinity,
          callIndex: id,
        }));
        const expected = verdictOf(bruteForceLinearizable(history, guarded));
        expect(checkLinearizability(history, guarded, { partition: false }).verdict).toBe(expected);
      }),
      { numRuns: 1500 },
    );
    // The smallest case: the unknown `require` returning first cannot take effect, and the known
    // write on another key must still be placed.
    const operation = (
      id: number,
      f: string,
      key: string,
      input: number,
      status: 'ok' | 'unknown',
      call: number,
      ret: number,
    ): Operation => ({ id, process: id, f, key, input, output: input, status, call, ret, callIndex: id });
    const smallest = [
      operation(0, 'require', 'a', 1, 'unknown', 0, Infinity),
      operation(1, 'write', 'b', 1, 'ok', 0, Infinity),
    ];
    expect(checkLinearizability(smallest, guarded, { partition: false }).verdict).toBe('linearizable');
    // A failure that reaches a configuration branching on key a, though key b is the one at
    // fault: it must not be blamed on a, or the search would jump back over b's choices. b must
    // end at 1, so its two concurrent writes must be taken in the order the search tries last.
    const misleading = [
      operation(0, 'write', 'b', 1, 'ok', 0, 10),
      operation(1, 'write', 'b', 2, 'ok', 0, 10),
      operation(2, 'write', 'a', 1, 'ok', 11, 20),
      operation(3, 'require', 'a', 5, 'unknown', 12, Infinity),
      operation(4, 'require', 'b', 1, 'ok', 13, Infinity),
    ];
    expect(bruteForceLinearizable(misleading, guarded)).toBe(true);
    expect(checkLinearizability(misleading, guarded, { partition: false }).verdict).toBe('linearizable');
  });

  it('accepts long sequential runs over many keys with real-time slack, and rejects a forged read', () => {
    const run = fc.array(
      fc.record({
        kind: fc.constantFrom('get', 'put', 'append'),
        key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        value: fc.constantFrom('p', 'q', 'r'),
        before: fc.integer({ min: 0, max: 30 }),
        after: fc.integer({ min: 0, max: 30 }),
      }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(run, fc.nat(), (steps, pick) => {
        const values = new Map<string, string>();
        const history = ops(
          ...steps.map((step, i): OpSpec => {
            const point = i * 10 + 5;
            const time = { call: point - step.before, ret: point + step.after };
            const current = values.get(step.key) ?? '';
            if (step.kind === 'get') return { f: 'get', key: step.key, output: current, ...time };
            values.set(step.key, step.kind === 'put' ? step.value : current + step.value);
            return { f: step.kind, key: step.key, input: step.value, ...time };
          }),
        );
        expect(checkLinearizability(history, keyValueModel(), { partition: false }).verdict).toBe(
          'linearizable',
        );
        const gets = history.filter((op) => op.f === 'get');
        fc.pre(gets.length > 0);
        const victim = gets[pick % gets.length] as Operation;
        const forged = history.map((op) => (op === victim ? { ...op, output: 'never written' } : op));
        const result = checkLinearizability(forged, keyValueModel(), { partition: false });
        expect(result.verdict).toBe('not-linearizable');
        expect(result.partitions).toBe(1);
        expect(result.explanation?.[0]?.blocked.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('explains a violation with the whole map as the state', () => {
    const history = ops(
      { f: 'put', key: 'a', input: 'x', call: 0, ret: 1 },
      { f: 'put', key: 'b', input: 'y', call: 0, ret: 1 },
      { f: 'get', key: 'a', output: 'x', call: 2, ret: 3 },
      { f: 'get', key: 'b', output: 'z', call: 2, ret: 3 },
    );
    const result = checkLinearizability(history, keyValueModel(), { partition: false });
    expect(result.verdict).toBe('not-linearizable');
    const [explanation] = result.explanation ?? [];
    expect(explanation?.state).toBe('{"a": "x", "b": "y"}');
    expect(explanation?.blocked.map((b) => [b.description, b.reason])).toEqual([
      ['get("b") -> "z"', 'illegal'],
    ]);
  });
});
