import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awkward, ordered, plain } from '../../test/support/plain-values.js';
import { hashLaneHigh, hashValue } from './fingerprint.js';
import { clonePlain } from '../core/index.js';
import { Interner } from './intern.js';

/**
 * `value` with the part at a path replaced by `replacement`, rebuilt the way models rebuild
 * states: every container on the path is copied (spread, `with`, a new Set or Map), and every
 * other part is shared with `value`. `path` picks a child at each level (modulo the count).
 */
function edited(value: unknown, path: readonly number[], replacement: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined || typeof value !== 'object' || value === null || value instanceof Uint8Array) {
    return replacement;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = step % value.length;
    return value.with(i, edited(value[i], rest, replacement));
  }
  if (value instanceof Set) {
    const elements: unknown[] = [...(value as Set<unknown>)];
    if (elements.length === 0 || step % 3 === 0) return new Set([...elements, replacement]); // added
    const i = step % elements.length;
    return new Set(elements.map((element, j) => (j === i ? edited(element, rest, replacement) : element)));
  }
  if (value instanceof Map) {
    const entries = [...value];
    if (entries.length === 0) return new Map([['new', replacement]]);
    const [key, child] = entries[step % entries.length] as [unknown, unknown];
    return new Map(value).set(key, edited(child, rest, replacement));
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0 || step % 4 === 0) return { ...record, [`k${step}`]: replacement }; // a new key
  const key = keys[step % keys.length] as string;
  return { ...record, [key]: edited(record[key], rest, replacement) };
}

const path = fc.array(fc.nat(20), { maxLength: 4 });

function lanes(value: unknown): [number, number] {
  const low = hashValue(value);
  return [low, hashLaneHigh];
}

describe('Interner', () => {
  it("gives a part exactly the value's fingerprint, and rebuilds it exactly (order included)", () => {
    fc.assert(
      fc.property(awkward, (value) => {
        const interner = new Interner();
        const id = interner.intern(value, -1);
        expect([interner.low[id], interner.high[id]]).toEqual(lanes(value));
        expect(ordered(interner.values[id])).toBe(ordered(value));
        // Interning it again, or a copy of it, finds the same part.
        expect(interner.intern(value, -1)).toBe(id);
        expect(interner.intern(clonePlain(value), -1)).toBe(id);
      }),
    );
  });

  it('interns a successor against its parent as it would from scratch', () => {
    fc.assert(
      fc.property(plain, fc.array(fc.tuple(path, plain), { minLength: 1, maxLength: 6 }), (first, steps) => {
        const interner = new Interner();
        let state = first;
        let id = interner.intern(state, -1);
        for (const [where, replacement] of steps) {
          const next = edited(state, where, replacement);
          const against = interner.intern(next, id);
          expect([interner.low[against], interner.high[against]]).toEqual(lanes(next));
          expect(ordered(interner.values[against])).toBe(ordered(next));
          expect(interner.intern(clonePlain(next), -1)).toBe(against);
          state = next;
          id = against;
        }
      }),
    );
  });

  it('keeps parts that differ only in order apart, with one fingerprint', () => {
    const interner = new Interner();
    const forward = interner.intern(new Set(['a', 'b']), -1);
    const backward = interner.intern(new Set(['b', 'a']), -1);
    expect(backward).not.toBe(forward);
    expect([interner.low[backward], interner.high[backward]]).toEqual([
      interner.low[forward],
      interner.high[forward],
    ]);
    expect([...(interner.values[backward] as Set<string>)]).toEqual(['b', 'a']);
    const ab = interner.intern({ a: 1, b: 2 }, -1);
    expect(interner.intern({ b: 2, a: 1 }, -1)).not.toBe(ab);
    expect(interner.intern({ a: 1, b: 2 }, -1)).toBe(ab);
  });

  it('keeps a property named __proto__ as a property', () => {
    const interner = new Interner();
    const value: unknown = JSON.parse('{"__proto__": {"a": 1}, "b": 2}');
    const id = interner.intern(value, -1);
    expect(ordered(interner.values[id])).toBe(ordered(value));
    expect(Object.getPrototypeOf(interner.values[id])).toBe(Object.prototype);
    expect([interner.low[id], interner.high[id]]).toEqual(lanes(value));
  });

  it('remembers single changes without mixing them up', () => {
    // The memo of (part, position, new child): the same edit of the same part gives the same
    // part, and other edits give other parts.
    const interner = new Interner();
    const base = { x: 'working', y: 'working', z: 'working' };
    const baseId = interner.intern(base, -1);
    const ids = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      for (const key of ['x', 'y', 'z'] as const) {
        for (const value of ['prepared', 'committed', 'aborted']) {
          const id = interner.intern({ ...base, [key]: value }, baseId);
          const name = `${key}=${value}`;
          if (round === 0) ids.set(name, id);
          else expect(id).toBe(ids.get(name));
          expect(interner.values[id]).toEqual({ ...base, [key]: value });
        }
      }
    }
    expect(new Set(ids.values()).size).toBe(9);
  });

  it('throws the fingerprint error for what a state may not hold', () => {
    const interner = new Interner();
    expect(() => interner.intern({ f: () => 1 }, -1)).toThrow(/unsupported value of type function/);
    expect(() => interner.intern({ at: new Date(0) }, -1)).toThrow(/unsupported object/);
  });

  it('drops unused parts when compacting, and keeps the used ones exactly', () => {
    fc.assert(
      fc.property(
        fc.array(plain, { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean()),
        (values, keepMask) => {
          const interner = new Interner();
          const ids = values.map((value) => interner.intern(value, -1));
          const kept = ids.filter((_, i) => keepMask[i] ?? true);
          const remap = interner.compact((keep) => kept.forEach(keep));
          ids.forEach((id, i) => {
            if (!kept.includes(id)) return;
            const now = remap[id] ?? -1;
            expect(now).toBeGreaterThanOrEqual(0);
            expect(ordered(interner.values[now])).toBe(ordered(values[i]));
            expect([interner.low[now], interner.high[now]]).toEqual(lanes(values[i]));
            // The part is still found by value, and the interner goes on working.
            expect(interner.intern(clonePlain(values[i]), -1)).toBe(now);
          });
          expect(interner.size).toBeLessThanOrEqual(remap.length);
        },
      ),
    );
  });
});
