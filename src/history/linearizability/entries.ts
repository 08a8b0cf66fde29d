/**
 * The history as a doubly linked list of call and return entries in real-time order, the data
 * structure of Lowe's refinement of Wing & Gong's algorithm (and Porcupine's checker). An
 * operation may be linearized next exactly when its call entry comes before the first return
 * entry left in the list: no remaining operation finished before it started. Linearizing an
 * operation lifts its two entries out of the list; backtracking puts them back, in O(1)
 * (dancing links).
 *
 * @module
 */
import type { Operation } from '../types.js';

/** The list in typed arrays. Entry `i < n` is the call of operation `i`, `n + i` its return. */
export interface EntryList {
  /** Number of operations. */
  readonly n: number;
  /** Sentinel before the first entry (`2n`). */
  readonly head: number;
  /** Sentinel after the last entry (`2n + 1`); it is not a call. */
  readonly tail: number;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** 1 for call entries, 0 for returns and the sentinels. */
  readonly isCall: Uint8Array;
  /** Position of each entry in the list as built (time order). */
  readonly rank: Int32Array;
}

/**
 * Builds the list. Entries are ordered by time; at equal times calls come first, so that two
 * operations touching at one instant count as concurrent (the permissive reading).
 */
export function buildEntries(operations: readonly Operation[]): EntryList {
  const n = operations.length;
  const head = 2 * n;
  const tail = 2 * n + 1;
  const time = new Float64Array(2 * n);
  operations.forEach((op, i) => {
    time[i] = op.call;
    time[n + i] = op.ret;
  });
  const order = Array.from({ length: 2 * n }, (_, entry) => entry);
  order.sort((a, b) => {
    const byTime = (time[a] as number) - (time[b] as number);
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    const kindA = a < n ? 0 : 1;
    const kindB = b < n ? 0 : 1;
    return kindA !== kindB ? kindA - kindB : a - b;
  });
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  const isCall = new Uint8Array(2 * n + 2);
  const rank = new Int32Array(2 * n);
  order.forEach((entry, position) => (rank[entry] = position));
  let last = head;
  for (const entry of order) {
    next[last] = entry;
    prev[entry] = last;
    last = entry;
  }
  next[last] = tail;
  prev[tail] = last;
  next[tail] = tail;
  for (let i = 0; i < n; i++) isCall[i] = 1;
  return { n, head, tail, next, prev, isCall, rank };
}
