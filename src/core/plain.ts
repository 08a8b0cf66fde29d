/**
 * Plain data: the only values protocol state and messages may hold.
 *
 * JSON values plus `Map`, `Set`, `bigint` and `Uint8Array`. Every engine must be
 * able to copy, hash, persist, send and display state and messages, and these
 * are exactly the values for which that is well defined. Functions, class
 * instances, symbols, `undefined` and cycles are refused with the path of the
 * offending value so that the user can find it. What each value is, and how it is made of parts,
 * comes from `plain-kind.ts`, the one place that knows plain data's kinds.
 */
import {
  describeNotPlain,
  describePlainKind,
  layoutOf,
  objectKind,
  PLAIN_KINDS,
  PLAIN_TYPES,
  type PlainKind,
  PlainLayout,
  unhandledLayout,
} from './plain-kind.js';

/** A plain value, as the engines see it. */
export type Plain =
  | null
  | boolean
  | number
  | string
  | bigint
  | Uint8Array
  | readonly Plain[]
  | ReadonlyMap<Plain, Plain>
  | ReadonlySet<Plain>
  | { readonly [key: string]: Plain };

/** Where a value failed to be plain, and why. */
export interface PlainViolation {
  /** A JavaScript-like path from the root, such as `.log[3].entry` or `<map value for "k">`. */
  readonly path: string;
  /** What was found there. */
  readonly problem: string;
}

/** Nesting deeper than this is treated as a cycle or a runaway structure. */
const DEPTH_MAX = 256;

/**
 * Checks that `value` is plain data. Returns the first violation, or
 * `undefined` when the value is plain. With `freeze`, every array, object,
 * Map and Set met is frozen on the way, so that a receiver cannot alter a
 * message that the simulator may deliver again (duplication) or record.
 */
export function findPlainViolation(value: unknown, freeze = false): PlainViolation | undefined {
  if (freeze && value === lastFrozen) return undefined;
  metCollection = false;
  const violation = visit(value, 0, freeze);
  if (violation !== undefined) return { path: show(violation.path), problem: violation.problem };
  if (freeze && !metCollection && typeof value === 'object') lastFrozen = value;
  return undefined;
}

/**
 * The last value that a freezing check found plain and left immutable: frozen
 * all the way down, with no Map or Set inside (a frozen Map's contents can
 * still be changed through `Map.prototype`). Such a value stays plain forever,
 * so checking it again is skipped: a node that sends one message to several
 * peers (gossip, or a loop of sends) pays for one check.
 */
let lastFrozen: unknown;
/** Whether the current check met a Map or Set. */
let metCollection = false;

/**
 * A violation on its way up: `path` is relative to the value being visited
 * and grows by one segment per level as the recursion unwinds. Building paths
 * only for the one violation found keeps the common case (plain data, checked
 * on every send and step) free of string building.
 */
interface RelativeViolation {
  path: string;
  readonly problem: string;
}

function violationAt(problem: string): RelativeViolation {
  return { path: '', problem };
}

function within(segment: string, violation: RelativeViolation): RelativeViolation {
  violation.path = segment + violation.path;
  return violation;
}

function visit(value: unknown, depth: number, freeze: boolean): RelativeViolation | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'number':
      return undefined;
    case 'undefined':
    case 'function':
    case 'symbol':
      return violationAt(describeNotPlain(value));
    case 'object':
      break;
  }
  if (value === null) return undefined;
  if (depth >= DEPTH_MAX) return violationAt(`nesting deeper than ${DEPTH_MAX} (a cycle?)`);
  const layout = layoutOf(objectKind(value));
  switch (layout) {
    case PlainLayout.List: {
      const array = value as unknown[];
      for (let index = 0; index < array.length; index++) {
        if (!(index in array)) return within(`[${index}]`, violationAt('a hole in a sparse array'));
        const violation = visit(array[index], depth + 1, freeze);
        if (violation) return within(`[${index}]`, violation);
      }
      if (freeze) Object.freeze(value);
      return undefined;
    }
    case PlainLayout.Record: {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const violation = visit(record[key], depth + 1, freeze);
        if (violation) return within(`.${key}`, violation);
      }
      if (Object.getOwnPropertySymbols(record).length > 0) return violationAt('an object with symbol keys');
      if (freeze) Object.freeze(value);
      return undefined;
    }
    case PlainLayout.Blob:
      return undefined;
    case PlainLayout.Table: {
      metCollection = true;
      for (const [key, entry] of value as Map<unknown, unknown>) {
        const keyViolation = visit(key, depth + 1, freeze);
        if (keyViolation) return within('<map key>', keyViolation);
        const entryViolation = visit(entry, depth + 1, freeze);
        if (entryViolation) return within(`<map value for ${describeKey(key)}>`, entryViolation);
      }
      if (freeze) freezeCollection(value, ['set', 'delete', 'clear']);
      return undefined;
    }
    case PlainLayout.Bag: {
      metCollection = true;
      for (const element of value as Set<unknown>) {
        const violation = visit(element, depth + 1, freeze);
        if (violation) return within('<set element>', violation);
      }
      if (freeze) freezeCollection(value, ['add', 'delete', 'clear']);
      return undefined;
    }
    case PlainLayout.Atom:
    case PlainLayout.Foreign:
      return violationAt(`${describeNotPlain(value)} (only ${PLAIN_TYPES} are plain)`);
    default:
      return unhandledLayout(layout);
  }
}

