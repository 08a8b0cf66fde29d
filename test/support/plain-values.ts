/**
 * Plain data as states hold it, for property tests of the checker's hashing and interning:
 * an arbitrary, and reference texts of values to compare them by.
 */
import fc from 'fast-check';

/** Plain data as states hold it: JSON values plus Map, Set, bigint, Uint8Array. */
export const plain: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
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

/** Plain data with the awkward cases of rebuilding: -0, NaN, null prototypes, shared parts. */
export const awkward: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
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

/** The same value rebuilt with every key, Set element and Map entry inserted in reverse order. */
export function reversed(value: unknown): unknown {
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
export function canonical(value: unknown): string {
  if (value === undefined) return 'u';
  if (typeof value === 'bigint') return `n${value}`;
  if (typeof value === 'number') {
    // JSON writes NaN and the infinities as null: spell them out, or they would equal null.
    if (!Number.isFinite(value)) return String(value);
    return Object.is(value, -0) ? '0' : JSON.stringify(value);
  }
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

/**
 * A text of a value that keeps every order (object keys, Set elements, Map entries): two values
 * with the same text are the same data built the same way.
 */
export function ordered(value: unknown): string {
  if (value === undefined) return 'u';
  if (typeof value === 'bigint') return `n${value}`;
  if (typeof value === 'number') {
    // JSON writes NaN and the infinities as null: spell them out, or they would equal null.
    if (!Number.isFinite(value)) return String(value);
    return Object.is(value, -0) ? '0' : JSON.stringify(value);
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(ordered).join(',')}]`;
  if (value instanceof Uint8Array) return `b${[...value].join('.')}`;
  if (value instanceof Set) return `s{${[...value].map(ordered).join(',')}}`;
  if (value instanceof Map)
    return `m{${[...value].map(([k, v]) => `${ordered(k)}:${ordered(v)}`).join(',')}}`;
  const prototype = Object.getPrototypeOf(value) === null ? 'null' : '';
  return `o${prototype}{${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${ordered(v)}`)
    .join(',')}}`;
}
