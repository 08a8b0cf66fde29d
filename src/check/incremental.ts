/**
 * Incremental fingerprints: a successor is hashed *against its parent*, reusing the hashes of
 * every part it shares with it.
 *
 * A model's `next` returns a new state that shares its unchanged parts with the old one (the
 * model contract), so most of a successor is identical, by reference, to the state being
 * expanded. Before expanding a state the checker records it once in an arena: every node of its
 * tree with its value, its hash, and its children (for objects and maps also each entry's key
 * and entry hash). A successor is then hashed by walking it alongside that record: a node that
 * is the very same value as the recorded one costs one comparison; a container that changed is
 * re-combined from its children, most of which are again the same values. Children are matched
 * by position in iteration order (insertion order for objects, `Set`s and `Map`s), tolerating one
 * insertion or deletion, which is what spreading, `new Set(old).add(x)` and `Array.with` produce.
 *
 * The result is always exactly {@link hashValue} of the successor: matching only decides which
 * hashes can be reused, never what they are. The arena is typed arrays reused from one expanded
 * state to the next, so recording allocates nothing once warmed up.
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
import { layoutOf, objectKind, PlainLayout, tagOf, unhandledLayout } from '../core/index.js';

/** High lane of the last internal hash (the low lane is returned). */
let laneHigh = 0;

/**
 * The layout of an object as the arena records it: `Atom` for a leaf (a Blob, and what is not
 * plain, which `containerHash` then reports).
 */
function layoutAsNode(layout: PlainLayout): PlainLayout {
  switch (layout) {
    case PlainLayout.List:
    case PlainLayout.Record:
    case PlainLayout.Bag:
    case PlainLayout.Table:
      return layout;
    case PlainLayout.Blob:
    case PlainLayout.Foreign:
    case PlainLayout.Atom:
      return PlainLayout.Atom;
    default:
      return unhandledLayout(layout);
  }
}

/**
 * Hashes states against a recorded base state; see the module documentation. The breadth-first
 * search interns parts instead (interned-frontier.ts); this hasher serves the searches that
 * keep states as objects: depth-first search and random walks.
 */
export class IncrementalHasher {
  /** Fingerprint lanes of the last {@link hash}. */
  high = 0;
  low = 0;

  // The arena, one entry per node of the base state's tree; node 0 is the root.
  #ref: unknown[] = [];
  #key: unknown[] = [];
  #low = new Int32Array(256);
  #high = new Int32Array(256);
  #layout = new Uint8Array(256);
  /** The node's kind's tag (core/plain-kind.ts): the seed of its hash. */
  #tag = new Uint8Array(256);
  #first = new Int32Array(256);
  #count = new Int32Array(256);
  // For the children of objects and maps: the entry's key hash and entry hash.
  #keyLow = new Int32Array(256);
  #keyHigh = new Int32Array(256);
  #entryLow = new Int32Array(256);
  #entryHigh = new Int32Array(256);
  #used = 0;
  #hasBase = false;

  /** Records `state` as the base for the next {@link hash} calls; also computes its fingerprint. */
  setBase(state: unknown): void {
    const previous = this.#used;
    this.#used = 1;
    this.#reserve(1);
    this.low = this.#record(state, 0);
    this.high = laneHigh;
    this.#hasBase = true;
    this.#dropPast(previous);
  }