/**
 * Freezes a Map or Set for real: `Object.freeze` leaves `set`, `add`, `delete`
 * and `clear` working (they change internal slots, not properties), so these
 * are shadowed on the instance by a method that throws.
 */
function freezeCollection(collection: object, changers: readonly string[]): void {
  if (Object.isFrozen(collection)) return;
  for (const method of changers) {
    Object.defineProperty(collection, method, { value: refuseChange, enumerable: false });
  }
  Object.freeze(collection);
}

function refuseChange(): never {
  throw new TypeError(
    'Cannot change a frozen Map or Set (a message, timer data or durable value): change a copy',
  );
}

function show(path: string): string {
  return path === '' ? '(the value itself)' : path.startsWith('.') ? path.slice(1) : path;
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  return key === null ? 'null' : 'an object key';
}

/**
 * Encodes plain data as JSON-compatible values, for traces and files. The tags
 * (`$bigint`, `$map`, `$set`, `$bytes`, `$number`, `$object`) are reversible with
 * {@link decodePlain}, and key order is kept, so the encoding is deterministic.
 */
export function encodePlain(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return { $bigint: value.toString() };
    case 'number':
      return Number.isFinite(value) ? value : { $number: String(value) };
    case 'object': {
      if (value === null) return null;
      const description = describePlainKind(objectKind(value));
      const layout = description.layout;
      switch (layout) {
        case PlainLayout.List:
          return marked(description.json, (value as unknown[]).map(encodePlain));
        case PlainLayout.Table:
          return marked(
            description.json,
            Array.from(value as Map<unknown, unknown>, ([key, entry]) => [
              encodePlain(key),
              encodePlain(entry),
            ]),
          );
        case PlainLayout.Bag:
          return marked(description.json, Array.from(value as Set<unknown>, encodePlain));
        case PlainLayout.Blob:
          return marked(description.json, Buffer.from(description.bytes(value)).toString('base64'));
        // Encoding is for display and files: an object that is not plain shows as its properties.
        case PlainLayout.Record:
        case PlainLayout.Foreign:
        case PlainLayout.Atom: {
          const record = value as Record<string, unknown>;
          const encoded: Record<string, unknown> = {};
          let tagged = false;
          for (const key in record) {
            if (key.startsWith('$')) tagged = true;
            setEntry(encoded, key, encodePlain(record[key]));
          }
          return marked(description.json, tagged ? { $object: encoded } : encoded);
        }
        default:
          return unhandledLayout(layout);
      }
    }
    default:
      return value;
  }
}

/** The inverse of {@link encodePlain}. */
export function decodePlain(value: unknown): Plain {
  if (typeof value !== 'object' || value === null) return value as Plain;
  if (Array.isArray(value)) return value.map(decodePlain);
  const record = value as Record<string, unknown>;
  if ('$bigint' in record) return BigInt(record.$bigint as string);
  if ('$number' in record) return Number(record.$number);
  for (const marker in record) {
    const kind = KIND_OF_JSON_MARKER.get(marker);
    if (kind !== undefined) return decodeMarked(kind, record[marker]);
  }
  return decodeRecord(record, {});
}

