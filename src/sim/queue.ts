/**
 * The event queue: ordered by (time, sequence).
 *
 * The sequence number breaks ties in insertion order, which is what makes a
 * run deterministic: two events due at the same virtual time always run in
 * the order they were scheduled. Sequences must therefore grow from one push
 * to the next (the simulator numbers events as it schedules them).
 *
 * Events often come in runs: with constant link delays, everything sent during
 * one instant arrives at one later instant, thousands of events at the same
 * time. So pushes of equal time in a row gather in an *open run*, outside the
 * heap: appending to it and popping from it cost O(1). A push at another time
 * closes the open run into a binary min-heap (as one entry, or as the bare
 * event when it holds just one, so that distinct times cost what a plain heap
 * costs). The heap's keys live in arrays of numbers beside its entries (V8
 * stores them unboxed, one after the other), so that comparisons read numbers
 * from contiguous memory rather than fields of objects of many shapes.
 *
 * Why this keeps the order: every push either joins the open run or closes
 * it, so while a run is open every other queued event was pushed before its
 * first event and has a lower sequence. At equal times the heap's events come
 * first, and a closed run never interleaves with another run of its time.
 */

/** Something scheduled. */
export interface Scheduled {
  readonly time: number;
  readonly sequence: number;
}

/** Events due at one time, in push order: `items[head..length)`, `head` the next to pop. */
class Run<T> {
  time = 0;
  head = 0;
  length = 0;
  /** Kept across reuses, so that a reused run does not allocate its array again. */
  readonly items: (T | undefined)[] = [];
}

/** A priority queue of scheduled items. */
export class EventQueue<T extends Scheduled> {
  /** The run that pushes of its time join; empty when `head === length`. */
  private open = new Run<T>();
  /** Heap entries: an event, or a closed run of events. */
  private entries: (T | Run<T> | undefined)[] = [];
  /**
   * Each entry's key: its time and the sequence of its first event. Plain arrays rather than
   * typed ones: they grow by themselves, and a short run does not pay for an ArrayBuffer.
   */
  private times: number[] = [];
  private sequences: number[] = [];
  private heapLength = 0;
  private itemCount = 0;
  private sequenceMax = -Infinity;
  /** Spent runs, reused so that a steady state allocates none. */
  private readonly spareRuns: Run<T>[] = [];

  get size(): number {
    return this.itemCount;
  }

  push(item: T): void {
    const time = item.time;
    const sequence = item.sequence;
    if (!(sequence > this.sequenceMax)) {
      throw new RangeError(
        `EventQueue.push: sequence ${sequence} after ${this.sequenceMax}: sequences must grow`,
      );
    }
    this.sequenceMax = sequence;
    this.itemCount++;
    let open = this.open;
    if (open.head < open.length) {
      if (open.time === time) {
        open.items[open.length++] = item;
        return;
      }
      open = this.closeOpenRun();
    }
    open.time = time;
    open.items[open.length++] = item;
  }

  /** The earliest item, without removing it. */
  peek(): T | undefined {
    if (this.itemCount === 0) return undefined;
    const open = this.open;
    if (this.openComesFirst()) return open.items[open.head];
    const entry = this.entries[0];
    return entry instanceof Run ? entry.items[entry.head] : entry;
  }

  /** The time of the earliest item (`Infinity` when empty), without touching the item. */
  peekTime(): number {
    if (this.itemCount === 0) return Infinity;
    return this.openComesFirst() ? this.open.time : (this.times[0] as number);
  }

  pop(): T | undefined {
    if (this.itemCount === 0) return undefined;
    this.itemCount--;
    if (this.openComesFirst()) return this.shift(this.open);
    const entry = this.entries[0];
    if (!(entry instanceof Run)) {
      this.popEntry();
      return entry;
    }
    const run = entry;
    const item = this.shift(run);
    if (run.head === 0) {
      // Spent (shift reset it): off the heap, and kept for reuse.
      this.popEntry();
      this.spareRuns.push(run);
    }
    // Otherwise the run stays first: its remaining events precede every other entry's.
    return item;
  }

