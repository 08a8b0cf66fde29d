/**
 * The event queue: a binary min-heap ordered by (time, sequence).
 *
 * The sequence number breaks ties in insertion order, which is what makes a
 * run deterministic: two events due at the same virtual time always run in
 * the order they were scheduled.
 */

/** Something scheduled. */
export interface Scheduled {
  readonly time: number;
  readonly sequence: number;
}

/** A min-heap of scheduled items. */
export class EventQueue<T extends Scheduled> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(item);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (!before(item, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = item;
  }

  /** The earliest item, without removing it. */
  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const length = heap.length;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && before(heap[right] as T, heap[left] as T)) child = right;
      const childItem = heap[child] as T;
      if (!before(childItem, last)) break;
      heap[index] = childItem;
      index = child;
    }
    heap[index] = last;
    return top;
  }

  /** Removes every item for which `keep` is false (rare: used when a phase changes). */
  filter(keep: (item: T) => boolean): void {
    const kept = this.heap.filter(keep);
    this.heap.length = 0;
    for (const item of kept) this.push(item);
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