  /**
   * Drops references to the parts of the previous base, `previous` nodes long, past the new
   * base's nodes, so they can be collected. The nodes in use are overwritten rather than
   * emptied first: truncating the arrays would make every base regrow them.
   */
  #dropPast(previous: number): void {
    const used = this.#used;
    if (previous > used) {
      this.#ref.fill(undefined, used, previous);
      this.#key.fill(undefined, used, previous);
    }
  }

  // The recording steps: open a container, record its children, close it.

  #leaf(m: number, value: unknown): void {
    this.#ref[m] = value;
    this.#layout[m] = PlainLayout.Atom;
    this.#low[m] = hashValue(value);
    this.#high[m] = hashLaneHigh;
  }

  #keyOf(c: number, key: string, low: number, high: number): void {
    this.#key[c] = key;
    this.#keyLow[c] = low;
    this.#keyHigh[c] = high;
  }

  #mapKey(c: number, key: unknown): void {
    this.#key[c] = key;
    this.#keyLow[c] = hashValue(key);
    this.#keyHigh[c] = hashLaneHigh;
  }

  #element(c: number, value: unknown): void {
    this.#ref[c] = value;
    this.#layout[c] = PlainLayout.Atom;
    this.#low[c] = hashValue(value);
    this.#high[c] = hashLaneHigh;
  }

  #close(m: number): void {
    const first = this.#first[m] ?? 0;
    const n = this.#count[m] ?? 0;
    const tag = this.#tag[m] ?? 0;
    let low: number;
    switch (this.#layout[m]) {
      case PlainLayout.List:
        low = this.#closeList(tag, first, n);
        break;
      case PlainLayout.Record:
      case PlainLayout.Table:
        low = this.#closeKeyed(tag, first, n);
        break;
      default:
        low = this.#closeBag(tag, first, n);
    }
    this.#low[m] = low;
    this.#high[m] = hashLaneHigh;
  }

  #open(m: number, layout: PlainLayout, tag: number, value: object, count: number): number {
    this.#ref[m] = value;
    this.#layout[m] = layout;
    this.#tag[m] = tag;
    const first = this.#reserve(count);
    this.#first[m] = first;
    this.#count[m] = count;
    return first;
  }

  #closeList(tag: number, first: number, n: number): number {
    const lows = this.#low;
    const highs = this.#high;
    let a = tag;
    let b = orderedSeedHigh(tag);
    for (let c = first; c < first + n; c++) {
      a = arrayStepLow(a, lows[c] ?? 0);
      b = arrayStepHigh(b, highs[c] ?? 0);
    }
    return finishArray(a, b, n);
  }

  /** Records and tables: entry hashes from the children's key and value hashes. */
  #closeKeyed(tag: number, first: number, n: number): number {
    let sumA = 0;
    let sumB = 0;
    for (let c = first; c < first + n; c++) {
      const ea = entryLow(this.#keyLow[c] ?? 0, this.#low[c] ?? 0);
      const eb = entryHigh(this.#keyHigh[c] ?? 0, this.#high[c] ?? 0);
      this.#entryLow[c] = ea;
      this.#entryHigh[c] = eb;
      sumA = (sumA + ea) | 0;
      sumB = (sumB + eb) | 0;
    }
    return finishUnordered(tag, sumA, sumB, n);
  }

  #closeBag(tag: number, first: number, n: number): number {
    const lows = this.#low;
    const highs = this.#high;
    let sumA = 0;
    let sumB = 0;
    for (let c = first; c < first + n; c++) {
      sumA = (sumA + (lows[c] ?? 0)) | 0;
      sumB = (sumB + (highs[c] ?? 0)) | 0;
    }
    return finishUnordered(tag, sumA, sumB, n);
  }

  /** Forgets the base: {@link hash} then hashes in full. */
  clearBase(): void {
    this.#ref.length = 0;
    this.#key.length = 0;
    this.#used = 0;
    this.#hasBase = false;
  }

  /** Fingerprints `state` into {@link high} and {@link low}, reusing the base's hashes. */
  hash(state: unknown): void {
    if (this.#hasBase) {
      this.low = this.#relative(state, 0);
      this.high = laneHigh;
    } else {
      this.low = hashValue(state);
      this.high = hashLaneHigh;
    }
  }

  /** Bytes held by the arena. */
  get bytes(): number {
    return this.#low.byteLength * 9 + this.#tag.byteLength;
  }

  #reserve(extra: number): number {
    const first = this.#used;
    const needed = first + extra;
    if (needed > this.#low.length) {
      let capacity = this.#low.length * 2;
      while (capacity < needed) capacity *= 2;
      const grow32 = (old: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const grown = new Int32Array(capacity);
        grown.set(old);
        return grown;
      };
      this.#low = grow32(this.#low);
      this.#high = grow32(this.#high);
      this.#first = grow32(this.#first);
      this.#count = grow32(this.#count);
      this.#keyLow = grow32(this.#keyLow);
      this.#keyHigh = grow32(this.#keyHigh);
      this.#entryLow = grow32(this.#entryLow);
      this.#entryHigh = grow32(this.#entryHigh);
      const grow8 = (old: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
        const grown = new Uint8Array(capacity);
        grown.set(old);
        return grown;
      };
      this.#layout = grow8(this.#layout);
      this.#tag = grow8(this.#tag);
    }
    this.#used = needed;
    return first;
  }

  /** Records `v` at node `m` with its subtree; returns its low lane (high in laneHigh). */
  #record(v: unknown, m: number): number {
    if (typeof v !== 'object' || v === null) {
      this.#leaf(m, v);
    } else {
      // Containers are recorded as the decoder records them: open, children, close.
      const kind = objectKind(v);
      switch (layoutAsNode(layoutOf(kind))) {
        case PlainLayout.List:
          this.#recordList(v as readonly unknown[], tagOf(kind), m);
          break;
        case PlainLayout.Record:
          this.#recordRecord(v as Record<string, unknown>, tagOf(kind), m);
          break;
        case PlainLayout.Bag:
          this.#recordBag(v as ReadonlySet<unknown>, tagOf(kind), m);
          break;
        case PlainLayout.Table:
          this.#recordTable(v as ReadonlyMap<unknown, unknown>, tagOf(kind), m);
          break;
        default:
          this.#ref[m] = v;
          this.#layout[m] = PlainLayout.Atom;
          this.#low[m] = containerHash(v);
          this.#high[m] = hashLaneHigh;
      }
    }
    laneHigh = this.#high[m] ?? 0;
    return this.#low[m] ?? 0;
  }

  #recordList(v: readonly unknown[], tag: number, m: number): void {
    const first = this.#open(m, PlainLayout.List, tag, v, v.length);
    for (let i = 0; i < v.length; i++) this.#record(v[i], first + i);
    this.#close(m);
  }

  #recordRecord(v: Record<string, unknown>, tag: number, m: number): void {
    let n = 0;
    for (const key in v) if (v[key] !== undefined) n++;
    let c = this.#open(m, PlainLayout.Record, tag, v, n);
    for (const key in v) {
      const value = v[key];
      if (value === undefined) continue;
      const keyLow = stringHash(key);
      this.#keyOf(c, key, keyLow, hashLaneHigh);
      this.#record(value, c++);
    }
    this.#close(m);
  }

  #recordBag(v: ReadonlySet<unknown>, tag: number, m: number): void {
    // Elements are kept or dropped whole, never edited in place: record their hashes only.
    let c = this.#open(m, PlainLayout.Bag, tag, v, v.size);
    for (const element of v) this.#element(c++, element);
    this.#close(m);
  }

  #recordTable(v: ReadonlyMap<unknown, unknown>, tag: number, m: number): void {
    let c = this.#open(m, PlainLayout.Table, tag, v, v.size);
    for (const [key, value] of v) {
      this.#mapKey(c, key);
      this.#record(value, c++);
    }
    this.#close(m);
  }

  /** Hash of `v`, reusing node `m` of the base where `v` shares its parts. */
  #relative(v: unknown, m: number): number {
    if (v === this.#ref[m]) {
      laneHigh = this.#high[m] ?? 0;
      return this.#low[m] ?? 0;
    }
    if (typeof v === 'object' && v !== null) {
      const layout = this.#layout[m];
      const kind = objectKind(v);
      if (layout !== PlainLayout.Atom && layout === layoutAsNode(layoutOf(kind))) {
        switch (layout) {
          case PlainLayout.List:
            return this.#relativeList(v as readonly unknown[], tagOf(kind), m);
          case PlainLayout.Record:
            return this.#relativeRecord(v as Record<string, unknown>, tagOf(kind), m);
          case PlainLayout.Bag:
            return this.#relativeBag(v as ReadonlySet<unknown>, tagOf(kind), m);
          case PlainLayout.Table:
            return this.#relativeTable(v as ReadonlyMap<unknown, unknown>, tagOf(kind), m);
          default:
            break; // layoutAsNode gives no other layout but a leaf, hashed in full below
        }
      }
    }
    const low = hashValue(v);
    laneHigh = hashLaneHigh;
    return low;
  }

  #relativeList(v: readonly unknown[], tag: number, m: number): number {
    const ref = this.#ref;
    let c = this.#first[m] ?? 0;
    const end = c + (this.#count[m] ?? 0);
    let a = tag;
    let b = orderedSeedHigh(tag);
    const n = v.length;
    for (let i = 0; i < n; i++) {
      const element = v[i];
      let el: number;
      if (c < end && element === ref[c]) {
        el = this.#low[c] ?? 0;
        laneHigh = this.#high[c] ?? 0;
        c++;
      } else if (c + 1 < end && element === ref[c + 1]) {
        el = this.#low[c + 1] ?? 0; // the base's element at c was removed
        laneHigh = this.#high[c + 1] ?? 0;
        c += 2;
      } else if (c < end) {
        el = this.#relative(element, c); // replaced in place
        c++;
      } else {
        el = hashValue(element);
        laneHigh = hashLaneHigh;
      }
      a = arrayStepLow(a, el);
      b = arrayStepHigh(b, laneHigh);
    }
    const low = finishArray(a, b, n);
    laneHigh = hashLaneHigh;
    return low;
  }

  #relativeRecord(v: Record<string, unknown>, tag: number, m: number): number {
    const keys = this.#key;
    const ref = this.#ref;
    // Hashing never grows the arena (only recording does): its arrays can be held in locals.
    const entryLows = this.#entryLow;
    const entryHighs = this.#entryHigh;
    let c = this.#first[m] ?? 0;
    const end = c + (this.#count[m] ?? 0);
    let sumA = 0;
    let sumB = 0;
    let n = 0;
    for (const key in v) {
      const value = v[key];
      if (value === undefined) continue;
      n++;
      let at = -1;
      if (c < end && keys[c] === key) {
        at = c++;
      } else if (c + 1 < end && keys[c + 1] === key) {
        at = c + 1; // the base's entry at c was removed
        c += 2;
      }
      if (at >= 0) {
        if (value === ref[at]) {
          sumA = (sumA + (entryLows[at] ?? 0)) | 0;
          sumB = (sumB + (entryHighs[at] ?? 0)) | 0;
        } else {
          const va = this.#relative(value, at);
          sumA = (sumA + entryLow(this.#keyLow[at] ?? 0, va)) | 0;
          sumB = (sumB + entryHigh(this.#keyHigh[at] ?? 0, laneHigh)) | 0;
        }
      } else {
        const ka = stringHash(key);
        const kb = hashLaneHigh;
        const va = hashValue(value);
        sumA = (sumA + entryLow(ka, va)) | 0;
        sumB = (sumB + entryHigh(kb, hashLaneHigh)) | 0;
      }
    }
    const low = finishUnordered(tag, sumA, sumB, n);
    laneHigh = hashLaneHigh;
    return low;
  }

  #relativeBag(v: ReadonlySet<unknown>, tag: number, m: number): number {
    const ref = this.#ref;
    let c = this.#first[m] ?? 0;
    const end = c + (this.#count[m] ?? 0);
    let sumA = 0;
    let sumB = 0;
    for (const element of v) {
      if (c < end && element === ref[c]) {
        sumA = (sumA + (this.#low[c] ?? 0)) | 0;
        sumB = (sumB + (this.#high[c] ?? 0)) | 0;
        c++;
      } else if (c + 1 < end && element === ref[c + 1]) {
        sumA = (sumA + (this.#low[c + 1] ?? 0)) | 0;
        sumB = (sumB + (this.#high[c + 1] ?? 0)) | 0;
        c += 2;
      } else {
        sumA = (sumA + hashValue(element)) | 0;
        sumB = (sumB + hashLaneHigh) | 0;
      }
    }
    const low = finishUnordered(tag, sumA, sumB, v.size);
    laneHigh = hashLaneHigh;
    return low;
  }

  #relativeTable(v: ReadonlyMap<unknown, unknown>, tag: number, m: number): number {
    const keys = this.#key;
    const ref = this.#ref;
    let c = this.#first[m] ?? 0;
    const end = c + (this.#count[m] ?? 0);
    let sumA = 0;
    let sumB = 0;
    for (const [key, value] of v) {
      let at = -1;
      if (c < end && keys[c] === key) {
        at = c++;
      } else if (c + 1 < end && keys[c + 1] === key) {
        at = c + 1;
        c += 2;
      }
      if (at >= 0) {
        if (value === ref[at]) {
          sumA = (sumA + (this.#entryLow[at] ?? 0)) | 0;
          sumB = (sumB + (this.#entryHigh[at] ?? 0)) | 0;
        } else {
          const va = this.#relative(value, at);
          sumA = (sumA + entryLow(this.#keyLow[at] ?? 0, va)) | 0;
          sumB = (sumB + entryHigh(this.#keyHigh[at] ?? 0, laneHigh)) | 0;
        }
      } else {
        const ka = hashValue(key);
        const kb = hashLaneHigh;
        const va = hashValue(value);
        sumA = (sumA + entryLow(ka, va)) | 0;
        sumB = (sumB + entryHigh(kb, hashLaneHigh)) | 0;
      }
    }
    const low = finishUnordered(tag, sumA, sumB, v.size);
    laneHigh = hashLaneHigh;
    return low;
  }
}
