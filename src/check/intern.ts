/**
 * Hash-consing of state parts: every distinct part of every state (a record, an array, a set, a
 * string...) is stored once, under a small integer id, with its fingerprint.
 *
 * Why: a breadth-first search expands millions of states that differ from one another in one
 * or two parts. Kept as ids, a state waiting in the frontier is a handful of integers
 * (interned-frontier.ts) and becomes an object again by looking its parts up: nothing is encoded,
 * decoded or re-hashed. A successor is interned against the state it came from, part by part:
 * a part that is the very same value as the parent's costs one comparison and keeps its id; a
 * container that changed is usually the parent's with one or two children replaced, which is
 * recognised without hashing its other children, and the commonest case of all (one child
 * replaced) is remembered: (part, position, new child) gives the new part at once.
 *
 * Each part is stored as a *representative*, rebuilt from the representatives of its children,
 * so that all states share their parts. Representatives are not frozen, although the model
 * contract forbids editing them: V8 copies a frozen object by spreading it about twice as slowly,
 * and the model's own `next` took 3.7 s instead of 1.6 s on two-phase commit with 8 RMs.
 *
 * Two parts get one id only if they are equal in structure *and order* (object keys, set and
 * map insertion order), so a state rebuilt from ids is exactly the state that was interned
 * (with one exception: two distinct but equal objects in one `Set`, or as keys of one `Map`,
 * are rebuilt as a representative and a copy). The fingerprint of a part is exactly
 * {@link hashValue} of it (tests pin this down), hence order-free for keys, sets and maps; parts
 * that differ only in order share a fingerprint, and the index tells them apart by a second
 * hash, of their children's ids in order.
 *
 * Memory is kept small because the search's speed depends on it: a part's children are one
 * `Int32Array` slot each (two for a map entry: key and value), and the keys of objects live in
 * shared *shapes*, one per distinct key list. Parts are never dropped one by one: the search
 * compacts the interner, keeping what its frontier uses, when it outgrows a budget
 * ({@link Interner.compact}).
 *
 * @module
 */
import {
  arrayStepHigh,
  arrayStepLow,
  containerHash,
  entryHigh,
  entryLow,
  finishArray,
  finishUnordered,
  hashLaneHigh,
  hashValue,
  orderedSeedHigh,
  stringHash,
} from './fingerprint.js';
import { clonePlain, setEntry } from '../core/index.js';
import {
  describePlainKind,
  layoutOf,
  objectKind,
  type PlainKind,
  PlainLayout,
  plainKind,
  tagOf,
  unhandledLayout,
} from '../core/index.js';

const INITIAL_PARTS = 1 << 10;
const INITIAL_SLOTS = 1 << 12;
const INDEX_LOAD_MAX = 0.5;
/** Entries of the memo of single-child changes (1 MB of typed arrays). */
const MEMO_BITS = 16;
const MEMO_SLOTS = 1 << MEMO_BITS;
/** No shape: the part is not an object. */
export const NO_SHAPE = -1;
/** The kind of every leaf part but byte strings (a string, a number...): an Atom. */
export const LEAF_KIND = plainKind(null);

/**
 * The kind of a non-null object as a part (`PlainKind`, which decides its hash formula, its
 * children and how it is rebuilt), or throws the fingerprint's error for what states may not hold.
 */
export function partKindOf(v: object): PlainKind {
  const kind = objectKind(v);
  if (layoutOf(kind) === PlainLayout.Foreign) containerHash(v); // throws: a class instance
  return kind;
}

/** The property names of an object part, in order, with their hashes. */
export interface Shape {
  /** A kind whose layout is Record: which prototype the object is rebuilt with. */
  readonly kind: PlainKind;
  readonly keys: readonly string[];
  readonly keyLow: Int32Array;
  readonly keyHigh: Int32Array;
}

function grown<T extends Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(old: T, capacity: number): T {
  const bigger = new (old.constructor as new (n: number) => T)(capacity);
  bigger.set(old);
  return bigger;
}

/**
 * The children of the containers being interned, innermost last: a container's children (or
 * its changed children, with their positions) are pushed here, then compared with those of
 * interned candidates, then copied if it is new.
 */
export class Scratch {
  id = new Int32Array(INITIAL_SLOTS);
  /** Objects: the property name. */
  key: unknown[] = [];
  /** Objects: the key's hash lanes; maps: the key's part id in `keyLow`. */
  keyLow = new Int32Array(INITIAL_SLOTS);
  keyHigh = new Int32Array(INITIAL_SLOTS);
  /** Edits: the changed child's position among the base's children. */
  editAt = new Int32Array(INITIAL_SLOTS);
  length = 0;

  push(id: number, key: unknown, keyLow: number, keyHigh: number, editAt: number): void {
    const at = this.length;
    if (at === this.id.length) {
      const capacity = at * 2;
      this.id = grown(this.id, capacity);
      this.keyLow = grown(this.keyLow, capacity);
      this.keyHigh = grown(this.keyHigh, capacity);
      this.editAt = grown(this.editAt, capacity);
    }
    this.id[at] = id;
    this.key[at] = key;
    this.keyLow[at] = keyLow;
    this.keyHigh[at] = keyHigh;
    this.editAt[at] = editAt;
    this.length = at + 1;
  }
}

/**
 * A container to intern against (the same position in the parent state): its children's part
 * ids in `ids` from `first` (two per map entry), `count` children (entries), its shape and entry
 * sums. For interned parts the interner fills one from its arrays; the frontier keeps one for
 * the root of the state being expanded, which is not interned.
 */
