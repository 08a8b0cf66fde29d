/**
 * Structural 64-bit fingerprints of plain data (JSON values plus `Map`, `Set`, `bigint`,
 * `Uint8Array`), computed by walking the value, never through `JSON.stringify`.
 *
 * Two values that are structurally equal get the same fingerprint, whatever the insertion order
 * of their object keys, `Set` elements or `Map` entries: unordered containers combine their
 * entries' hashes by addition, which commutes, so no sorting is needed. Arrays and strings are
 * ordered and hashed sequentially. An object property whose value is `undefined` counts as
 * absent, as in JSON, so `{ a: undefined }` and `{}` are the same state.
 *
 * The 64 bits are two independent 32-bit lanes (a Murmur3-style lane and an xxHash-style lane)
 * kept in small integers: V8 does 32-bit integer arithmetic without allocating, whereas a
 * `bigint` or a `BigUint64Array` per hash would allocate. The checker's hot loop reads the two
 * lanes from {@link hashLaneHigh} / the return value of {@link hashValue}.
 *
 * Objects are not cached by identity: a `WeakMap` probe per container measured slower than
 * rehashing, and its ephemerons slowed the garbage collector; a cache of the objects in `Set`s
 * and of `Map` keys measured no faster on this issue's benchmarks, and was removed. Reuse of
 * unchanged parts is the job of the incremental hasher (incremental.ts), which hashes a
 * successor against its parent. Only short strings are cached, by value: that cache earns its
 * lines (hashing whole states without it took 17% more time).
 *
 * @module
 */

import {
  describeNotPlain,
  describePlainKind,
  layoutOf,
  objectKind,
  PLAIN_TYPES,
  PlainLayout,
  tagOf,
  unhandledLayout,
} from '../core/index.js';

// Lane A uses Murmur3's constants, lane B xxHash32's: distinct mixing functions keep the lanes
// independent, so a collision needs two unrelated 32-bit collisions at once.
const A_C1 = 0xcc9e2d51;
const A_C2 = 0x1b873593;
const B_P1 = 0x9e3779b1;
const B_P2 = 0x85ebca77;
const B_P3 = 0xc2b2ae3d;

// Seeds per kind of value, so that `1`, `'1'`, `[1]`, `{0: 1}` and `new Set([1])` differ. Those of
// objects are their kinds' tags (core/plain-kind.ts), which keep clear of these.
const enum Tag {
  Undefined = 1,
  Null = 2,
  False = 3,
  True = 4,
  Integer = 5,
  Float = 6,
  String = 7,
  BigInt = 8,
  Entry = 14,
}

