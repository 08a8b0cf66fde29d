/**
 * Structural hashing, equality and canonical text for plain data (JSON values plus `Map`, `Set`,
 * `bigint`, `Uint8Array`, as DESIGN.md §1 allows in states). Model states are interned with
 * these, so that the search compares small integers instead of states.
 *
 * `Map`, `Set` and object keys are unordered: two maps with the same entries inserted in a
 * different order hash alike and are equal.
 *
 * @module
 */
import {
  describePlainKind,
  layoutOf,
  objectKind,
  PlainLayout,
  tagOf,
  unhandledLayout,
} from '../core/index.js';

const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);

/** Final avalanche of MurmurHash3: spreads every input bit over the output. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Folds `value` into the running hash `h` (order-dependent). */
function combine(h: number, value: number): number {
  return (Math.imul(h ^ value, 0x01000193) + 0x9e3779b9) | 0;
}

/** Hash of a string: FNV-1a over UTF-16 code units, then mixed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h ^ text.length);
}

function hashNumber(value: number): number {
  if ((value | 0) === value && !Object.is(value, -0)) return mix32(value ^ 0x27d4eb2f);
  float[0] = value;
  return mix32(combine(floatWords[0] ?? 0, floatWords[1] ?? 0));
}

/**
 * A 32-bit hash of a plain-data value that agrees with {@link structuralEqual}: equal values have
 * equal hashes.
 */
export function structuralHash(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return hashString(value);
    case 'number':
      return hashNumber(value);
    case 'boolean':
      return value ? 0x1f3d5b79 : 0x2c1b3c6d;
    case 'bigint':
      return combine(0x5bd1e995, hashString(value.toString()));
    case 'undefined':
      return 0x3c6ef372;
    case 'object':
      return hashObject(value);
    case 'symbol':
    case 'function':
      throw new TypeError(`structuralHash: cannot hash a ${typeof value}`);
  }
}

function hashObject(value: object | null): number {
  if (value === null) return 0x7f4a7c15;
  const kind = objectKind(value);
  // Kinds that compare equal share a tag (core/plain-kind.ts), so records of either prototype
  // hash alike; kinds that differ start from different seeds.
  const seed = mix32(tagOf(kind) ^ 0x6a09e667);
  const layout = layoutOf(kind);
  switch (layout) {
    case PlainLayout.List: {
      const array = value as unknown[];
      let h = seed ^ array.length;
      for (const item of array) h = combine(h, structuralHash(item));
      return mix32(h);
    }
    case PlainLayout.Blob: {
      const bytes = describePlainKind(kind).bytes(value);
      let h = seed ^ bytes.length;
      for (const byte of bytes) h = combine(h, byte);
      return mix32(h);
    }
    // Unordered containers: a commutative sum of per-entry hashes.
    case PlainLayout.Table: {
      const map = value as Map<unknown, unknown>;
      let sum = seed ^ map.size;
      for (const [key, item] of map)
        sum = (sum + mix32(combine(structuralHash(key), structuralHash(item)))) | 0;
      return mix32(sum);
    }
    case PlainLayout.Bag: {
      const set = value as Set<unknown>;
      let sum = seed ^ set.size;
      for (const item of set) sum = (sum + mix32(structuralHash(item) ^ 0x5be0cd19)) | 0;
      return mix32(sum);
    }
    case PlainLayout.Record:
    case PlainLayout.Foreign:
    case PlainLayout.Atom: {
      let sum = seed;
      for (const [key, item] of Object.entries(value)) {
        sum = (sum + mix32(combine(hashString(key), structuralHash(item)))) | 0;
      }
      return mix32(sum);
    }
    default:
      return unhandledLayout(layout);
  }
}

/** Deep equality of plain data; `Map`, `Set` and object keys are compared without order. */
export function structuralEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || a === null || b === null) return false;
  const other = b as object;
  const kind = objectKind(a);
  const otherKind = objectKind(other);
  // Kinds with one tag compare alike: records of either prototype, and objects that are not
  // plain, compared by their properties as records.
  if (tagOf(kind) !== tagOf(otherKind)) return false;
  const layout = layoutOf(kind);
  switch (layout) {
    case PlainLayout.List: {
      const [x, y] = [a as unknown[], other as unknown[]];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!structuralEqual(x[i], y[i])) return false;
      return true;
    }
    case PlainLayout.Blob: {
      const x = describePlainKind(kind).bytes(a);
      const y = describePlainKind(otherKind).bytes(other);
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    }
    case PlainLayout.Table:
      return mapsEqual(a as Map<unknown, unknown>, other as Map<unknown, unknown>);
    case PlainLayout.Bag:
      return setsEqual(a as Set<unknown>, other as Set<unknown>);
    case PlainLayout.Record:
    case PlainLayout.Foreign:
      return recordsEqual(a as Record<string, unknown>, other as Record<string, unknown>);
    case PlainLayout.Atom:
      return false;
    default:
      return unhandledLayout(layout);
  }
}

