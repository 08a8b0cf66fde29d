/**
 * Every walk over plain data agrees on what plain data is (core/plain-kind.ts) and on what it
 * means: the validator, the copy, the JSON encoding (core/plain.ts), the checker's fingerprint,
 * incremental hasher and binary codec, the history checkers' structural hash and equality
 * (history/hash.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describePlainKind, objectKind, PlainKind, PlainLayout } from '../core/index.js';
import { clonePlain, decodePlain, encodePlain, findPlainViolation } from '../core/index.js';
import { canonicalString, structuralEqual, structuralHash } from '../history/index.js';
import { Decoder, Encoder } from './codec.js';
import { fingerprint } from './fingerprint.js';
import { IncrementalHasher } from './incremental.js';

fc.configureGlobal({ seed: 20_261_207 });

/** Every kind of plain value, nested: records of both prototypes, Map, Set, bigint, bytes. */
const plainValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, Infinity, -Infinity, Number.NaN),
    fc.double({ noNaN: true }).filter((number) => !Object.is(number, -0)),
    fc.integer(),
    fc.string({ maxLength: 6 }),
    fc.bigInt(),
    fc.uint8Array({ maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
    fc
      .dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3, noNullPrototype: true })
      .map((record) => Object.assign(Object.create(null) as object, record)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
    // Set elements, unlike Map keys, are primitives here: two distinct but equal arrays in one Set
    // make a multiset that the structural equality (a subset test, both ways by size) misjudges.
    fc
      .array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.bigInt()), { maxLength: 3 })
      .map((elements) => new Set(elements)),
  ),
})).value;

/** The same value built in reverse insertion order (records, Maps and Sets): structurally equal. */
function reordered(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const description = describePlainKind(objectKind(value));
  switch (description.layout) {
    case PlainLayout.List:
      return (value as unknown[]).map(reordered);
    case PlainLayout.Table: {
      const copy = description.create(0) as Map<unknown, unknown>;
      for (const [k, v] of [...(value as Map<unknown, unknown>)].reverse()) copy.set(k, reordered(v));
      return copy;
    }
    case PlainLayout.Bag: {
      const copy = description.create(0) as Set<unknown>;
      for (const element of [...(value as Set<unknown>)].reverse()) copy.add(element);
      return copy;
    }
    case PlainLayout.Record: {
      const copy = description.create(0);
      for (const key of Object.keys(value).reverse()) {
        Object.defineProperty(copy, key, {
          value: reordered((value as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    default:
      return value;
  }
}

/**
 * A successor of `value` as a model's `next` makes one: a copy of the root sharing every part but
 * one, which `change` replaces (or, in a Set, adds), as spreading, `Array.with` and
 * `new Map(old).set(...)` do. Values without parts are replaced whole.
 */
function successor(value: unknown, change: unknown, position: number): unknown {
  if (typeof value !== 'object' || value === null) return change;
  const description = describePlainKind(objectKind(value));
  switch (description.layout) {
    case PlainLayout.List: {
      const array = value as unknown[];
      if (array.length === 0) return [change];
      const at = position % array.length;
      return array.with(at, successor(array[at], change, position + 1));
    }
    case PlainLayout.Record: {
      const keys = Object.keys(value);
      const key = keys.length === 0 ? 'added' : (keys[position % keys.length] as string);
      const copy = Object.assign(description.create(0), value) as Record<string, unknown>;
      copy[key] = successor(copy[key], change, position + 1);
      return copy;
    }
    case PlainLayout.Table: {
      const copy = new Map(value as Map<unknown, unknown>);
      const keys = [...copy.keys()];
      const key = keys.length === 0 ? 'added' : keys[position % keys.length];
      copy.set(key, successor(copy.get(key), change, position + 1));
      return copy;
    }
    case PlainLayout.Bag:
      return new Set(value as Set<unknown>).add(typeof change === 'object' ? 'added' : change);
    default:
      return change;
  }
}

/** A value's fingerprint as the two signed 32-bit lanes the hashers keep. */
function lanes(value: unknown): [number, number] {
  const print = fingerprint(value);
  return [Number(BigInt.asIntN(32, print >> 32n)), Number(BigInt.asIntN(32, print))];
}

function codecRoundTrip(value: unknown): unknown {
  const encoder = new Encoder();
  encoder.value(value);
  return new Decoder(encoder.finish()).value();
}

/** Every copy of a value that the walks make. */
const copies: readonly [string, (value: unknown) => unknown][] = [
  ['clonePlain', clonePlain],
  ['encodePlain/decodePlain', (value) => decodePlain(JSON.parse(JSON.stringify(encodePlain(value))))],
  ['codec', codecRoundTrip],
  ['reordered', reordered],
];

describe('the walks over plain data', () => {
  it('accept every plain value, and every copy of it is structurally equal with the same fingerprint', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(findPlainViolation(value)).toBeUndefined();
        const print = fingerprint(value);
        for (const [name, copy] of copies) {
          const copied = copy(value);
          expect(structuralEqual(copied, value), name).toBe(true);
          expect(fingerprint(copied), name).toBe(print);
          expect(structuralHash(copied), name).toBe(structuralHash(value));
          expect(canonicalString(copied), name).toBe(canonicalString(value));
          expect(findPlainViolation(copied), name).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hash a successor against its parent to exactly its fingerprint (the incremental hasher)', () => {
    const hasher = new IncrementalHasher();
    fc.assert(
      fc.property(plainValue, plainValue, plainValue, fc.nat(), (base, other, change, position) => {
        hasher.setBase(base);
        expect([hasher.high, hasher.low]).toEqual(lanes(base));
        for (const next of [
          base,
          successor(base, change, position),
          reordered(base),
          other,
          clonePlain(base),
        ]) {
          hasher.hash(next);
          expect([hasher.high, hasher.low]).toEqual(lanes(next));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('give two values the same fingerprint exactly when they are structurally equal', () => {
    fc.assert(
      fc.property(plainValue, plainValue, fc.boolean(), (a, other, same) => {
        const b = same ? reordered(a) : other;
        expect(fingerprint(a) === fingerprint(b)).toBe(structuralEqual(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse, every one, what is not plain: a subclass of a plain type does not survive a copy', () => {
    class Registry extends Map<string, number> {}
    class Tags extends Set<string> {}
    class Point {
      x = 1;
    }
    const notPlain: readonly [string, object][] = [
      ['a Buffer', Buffer.from('ab')],
      ['a Map subclass', new Registry([['a', 1]])],
      ['a Set subclass', new Tags(['a'])],
      ['a Date', new Date(0)],
      ['a class instance', new Point()],
    ];
    for (const [name, value] of notPlain) {
      expect(objectKind(value), name).toBe(PlainKind.NotPlain);
      expect(findPlainViolation({ inside: value }), name).toBeDefined();
      expect(() => fingerprint({ inside: value }), name).toThrow(/plain data only/);
      expect(() => fingerprint(new Set([value])), name).toThrow(/plain data only/);
      expect(() => codecRoundTrip({ inside: value }), name).toThrow(/plain data only/);
    }
  });

  it('tell every kind apart by the one test', () => {
    const samples: readonly [unknown, PlainKind][] = [
      [[1], PlainKind.Array],
      [{ a: 1 }, PlainKind.Object],
      [Object.create(null), PlainKind.NullObject],
      [new Map(), PlainKind.Map],
      [new Set(), PlainKind.Set],
      [new Uint8Array(2), PlainKind.Bytes],
    ];
    for (const [value, kind] of samples) expect(objectKind(value as object)).toBe(kind);
  });
});
