/**
 * The visited set of the parallel search: one open-addressing table of 64-bit fingerprints in
 * shared memory, written by every search worker at once, plus one parent record per state.
 *
 * Why one shared table rather than one per worker: with a table per worker, a successor owned
 * by another worker must be encoded, shipped and decoded, and the workers must meet to exchange
 * them; one table that every worker claims slots in with an atomic compare-and-swap leaves each
 * worker its own successors, and nothing crosses threads but the frontier's balancing.
 *
 * A slot is three Int32 words: the fingerprint's high and low lanes, and the state's id + 1 (12
 * bytes). A lane is never 0 (a fingerprint's 0 lane is stored as 1), so 0 can mean "not written":
 * - high 0: the slot is empty; a writer claims it by swapping 0 for its high lane, atomically;
 * - high set, low 0: being written; a reader with the same high lane waits for the low lane (a
 *   few instructions), a reader with another high lane goes on probing;
 * - both set: the writer stored the low lane with `Atomics.store` after the id and the state's
 *   records, so a reader that loads it with `Atomics.load` sees the whole entry.
 * Probing reads the lanes with plain loads, and only waits with `Atomics.load`: a lane goes from
 * 0 to its value once and never changes again, so a plain load sees either 0 (and the reader
 * then goes to the compare-and-swap or the wait, which see the truth) or the final value.
 * `Atomics.load` costs about 8 ns against 1 for a plain load, and the probes are the search's
 * commonest operation: 2PC with 8 RMs on 2 workers went from about 6.3 s to 5.6 s.
 * Two workers inserting the same fingerprint thus agree on one slot: the second meets the
 * first's slot on its probe path, waits for its low lane, and finds it equal.
 *
 * Per state id, the table keeps its parent's id, its own fingerprint and the level (depth) it was
 * found at. Which worker is first to insert a state found by two in the same level depends on
 * timing, but the parent it keeps does not: a worker that finds a state of the level being built
 * again, from a parent whose fingerprint is smaller, swaps that parent in (a compare-and-swap
 * loop on one word). Once the level is done, each of its states has as parent the predecessor
 * with the least fingerprint, whoever found it first: the path to any state is a function of the
 * model alone (canonical.ts says why that matters). Every parent is at the previous depth, so
 * paths are shortest.
 *
 * The table does not grow while workers insert: they stop at the next state boundary once the
 * table is {@link LOAD_FACTOR_GROW} full (every worker reads the shared count of ids), and the
 * coordinating thread rehashes it into a larger one while they wait. A state's successors fit
 * in the headroom left above that mark.
 *
 * Ids are handed out in blocks: a worker takes {@link ID_BLOCK} ids at a time from one shared
 * counter, so that the workers do not contend for one cache line on every insert. Ids are thus
 * not dense (a block's unused tail is skipped), and the number of distinct states is the sum of
 * what each view inserted ({@link inserted}). Which worker gets which id depends on timing, and
 * ids never reach the report: paths are given as the fingerprints along them.
 *
 * @module
 */
import { fingerprintsThroughParents, fingerprintBelow, mixSlot, NO_PARENT } from './state-table.js';

const SLOT_WIDTH = 3;
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
  /** Per id: the state's fingerprint lanes (as stored in its slot) and its level. */
  readonly highs: SharedArrayBuffer;
  readonly lows: SharedArrayBuffer;
  readonly levels: SharedArrayBuffer;
}

/** A view of the shared visited set; every thread holds one over the same buffers. */
export class SharedStateTable {
  readonly #control: Int32Array;
  readonly #slots: Int32Array;
  readonly #parents: Int32Array;
  readonly #highs: Int32Array;
  readonly #lows: Int32Array;
  readonly #levels: Int32Array;
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
  /** The level (depth) of the states this view inserts now: see {@link startLevel}. */
  #level = 1;

  constructor(buffers: SharedTableBuffers) {
    this.buffers = buffers;
    this.#control = new Int32Array(buffers.control);
    this.#slots = new Int32Array(buffers.slots);
    this.#parents = new Int32Array(buffers.parents);
    this.#highs = new Int32Array(buffers.highs);
    this.#lows = new Int32Array(buffers.lows);
    this.#levels = new Int32Array(buffers.levels);
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
    this.#level = view.#level;
  }

  /**
   * Says which level the states inserted from now on belong to (initial states: 1). A state of
   * this level found again gets the parent with the least fingerprint; one of an earlier level
   * keeps its parent.
   */
  startLevel(level: number): void {
    this.#level = level;
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
    return (
      this.#slots.byteLength +
      this.#parents.byteLength +
      this.#highs.byteLength +
      this.#lows.byteLength +
      this.#levels.byteLength
    );
  }

  /**
   * Adds a fingerprint with its parent, unless some worker added it already. Returns the new
   * state's id, or -1 if the fingerprint was present (its parent then becomes `parent` if the
   * state belongs to the level being built and `parent`'s fingerprint is the smaller).
   *
   * @throws RangeError when the table is full: one round of expansions between two looks at
   * {@link full} found more new states than the headroom above the growth mark.
   */
  insert(high: number, low: number, parent: number): number {
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
        this.#highs[id] = high;
        this.#lows[id] = low;
        this.#levels[id] = this.#level;
        slots[at + 2] = id + 1;
        Atomics.store(slots, at + 1, low);
        this.#inserted++;
        return id;
      }
      if (stored === high) {
        let storedLow = slots[at + 1] ?? 0; // plain too: a low lane, once set, never changes
        while (storedLow === 0) storedLow = Atomics.load(slots, at + 1); // being written
        if (storedLow === low) {
          if (parent >= 0) this.#offerParent(at, parent);
          return -1;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** Makes `parent` the parent of the state in slot `at` if that is of this level and `parent` is smaller. */
  #offerParent(at: number, parent: number): void {
    let id = (this.#slots[at + 2] ?? 0) - 1; // written before the low lane the caller saw
    while (id < 0) id = Atomics.load(this.#slots, at + 2) - 1;
    if (this.#levels[id] !== this.#level) return;
    const parents = this.#parents;
    const high = this.#highs[parent] ?? 0;
    const low = this.#lows[parent] ?? 0;
    for (;;) {
      const current = Atomics.load(parents, id);
      if (!fingerprintBelow(high, low, this.#highs[current] ?? 0, this.#lows[current] ?? 0)) return;
      if (Atomics.compareExchange(parents, id, current, parent) === current) return;
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

  /** The high lane of a state's fingerprint, as stored (a 0 lane is stored as 1). */
  highOf(id: number): number {
    return this.#highs[id] ?? 0;
  }

  /** The low lane of a state's fingerprint, as stored. */
  lowOf(id: number): number {
    return this.#lows[id] ?? 0;
  }

  /** Fingerprints (high, low, high, low...) from an initial state to `id`, along the parents. */
  fingerprintsTo(id: number): number[] {
    return fingerprintsThroughParents(this, id);
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
    next.#highs.set(this.#highs.subarray(0, size));
    next.#lows.set(this.#lows.subarray(0, size));
    next.#levels.set(this.#levels.subarray(0, size));
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
      slots[i * SLOT_WIDTH + 2] = old[at + 2] ?? 0;
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
    highs: new SharedArrayBuffer(records * 4),
    lows: new SharedArrayBuffer(records * 4),
    levels: new SharedArrayBuffer(records * 4),
  };
}
