/**
 * The breadth-first frontier as part ids (intern.ts): each waiting state is its record index, its
 * depth, its root's shape and the ids of the root's children, a few integers in chunked
 * `Int32Array`s. The fingerprinter that goes with it fingerprints a successor by interning its
 * parts against the state being expanded, and the ids that found it are the ones written if it
 * is new. Nothing is encoded or decoded on the way: taking a state rebuilds its root only.
 *
 * Search workers hand each other whole chunks. Part ids mean nothing to another worker (each has
 * its own interner), so a chunk moves with the definitions of the parts the taker has not learnt
 * yet (part-transfer.ts). The initial states come from the coordinator binary-encoded (codec.ts)
 * and are interned on arrival.
 *
 * @module
 */
import { Decoder } from './codec.js';
import { entryHigh, entryLow } from './fingerprint.js';
import type { Frontier } from './frontier.js';
import {
  type Base,
  buildContainer,
  emptyBase,
  Interner,
  isLeaf,
  LEAF_KIND,
  NO_SHAPE,
  partKindOf,
  partWidth,
} from './intern.js';
import { layoutOf, type PlainKind, PlainLayout } from '../core/index.js';
import type { PartDefinitions, PartExporter, PartImporter } from './part-transfer.js';
import type { StateFingerprinter } from './symmetry.js';

/** Chunks of entries with the part definitions a worker needs to read them. */
export interface PartChunks {
  readonly chunks: readonly Int32Array[];
  /** Where the entries of each chunk end. */
  readonly ends: readonly number[];
  /** States in each chunk. */
  readonly sizes: readonly number[];
  readonly parts: PartDefinitions;
}

/** Integers per chunk of a search's own frontier. */
const CHUNK_INTS = 1 << 16;

/** Words before a state's children in an entry: index, depth, root code, child count. */
const HEADER = 4;

/** Nothing hashed yet (a value no state can be). */
const NONE: unknown = Symbol('none');

/**
 * Calls `each(at, first, end)` for each entry of `chunk` between `start` and `end`: the entry
 * starts at `at`, and its part ids are at [`first`, `end`).
 */
export function forEachEntry(
  chunk: Int32Array,
  start: number,
  end: number,
  each: (at: number, first: number, end: number) => void,
): void {
  for (let at = start; at < end;) {
    const code = chunk[at + 2] ?? 0;
    const n = chunk[at + 3] ?? 0;
    const first = at + HEADER;
    const last = first + (code >= 0 ? n : partWidth(kindOfCode(code)) * n);
    each(at, first, last);
    at = last;
  }
}

/**
 * How an entry says what its root is: an object's shape id (>= 0), or the kind of another root,
 * negated. The child count and ids follow.
 */
function kindCode(kind: PlainKind): number {
  return -1 - kind;
}

/** The kind of a negative {@link kindCode}. */
function kindOfCode(code: number): PlainKind {
  return -1 - code;
}

/**
 * Fingerprints states by interning their parts, against the state last read from an entry (its
 * base); writes and reads the entries of {@link InternedQueue}s. One per search thread, shared by
 * the queues of its levels.
 */
export class PartFingerprinter<State> implements StateFingerprinter<State> {
  readonly interner = new Interner();
  readonly plain = true;
  /** Fingerprint lanes of the last {@link hash}. */
  high = 0;
  low = 0;

  /** The root of the state being expanded (its children are read from its entry). */
  readonly #root: Base = emptyBase();
  /** Its kind, or undefined with no base. */
  #rootKind: PlainKind | undefined;
  #rootCode = 0;
  /** A base with no children, for roots of another kind than the base's. */
  readonly #noBase: Base = emptyBase();

  /** The last state hashed and its root code; its children are on the interner's scratch. */
  #hashed: unknown = NONE;
  #hashedCode = 0;
  #hashedKind: PlainKind = LEAF_KIND;
  /** Whether the scratch holds the edits of the base's children rather than all children. */
  #hashedEdited = false;

