import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from './codec.js';
import { clearElementCache, fingerprint } from './fingerprint.js';
import { IncrementalHasher } from './incremental.js';

/** Plain data as states hold it: JSON values plus Map, Set, bigint, Uint8Array. */
const plain: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, undefined, 0, -1, 1.5, 'a', 'b', 'working', ''),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.string(),
    fc.bigInt(),
    fc.uint8Array({ maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 4 }),
    fc.array(tie('value'), { maxLength: 4 }).map((elements) => new Set(elements)),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), tie('value')), { maxLength: 4 })
      .map((entries) => new Map(entries)),
  ),
})).value;

/** The same value rebuilt with every key, Set element and Map entry inserted in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value instanceof Set) return new Set([...value].reverse().map(reversed));
  if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [reversed(k), reversed(v)]));
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    );
  }
  return value;
}

/** A canonical text of a value, as the reference for structural equality. */
function canonical(value: unknown): string {
  if (value === undefined) return 'u';
  if (typeof value === 'bigint') return `n${value}`;
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Uint8Array) return `b${[...value].join('.')}`;
  if (value instanceof Set) return `s{${[...value].map(canonical).sort().join(',')}}`;
  if (value instanceof Map) {
    return `m{${[...value]
      .map(([k, v]) => `${canonical(k)}:${canonical(v)}`)
      .sort()
      .join(',')}}`;
  }
  return `o{${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
    .sort()
    .join(',')}}`;
}

describe('fingerprint', () => {
  it('ignores the insertion order of object keys, Set elements and Map entries', () => {
    fc.assert(fc.property(plain, (value) => fingerprint(reversed(value)) === fingerprint(value)));
  });

  it('tells structurally different values apart (and equal ones together)', () => {
    fc.assert(
      fc.property(
        plain,
        plain,
        (x, y) => (canonical(x) === canonical(y)) === (fingerprint(x) === fingerprint(y)),
      ),
    );
  });

  it('separates look-alikes of different kinds', () => {
    const values = [
      1,
      '1',
      [1],
      { 0: 1 },
      new Set([1]),
      new Map([[0, 1]]),
      1n,
      Uint8Array.of(1),
      [[1]],
      null,
      undefined,
    ];
    expect(new Set(values.map(fingerprint)).size).toBe(values.length);
  });

  it('treats an undefined property as absent, as JSON does', () => {
    expect(fingerprint({ a: 1, b: undefined })).toBe(fingerprint({ a: 1 }));
  });

  it('does not depend on the element cache', () => {
    const message = { type: 'Prepared', rm: 'rm1' };
    const first = fingerprint(new Set([message]));
    clearElementCache();
    expect(fingerprint(new Set([{ ...message }]))).toBe(first);
  });

  it('rejects what is not plain data, naming itself', () => {
    expect(() => fingerprint({ f: () => 1 })).toThrow(/fingerprint: unsupported value of type function/);
    expect(() => fingerprint(new Date(0))).toThrow(/fingerprint: unsupported object \(an instance of Date\)/);
  });
});

/** A successor as a model writes one: a copy of `value` sharing all but one changed part. */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined || typeof value !== 'object' || value === null || value instanceof Uint8Array) {
    return replacement;
  }
  if (Array.isArray(value)) {
    const array = value as unknown[];
    if (array.length === 0) return [replacement];
    const i = step % (array.length + 1);
    return i === array.length ? [...array, replacement] : array.with(i, mutate(array[i], rest, replacement));
  }
  if (value instanceof Set) {
    const elements: unknown[] = [...(value as Set<unknown>)];
    const i = step % (elements.length + 1);
    if (i === elements.length) return new Set([...elements, replacement]);
    return new Set(elements.filter((_, j) => j !== i)); // a deletion
  }
  if (value instanceof Map) {
    const entries = [...value];
    const i = step % (entries.length + 1);
    const entry = entries[i];
    if (entry === undefined) return new Map([...entries, [`k${step}`, replacement]]);
    return new Map(value).set(entry[0], mutate(entry[1], rest, replacement));
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const key = keys[step % (keys.length + 1)] ?? `k${step}`;
  return { ...record, [key]: mutate(record[key], rest, replacement) };
}