function roundA(h: number, k: number): number {
  k = Math.imul(k, A_C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, A_C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function roundB(h: number, k: number): number {
  h = (h + Math.imul(k, B_P2)) | 0;
  h = (h << 13) | (h >>> 19);
  return Math.imul(h, B_P1);
}

function finalA(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function finalB(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, B_P2);
  h ^= h >>> 13;
  h = Math.imul(h, B_P3);
  return h ^ (h >>> 16);
}

// Constants for the atoms, precomputed as int32 so the hot loop stays in small integers.
const TRUE_A = finalA(Tag.True);
const TRUE_B = finalB(Tag.True);
const FALSE_A = finalA(Tag.False);
const FALSE_B = finalB(Tag.False);
const NULL_A = finalA(Tag.Null);
const NULL_B = finalB(Tag.Null);
const UNDEFINED_A = finalA(Tag.Undefined);
const UNDEFINED_B = finalB(Tag.Undefined);

/** High lane of the last {@link hashValue} call (the low lane is its return value). */
export let hashLaneHigh = 0;

const STRING_SEED_B = Math.imul(Tag.String, B_P1);
const BIGINT_SEED_B = Math.imul(Tag.BigInt, B_P1);

// Shared scratch for reading a float's bits without allocating.
const floatScratch = new Float64Array(1);
const floatWords = new Int32Array(floatScratch.buffer);

/**
 * Replacement strings used while hashing, for symmetry reduction: a string found in the map is
 * hashed as its replacement.
 */
let renaming: ReadonlyMap<string, string> | undefined;

function hashString(s: string, seedA: number, seedB: number): void {
  let a = seedA;
  let b = seedB;
  const n = s.length;
  let i = 0;
  // Two UTF-16 code units per round halve the number of rounds for the short strings that
  // dominate states (node ids, enum-like tags).
  for (; i + 1 < n; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    a = roundA(a, k);
    b = roundB(b, k);
  }
  if (i < n) {
    const k = s.charCodeAt(i);
    a = roundA(a, k);
    b = roundB(b, k);
  }
  hashLaneHigh = finalB(b ^ n);
  laneLow = finalA(a ^ n);
}

// The low lane result of helpers that cannot return two numbers.
let laneLow = 0;

/**
 * Hashes of short strings, by string. States repeat the same few strings (keys, tags, ids)
 * millions of times; V8 caches each string's own hash, so a `Map` probe is cheaper than
 * re-mixing the characters. Bounded: once full, new strings are simply hashed.
 */
const stringCache = new Map<string, number>();
const STRING_CACHE_MAX = 1 << 16;
const STRING_CACHED_LENGTH_MAX = 32;
let stringLanes = new Int32Array(2 * 1024);

/** Hash of a string (applying the active renaming); high lane in {@link hashLaneHigh}. */
export function stringHash(s: string): number {
  if (renaming !== undefined) {
    const replacement = renaming.get(s);
    if (replacement !== undefined) s = replacement;
  }
  const slot = stringCache.get(s);
  if (slot !== undefined) {
    hashLaneHigh = stringLanes[slot + 1] ?? 0;
    return stringLanes[slot] ?? 0;
  }
  hashString(s, Tag.String, STRING_SEED_B);
  if (s.length <= STRING_CACHED_LENGTH_MAX && stringCache.size < STRING_CACHE_MAX) {
    const at = stringCache.size * 2;
    if (at + 1 >= stringLanes.length) {
      const grown = new Int32Array(stringLanes.length * 2);
      grown.set(stringLanes);
      stringLanes = grown;
    }
    stringLanes[at] = laneLow;
    stringLanes[at + 1] = hashLaneHigh;
    stringCache.set(s, at);
  }
  return laneLow;
}

function numberHash(x: number): number {
  if ((x | 0) === x) {
    // -0 lands here too and hashes as 0, matching `-0 === 0`.
    hashLaneHigh = finalB(roundB(Tag.Integer, x));
    return finalA(roundA(Tag.Integer, x));
  }
  floatScratch[0] = Number.isNaN(x) ? NaN : x;
  const w0 = floatWords[0] ?? 0;
  const w1 = floatWords[1] ?? 0;
  hashLaneHigh = finalB(roundB(roundB(Tag.Float, w0), w1));
  return finalA(roundA(roundA(Tag.Float, w0), w1));
}

/** Seed of the high lane of an ordered container (a List or a Blob) from its kind's tag. */
export function orderedSeedHigh(tag: number): number {
  return Math.imul(tag, B_P1);
}

function listHash(v: readonly unknown[], tag: number): number {
  let a = tag;
  let b = orderedSeedHigh(tag);
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const la = hashValue(v[i]);
    a = roundA(a, la);
    b = roundB(b, hashLaneHigh);
  }
  return finishArray(a, b, n);
}

// The combining formulas below are shared with the incremental hasher (incremental.ts), which
// must produce exactly the same fingerprints from cached parts.

/** Low lane of a keyed entry (object property, `Map` entry) from its key and value lanes. */
export function entryLow(keyLow: number, valueLow: number): number {
  return finalA(roundA(roundA(Tag.Entry, keyLow), valueLow));
}

/** High lane of a keyed entry. */
export function entryHigh(keyHigh: number, valueHigh: number): number {
  return finalB(roundB(roundB(Tag.Entry, keyHigh), valueHigh));
}

/**
 * Finishes an unordered container (a Record, Bag or Table) of the kind tagged `tag` from the
 * sums of its entries' lanes; leaves the high lane in {@link hashLaneHigh} and returns the low lane.
 */
export function finishUnordered(tag: number, sumLow: number, sumHigh: number, size: number): number {
  hashLaneHigh = finalB(roundB(roundB(tag, sumHigh), size));
  return finalA(roundA(roundA(tag, sumLow), size));
}

/** Feeds one element's lane into an array's running low lane. */
export function arrayStepLow(running: number, elementLow: number): number {
  return roundA(running, elementLow);
}

/** Feeds one element's lane into an array's running high lane. */
export function arrayStepHigh(running: number, elementHigh: number): number {
  return roundB(running, elementHigh);
}

/** Finishes an array from its running lanes; high lane in {@link hashLaneHigh}. */
export function finishArray(runningLow: number, runningHigh: number, length: number): number {
  hashLaneHigh = finalB(runningHigh ^ length);
  return finalA(runningLow ^ length);
}

function recordHash(v: Record<string, unknown>, tag: number): number {
  // Entries combine by addition so that key order does not matter.
  let sumA = 0;
  let sumB = 0;
  let n = 0;
  for (const key in v) {
    const value = v[key];
    if (value === undefined) continue;
    n++;
    const va = hashValue(value);
    const vb = hashLaneHigh;
    const ka = stringHash(key);
    const kb = hashLaneHigh;
    sumA = (sumA + entryLow(ka, va)) | 0;
    sumB = (sumB + entryHigh(kb, vb)) | 0;
  }
  return finishUnordered(tag, sumA, sumB, n);
}

function bagHash(v: ReadonlySet<unknown>, tag: number): number {
  let sumA = 0;
  let sumB = 0;
  for (const element of v) {
    sumA = (sumA + hashValue(element)) | 0;
    sumB = (sumB + hashLaneHigh) | 0;
  }
  return finishUnordered(tag, sumA, sumB, v.size);
}

function tableHash(v: ReadonlyMap<unknown, unknown>, tag: number): number {
  let sumA = 0;
  let sumB = 0;
  for (const [key, value] of v) {
    const ka = hashValue(key);
    const kb = hashLaneHigh;
    const va = hashValue(value);
    const vb = hashLaneHigh;
    sumA = (sumA + entryLow(ka, va)) | 0;
    sumB = (sumB + entryHigh(kb, vb)) | 0;
  }
  return finishUnordered(tag, sumA, sumB, v.size);
}

function blobHash(v: Uint8Array, tag: number): number {
  let a = tag;
  let b = orderedSeedHigh(tag);
  const n = v.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const k = (v[i] ?? 0) | ((v[i + 1] ?? 0) << 8) | ((v[i + 2] ?? 0) << 16) | ((v[i + 3] ?? 0) << 24);
    a = roundA(a, k);
    b = roundB(b, k);
  }
  for (; i < n; i++) {
    const k = v[i] ?? 0;
    a = roundA(a, k);
    b = roundB(b, k);
  }
  hashLaneHigh = finalB(b ^ n);
  return finalA(a ^ n);
}

