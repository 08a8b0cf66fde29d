/**
 * The visited set of the parallel search: one open-addressing table of 64-bit fingerprints in
 * shared memory, written by every search worker at once, plus one parent record per state.
 *
 * Why one shared table rather than one per worker: with a table per worker, a successor owned
 * by another worker must be encoded, shipped and decoded, and the workers must meet to exchange
 * them; one table that every worker claims slots in with an atomic compare-and-swap leaves each
 * worker its own successors, and nothing crosses threads but the frontier's balancing.
 *
 * A slot is two Int32 words, the fingerprint's high and low lanes, and nothing else (8 bytes;
 * 32 MB for the 1.7 million states of 2PC with 8 RMs). A lane is never 0 (a fingerprint's 0 lane
 * is stored as 1), so 0 can mean "not written":
 * - high 0: the slot is empty; a writer claims it by swapping 0 for its high lane, atomically;
 * - high set, low 0: being written; a reader with the same high lane waits for the low lane (a
 *   few instructions), a reader with another high lane goes on probing;
 * - both set: the writer stored the low lane with `Atomics.store` after the parent record, so a
 *   reader that loads it with `Atomics.load` sees the whole entry.
 * Probing reads the lanes with plain loads, and only waits with `Atomics.load`: a lane goes from
 * 0 to its value once and never changes again, so a plain load sees either 0 (and the reader
 * then goes to the compare-and-swap or the wait, which see the truth) or the final value; a
 * reader that finds its fingerprint needs nothing else of the entry. `Atomics.load` costs about
 * 8 ns against 1 for a plain load, and the probes are the search's commonest operation: 2PC with
 * 8 RMs on 2 workers went from about 6.3 s to 5.6 s.
 * Two workers inserting the same fingerprint thus agree on one slot: the second meets the
 * first's slot on its probe path, waits for its low lane, and finds it equal. Slots hold no
 * state ids: the search never needs the id of a state it finds again, only of new ones.
 *
 * The table does not grow while workers insert: they stop at the next state boundary once the
 * table is {@link LOAD_FACTOR_GROW} full (every worker reads the shared count of ids), and the
 * coordinating thread rehashes it into a larger one while they wait. A state's successors fit
 * in the headroom left above that mark.
 *
 * Ids are handed out in blocks: a worker takes {@link ID_BLOCK} ids at a time from one shared
 * counter, so that the workers do not contend for one cache line on every insert. Ids are thus
 * not dense (a block's unused tail is skipped), and the number of distinct states is the sum of
 * what each view inserted ({@link inserted}). Which worker gets which id, and which parent is
 * recorded for a state found by two workers in the same level, depend on timing. Every parent
 * recorded is at the previous depth, so paths are shortest all the same.
 *
 * @module
 */
import { mixSlot, NO_PARENT, pathThroughParents } from './state-table.js';

const SLOT_WIDTH = 2;
/**
 * Workers stop for growth past this load factor. Above it, the table takes inserts until it is
 * full, slower as it fills: room for the successors of the states being expanded.
 */
const LOAD_FACTOR_GROW = 0.6;
const CAPACITY_MIN = 1 << 16;
const CAPACITY_MAX = 1 << 29;

/** Ids a view takes from the shared counter at a time. */
const ID_BLOCK = 1024;

/** Indices into the control words: the shared counter of ids handed out. */
const RESERVED = 0;

/** The shared buffers, as sent to a worker: everything a table view needs. */
export interface SharedTableBuffers {
  readonly control: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly parents: SharedArrayBuffer;
  readonly actions: SharedArrayBuffer;
}

/** A view of the shared visited set; every thread holds one over the same buffers. */
export class SharedStateTable {
  readonly #control: Int32Array;
  readonly #slots: Int32Array;
  readonly #parents: Int32Array;
  readonly #actions: Int32Array;
  readonly #mask: number;
  /** Workers stop inserting for growth once the size reaches this. */
  readonly growAt: number;
  readonly #refuseAt: number;
  readonly buffers: SharedTableBuffers;
  /** This view's next id, and the end of its block of ids. */
  #nextId = 0;
  #blockEnd = 0;
  /** States this view inserted. */
  #inserted = 0;

  constructor(buffers: SharedTableBuffers) {
    this.buffers = buffers;
    this.#control = new Int32Array(buffers.control);
    this.#slots = new Int32Array(buffers.slots);
    this.#parents = new Int32Array(buffers.parents);
    this.#actions = new Int32Array(buffers.actions);
    const capacity = this.#slots.length / SLOT_WIDTH;
    this.#mask = capacity - 1;
    this.growAt = Math.floor(capacity * LOAD_FACTOR_GROW);
    this.#refuseAt = capacity - 1;
  }

  /** A new, empty table sized for `expectedStates` without growing. */
  static create(expectedStates = 0): SharedStateTable {
    let capacity = CAPACITY_MIN;
    while (capacity * LOAD_FACTOR_GROW < expectedStates && capacity < CAPACITY_MAX) capacity *= 2;
    return new SharedStateTable(allocate(new SharedArrayBuffer(4 * 4), capacity));
  }

