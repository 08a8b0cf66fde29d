import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from './codec.js';
import { fingerprint } from './fingerprint.js';
import { IncrementalHasher } from './incremental.js';
import { canonical, plain, reversed } from '../../test/support/plain-values.js';

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