  /** Calls `visit` on every item, in no particular order. */
  forEach(visit: (item: T) => void): void {
    const visitRun = (run: Run<T>): void => {
      for (let position = run.head; position < run.length; position++) visit(run.items[position] as T);
    };
    visitRun(this.open);
    for (let index = 0; index < this.heapLength; index++) {
      const entry = this.entries[index];
      if (entry instanceof Run) visitRun(entry);
      else visit(entry as T);
    }
  }

  /** Removes every item for which `keep` is false (rare: used when a phase changes). */
  filter(keep: (item: T) => boolean): void {
    const kept: T[] = [];
    const keepFrom = (run: Run<T>): void => {
      for (let position = run.head; position < run.length; position++) {
        const item = run.items[position] as T;
        if (keep(item)) kept.push(item);
      }
    };
    keepFrom(this.open);
    for (let index = 0; index < this.heapLength; index++) {
      const entry = this.entries[index];
      if (entry instanceof Run) keepFrom(entry);
      else if (keep(entry as T)) kept.push(entry as T);
    }
    // Pushed again in sequence order, they satisfy the push rule.
    kept.sort((a, b) => a.sequence - b.sequence);
    const sequenceMax = this.sequenceMax;
    this.open = new Run();
    this.entries = [];
    this.heapLength = 0;
    this.itemCount = 0;
    this.sequenceMax = -Infinity;
    for (const item of kept) this.push(item);
    this.sequenceMax = sequenceMax;
  }

  /** Whether the next event is the open run's: at equal times the heap's come first (lower sequences). */
  private openComesFirst(): boolean {
    const open = this.open;
    return open.head < open.length && (this.heapLength === 0 || open.time < (this.times[0] as number));
  }

  /** Takes a run's next event; a run emptied by it is reset to empty (`head` back to 0). */
  private shift(run: Run<T>): T {
    const item = run.items[run.head] as T;
    // Let the garbage collector have what was delivered.
    run.items[run.head++] = undefined;
    if (run.head === run.length) {
      run.head = 0;
      run.length = 0;
    }
    return item;
  }

  /** Moves the open run into the heap; returns the (empty) run that is open now. */
  private closeOpenRun(): Run<T> {
    const open = this.open;
    const first = open.items[open.head] as T;
    if (open.length - open.head === 1) {
      this.shift(open);
      this.pushEntry(first, open.time, first.sequence);
      return open;
    }
    this.pushEntry(open, open.time, first.sequence);
    this.open = this.spareRuns.pop() ?? new Run();
    return this.open;
  }

  private pushEntry(entry: T | Run<T>, time: number, sequence: number): void {
    const { entries, times, sequences } = this;
    let index = this.heapLength++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime < time || (parentTime === time && (sequences[parent] as number) < sequence)) break;
      entries[index] = entries[parent];
      times[index] = parentTime;
      sequences[index] = sequences[parent] as number;
      index = parent;
    }
    entries[index] = entry;
    times[index] = time;
    sequences[index] = sequence;
  }

  private popEntry(): void {
    const { entries, times, sequences } = this;
    const last = --this.heapLength;
    const entry = entries[last];
    const time = times[last] as number;
    const sequence = sequences[last] as number;
    entries[last] = undefined;
    if (last === 0) return;
    // Sift the last entry down from the root.
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= last) break;
      const right = child + 1;
      if (
        right < last &&
        ((times[right] as number) < (times[child] as number) ||
          (times[right] === times[child] && (sequences[right] as number) < (sequences[child] as number)))
      ) {
        child = right;
      }
      const childTime = times[child] as number;
      if (time < childTime || (time === childTime && sequence < (sequences[child] as number))) break;
      entries[index] = entries[child];
      times[index] = childTime;
      sequences[index] = sequences[child] as number;
      index = child;
    }
    entries[index] = entry;
    times[index] = time;
    sequences[index] = sequence;
  }
}