  /** Ids handed out to every view so far: at least the number of states stored. */
  get reserved(): number {
    return Atomics.load(this.#control, RESERVED);
  }

  /** States inserted through this view. */
  get inserted(): number {
    return this.#inserted;
  }

  /** True once the workers must stop and let the table grow. */
  get full(): boolean {
    return Atomics.load(this.#control, RESERVED) >= this.growAt;
  }

  /**
   * Takes over another view's block of ids (the coordinator's view of a grown table replaces the
   * old one; workers get new views but keep their blocks).
   */
  continueFrom(view: SharedStateTable): void {
    this.#nextId = view.#nextId;
    this.#blockEnd = view.#blockEnd;
    this.#inserted = view.#inserted;
  }

  #newId(): number {
    if (this.#nextId === this.#blockEnd) {
      this.#nextId = Atomics.add(this.#control, RESERVED, ID_BLOCK);
      this.#blockEnd = this.#nextId + ID_BLOCK;
    }
    return this.#nextId++;
  }

  /** Bytes held by the shared arrays. */
  get bytes(): number {
    return this.#slots.byteLength + this.#parents.byteLength + this.#actions.byteLength;
  }

  /**
   * Adds a fingerprint with its parent record, unless some worker added it already. Returns the
   * new state's id, or -1 if the fingerprint was present.
   *
   * @throws RangeError when the table is full: one round of expansions between two looks at
   * {@link full} found more new states than the headroom above the growth mark.
   */
  insert(high: number, low: number, parent: number, action: number): number {
    if (high === 0) high = 1; // 0 marks an empty slot
    if (low === 0) low = 1; // 0 marks a slot being written
    const slots = this.#slots;
    const mask = this.#mask;
    let i = mixSlot(high, low) & mask;
    for (;;) {
      const at = i * SLOT_WIDTH;
      // A plain read: a slot's high lane, once set, never changes (a stale 0 only sends this
      // thread to the compare-exchange, which sees the truth).
      const stored = slots[at] ?? 0;
      if (stored === 0) {
        // Lost the race for this slot: look at what the winner wrote.
        if (Atomics.compareExchange(slots, at, 0, high) !== 0) continue;
        const id = this.#newId();
        if (id >= this.#refuseAt) {
          Atomics.store(slots, at + 1, low);
          throw new RangeError('SharedStateTable: the table is full (workers did not stop for growth)');
        }
        this.#parents[id] = parent;
        this.#actions[id] = action;
        Atomics.store(slots, at + 1, low);
        this.#inserted++;
        return id;
      }
      if (stored === high) {
        let storedLow = slots[at + 1] ?? 0; // plain too: a low lane, once set, never changes
        while (storedLow === 0) storedLow = Atomics.load(slots, at + 1); // being written
        if (storedLow === low) return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Whether the table holds this fingerprint (for the coordinator and tests, between levels). */
  has(high: number, low: number): boolean {
    if (high === 0) high = 1;
    if (low === 0) low = 1;
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = mixSlot(high, low) & mask; ; i = (i + 1) & mask) {
      const at = i * SLOT_WIDTH;
      const stored = Atomics.load(slots, at);
      if (stored === 0) return false;
      if (stored === high && Atomics.load(slots, at + 1) === low) return true;
    }
  }

  /** Parent id of a state ({@link NO_PARENT} for an initial state). */
  parentOf(id: number): number {
    return this.#parents[id] ?? NO_PARENT;
  }

  /** Index of the action, in the parent's action list, that produced the state. */
  actionOf(id: number): number {
    return this.#actions[id] ?? 0;
  }

  /** Steps from an initial state to `id`: the position in `init()`, then action indices. */
  pathTo(id: number): number[] {
    return pathThroughParents(this, id);
  }

  /**
   * A table twice as large with the same contents, for the coordinator to hand to the workers.
   * Only while no worker inserts.
   */
  grown(): SharedStateTable {
    const capacity = (this.#mask + 1) * 2;
    if (capacity > CAPACITY_MAX) {
      throw new RangeError(`SharedStateTable: more than ${CAPACITY_MAX * LOAD_FACTOR_GROW} distinct states`);
    }
    const next = new SharedStateTable(allocate(this.buffers.control, capacity));
    next.continueFrom(this);
    const size = Math.min(this.reserved, this.#parents.length);
    next.#parents.set(this.#parents.subarray(0, size));
    next.#actions.set(this.#actions.subarray(0, size));
    const old = this.#slots;
    const slots = next.#slots;
    const mask = next.#mask;
    for (let at = 0; at < old.length; at += SLOT_WIDTH) {
      const high = old[at] ?? 0;
      if (high === 0) continue;
      const low = old[at + 1] ?? 0;
      let i = mixSlot(high, low) & mask;
      while ((slots[i * SLOT_WIDTH] ?? 0) !== 0) i = (i + 1) & mask;
      slots[i * SLOT_WIDTH] = high;
      slots[i * SLOT_WIDTH + 1] = low;
    }
    return next;
  }
}

/** Buffers for a table of `capacity` slots, with records for as many states as it may hold. */
function allocate(control: SharedArrayBuffer, capacity: number): SharedTableBuffers {
  const records = capacity;
  return {
    control,
    slots: new SharedArrayBuffer(capacity * SLOT_WIDTH * 4),
    parents: new SharedArrayBuffer(records * 4),
    actions: new SharedArrayBuffer(records * 4),
  };
}
