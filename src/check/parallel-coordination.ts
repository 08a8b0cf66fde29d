/**
 * Shared words through which the coordinator and the search workers of the parallel search
 * balance their work without messages: each worker publishes how many states its level still
 * holds, and the coordinator raises a flag when a worker ran dry while another still holds
 * enough to share. Workers look at the flag after each state they expand and, seeing it raised,
 * stop and report, so that the coordinator can move whole frontier chunks between them. Under a
 * state budget, each also publishes how many states it inserted, so that every worker can stop
 * as soon as the sum reaches the budget. Every thread publishes the memory it holds, so that each
 * can compare the sum with the memory budget; the first to see a budget spent says which in the
 * stop word, which every worker also looks at after each state.
 *
 * @module
 */

/**
 * Frontier chunk size in search workers: the unit of work they hand each other. 8, 32 and 128 KB
 * cost the same on 2PC with 8 RMs (within the noise); smaller chunks even out the levels' ends.
 */
export const WORKER_CHUNK_BYTES = 1 << 15;

/**
 * Words are 16 apart (64 bytes, a cache line): a word one worker writes shares no line with a
 * word another worker reads or writes.
 */
const STRIDE = 16;
const HUNGRY = 0;
/** On the first line too (read after each state, written once): 0, or why the search stops. */
const STOP = 1;
/** Per thread, a line: states left in its level, states it inserted, KiB of memory it holds. */
const LINES = STRIDE;
const REMAINING = 0;
const INSERTED = 1;
const MEMORY_KIB = 2;

/** Budgets a worker can find spent, with their codes in the stop word (0: none). */
const STOPS = ['maxMs', 'maxStates', 'maxMemory', 'heapLimit'] as const;

/** Why the workers stopped expanding for good. */
export type WorkerStop = (typeof STOPS)[number];

/** A view of the coordination words; every thread holds one over the same buffer. */
export class Coordination {
  readonly #words: Int32Array;
  readonly buffer: SharedArrayBuffer;
  /** Lines: one per worker, then the coordinator's (it inserts the initial states). */
  readonly #lines: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#words = new Int32Array(buffer);
    this.#lines = (this.#words.length - LINES) / STRIDE;
  }

  /** A buffer for `workers` workers and the coordinator. */
  static allocate(workers: number): SharedArrayBuffer {
    return new SharedArrayBuffer((LINES + (workers + 1) * STRIDE) * 4);
  }

  /** True while the coordinator wants the workers to stop and share. */
  get hungry(): boolean {
    return Atomics.load(this.#words, HUNGRY) !== 0;
  }

  set hungry(value: boolean) {
    Atomics.store(this.#words, HUNGRY, value ? 1 : 0);
  }

  /** Publishes how many states a worker's level still holds. */
  setRemaining(worker: number, states: number): void {
    Atomics.store(this.#words, LINES + worker * STRIDE + REMAINING, states);
  }

  /** States a worker's level held when it last published. */
  remaining(worker: number): number {
    return Atomics.load(this.#words, LINES + worker * STRIDE + REMAINING);
  }

  /** Publishes how many states a thread inserted (the coordinator's line is the last). */
  setInserted(line: number, states: number): void {
    Atomics.store(this.#words, LINES + line * STRIDE + INSERTED, states);
  }

  /**
   * Says why the search stops, if no thread said it first (the first reason wins: it is the one
   * the search reports).
   */
  stop(reason: WorkerStop): void {
    Atomics.compareExchange(this.#words, STOP, 0, STOPS.indexOf(reason) + 1);
  }

  /** Why the search stops, once a thread said so. */
  get stopped(): WorkerStop | undefined {
    const code = Atomics.load(this.#words, STOP);
    return code === 0 ? undefined : STOPS[code - 1];
  }

  /** Publishes how many bytes of memory a thread holds (the coordinator's line is the last). */
  setMemory(line: number, bytes: number): void {
    const kib = Math.min(Math.ceil(bytes / 1024), 0x7fffffff);
    Atomics.store(this.#words, LINES + line * STRIDE + MEMORY_KIB, kib);
  }

  /** Bytes of memory every thread holds, as last published. */
  memoryTotal(): number {
    let kib = 0;
    for (let line = 0; line < this.#lines; line++) {
      kib += Atomics.load(this.#words, LINES + line * STRIDE + MEMORY_KIB);
    }
    return kib * 1024;
  }

  /** States inserted by every thread, as last published. */
  insertedTotal(): number {
    let total = 0;
    for (let line = 0; line < this.#lines; line++) {
      total += Atomics.load(this.#words, LINES + line * STRIDE + INSERTED);
    }
    return total;
  }
}