describe('IncrementalHasher', () => {
  it('hashes a successor exactly as a full walk does', () => {
    fc.assert(
      fc.property(
        plain,
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), plain), { minLength: 1, maxLength: 4 }),
        (base, mutations) => {
          const hasher = new IncrementalHasher();
          hasher.setBase(base);
          expect(hasher.low >>> 0).toBe(Number(fingerprint(base) & 0xffffffffn));
          for (const [path, replacement] of mutations) {
            const successor = mutate(base, path, replacement);
            hasher.hash(successor);
            const expected = fingerprint(successor);
            expect((BigInt(hasher.high >>> 0) << 32n) | BigInt(hasher.low >>> 0)).toBe(expected);
          }
        },
      ),
    );
  });
});

/** Plain data with the awkward cases of decoding: -0, NaN, null prototypes, shared parts. */
const awkward: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    plain,
    fc.constantFrom(-0, NaN, 2 ** 31, -(2 ** 31) - 1, 1n << 70n),
    fc
      .dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 4 })
      .map((entries) => Object.assign(Object.create(null) as object, entries)),
    // A part reachable twice, within the value and as a Set element.
    tie('value').map((part) => ({ a: part, b: [part], c: new Set([part]) })),
    fc.array(tie('value'), { maxLength: 4 }).map((elements) => new Set(elements)),
  ),
})).value;

/** The 64-bit fingerprint a hasher holds, as `fingerprint` returns it. */
function held(hasher: IncrementalHasher): bigint {
  return (BigInt(hasher.high >>> 0) << 32n) | BigInt(hasher.low >>> 0);
}

describe('IncrementalHasher recording from a decoder', () => {
  it('records exactly what setBase records, and hashes successors the same', () => {
    fc.assert(
      fc.property(
        fc.array(awkward, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), plain), { maxLength: 3 }),
        (values, mutations) => {
          // One batch, so that later values refer to parts of earlier ones.
          const encoder = new Encoder();
          for (const value of values) encoder.value(value);
          const decoder = new Decoder(encoder.finish());
          const reused = new IncrementalHasher();
          for (const value of values) {
            const fresh = new IncrementalHasher();
            fresh.beginBase();
            const decoded = decoder.recordedValue(fresh, 0);
            fresh.endBase();
            expect(held(fresh)).toBe(fingerprint(value));
            const walked = new IncrementalHasher();
            walked.setBase(decoded);
            const recorded = fresh.recordedNodes();
            const expected = walked.recordedNodes();
            expect(recorded).toEqual(expected);
            // The same parts, by identity: successors are matched against them by reference.
            recorded.forEach(([ref, key], m) => {
              expect(Object.is(ref, expected[m]?.[0]) && Object.is(key, expected[m]?.[1])).toBe(true);
            });
            // The same base recorded by a hasher that recorded others before.
            const again = new Encoder();
            again.value(decoded);
            reused.beginBase();
            new Decoder(again.finish()).recordedValue(reused, 0);
            reused.endBase();
            for (const [path, replacement] of mutations) {
              const successor = mutate(decoded, path, replacement);
              fresh.hash(successor);
              reused.hash(successor);
              expect(held(fresh)).toBe(fingerprint(successor));
              expect(held(reused)).toBe(fingerprint(successor));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('codec', () => {
  it('round-trips plain data, sharing and all, with the same fingerprint', () => {
    fc.assert(
      fc.property(fc.array(plain, { maxLength: 5 }), (values) => {
        const encoder = new Encoder();
        for (const value of values) encoder.value(value);
        const decoder = new Decoder(encoder.finish());
        for (const value of values) {
          const decoded = decoder.value();
          expect(canonical(decoded)).toBe(canonical(value));
          expect(fingerprint(decoded)).toBe(fingerprint(value));
        }
        expect(decoder.more).toBe(false);
      }),
    );
  });

  it('writes strings in full past the string table bound, and decodes them all', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    const encoder = new Encoder();
    for (const value of values) encoder.value(value);
    for (const value of values) encoder.value(value);
    const decoder = new Decoder(encoder.finish());
    expect([...values, ...values].map(() => decoder.value())).toEqual([...values, ...values]);
  });

  it('keeps parts shared between values shared', () => {
    const shared = new Set(['a', 'b']);
    const encoder = new Encoder();
    encoder.value({ x: shared });
    encoder.value({ y: shared });
    const decoder = new Decoder(encoder.finish());
    const first = decoder.value() as { x: Set<string> };
    const second = decoder.value() as { y: Set<string> };
    expect(first.x).toBe(second.y);
  });
});
