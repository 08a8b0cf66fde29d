/**
 * The kinds of plain data, and the one test that tells them apart.
 *
 * Every walk over plain values (validating, copying and encoding in `plain.ts`, the checker's
 * fingerprint, codec, incremental hasher and interner, the history checkers' structural hash and
 * equality, the Byzantine message mutator) asks {@link objectKind} what an object is and switches
 * on the answer, each switch exhaustive: a new kind of plain value is added here, and the compiler
 * then names every walk that must say what it does with it. No walk has its own `instanceof`
 * chain, so they cannot disagree on what is plain (they did: the simulator refused a `Buffer`
 * that the checker's fingerprint accepted).
 *
 * Prototypes are compared exactly, subclasses refused: a `Buffer`, or a class extending `Map`,
 * would come back from a copy, an encoding or another thread as the base class, so it is not
 * plain data. Arrays are also recognised by `Array.isArray` (an array from another realm).
 *
 * @module
 */

/** What a value is, for a walk over plain data. The numbers are stable (the checker stores them). */
export const enum PlainKind {
  /** Not an object: string, number, boolean, bigint, null or undefined. No parts. */
  Primitive = 0,
  Array = 1,
  /** An object literal (prototype `Object.prototype`). */
  Object = 2,
  Set = 3,
  Map = 4,
  /** An object made with `Object.create(null)`: a record like {@link Object}, rebuilt without prototype. */
  NullObject = 5,
  /** A `Uint8Array`: compared, hashed and copied by content; no parts. */
  Bytes = 6,
  /** Not plain data: a function, a symbol, a class instance (a `Date`, a `Buffer`, ...). */
  NotPlain = 7,
}

/**
 * The kind of a non-null object. Called for every object of every state the checker meets, so
 * the common prototypes are compared first, one load and a comparison each.
 */
export function objectKind(value: object): PlainKind {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype) return PlainKind.Object;
  if (prototype === Array.prototype) return PlainKind.Array;
  if (prototype === Set.prototype) return PlainKind.Set;
  if (prototype === Map.prototype) return PlainKind.Map;
  if (prototype === null) return PlainKind.NullObject;
  if (prototype === Uint8Array.prototype) return PlainKind.Bytes;
  return Array.isArray(value) ? PlainKind.Array : PlainKind.NotPlain;
}

/** The kind of any value. */
export function plainKind(value: unknown): PlainKind {
  switch (typeof value) {
    case 'object':
      return value === null ? PlainKind.Primitive : objectKind(value);
    case 'function':
    case 'symbol':
      return PlainKind.NotPlain;
    default:
      return PlainKind.Primitive;
  }
}

/** What a value that is not plain is, for an error message: `a function (f)`, `an instance of Date`. */
export function describeNotPlain(value: unknown): string {
  switch (typeof value) {
    case 'function':
      return `a function (${value.name || 'anonymous'})`;
    case 'symbol':
      return `a symbol (${String(value)})`;
    case 'undefined':
      return 'undefined (use null for "no value")';
    default: {
      const name = (value as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an exotic object';
    }
  }
}

/** What plain data is, for error messages. */
export const PLAIN_TYPES = 'JSON values, Map, Set, bigint and Uint8Array';

/** For the `default` of an exhaustive switch over {@link PlainKind}: a kind this walk does not handle. */
export function unhandledKind(kind: never): never {
  throw new Error(`plain data: no case for kind ${String(kind)}`);
}
