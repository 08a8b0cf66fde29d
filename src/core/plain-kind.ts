/**
 * What plain data is: its kinds, the one test that tells them apart, and, per kind, everything a
 * walk over plain values needs to know about it. This module is the only place that names a kind.
 *
 * Every walk (validating, copying and encoding in `plain.ts`; the checker's fingerprint, binary
 * codec and incremental hasher; the history checkers' structural hash, equality and canonical
 * text; the Byzantine message mutator) asks {@link objectKind} what an object is, then looks the
 * kind up in {@link PLAIN_KINDS} and switches on its {@link PlainLayout}: how its values are made
 * of parts (ordered elements, keyed entries, a byte string...), which decides how they are
 * enumerated, rebuilt, hashed and compared. A walk never switches on the kind itself. So a new
 * kind of plain value whose values are read like an existing layout's (another record prototype,
 * another byte array) is one enum member, one prototype comparison in {@link objectKind} and one
 * row of {@link PLAIN_KINDS}, all here; the table's type refuses a kind without a row. A kind
 * with a new layout is a new way for values to be made: then the compiler names every walk that
 * must say what it does with it (each switch on the layout is exhaustive).
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
 * How the values of a kind are made of parts: the protocol a walk reads them with, and what
 * structural equality means for them. Walks switch on this, exhaustively.
 */
export const enum PlainLayout {
  /** Not an object: no parts. */
  Atom = 0,
  /** Ordered elements, read as an array (`length`, `[index]`); a place per index. */
  List = 1,
  /** String keys to values, read with `for...in`, in any order: equal whatever the key order. */
  Record = 2,
  /** Elements, read as a `Set` (`size`, iteration, `add` to rebuild); equal whatever the order. */
  Bag = 3,
  /** Keys of any kind to values, read as a `Map` (`size`, iteration, `set` to rebuild); unordered. */
  Table = 4,
  /** A byte string (read through {@link PlainKindDescription.bytes}): a leaf, compared by content. */
  Blob = 5,
  /** Not plain data. */
  Foreign = 6,
}

/** What the walks know about one kind. Every row has the same fields (one shape, cheap to read). */
export interface PlainKindDescription {
  readonly layout: PlainLayout;
  /**
   * Seed of its hashes and its tag in structural comparisons: two values of kinds with the same
   * tag (and then the same layout) are equal when their parts are, so records of either
   * prototype are equal. The checker's fingerprint uses tags 1 to 8 and 14 for its atoms and
   * entries: a kind takes 9 to 13, or 15 and up.
   */
  readonly tag: number;
  /** Prefix of its canonical text (history/hash.ts), such as `Map` in `Map{...}`. */
  readonly label: string;
  /** Its marker in JSON (`encodePlain`), such as `$map`; none for arrays and records, JSON's own. */
  readonly json: string | undefined;
  /** The prototype that {@link objectKind} recognises it by; none for primitives and what is not plain. */
  readonly prototype: object | null | undefined;
  /**
   * A new value of this kind to fill by its layout's protocol: an array of `size` holes (List), an
   * empty record, `Set` or `Map`, or `size` zero bytes (Blob, written through {@link bytes}).
   */
  readonly create: (size: number) => object;
  /** A Blob's content, as bytes that may be read and written; throws for other layouts. */
  readonly bytes: (value: object) => Uint8Array;
}

function noParts(): never {
  throw new TypeError('plain data: this kind of value has no parts to rebuild');
}

/** Seed shared by records of either prototype, and by what is not plain (compared as a record). */
const RECORD_TAG = 10;

function describeKind(
  layout: PlainLayout,
  tag: number,
  label: string,
  json: string | undefined,
  prototype: object | null | undefined,
  create: (size: number) => object = noParts,
  bytes: (value: object) => Uint8Array = noParts,
): PlainKindDescription {
  return Object.freeze({ layout, tag, label, json, prototype, create, bytes });
}

/** A description for every kind: a table that misses one is a type error. */
export type PlainKindTable = { readonly [Kind in PlainKind]: PlainKindDescription };

/** The description of every kind. */
const DESCRIPTIONS: PlainKindTable = {
  [PlainKind.Primitive]: describeKind(PlainLayout.Atom, 0, '', undefined, undefined),
  [PlainKind.Array]: describeKind(PlainLayout.List, 9, '', undefined, Array.prototype, (size) =>
    size === 0 ? [] : new Array<unknown>(size),
  ),
  [PlainKind.Object]: describeKind(
    PlainLayout.Record,
    RECORD_TAG,
    '',
    undefined,
    Object.prototype,
    () => ({}),
  ),
  [PlainKind.Set]: describeKind(PlainLayout.Bag, 11, 'Set', '$set', Set.prototype, () => new Set()),
  [PlainKind.Map]: describeKind(PlainLayout.Table, 12, 'Map', '$map', Map.prototype, () => new Map()),
  [PlainKind.NullObject]: describeKind(
    PlainLayout.Record,
    RECORD_TAG,
    '',
    undefined,
    null,
    () => Object.create(null) as object,
  ),
  [PlainKind.Bytes]: describeKind(
    PlainLayout.Blob,
    13,
    'bytes',
    '$bytes',
    Uint8Array.prototype,
    (size) => new Uint8Array(size),
    (value) => value as Uint8Array,
  ),
  // The history checkers compare objects that are not plain by their properties, as records.
  [PlainKind.NotPlain]: describeKind(PlainLayout.Foreign, RECORD_TAG, '', undefined, undefined),
};

/** Every kind's description, indexed by kind. */
export const PLAIN_KINDS: readonly PlainKindDescription[] = Object.freeze(
  Array.from({ length: Object.keys(DESCRIPTIONS).length }, (_, kind) => {
    const description = (DESCRIPTIONS as Readonly<Record<number, PlainKindDescription>>)[kind];
    if (description === undefined) throw new Error(`plain data: kinds must be numbered 0 to n-1 (${kind})`);
    return description;
  }),
);

// The two facts the hot walks read per object, as typed arrays: one load each.
const LAYOUTS = Uint8Array.from(PLAIN_KINDS, (description) => description.layout);
const TAGS = Int32Array.from(PLAIN_KINDS, (description) => description.tag);

/** The layout of a kind. */
export function layoutOf(kind: PlainKind): PlainLayout {
  return LAYOUTS[kind] ?? PlainLayout.Foreign;
}

/** The tag of a kind (see {@link PlainKindDescription.tag}). */
export function tagOf(kind: PlainKind): number {
  return TAGS[kind] ?? 0;
}

/** The description of a kind. */
export function describePlainKind(kind: PlainKind): PlainKindDescription {
  return PLAIN_KINDS[kind] ?? (PLAIN_KINDS[PlainKind.NotPlain] as PlainKindDescription);
}

/**
 * The kind of a non-null object. Called for every object of every state the checker meets, so
 * the common prototypes are compared first, one load and a comparison each (a test checks that
 * this agrees with every row's `prototype`).
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

/** For the `default` of an exhaustive switch over {@link PlainLayout}: a layout this walk does not handle. */
export function unhandledLayout(layout: never): never {
  throw new Error(`plain data: no case for layout ${String(layout)}`);
}
