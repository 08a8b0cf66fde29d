/**
 * The visited set: an open-addressing hash table of 64-bit fingerprints over typed arrays, plus
 * one compact record per distinct state (its parent and the index of the action that led to it)
 * so that a counterexample path can be re-derived without keeping any state object.
 *
 * Memory per distinct state: 12 bytes per slot at a load factor between 0.375 and 0.75 (16 to 32
 * bytes), plus 8 bytes of record: no JavaScript object per state, so the garbage collector never
 * walks the visited set.
 *
 * @module
 */

/** Parent index of an initial state; its action index is its position in `init()`. */
export const NO_PARENT = -1;

const SLOT_WIDTH = 3; // high lane, low lane, record index + 1 (0 marks an empty slot)
const LOAD_FACTOR_MAX = 0.75;
const CAPACITY_MIN = 1 << 10;
/** Typed arrays hold at most 2^31 - 1 elements; beyond that the table cannot grow. */
const CAPACITY_MAX = 1 << 29;

/** Options of {@link StateTable}. */
export interface StateTableOptions {
  /** Expected number of distinct states: presizing avoids rehashing as the table grows. */
  readonly expectedStates?: number;
}

/** A growable visited set of fingerprints with one parent record per state. */
export class StateTable {
  #slots: Int32Array;
  #mask: number;
  #size = 0;
  #parents: Int32Array;
  #actions: Int32Array;
  /** Per record: the state's fingerprint lanes (paths are rebuilt from them, see canonical.ts). */
  #highs: Int32Array;
  #lows: Int32Array;

  constructor(options: StateTableOptions = {}) {
    const expected = options.expectedStates ?? 0;
    let capacity = CAPACITY_MIN;
    while (capacity * LOAD_FACTOR_MAX < expected && capacity < CAPACITY_MAX) capacity *= 2;
    this.#slots = new Int32Array(capacity * SLOT_WIDTH);
    this.#mask = capacity - 1;
    const records = Math.max(CAPACITY_MIN, Math.ceil(expected));
    this.#parents = new Int32Array(records);
    this.#actions = new Int32Array(records);
    this.#highs = new Int32Array(records);
    this.#lows = new Int32Array(records);
  }

  /** Number of distinct fingerprints stored. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the typed arrays (the whole memory cost of the visited set). */
  get bytes(): number {
    return (
      this.#slots.byteLength +
      this.#parents.byteLength +
      this.#actions.byteLength +
      this.#highs.byteLength +
      this.#lows.byteLength
    );
  }

