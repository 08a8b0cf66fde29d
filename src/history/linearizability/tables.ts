/**
 * Open-addressing hash tables over typed arrays, for the search's inner loop: no allocation per
 * lookup, no boxed numbers, no strings.
 *
 * @module
 */
import { mix32 } from '../hash.js';

const EMPTY = -1;

/** Smallest power of two >= `n` (and >= 16). */
function capacityFor(n: number): number {
  let capacity = 16;
  while (capacity < n) capacity *= 2;
  return capacity;
}

/**
 * A map from a pair of non-negative int32 (`a`, `b`) to an int32. The search uses it to memoise
 * model transitions: (state id, operation id) -> next state id.
 */
export class PairTable {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    const capacity = capacityFor(expected * 2);
    this.keysA = new Int32Array(capacity).fill(EMPTY);
    this.keysB = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Number of pairs stored. */
  get size(): number {
    return this.count;
  }

  /** The value stored for (`a`, `b`), or `missing`. */
  get(a: number, b: number, missing: number): number {
    const keysA = this.keysA;
    const mask = this.mask;
    let slot = mix32(Math.imul(a, 0x9e3779b1) ^ b) & mask;
    for (;;) {
      const key = keysA[slot];
      if (key === EMPTY) return missing;
      if (key === a && this.keysB[slot] === b) return this.values[slot] as number;
      slot = (slot + 1) & mask;
    }
  }

  /** Stores `value` for (`a`, `b`); the pair must not be present yet. */
  set(a: number, b: number, value: number): void {
    if ((this.count + 1) * 2 > this.keysA.length) this.grow();
    this.place(a, b, value);
    this.count++;
  }

  private place(a: number, b: number, value: number): void {
    const mask = this.mask;
    let slot = mix32(Math.imul(a, 0x9e3779b1) ^ b) & mask;
    while (this.keysA[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.values[slot] = value;
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    const capacity = keysA.length * 2;
    this.keysA = new Int32Array(capacity).fill(EMPTY);
    this.keysB = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let slot = 0; slot < keysA.length; slot++) {
      const a = keysA[slot] as number;
      if (a !== EMPTY) this.place(a, keysB[slot] as number, values[slot] as number);
    }
  }
}

/**
 * A set of (bit vector, state id) pairs: Lowe's cache of configurations already explored. Each
 * record is `words` int32 of bits followed by the state id, packed in one growing arena. The
 * caller supplies the hash (maintained incrementally, Zobrist style), so inserting costs one
 * probe sequence and, on a hash match, one comparison of the words.
 */
export class VisitedSet {
  /** Int32 per bit vector. */
  readonly words: number;
  private readonly stride: number;
  private arena: Int32Array;
  private slots: Int32Array;
  private slotHashes: Int32Array;
  private mask: number;
  private count = 0;

  constructor(words: number, expected = 1024) {
    this.words = words;
    this.stride = words + 1;
    this.arena = new Int32Array(this.stride * expected);
    const capacity = capacityFor(expected * 2);
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.slotHashes = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Number of records stored. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the arena and the slot arrays. */
  get bytes(): number {
    return this.arena.byteLength + this.slots.byteLength + this.slotHashes.byteLength;
  }

  /** True when (`bits`, `state`) is present. `hash` as for {@link VisitedSet.add}. */
  has(bits: Int32Array, state: number, hash: number): boolean {
    const words = this.words;
    const stride = this.stride;
    const mask = this.mask;
    const slots = this.slots;
    const arena = this.arena;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const record = slots[slot] as number;
      if (record === EMPTY) return false;
      if (this.slotHashes[slot] !== hash) continue;
      const base = record * stride;
      if (arena[base + words] !== state) continue;
      let same = true;
      for (let w = 0; w < words; w++) {
        if (arena[base + w] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
  }

  /**
   * Adds (`bits`, `state`) unless present. `hash` must be a function of the pair only.
   * Returns true when the pair was new.
   */
  add(bits: Int32Array, state: number, hash: number): boolean {
    const words = this.words;
    const stride = this.stride;
    const mask = this.mask;
    const slots = this.slots;
    const arena = this.arena;
    let slot = hash & mask;
    for (;;) {
      const record = slots[slot] as number;
      if (record === EMPTY) break;
      if (this.slotHashes[slot] === hash) {
        const base = record * stride;
        if (arena[base + words] === state) {
          let same = true;
          for (let w = 0; w < words; w++) {
            if (arena[base + w] !== bits[w]) {
              same = false;
              break;
            }
          }
          if (same) return false;
        }
      }
      slot = (slot + 1) & mask;
    }
    const record = this.count;
    if ((record + 1) * stride > arena.length) {
      const bigger = new Int32Array(arena.length * 2);
      bigger.set(arena);
      this.arena = bigger;
    }
    const base = record * stride;
    const target = this.arena;
    for (let w = 0; w < words; w++) target[base + w] = bits[w] as number;
    target[base + words] = state;
    slots[slot] = record;
    this.slotHashes[slot] = hash;
    this.count++;
    if (this.count * 2 > slots.length) this.grow();
    return true;
  }

  private grow(): void {
    const { slots, slotHashes } = this;
    const capacity = slots.length * 2;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.slotHashes = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let old = 0; old < slots.length; old++) {
      const record = slots[old] as number;
      if (record === EMPTY) continue;
      const hash = slotHashes[old] as number;
      let slot = hash & this.mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[slot] = record;
      this.slotHashes[slot] = hash;
    }
  }
}