function mapsEqual(a: Map<unknown, unknown>, other: Map<unknown, unknown>): boolean {
  if (a.size !== other.size) return false;
  const structuredKeys: unknown[] = [];
  for (const [key, item] of a) {
    if (isStructured(key)) structuredKeys.push(key);
    else if (!other.has(key) || !structuralEqual(item, other.get(key))) return false;
  }
  // Same size and every primitive key matched: the structured keys must pair off one to one.
  return pairOff(
    structuredKeys,
    [...other.keys()].filter(isStructured),
    (key, otherKey) => structuralEqual(key, otherKey) && structuralEqual(a.get(key), other.get(otherKey)),
  );
}

function setsEqual(a: Set<unknown>, other: Set<unknown>): boolean {
  if (a.size !== other.size) return false;
  const structured: unknown[] = [];
  for (const item of a) {
    if (isStructured(item)) structured.push(item);
    else if (!other.has(item)) return false;
  }
  return pairOff(structured, [...other].filter(isStructured), structuralEqual);
}

/** An object (array, record, Map, ...): found in a Map or Set by value, not by identity. */
function isStructured(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/**
 * Whether `items` and `others` pair off one to one under `alike` (an equivalence). Each match
 * uses up its partner, so `{[1], [1]}` is not equal to `{[1], [2]}` (two equal arrays are two
 * elements of a Set, as the hash counts them); greedy matching is exact for an equivalence.
 */
function pairOff(
  items: readonly unknown[],
  others: readonly unknown[],
  alike: (item: unknown, other: unknown) => boolean,
): boolean {
  if (items.length !== others.length) return false;
  const used = new Array<boolean>(others.length).fill(false);
  for (const item of items) {
    let partner = others.indexOf(item); // the same object: the common case, and cheap
    if (partner >= 0 && used[partner] === true) partner = -1;
    if (partner < 0 || !alike(item, others[partner])) {
      partner = others.findIndex((other, i) => used[i] !== true && alike(item, other));
    }
    if (partner < 0) return false;
    used[partner] = true;
  }
  return true;
}

function recordsEqual(a: Record<string, unknown>, other: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(other).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(other, key)) return false;
    if (!structuralEqual(a[key], other[key])) return false;
  }
  return true;
}

/**
 * A canonical text for a plain-data value: equal values (in the sense of
 * {@link structuralEqual}) give the same text, so it can key a `Map`. Used for set elements and
 * for display.
 */
export function canonicalString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(Object.is(value, -0) ? 0 : value) : `#${String(value)}`;
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null) return 'null';
      const { layout, label, bytes } = describePlainKind(objectKind(value));
      switch (layout) {
        case PlainLayout.List:
          return `${label}[${(value as unknown[]).map(canonicalString).join(',')}]`;
        case PlainLayout.Blob:
          return `${label}(${Array.from(bytes(value)).join(',')})`;
        case PlainLayout.Table: {
          const entries = Array.from(
            value as Map<unknown, unknown>,
            ([k, v]) => `${canonicalString(k)}=>${canonicalString(v)}`,
          );
          return `${label}{${entries.sort().join(',')}}`;
        }
        case PlainLayout.Bag:
          return `${label}{${Array.from(value as Set<unknown>, canonicalString)
            .sort()
            .join(',')}}`;
        case PlainLayout.Record:
        case PlainLayout.Foreign:
        case PlainLayout.Atom: {
          const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${canonicalString(v)}`);
          return `${label}{${entries.sort().join(',')}}`;
        }
        default:
          return unhandledLayout(layout);
      }
    }
    case 'symbol':
    case 'function':
      throw new TypeError(`canonicalString: cannot represent a ${typeof value}`);
  }
}

/**
 * Short human-readable text of a value for reports: like {@link canonicalString} but truncated.
 */
export function describeValue(value: unknown, maxLength = 60): string {
  const text = value === undefined ? '?' : canonicalString(value);
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