export interface Base {
  ids: Int32Array;
  first: number;
  count: number;
  shape: number;
  sumLow: number;
  sumHigh: number;
}

/** A base with no children (also a record to fill for another base). */
export function emptyBase(): Base {
  return { ids: new Int32Array(0), first: 0, count: 0, shape: NO_SHAPE, sumLow: 0, sumHigh: 0 };
}

/** The interned parts of every state seen so far; see the module documentation. */
export class Interner {
  /** The representative of each part. */
  values: unknown[] = [];
  kind = new Uint8Array(INITIAL_PARTS);
  /** Lanes of each part's fingerprint. */
  low = new Int32Array(INITIAL_PARTS);
  high = new Int32Array(INITIAL_PARTS);
  /** Each part's children: `count` of them (entries for a map) in {@link slots} from `first`. */
  first = new Int32Array(INITIAL_PARTS);
  count = new Int32Array(INITIAL_PARTS);
  /** Objects: the shape id; others {@link NO_SHAPE}. */
  shape = new Int32Array(INITIAL_PARTS);
  /** A hash of the children's ids in order, which the index also spreads parts by. */
  order = new Int32Array(INITIAL_PARTS);
  /** Sums of the entry lanes of objects, sets and maps, before finishing: edits adjust them. */
  sumLow = new Int32Array(INITIAL_PARTS);
  sumHigh = new Int32Array(INITIAL_PARTS);
  /** Children's part ids; a map entry takes two slots, key then value. */
  slots = new Int32Array(INITIAL_SLOTS);
  #slotsUsed = 0;
  #parts = 0;

  /** Object shapes, by id, and by a hash of their key lists. */
  readonly shapes: Shape[] = [];
  readonly #shapeIds = new Map<number, number[]>();

  /** Open addressing over fingerprints: part id + 1, 0 for an empty slot. */
  #index = new Int32Array(INITIAL_PARTS * 2);
  /** Primitives by value: one probe of a `Map`, cheaper than hashing them. */
  #leaves = new Map<unknown, number>();

  readonly scratch = new Scratch();
  /** The bases of the parts being interned, by nesting depth, reused rather than allocated. */
  readonly #bases: Base[] = [];
  #depth = 0;

  /**
   * The memo of single-child changes, direct-mapped: (base, position, child) -> result part,
   * four words an entry, so that a lookup touches one cache line.
   */
  readonly #memo = new Int32Array(4 * MEMO_SLOTS).fill(-1);

  /** Fingerprint lanes, entry sums and shape of the container last collected or finished. */
  #low = 0;
  #high = 0;
  #sumLow = 0;
  #sumHigh = 0;
  #shape = NO_SHAPE;

  /** Number of distinct parts. */
  get size(): number {
    return this.#parts;
  }

  /** Bytes held by typed arrays (the representatives themselves are not counted). */
  get bytes(): number {
    return this.kind.byteLength * 33 + this.slots.byteLength + this.#index.byteLength + this.#memo.byteLength;
  }

  /**
   * The id of the part equal to `v`, interning it if new. `base` is the id of the part that `v`
   * probably shares children with (the same position in the parent state), or -1.
   */
  intern(v: unknown, base: number): number {
    if (base >= 0 && this.values[base] === v) return base;
    if (typeof v !== 'object' || v === null) return this.#leaf(v);
    const kind = partKindOf(v);
    if (layoutOf(kind) === PlainLayout.Blob) return this.#bytes(v, kind);
    // Each nesting level has its own base record: interning the children reuses the next ones.
    const depth = this.#depth++;
    const against = this.#bases[depth] ?? this.#newBase();
    const id = this.#internContainer(v, kind, base, against);
    this.#depth = depth;
    return id;
  }