  /** Fingerprints `state` against the state being expanded, interning its parts. */
  hash(state: State): void {
    const interner = this.interner;
    const scratch = interner.scratch;
    scratch.length = 0;
    this.#hashed = NONE;
    this.#hashedEdited = false;
    // A leaf root (a byte string too) is stored as one part, read back as an atom.
    if (typeof state !== 'object' || state === null || isLeaf(partKindOf(state))) {
      const id = interner.intern(state, -1);
      scratch.push(id, undefined, 0, 0, 0);
      this.low = interner.low[id] ?? 0;
      this.high = interner.high[id] ?? 0;
      this.#hashedKind = LEAF_KIND;
      this.#hashedCode = kindCode(LEAF_KIND);
    } else {
      const kind = partKindOf(state);
      const base = this.#rootKind === kind ? this.#root : this.#noBase;
      this.low = interner.children(state, kind, base);
      this.high = interner.lastHigh;
      this.#hashedKind = kind;
      this.#hashedEdited = interner.edited;
      if (interner.edited) this.#hashedCode = this.#rootCode;
      else if (layoutOf(kind) === PlainLayout.Record) this.#hashedCode = interner.lastShape;
      else this.#hashedCode = kindCode(kind);
    }
    this.#hashed = state;
  }

  /** Nothing to prepare: reading a state makes it the base of {@link hash}. */
  expanding(): void {}