/** Fills `into` with the entries of an encoded record (escaped as `{ $object: ... }` if need be). */
function decodeRecord(encoded: Record<string, unknown>, into: Record<string, Plain>): Plain {
  const source = ('$object' in encoded ? encoded.$object : encoded) as Record<string, unknown>;
  for (const key in source) setEntry(into, key, decodePlain(source[key]));
  return into;
}

/** The kind whose JSON marker is `marker` (`$map`, see {@link encodePlain}). */
const KIND_OF_JSON_MARKER: ReadonlyMap<string, PlainKind> = new Map(
  PLAIN_KINDS.flatMap((description, kind) =>
    description.json === undefined ? [] : [[description.json, kind as PlainKind] as const],
  ),
);

/** A JSON value marked as a kind's (`{ $map: ... }`), or as is for a kind JSON has (arrays, records). */
function marked(marker: string | undefined, encoded: unknown): unknown {
  return marker === undefined ? encoded : { [marker]: encoded };
}

/** The value of `kind` that {@link marked} encoded as `encoded`. */
function decodeMarked(kind: PlainKind, encoded: unknown): Plain {
  const description = describePlainKind(kind);
  const layout = description.layout;
  switch (layout) {
    case PlainLayout.List: {
      const elements = encoded as unknown[];
      const list = description.create(elements.length) as Plain[];
      for (let index = 0; index < elements.length; index++) list[index] = decodePlain(elements[index]);
      return list;
    }
    case PlainLayout.Table: {
      const table = description.create(0) as Map<Plain, Plain>;
      for (const [key, entry] of encoded as [unknown, unknown][])
        table.set(decodePlain(key), decodePlain(entry));
      return table;
    }
    case PlainLayout.Bag: {
      const bag = description.create(0) as Set<Plain>;
      for (const element of encoded as unknown[]) bag.add(decodePlain(element));
      return bag;
    }
    case PlainLayout.Blob: {
      const content = Buffer.from(encoded as string, 'base64');
      const blob = description.create(content.length);
      description.bytes(blob).set(content);
      return blob as Plain;
    }
    case PlainLayout.Record:
      return decodeRecord(encoded as Record<string, unknown>, description.create(0) as Record<string, Plain>);
    case PlainLayout.Atom:
    case PlainLayout.Foreign:
      throw new TypeError(`decodePlain: no JSON form for kind ${kind}`);
    default:
      return unhandledLayout(layout);
  }
}

/**
 * Sets an own entry. A plain `record[key] = value` with the key `__proto__`
 * (which `JSON.parse` produces as an ordinary key) would set the prototype
 * instead and lose the entry.
 */
export function setEntry(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** A deterministic JSON text for plain data (insertion order kept). */
export function plainToJson(value: unknown): string {
  return JSON.stringify(encodePlain(value));
}

/**
 * Deep copy of plain data, orders and null prototypes kept. Frozen inputs give
 * unfrozen copies, so a node may keep and later change what it received.
 */
export function clonePlain<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const object: object = value;
  const description = describePlainKind(objectKind(object));
  const layout = description.layout;
  switch (layout) {
    case PlainLayout.List: {
      const array = object as unknown[];
      const copy = description.create(array.length) as unknown[];
      for (let index = 0; index < array.length; index++) copy[index] = clonePlain(array[index]);
      return copy as T;
    }
    case PlainLayout.Table: {
      const copy = description.create(0) as Map<unknown, unknown>;
      for (const [key, entry] of object as Map<unknown, unknown>)
        copy.set(clonePlain(key), clonePlain(entry));
      return copy as T;
    }
    case PlainLayout.Bag: {
      const copy = description.create(0) as Set<unknown>;
      for (const element of object as Set<unknown>) copy.add(clonePlain(element));
      return copy as T;
    }
    case PlainLayout.Blob: {
      const content = description.bytes(object);
      const copy = description.create(content.length);
      description.bytes(copy).set(content);
      return copy as T;
    }
    // What is not plain is copied as a record of its properties.
    case PlainLayout.Record:
    case PlainLayout.Foreign:
    case PlainLayout.Atom: {
      const record = object as Record<string, unknown>;
      const copy = (layout === PlainLayout.Record ? description.create(0) : {}) as Record<string, unknown>;
      for (const key in record) setEntry(copy, key, clonePlain(record[key]));
      return copy as T;
    }
    default:
      return unhandledLayout(layout);
  }
}