  #newBase(): Base {
    const base = emptyBase();
    this.#bases.push(base);
    return base;
  }

  #internContainer(v: object, kind: PlainKind, base: number, against: Base): number {
    const scratch = this.scratch;
    const start = scratch.length;
    against.ids = this.slots;
    if (base >= 0 && this.kind[base] === kind) {
      against.first = this.first[base] ?? 0;
      against.count = this.count[base] ?? 0;
      against.shape = this.shape[base] ?? NO_SHAPE;
      against.sumLow = this.sumLow[base] ?? 0;
      against.sumHigh = this.sumHigh[base] ?? 0;
      if (against.count > 0 && this.#collectEdits(v, kind, against)) {
        const edits = scratch.length - start;
        if (edits === 0) return base; // a copy of the base, part for part
        // One changed child, the commonest step: remembered by (base, position, child).
        const position = scratch.editAt[start] ?? 0;
        const child = scratch.id[start] ?? 0;
        const memo = edits === 1 ? 4 * memoSlot(base, position, child) : -1;
        const entries = this.#memo;
        if (
          memo >= 0 &&
          entries[memo] === base &&
          entries[memo + 1] === position &&
          entries[memo + 2] === child
        ) {
          scratch.length = start;
          return entries[memo + 3] ?? 0;
        }
        this.#finishEdits(kind, against, start);
        const id = this.#find(kind, start, against, true);
        if (memo >= 0) {
          entries[memo] = base;
          entries[memo + 1] = position;
          entries[memo + 2] = child;
          entries[memo + 3] = id;
        }
        return id;
      }
    } else {
      against.first = 0;
      against.count = 0;
      against.shape = NO_SHAPE;
    }
    this.#collectAll(v, kind, against);
    return this.#find(kind, start, against, false);
  }

  /**
   * Fingerprints `v`, a container of `kind`, against `base`, interning the children that are
   * not the base's very values. Returns the low lane (the high one is then {@link lastHigh})
   * and leaves the children on the {@link scratch}:
   * - if {@link edited} is true, `v` has the base's keys (or size) in the base's order, and the
   *   scratch holds only the children that differ, with their positions: the common case, where
   *   a step changes one or two parts and the rest costs a comparison each;
   * - otherwise the scratch holds all of `v`'s children (and {@link lastShape} is its shape).
   */
  children(v: object, kind: PlainKind, base: Base): number {
    this.#depth = 0;
    const start = this.scratch.length;
    if (base.count > 0 && this.#collectEdits(v, kind, base)) {
      this.#finishEdits(kind, base, start);
      this.edited = true;
    } else {
      this.#collectAll(v, kind, base);
      this.edited = false;
    }
    return this.#low;
  }

  /** Whether the last {@link children} left only the changed children; see there. */
  edited = false;

  /** The high lane of the fingerprint that the last {@link children} returned. */
  get lastHigh(): number {
    return this.#high;
  }

  /** The shape of the object that the last {@link children} collected in full. */
  get lastShape(): number {
    return this.#shape;
  }

  /** The id of the object shape of `kind` with these keys, in this order. */
  shapeFor(kind: Shape['kind'], keys: readonly string[]): number {
    const scratch = this.scratch;
    const start = scratch.length;
    for (const key of keys) {
      const keyLow = stringHash(key);
      scratch.push(0, key, keyLow, hashLaneHigh, 0);
    }
    const shape = this.#shapeOf(kind, start, keys.length, NO_SHAPE);
    scratch.length = start;
    return shape;
  }

  /**
   * The id of the container of `kind` (and `shape`, for an object) whose `n` children are the
   * parts `ids` (two per map entry: key, value), interning it if new: how a worker takes in the
   * parts another worker defines (part-transfer.ts).
   */
  internFromIds(kind: PlainKind, shape: number, ids: Int32Array, n: number): number {
    const scratch = this.scratch;
    const start = scratch.length;
    const low = this.low;
    const high = this.high;
    const known = shape === NO_SHAPE ? undefined : this.shapes[shape];
    const layout = layoutOf(kind);
    const tag = tagOf(kind);
    let a = layout === PlainLayout.List ? tag : 0;
    let b = layout === PlainLayout.List ? orderedSeedHigh(tag) : 0;
    for (let k = 0; k < n; k++) {
      if (layout === PlainLayout.Table) {
        const keyId = ids[2 * k] ?? 0;
        const id = ids[2 * k + 1] ?? 0;
        scratch.push(id, undefined, keyId, 0, 0);
        a = (a + entryLow(low[keyId] ?? 0, low[id] ?? 0)) | 0;
        b = (b + entryHigh(high[keyId] ?? 0, high[id] ?? 0)) | 0;
        continue;
      }
      const id = ids[k] ?? 0;
      if (known !== undefined) {
        scratch.push(id, known.keys[k], 0, 0, 0);
        a = (a + entryLow(known.keyLow[k] ?? 0, low[id] ?? 0)) | 0;
        b = (b + entryHigh(known.keyHigh[k] ?? 0, high[id] ?? 0)) | 0;
      } else {
        scratch.push(id, undefined, 0, 0, 0);
        if (layout === PlainLayout.List) {
          a = arrayStepLow(a, low[id] ?? 0);
          b = arrayStepHigh(b, high[id] ?? 0);
        } else {
          a = (a + (low[id] ?? 0)) | 0;
          b = (b + (high[id] ?? 0)) | 0;
        }
      }
    }
    if (layout === PlainLayout.List) {
      this.#low = finishArray(a, b, n);
      this.#high = hashLaneHigh;
      this.#sumLow = 0;
      this.#sumHigh = 0;
    } else {
      this.#sums(tag, a, b, n);
    }
    this.#shape = shape;
    const empty = this.#bases[0] ?? this.#newBase();
    empty.count = 0;
    return this.#find(kind, start, empty, false);
  }

  /** The part id of a map key (keys are interned like any part). */
  #keyId(key: unknown): number {
    return this.intern(key, -1);
  }

  /**
   * Pushes onto the scratch the children of `v` that differ from `base`'s, with their
   * positions, and returns true; or returns false, with the scratch as it was, if `v` does not
   * have the base's keys (or size) in the base's order.
   */
  #collectEdits(v: object, kind: PlainKind, base: Base): boolean {
    const scratch = this.scratch;
    const start = scratch.length;
    const { ids, first, count } = base;
    const values = this.values;
    const layout = layoutOf(kind);
    switch (layout) {
      case PlainLayout.List: {
        const array = v as readonly unknown[];
        if (array.length !== count) return false;
        for (let i = 0; i < count; i++) {
          const element = array[i];
          const was = ids[first + i] ?? 0;
          if (element !== values[was]) this.#edit(element, was, i);
        }
        return true;
      }
      case PlainLayout.Bag: {
        const set = v as ReadonlySet<unknown>;
        if (set.size !== count) return false;
        let c = 0;
        for (const element of set) {
          const was = ids[first + c] ?? 0;
          if (element !== values[was]) this.#edit(element, was, c);
          c++;
        }
        return true;
      }
      case PlainLayout.Table: {
        const map = v as ReadonlyMap<unknown, unknown>;
        if (map.size !== count) return false;
        let at = first;
        let c = 0;
        for (const [key, value] of map) {
          if (values[ids[at] ?? 0] !== key) {
            scratch.length = start;
            return false;
          }
          const was = ids[at + 1] ?? 0;
          if (value !== values[was]) this.#edit(value, was, c);
          at += 2;
          c++;
        }
        return true;
      }
      case PlainLayout.Record: {
        const keys = (this.shapes[base.shape] as Shape).keys;
        const object = v as Record<string, unknown>;
        let c = 0;
        for (const key in object) {
          const value = object[key];
          if (value === undefined) continue;
          if (c === count || keys[c] !== key) {
            scratch.length = start;
            return false;
          }
          const was = ids[first + c] ?? 0;
          if (value !== values[was]) this.#edit(value, was, c);
          c++;
        }
        if (c === count) return true;
        scratch.length = start;
        return false;
      }
      case PlainLayout.Atom:
      case PlainLayout.Blob:
      case PlainLayout.Foreign:
        return notAContainer(layout);
      default:
        return unhandledLayout(layout);
    }
  }

  /**
   * Interns `child`, which stands where the base has part `was`, and pushes it onto the scratch
   * as an edit at `position` unless it is that part: a copy (a handler's state is a deep copy of
   * the node's) is no edit, and a container whose children are all copies is its base.
   */
  #edit(child: unknown, was: number, position: number): void {
    const id = this.intern(child, was);
    if (id !== was) this.scratch.push(id, undefined, 0, 0, position);
  }

  /**
   * Computes the fingerprint and entry sums (into #low, #high, #sumLow, #sumHigh) of the
   * container whose edits {@link #collectEdits} left on the scratch from `start`: an unordered
   * container's sums change by its edited entries only; an array is re-chained from its
   * children's hashes.
   */
  #finishEdits(kind: PlainKind, base: Base, start: number): void {
    const scratch = this.scratch;
    const end = scratch.length;
    const { ids, first, count } = base;
    const low = this.low;
    const high = this.high;
    const layout = layoutOf(kind);
    const tag = tagOf(kind);
    if (layout === PlainLayout.List) {
      let a = tag;
      let b = orderedSeedHigh(tag);
      let e = start;
      for (let i = 0; i < count; i++) {
        const id = e < end && scratch.editAt[e] === i ? (scratch.id[e++] ?? 0) : (ids[first + i] ?? 0);
        a = arrayStepLow(a, low[id] ?? 0);
        b = arrayStepHigh(b, high[id] ?? 0);
      }
      this.#low = finishArray(a, b, count);
      this.#high = hashLaneHigh;
      this.#sumLow = 0;
      this.#sumHigh = 0;
      return;
    }
    let sumA = base.sumLow;
    let sumB = base.sumHigh;
    const shape = layout === PlainLayout.Record ? (this.shapes[base.shape] as Shape) : undefined;
    for (let e = start; e < end; e++) {
      const position = scratch.editAt[e] ?? 0;
      const id = scratch.id[e] ?? 0;
      if (layout === PlainLayout.Bag) {
        const was = ids[first + position] ?? 0;
        sumA = (sumA - (low[was] ?? 0) + (low[id] ?? 0)) | 0;
        sumB = (sumB - (high[was] ?? 0) + (high[id] ?? 0)) | 0;
        continue;
      }
      let keyLow: number;
      let keyHigh: number;
      let was: number;
      if (shape === undefined) {
        const keyId = ids[first + 2 * position] ?? 0;
        keyLow = low[keyId] ?? 0;
        keyHigh = high[keyId] ?? 0;
        was = ids[first + 2 * position + 1] ?? 0;
      } else {
        keyLow = shape.keyLow[position] ?? 0;
        keyHigh = shape.keyHigh[position] ?? 0;
        was = ids[first + position] ?? 0;
      }
      sumA = (sumA - entryLow(keyLow, low[was] ?? 0) + entryLow(keyLow, low[id] ?? 0)) | 0;
      sumB = (sumB - entryHigh(keyHigh, high[was] ?? 0) + entryHigh(keyHigh, high[id] ?? 0)) | 0;
    }
    this.#low = finishUnordered(tag, sumA, sumB, count);
    this.#high = hashLaneHigh;
    this.#sumLow = sumA;
    this.#sumHigh = sumB;
  }

  /**
   * Pushes all the children of `v` onto the scratch, matched against `base`'s children by
   * position with one insertion or deletion tolerated (what spreading and
   * `new Set([...old, x])` do); computes #low, #high, the sums and, for an object, #shape.
   */
  #collectAll(v: object, kind: PlainKind, base: Base): void {
    // Every result field is set after the children are interned, which set them too.
    const layout = layoutOf(kind);
    switch (layout) {
      case PlainLayout.List:
        this.#arrayChildren(v as readonly unknown[], tagOf(kind), base);
        this.#shape = NO_SHAPE;
        break;
      case PlainLayout.Bag:
        this.#setChildren(v as ReadonlySet<unknown>, tagOf(kind), base);
        this.#shape = NO_SHAPE;
        break;
      case PlainLayout.Table:
        this.#mapChildren(v as ReadonlyMap<unknown, unknown>, tagOf(kind), base);
        this.#shape = NO_SHAPE;
        break;
      case PlainLayout.Record:
        this.#objectChildren(v as Record<string, unknown>, kind, base);
        break;
      case PlainLayout.Atom:
      case PlainLayout.Blob:
      case PlainLayout.Foreign:
        notAContainer(layout);
        break;
      default:
        unhandledLayout(layout);
    }
  }

  /** The children of a record of `kind`. */
  #objectChildren(v: Record<string, unknown>, kind: PlainKind, base: Base): void {
    const scratch = this.scratch;
    const start = scratch.length;
    const { ids, first, count } = base;
    const baseShape = base.shape === NO_SHAPE ? undefined : this.shapes[base.shape];
    const baseKeys = baseShape?.keys ?? [];
    let c = 0;
    let sumA = 0;
    let sumB = 0;
    for (const key in v) {
      const value = v[key];
      if (value === undefined) continue;
      let at = -1;
      if (c < count && baseKeys[c] === key) {
        at = c++;
      } else if (c + 1 < count && baseKeys[c + 1] === key) {
        at = c + 1; // the base's entry at c was removed
        c += 2;
      }
      let keyLow: number;
      let keyHigh: number;
      let id: number;
      if (at >= 0 && baseShape !== undefined) {
        keyLow = baseShape.keyLow[at] ?? 0;
        keyHigh = baseShape.keyHigh[at] ?? 0;
        id = this.intern(value, ids[first + at] ?? 0);
      } else {
        keyLow = stringHash(key);
        keyHigh = hashLaneHigh;
        id = this.intern(value, -1);
      }
      scratch.push(id, key, keyLow, keyHigh, 0);
      sumA = (sumA + entryLow(keyLow, this.low[id] ?? 0)) | 0;
      sumB = (sumB + entryHigh(keyHigh, this.high[id] ?? 0)) | 0;
    }
    const n = scratch.length - start;
    this.#shape = this.#shapeOf(kind, start, n, base.shape);
    this.#sums(tagOf(kind), sumA, sumB, n);
  }

  /** The elements of a list whose kind has tag `tag`. */
  #arrayChildren(v: readonly unknown[], tag: number, base: Base): void {
    const scratch = this.scratch;
    const { ids, first, count } = base;
    let c = 0;
    let a = tag;
    let b = orderedSeedHigh(tag);
    const n = v.length;
    for (let i = 0; i < n; i++) {
      const id = this.#matched(v[i], ids, first, c, count);
      c = matchedNext;
      a = arrayStepLow(a, this.low[id] ?? 0);
      b = arrayStepHigh(b, this.high[id] ?? 0);
      scratch.push(id, undefined, 0, 0, 0);
    }
    this.#low = finishArray(a, b, n);
    this.#high = hashLaneHigh;
    this.#sumLow = 0;
    this.#sumHigh = 0;
  }

  #setChildren(v: ReadonlySet<unknown>, tag: number, base: Base): void {
    const scratch = this.scratch;
    const { ids, first, count } = base;
    let c = 0;
    let sumA = 0;
    let sumB = 0;
    for (const element of v) {
      const id = this.#matched(element, ids, first, c, count);
      c = matchedNext;
      sumA = (sumA + (this.low[id] ?? 0)) | 0;
      sumB = (sumB + (this.high[id] ?? 0)) | 0;
      scratch.push(id, undefined, 0, 0, 0);
    }
    this.#sums(tag, sumA, sumB, v.size);
  }

  /** An element matched against the base's child `c` (or the one after): its id. */
  #matched(element: unknown, ids: Int32Array, first: number, c: number, count: number): number {
    if (c < count) {
      const here = ids[first + c] ?? 0;
      if (element === this.values[here]) {
        matchedNext = c + 1;
        return here;
      }
      if (c + 1 < count) {
        const after = ids[first + c + 1] ?? 0;
        if (element === this.values[after]) {
          matchedNext = c + 2; // the base's element at c was removed
          return after;
        }
      }
      matchedNext = c + 1;
      return this.intern(element, here); // replaced in place
    }
    matchedNext = c;
    return this.intern(element, -1);
  }

  #mapChildren(v: ReadonlyMap<unknown, unknown>, tag: number, base: Base): void {
    const scratch = this.scratch;
    const { ids, first, count } = base;
    const values = this.values;
    let c = 0;
    let sumA = 0;
    let sumB = 0;
    for (const [key, value] of v) {
      let at = -1;
      if (c < count && values[ids[first + 2 * c] ?? 0] === key) {
        at = c++;
      } else if (c + 1 < count && values[ids[first + 2 * c + 2] ?? 0] === key) {
        at = c + 1;
        c += 2;
      }
      const keyId = at >= 0 ? (ids[first + 2 * at] ?? 0) : this.#keyId(key);
      const id = this.intern(value, at >= 0 ? (ids[first + 2 * at + 1] ?? 0) : -1);
      scratch.push(id, undefined, keyId, 0, 0);
      sumA = (sumA + entryLow(this.low[keyId] ?? 0, this.low[id] ?? 0)) | 0;
      sumB = (sumB + entryHigh(this.high[keyId] ?? 0, this.high[id] ?? 0)) | 0;
    }
    this.#sums(tag, sumA, sumB, v.size);
  }

  /** Finishes an unordered container whose kind has tag `tag` from its entries' sums. */
  #sums(tag: number, a: number, b: number, n: number) {
    this.#low = finishUnordered(tag, a, b, n);
    this.#high = hashLaneHigh;
    this.#sumLow = a;
    this.#sumHigh = b;
  }

  /** The shape of an object of `kind` with the `n` keys on the scratch from `start`. */
  #shapeOf(kind: PlainKind, start: number, n: number, likely: number): number {
    const scratch = this.scratch;
    const candidate = likely === NO_SHAPE ? undefined : this.shapes[likely];
    if (candidate?.kind === kind && candidate.keys.length === n) {
      let same = true;
      for (let k = 0; k < n && same; k++) same = candidate.keys[k] === scratch.key[start + k];
      if (same) return likely;
    }
    // Looked up by a hash of the key list's hashes, then compared key by key.
    let hash: number = kind;
    for (let k = 0; k < n; k++) hash = (Math.imul(hash, 0x9e3779b1) + (scratch.keyLow[start + k] ?? 0)) | 0;
    const candidates = this.#shapeIds.get(hash);
    if (candidates !== undefined) {
      for (const id of candidates) {
        const known = this.shapes[id] as Shape;
        if (known.kind !== kind || known.keys.length !== n) continue;
        let same = true;
        for (let k = 0; k < n && same; k++) same = known.keys[k] === scratch.key[start + k];
        if (same) return id;
      }
    }
    const id = this.shapes.length;
    this.shapes.push({
      kind,
      keys: scratch.key.slice(start, start + n) as string[],
      keyLow: scratch.keyLow.slice(start, start + n),
      keyHigh: scratch.keyHigh.slice(start, start + n),
    });
    if (candidates === undefined) this.#shapeIds.set(hash, [id]);
    else candidates.push(id);
    return id;
  }

  #leaf(v: unknown): number {
    const known = this.#leaves.get(v);
    if (known !== undefined) return known;
    const low = hashValue(v); // throws for functions and symbols
    const id = this.#newPart(LEAF_KIND, v, low, hashLaneHigh, 0, 0, NO_SHAPE);
    this.#leaves.set(v, id);
    return id;
  }

  /** A byte string, a Blob of `kind`: a leaf, found by content. */
  #bytes(v: object, kind: PlainKind): number {
    const description = describePlainKind(kind);
    const bytes = description.bytes(v);
    const low = containerHash(v);
    const high = hashLaneHigh;
    const index = this.#index;
    const mask = index.length - 1;
    for (let i = slotOf(low, high) & mask; ; i = (i + 1) & mask) {
      const stored = index[i] ?? 0;
      if (stored === 0) break;
      const id = stored - 1;
      if (this.low[id] === low && this.high[id] === high && this.kind[id] === kind) {
        const other = description.bytes(this.values[id] as object);
        if (other.length === bytes.length && other.every((byte, j) => byte === bytes[j])) return id;
      }
    }
    // The representative is a copy: the model may not edit it, but the state it came from may.
    const copy = description.create(bytes.length);
    description.bytes(copy).set(bytes);
    const id = this.#newPart(kind, copy, low, high, 0, 0, NO_SHAPE);
    this.#addToIndex(id);
    return id;
  }

  /**
   * The part of `kind` that {@link children} (or its private steps) has just fingerprinted, with
   * its children on the scratch from `start` (all of them, or the edits of `base`'s): an
   * existing part, or a new one built now. Pops the scratch.
   */
  #find(kind: PlainKind, start: number, base: Base, edited: boolean): number {
    const scratch = this.scratch;
    const low = this.#low;
    const high = this.#high;
    const n = edited ? base.count : scratch.length - start;
    const shape = edited ? base.shape : this.#shape;
    const width = partWidth(kind);
    const order = this.#orderOf(start, base, edited, width);
    const index = this.#index;
    const mask = index.length - 1;
    for (let i = slotOf(low ^ order, high) & mask; ; i = (i + 1) & mask) {
      const stored = index[i] ?? 0;
      if (stored === 0) break;
      const id = stored - 1;
      if (
        this.low[id] === low &&
        this.high[id] === high &&
        this.order[id] === order &&
        this.kind[id] === kind &&
        this.count[id] === n &&
        this.shape[id] === shape &&
        this.#sameChildren(this.first[id] ?? 0, width, start, base, edited)
      ) {
        scratch.length = start;
        return id;
      }
    }
    // New: its children are appended to the slots (which may move: read `this.slots` after).
    const first = this.#slotsUsed;
    const needed = first + width * n;
    if (needed > this.slots.length) {
      let capacity = this.slots.length * 2;
      while (capacity < needed) capacity *= 2;
      const moved = this.slots;
      this.slots = grown(this.slots, capacity);
      if (base.ids === moved) base.ids = this.slots;
    }
    const slots = this.slots;
    const { ids } = base;
    let e = start;
    for (let k = 0; k < n; k++) {
      const at = first + width * k;
      if (edited) {
        const from = base.first + width * k;
        if (width === 2) slots[at] = ids[from] ?? 0;
        slots[at + width - 1] =
          e < scratch.length && scratch.editAt[e] === k
            ? (scratch.id[e++] ?? 0)
            : (ids[from + width - 1] ?? 0);
      } else {
        if (width === 2) slots[at] = scratch.keyLow[start + k] ?? 0;
        slots[at + width - 1] = scratch.id[start + k] ?? 0;
      }
    }
    this.#slotsUsed = needed;
    scratch.length = start;
    const value = this.#build(kind, first, n, shape);
    const id = this.#newPart(kind, value, low, high, first, n, shape);
    this.order[id] = order;
    this.#addToIndex(id);
    return id;
  }

  /**
   * A hash of the children's ids in order (keys too, for a map). Parts that differ only in order
   * (the same set built in another order) share a fingerprint but are different parts; the
   * index spreads them by this hash, or a set of 6 elements could chain up to 720 parts.
   */
  #orderOf(start: number, base: Base, edited: boolean, width: number): number {
    const scratch = this.scratch;
    const n = edited ? base.count : scratch.length - start;
    let h = n;
    let e = start;
    for (let k = 0; k < n; k++) {
      let id: number;
      if (edited) {
        const from = base.first + width * k;
        if (width === 2) h = orderStep(h, base.ids[from] ?? 0);
        id =
          e < scratch.length && scratch.editAt[e] === k
            ? (scratch.id[e++] ?? 0)
            : (base.ids[from + width - 1] ?? 0);
      } else {
        if (width === 2) h = orderStep(h, scratch.keyLow[start + k] ?? 0);
        id = scratch.id[start + k] ?? 0;
      }
      h = orderStep(h, id);
    }
    return finishOrder(h);
  }

  /** Whether part children from slot `first` are those on the scratch (or `base`'s, edited). */
  #sameChildren(first: number, width: number, start: number, base: Base, edited: boolean): boolean {
    const slots = this.slots;
    const scratch = this.scratch;
    const n = edited ? base.count : scratch.length - start;
    let e = start;
    for (let k = 0; k < n; k++) {
      const at = first + width * k;
      let key: number;
      let id: number;
      if (edited) {
        const from = base.first + width * k;
        key = base.ids[from] ?? 0;
        id =
          e < scratch.length && scratch.editAt[e] === k
            ? (scratch.id[e++] ?? 0)
            : (base.ids[from + width - 1] ?? 0);
      } else {
        key = scratch.keyLow[start + k] ?? 0;
        id = scratch.id[start + k] ?? 0;
      }
      if (slots[at + width - 1] !== id) return false;
      if (width === 2 && slots[at] !== key) return false;
    }
    return true;
  }

  /** The representative of a part of `kind` with `n` children in the slots from `first`. */
  #build(kind: PlainKind, first: number, n: number, shape: number): unknown {
    return buildContainer(kind, this.values, this.slots, first, n, this.shapes[shape]);
  }

  #newPart(
    kind: PlainKind,
    value: unknown,
    low: number,
    high: number,
    first: number,
    n: number,
    shape: number,
  ): number {
    const id = this.#parts++;
    if (id >= this.kind.length) {
      const capacity = this.kind.length * 2;
      this.kind = grown(this.kind, capacity);
      this.low = grown(this.low, capacity);
      this.high = grown(this.high, capacity);
      this.first = grown(this.first, capacity);
      this.count = grown(this.count, capacity);
      this.shape = grown(this.shape, capacity);
      this.order = grown(this.order, capacity);
      this.sumLow = grown(this.sumLow, capacity);
      this.sumHigh = grown(this.sumHigh, capacity);
    }
    this.values.push(value);
    this.kind[id] = kind;
    this.low[id] = low;
    this.high[id] = high;
    this.first[id] = first;
    this.count[id] = n;
    this.shape[id] = shape;
    this.order[id] = 0;
    this.sumLow[id] = this.#sumLow;
    this.sumHigh[id] = this.#sumHigh;
    return id;
  }

  /**
   * Drops every part that `live` does not reach: `live` is called with a function to call on
   * each part id still in use (the children of a part are kept with it). Ids change: returns
   * the table from old id to new id (-1 for a dropped part). Shapes are kept.
   *
   * A search calls it between expansions when the parts outgrow its budget: a state space
   * where most states have parts of their own (the network of an actor system) would otherwise
   * keep every part of every state ever seen.
   */
  compact(live: (keep: (id: number) => void) => void): Int32Array {
    const parts = this.#parts;
    const kept = new Uint8Array(parts);
    const keep = (id: number): void => {
      if (kept[id] === 1) return;
      kept[id] = 1;
      const kind = this.kind[id] as PlainKind;
      if (isLeaf(kind)) return;
      const first = this.first[id] ?? 0;
      const end = first + partWidth(kind) * (this.count[id] ?? 0);
      for (let s = first; s < end; s++) keep(this.slots[s] ?? 0);
    };
    live(keep);
    // Children are interned before their parents: one pass in id order renumbers both.
    const remap = new Int32Array(parts).fill(-1);
    const values: unknown[] = [];
    const slots = new Int32Array(Math.max(INITIAL_SLOTS, this.#slotsUsed));
    let slotsUsed = 0;
    let next = 0;
    this.#leaves = new Map();
    for (let id = 0; id < parts; id++) {
      if (kept[id] !== 1) continue;
      const to = next++;
      remap[id] = to;
      const kind = this.kind[id] as PlainKind;
      values.push(this.values[id]);
      this.kind[to] = kind;
      this.low[to] = this.low[id] ?? 0;
      this.high[to] = this.high[id] ?? 0;
      this.count[to] = this.count[id] ?? 0;
      this.shape[to] = this.shape[id] ?? NO_SHAPE;
      this.order[to] = this.order[id] ?? 0;
      this.sumLow[to] = this.sumLow[id] ?? 0;
      this.sumHigh[to] = this.sumHigh[id] ?? 0;
      if (layoutOf(kind) === PlainLayout.Atom) {
        this.#leaves.set(this.values[id], to);
        this.first[to] = 0;
        continue;
      }
      const first = this.first[id] ?? 0;
      const end = first + partWidth(kind) * (this.count[id] ?? 0);
      this.first[to] = slotsUsed;
      // The order hash chains child ids, which changed.
      let order = this.count[to] ?? 0;
      for (let s = first; s < end; s++) {
        const child = remap[this.slots[s] ?? 0] ?? 0;
        slots[slotsUsed++] = child;
        order = orderStep(order, child);
      }
      this.order[to] = layoutOf(kind) === PlainLayout.Blob ? 0 : finishOrder(order);
    }
    this.values = values;
    this.slots = slots;
    this.#slotsUsed = slotsUsed;
    this.#parts = next;
    this.#index.fill(0);
    for (let id = 0; id < next; id++) {
      if (layoutOf(this.kind[id] as PlainKind) !== PlainLayout.Atom) this.#addToIndex(id);
    }
    this.#memo.fill(-1);
    return remap;
  }

  #addToIndex(id: number): void {
    if (this.#parts > this.#index.length * INDEX_LOAD_MAX) this.#rehash();
    const index = this.#index;
    const mask = index.length - 1;
    let i = slotOf((this.low[id] ?? 0) ^ (this.order[id] ?? 0), this.high[id] ?? 0) & mask;
    while ((index[i] ?? 0) !== 0) i = (i + 1) & mask;
    index[i] = id + 1;
  }

  #rehash(): void {
    const index = new Int32Array(this.#index.length * 2);
    const mask = index.length - 1;
    const old = this.#index;
    for (let i = 0; i < old.length; i++) {
      const stored = old[i] ?? 0;
      if (stored === 0) continue;
      const id = stored - 1;
      let j = slotOf((this.low[id] ?? 0) ^ (this.order[id] ?? 0), this.high[id] ?? 0) & mask;
      while ((index[j] ?? 0) !== 0) j = (j + 1) & mask;
      index[j] = stored;
    }
    this.#index = index;
  }
}

/**
 * A container of `kind` whose `n` children are the representatives of the part ids in `ids`
 * from `first` (two per map entry), with the keys of `shape` for an object.
 */
export function buildContainer(
  kind: PlainKind,
  values: readonly unknown[],
  ids: Int32Array,
  first: number,
  n: number,
  shape: Shape | undefined,
): unknown {
  const description = describePlainKind(kind);
  const layout = description.layout;
  switch (layout) {
    case PlainLayout.List: {
      // Filled by pushing, not through `create(n)`'s holes: V8 then keeps the array packed,
      // which every read of the representative (each state the search expands) is faster for.
      const array = description.create(0) as unknown[];
      for (let k = 0; k < n; k++) array.push(values[ids[first + k] ?? 0]);
      return array;
    }
    case PlainLayout.Bag: {
      const set = description.create(n) as Set<unknown>;
      for (let k = 0; k < n; k++) {
        // Two equal objects that were distinct elements share a representative: the second
        // is a copy, or the set would lose it.
        const element = values[ids[first + k] ?? 0];
        set.add(set.has(element) ? clonePlain(element) : element);
      }
      return set;
    }
    case PlainLayout.Table: {
      const map = description.create(n) as Map<unknown, unknown>;
      for (let k = 0; k < n; k++) {
        const key = values[ids[first + 2 * k] ?? 0];
        map.set(map.has(key) ? clonePlain(key) : key, values[ids[first + 2 * k + 1] ?? 0]);
      }
      return map;
    }
    case PlainLayout.Record: {
      const object = description.create(n) as Record<string, unknown>;
      const keys = shape?.keys ?? [];
      for (let k = 0; k < n; k++) setEntry(object, keys[k] as string, values[ids[first + k] ?? 0]);
      return object;
    }
    case PlainLayout.Atom:
    case PlainLayout.Blob:
    case PlainLayout.Foreign:
      return notAContainer(layout);
    default:
      return unhandledLayout(layout);
  }
}

/** Whether a part of `kind` is a leaf (an atom or a byte string): no children in the slots. */
export function isLeaf(kind: PlainKind): boolean {
  const layout = layoutOf(kind);
  return layout === PlainLayout.Atom || layout === PlainLayout.Blob;
}

/** Slots per child of a part of `kind`: two per entry of a Table (key, value), else one. */
export function partWidth(kind: PlainKind): 1 | 2 {
  return layoutOf(kind) === PlainLayout.Table ? 2 : 1;
}

function notAContainer(layout: PlainLayout): never {
  throw new Error(`interner: a part of layout ${layout} has no children`);
}

/** Where `Interner.#matched` left the base's cursor (a second return value). */
let matchedNext = 0;

/** The order hash of a part: its child ids (and map key ids) chained in order, from the count. */
function orderStep(h: number, id: number): number {
  return Math.imul(h ^ id, 0x9e3779b1);
}

function finishOrder(h: number): number {
  return h ^ (h >>> 15);
}

function memoSlot(base: number, position: number, child: number): number {
  return (Math.imul(base, 0x9e3779b1) ^ Math.imul(child + position, 0x85ebca77)) >>> (32 - MEMO_BITS);
}

function slotOf(low: number, high: number): number {
  return (low ^ Math.imul(high, 0x85ebca77)) >>> 0;
}