  /** Integers that {@link write} needs for `state` (hashing it if it was not the last hashed). */
  entryWidth(state: State): number {
    if (state !== this.#hashed) this.hash(state);
    const n = this.#hashedEdited ? this.#root.count : this.interner.scratch.length;
    return HEADER + partWidth(this.#hashedKind) * n;
  }

  /**
   * Writes the entry of `state`, the last state given to {@link entryWidth}, into `entry` from
   * `at`; returns the end of the entry.
   */
  write(state: State, index: number, depth: number, entry: Int32Array, at: number): number {
    if (state !== this.#hashed)
      throw new Error('PartFingerprinter: write a state other than the last measured');
    const scratch = this.interner.scratch;
    const edited = this.#hashedEdited;
    const root = this.#root;
    const isMap = partWidth(this.#hashedKind) === 2;
    const n = edited ? root.count : scratch.length;
    entry[at++] = index;
    entry[at++] = depth;
    entry[at++] = this.#hashedCode;
    entry[at++] = n;
    if (!edited) {
      for (let k = 0; k < n; k++) {
        if (isMap) entry[at++] = scratch.keyLow[k] ?? 0;
        entry[at++] = scratch.id[k] ?? 0;
      }
      return at;
    }
    // An edited root: the base's children, with the edits in their places.
    const width = isMap ? 2 : 1;
    const ids = root.ids;
    let e = 0;
    for (let k = 0; k < n; k++) {
      const from = root.first + width * k;
      if (isMap) entry[at++] = ids[from] ?? 0;
      entry[at++] =
        e < scratch.length && scratch.editAt[e] === k ? (scratch.id[e++] ?? 0) : (ids[from + width - 1] ?? 0);
    }
    return at;
  }

  /**
   * Rebuilds the state whose entry starts at `at` in `entry` (after its index and depth) and
   * makes it the base of the next hashes; the entry's end goes to {@link readEnd}.
   */
  read(entry: Int32Array, at: number): State {
    const code = entry[at] ?? 0;
    const n = entry[at + 1] ?? 0;
    const first = at + 2;
    const interner = this.interner;
    const shape = code >= 0 ? interner.shapes[code] : undefined;
    const kind: PlainKind = shape?.kind ?? kindOfCode(code);
    const layout = layoutOf(kind);
    const width = partWidth(kind);
    this.readEnd = first + width * n;
    if (layout === PlainLayout.Atom) {
      this.clearBase();
      return interner.values[entry[first] ?? 0] as State;
    }
    // The entry itself holds the base's children until the next state is read.
    const root = this.#root;
    root.ids = entry;
    root.first = first;
    root.count = n;
    root.shape = code >= 0 ? code : NO_SHAPE;
    const low = interner.low;
    const high = interner.high;
    let sumLow = 0;
    let sumHigh = 0;
    for (let k = 0; k < n; k++) {
      const id = entry[first + width * k + width - 1] ?? 0;
      if (shape !== undefined) {
        sumLow = (sumLow + entryLow(shape.keyLow[k] ?? 0, low[id] ?? 0)) | 0;
        sumHigh = (sumHigh + entryHigh(shape.keyHigh[k] ?? 0, high[id] ?? 0)) | 0;
      } else if (layout === PlainLayout.Table) {
        const keyId = entry[first + 2 * k] ?? 0;
        sumLow = (sumLow + entryLow(low[keyId] ?? 0, low[id] ?? 0)) | 0;
        sumHigh = (sumHigh + entryHigh(high[keyId] ?? 0, high[id] ?? 0)) | 0;
      } else if (layout === PlainLayout.Bag) {
        sumLow = (sumLow + (low[id] ?? 0)) | 0;
        sumHigh = (sumHigh + (high[id] ?? 0)) | 0;
      }
    }
    root.sumLow = sumLow;
    root.sumHigh = sumHigh;
    this.#rootKind = kind;
    this.#rootCode = code;
    return buildContainer(kind, interner.values, entry, first, n, shape) as State;
  }

  /** Where the entry last {@link read} ends. */
  readEnd = 0;

  /** Forgets the base: the next states hashed share nothing with any state read. */
  clearBase(): void {
    this.#rootKind = undefined;
    this.#root.count = 0;
    this.#hashed = NONE;
  }

  /** Parts past which {@link compactIfDue} drops the parts no waiting state uses. */
  #compactAt: number;

  constructor(options: { readonly compactAt?: number } = {}) {
    this.#compactAt = options.compactAt ?? COMPACT_AT_PARTS;
  }

  /**
   * Between two expansions: if the interner has outgrown its budget, keeps only the parts of
   * the states waiting in `queues` (all the queues of this fingerprinter: their ids change).
   * The budget then doubles past what remains, so compactions cost a bounded share of the
   * search. Returns true if it compacted.
   */
  compactIfDue(queues: readonly InternedQueue<State>[]): boolean {
    const interner = this.interner;
    if (interner.size <= this.#compactAt) return false;
    const remap = interner.compact((keep) => {
      for (const queue of queues) queue.forEachPart(keep);
    });
    for (const queue of queues) queue.renumber(remap);
    this.clearBase();
    this.#compactAt = Math.max(this.#compactAt, 2 * interner.size);
    return true;
  }
}

/**
 * Parts an interner may hold before its search drops those no waiting state uses (a part
 * costs about 100 to 200 bytes with its representative).
 */
const COMPACT_AT_PARTS = 1 << 20;

/** First in, first out, as part ids; see the module documentation. */
export class InternedQueue<State> implements Frontier<State> {
  readonly #parts: PartFingerprinter<State>;
  /** Record index and depth of the last state taken. */
  index = 0;
  depth = 0;

  readonly #full: Int32Array[] = [];
  readonly #fullEnds: number[] = [];
  /** States in each chunk of {@link #full}. */
  readonly #fullSizes: number[] = [];
  #writing = new Int32Array(CHUNK_INTS);
  #writeAt = 0;
  #writingSize = 0;
  #reading: Int32Array = new Int32Array(0);
  #readAt = 0;
  #readEnd = 0;
  #size = 0;
  readonly #chunkInts: number;

  constructor(parts: PartFingerprinter<State>, chunkInts = CHUNK_INTS) {
    this.#parts = parts;
    this.#chunkInts = chunkInts;
    this.#writing = new Int32Array(chunkInts);
  }

  get size(): number {
    return this.#size;
  }

  push(state: State, index: number, depth: number): void {
    this.#pushEntry(state, index, depth);
  }

  /** Pushes `state`; returns where its entry starts in the chunk being written. */
  #pushEntry(state: State, index: number, depth: number): number {
    const width = this.#parts.entryWidth(state);
    if (this.#writeAt + width > this.#writing.length) this.seal(width);
    const start = this.#writeAt;
    this.#writeAt = this.#parts.write(state, index, depth, this.#writing, start);
    this.#writingSize++;
    this.#size++;
    return start;
  }

  /** Ends the chunk being written; the next has room for an entry of `width` integers at least. */
  seal(width = 0): void {
    if (this.#writeAt > 0) {
      this.#full.push(this.#writing);
      this.#fullEnds.push(this.#writeAt);
      this.#fullSizes.push(this.#writingSize);
    }
    if (this.#writeAt > 0 || width > this.#writing.length) {
      this.#writing = new Int32Array(Math.max(this.#chunkInts, width));
      this.#writeAt = 0;
      this.#writingSize = 0;
    }
  }

  take(): State {
    if (this.#size === 0) throw new RangeError('InternedQueue: take from an empty frontier');
    if (this.#readAt >= this.#readEnd) {
      this.seal();
      this.#reading = this.#full.shift() ?? new Int32Array(0);
      this.#readEnd = this.#fullEnds.shift() ?? 0;
      this.#fullSizes.shift();
      this.#readAt = 0;
    }
    const entry = this.#reading;
    this.index = entry[this.#readAt] ?? 0;
    this.depth = entry[this.#readAt + 1] ?? 0;
    const state = this.#parts.read(entry, this.#readAt + 2);
    this.#readAt = this.#parts.readEnd;
    this.#size--;
    return state;
  }

  /** Calls `keep` with every part id of the waiting states. */
  forEachPart(keep: (id: number) => void): void {
    this.#forEachWaiting((chunk, _at, first, end) => {
      for (let s = first; s < end; s++) keep(chunk[s] ?? 0);
    });
  }

  /** Rewrites the waiting states' part ids through `remap` (after the interner compacted). */
  renumber(remap: Int32Array): void {
    this.#forEachWaiting((chunk, _at, first, end) => {
      for (let s = first; s < end; s++) chunk[s] = remap[chunk[s] ?? 0] ?? -1;
    });
  }

  #forEachWaiting(each: (chunk: Int32Array, at: number, first: number, end: number) => void): void {
    const visit = (chunk: Int32Array, start: number, end: number): void =>
      forEachEntry(chunk, start, end, (at, first, last) => each(chunk, at, first, last));
    visit(this.#reading, this.#readAt, this.#readEnd);
    this.#full.forEach((chunk, i) => visit(chunk, 0, this.#fullEnds[i] ?? 0));
    visit(this.#writing, 0, this.#writeAt);
  }

  /**
   * Removes whole chunks, not yet being read, holding about `states` states (at least one chunk
   * if any), for the worker `peer`, with the definitions of the parts it has not been sent yet
   * (part-transfer.ts). The chunks are the queue's own: transfer them rather than copy.
   */
  giveParts(states: number, peer: number, exporter: PartExporter): PartChunks {
    this.seal();
    const chunks: Int32Array[] = [];
    const ends: number[] = [];
    const sizes: number[] = [];
    let given = 0;
    while (given < states && this.#full.length > 0) {
      chunks.push(this.#full.pop() as Int32Array);
      ends.push(this.#fullEnds.pop() ?? 0);
      const size = this.#fullSizes.pop() ?? 0;
      sizes.push(size);
      given += size;
    }
    this.#size -= given;
    return { chunks, ends, sizes, parts: exporter.export(peer, chunks, ends) };
  }

  /** Adds chunks that worker `peer` gave with {@link giveParts}, translated to this worker's ids. */
  takeParts(peer: number, load: PartChunks, importer: PartImporter): void {
    importer.import(peer, load.parts);
    this.seal();
    load.chunks.forEach((chunk, i) => {
      const end = load.ends[i] ?? 0;
      importer.translate(peer, chunk, end);
      this.#full.push(chunk);
      this.#fullEnds.push(end);
      this.#fullSizes.push(load.sizes[i] ?? 0);
      this.#size += load.sizes[i] ?? 0;
    });
  }

  /**
   * Adds binary-encoded chunks (frontier.ts) that the coordinator gives with the initial states,
   * interning them.
   * Each state is interned against the one before it (states next to each other in a level
   * mostly share their parts), then the fingerprinter is left without a base.
   */
  takeChunks(chunks: readonly Uint8Array[], sizes: readonly number[]): void {
    const parts = this.#parts;
    parts.clearBase();
    chunks.forEach((chunk, i) => {
      const reader = new Decoder(chunk);
      for (let k = 0; k < (sizes[i] ?? 0); k++) {
        const index = reader.int32();
        const depth = reader.int32();
        const start = this.#pushEntry(reader.value() as State, index, depth);
        parts.read(this.#writing, start + 2);
      }
    });
    parts.clearBase();
    this.seal();
  }
}