  /**
   * Adds a fingerprint with its parent record. Returns the new state's index (records are
   * numbered 0, 1, 2... in insertion order) or, if the fingerprint was already present, the
   * bitwise complement `~index` of the existing state's index (a negative number).
   */
  insert(high: number, low: number, parent: number, action: number): number {
    let slots = this.#slots;
    let mask = this.#mask;
    let i = mixSlot(high, low) & mask;
    for (;;) {
      const at = i * SLOT_WIDTH;
      const stored = slots[at + 2] ?? 0;
      if (stored === 0) break;
      if (slots[at] === high && slots[at + 1] === low) return ~(stored - 1);
      i = (i + 1) & mask;
    }
    const index = this.#size;
    if (index + 1 > (mask + 1) * LOAD_FACTOR_MAX) {
      this.#grow();
      slots = this.#slots;
      mask = this.#mask;
      i = mixSlot(high, low) & mask;
      while ((slots[i * SLOT_WIDTH + 2] ?? 0) !== 0) i = (i + 1) & mask;
    }
    const at = i * SLOT_WIDTH;
    slots[at] = high;
    slots[at + 1] = low;
    slots[at + 2] = index + 1;
    if (index >= this.#parents.length) this.#growRecords();
    this.#parents[index] = parent;
    this.#actions[index] = action;
    // As the shared table stores them (a 0 lane as 1): both compare parents the same way.
    this.#highs[index] = high || 1;
    this.#lows[index] = low || 1;
    this.#size = index + 1;
    return index;
  }

  /**
   * Makes `parent` (by action `action`) the parent record of `index` if `parent`'s fingerprint
   * is smaller than the recorded parent's: the breadth-first search offers every parent of a
   * state of the level being built, so that each keeps the least (canonical.ts).
   */
  offerParent(index: number, parent: number, action: number): void {
    const current = this.#parents[index] ?? NO_PARENT;
    if (current < 0 || parent < 0) return;
    if (
      !fingerprintBelow(this.highOf(parent), this.lowOf(parent), this.highOf(current), this.lowOf(current))
    ) {
      return;
    }
    this.#parents[index] = parent;
    this.#actions[index] = action;
  }

  /** The high lane of a state's fingerprint. */
  highOf(index: number): number {
    return this.#highs[index] ?? 0;
  }

  /** The low lane of a state's fingerprint. */
  lowOf(index: number): number {
    return this.#lows[index] ?? 0;
  }

  /** Fingerprints (high, low, high, low...) from an initial state to `index`, along the parents. */
  fingerprintsTo(index: number): number[] {
    return fingerprintsThroughParents(this, index);
  }

  /** Index of the state with this fingerprint, or -1. */
  find(high: number, low: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = mixSlot(high, low) & mask;
    for (;;) {
      const at = i * SLOT_WIDTH;
      const stored = slots[at + 2] ?? 0;
      if (stored === 0) return -1;
      if (slots[at] === high && slots[at + 1] === low) return stored - 1;
      i = (i + 1) & mask;
    }
  }

  /** Parent index of a state ({@link NO_PARENT} for an initial state). */
  parentOf(index: number): number {
    return this.#parents[index] ?? NO_PARENT;
  }

  /** Index of the action, in the parent's action list, that produced the state. */
  actionOf(index: number): number {
    return this.#actions[index] ?? 0;
  }

  /**
   * The chain of action indices from an initial state to `index`: first the initial state's
   * position in `init()`, then one action index per step.
   */
  pathTo(index: number): number[] {
    return pathThroughParents(this, index);
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    if (capacity > CAPACITY_MAX) {
      throw new RangeError(`StateTable: more than ${CAPACITY_MAX * LOAD_FACTOR_MAX} distinct states`);
    }
    const slots = new Int32Array(capacity * SLOT_WIDTH);
    const mask = capacity - 1;
    for (let at = 0; at < old.length; at += SLOT_WIDTH) {
      const stored = old[at + 2] ?? 0;
      if (stored === 0) continue;
      const high = old[at] ?? 0;
      const low = old[at + 1] ?? 0;
      let i = mixSlot(high, low) & mask;
      while ((slots[i * SLOT_WIDTH + 2] ?? 0) !== 0) i = (i + 1) & mask;
      const to = i * SLOT_WIDTH;
      slots[to] = high;
      slots[to + 1] = low;
      slots[to + 2] = stored;
    }
    this.#slots = slots;
    this.#mask = mask;
  }

  #growRecords(): void {
    const length = this.#parents.length * 2;
    const parents = new Int32Array(length);
    parents.set(this.#parents);
    const actions = new Int32Array(length);
    actions.set(this.#actions);
    this.#parents = parents;
    this.#actions = actions;
    const highs = new Int32Array(length);
    highs.set(this.#highs);
    const lows = new Int32Array(length);
    lows.set(this.#lows);
    this.#highs = highs;
    this.#lows = lows;
  }
}

/**
 * Slot index bits from both lanes of a fingerprint (one multiply): the slot does not rest on the
 * low lane alone. Shared with the parallel search's table.
 */
export function mixSlot(high: number, low: number): number {
  return (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

/** Parent records, by state: what {@link pathThroughParents} follows. */
export interface ParentRecords {
  /** The parent's index, or a negative number for an initial state. */
  parentOf(index: number): number;
  actionOf(index: number): number;
}

/**
 * Steps from an initial state to `index`, following parent records back: first the initial
 * state's position in `init()`, then one action index per step.
 */
export function pathThroughParents(records: ParentRecords, index: number): number[] {
  const steps: number[] = [];
  for (let at = index; ;) {
    steps.push(records.actionOf(at));
    const parent = records.parentOf(at);
    if (parent < 0) break;
    at = parent;
  }
  return steps.reverse();
}

/** Parent records with the fingerprint of each state: what {@link fingerprintsThroughParents} follows. */
export interface FingerprintRecords {
  /** The parent's index, or a negative number for an initial state. */
  parentOf(index: number): number;
  highOf(index: number): number;
  lowOf(index: number): number;
}

/**
 * Fingerprints from an initial state to `index`, following parent records back: high and low
 * lanes of each state in turn (a flat array: no object per step).
 */
export function fingerprintsThroughParents(records: FingerprintRecords, index: number): number[] {
  const lanes: number[] = [];
  for (let at = index; ;) {
    lanes.push(records.lowOf(at), records.highOf(at));
    const parent = records.parentOf(at);
    if (parent < 0) break;
    at = parent;
  }
  return lanes.reverse();
}

/** True if fingerprint (high, low) comes before (otherHigh, otherLow), both read as unsigned. */
export function fingerprintBelow(high: number, low: number, otherHigh: number, otherLow: number): boolean {
  if (high !== otherHigh) return high >>> 0 < otherHigh >>> 0;
  return low >>> 0 < otherLow >>> 0;
}