/** Hash of a non-null object: a container or a plain object. */
export function containerHash(v: object): number {
  const kind = objectKind(v);
  const layout = layoutOf(kind);
  switch (layout) {
    case PlainLayout.Record:
      return recordHash(v as Record<string, unknown>, tagOf(kind));
    case PlainLayout.List:
      return listHash(v as unknown[], tagOf(kind));
    case PlainLayout.Bag:
      return bagHash(v as Set<unknown>, tagOf(kind));
    case PlainLayout.Table:
      return tableHash(v as Map<unknown, unknown>, tagOf(kind));
    case PlainLayout.Blob:
      return blobHash(describePlainKind(kind).bytes(v), tagOf(kind));
    case PlainLayout.Atom:
    case PlainLayout.Foreign:
      throw new TypeError(
        `fingerprint: unsupported object (${describeNotPlain(v)}): states hold plain data only: ${PLAIN_TYPES}`,
      );
    default:
      return unhandledLayout(layout);
  }
}

/**
 * Hashes `value` and returns the low 32 bits of its fingerprint; the high 32 bits are left in
 * {@link hashLaneHigh}. This is the allocation-free form the search loops use.
 *
 * @throws TypeError on functions, symbols and objects that are not plain data.
 */
export function hashValue(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringHash(value);
    case 'number':
      return numberHash(value);
    case 'boolean':
      hashLaneHigh = value ? TRUE_B : FALSE_B;
      return value ? TRUE_A : FALSE_A;
    case 'object':
      if (value === null) {
        hashLaneHigh = NULL_B;
        return NULL_A;
      }
      return containerHash(value);
    case 'undefined':
      hashLaneHigh = UNDEFINED_B;
      return UNDEFINED_A;
    case 'bigint':
      hashString(value.toString(16), Tag.BigInt, BIGINT_SEED_B);
      return laneLow;
    case 'function':
    case 'symbol':
      throw new TypeError(
        `fingerprint: unsupported value of type ${typeof value}: states hold plain data only`,
      );
  }
}

/**
 * The 64-bit structural fingerprint of a plain-data value, as a `bigint` (the form for reports
 * and tests; the search loops use {@link hashValue} to avoid allocating).
 *
 * @throws TypeError on functions, symbols and objects that are not plain data.
 */
export function fingerprint(value: unknown): bigint {
  const low = hashValue(value);
  return (BigInt(hashLaneHigh >>> 0) << 32n) | BigInt(low >>> 0);
}

/**
 * Hashes `value` as if every string found in `replacements` were its replacement (keys, values,
 * `Set` elements and `Map` keys alike), without building the renamed value. Symmetry reduction
 * uses it to fingerprint a permuted state cheaply.
 */
export function hashValueRenamed(value: unknown, replacements: ReadonlyMap<string, string>): number {
  renaming = replacements;
  try {
    return hashValue(value);
  } finally {
    renaming = undefined;
  }
}
