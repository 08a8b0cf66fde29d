/**
 * Shared words through which the coordinator and the search workers of the parallel search
 * balance their work without messages: each worker publishes how many states its level still
 * holds, and the coordinator raises a flag when a worker ran dry while another still holds
 * enough to share. Workers look at the flag after each state they expand and, seeing it raised,
 * stop and report, so that the coordinator can move whole frontier chunks between them.
 *
 * @module
 */

/** Frontier chunk size in search workers: the unit of work they hand each other. */
export const WORKER_CHUNK_BYTES = 1 << 15;

/**
 * Words are 16 apart (64 bytes, a cache line): a word one worker writes shares no line with a
 * word another worker reads or writes.
 */
const STRIDE = 16;
const HUNGRY = 0;
const REMAINING = STRIDE;

/** A view of the coordination words; every thread holds one over the same buffer. */
export class Coordination {
  readonly #words: Int32Array;
  readonly buffer: SharedArrayBuffer;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#words = new Int32Array(buffer);
  }

  /** A buffer for `workers` workers. */
  static allocate(workers: number): SharedArrayBuffer {
    return new SharedArrayBuffer((REMAINING + workers * STRIDE) * 4);
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
    Atomics.store(this.#words, REMAINING + worker * STRIDE, states);
  }

  /** States a worker's level held when it last published. */
  remaining(worker: number): number {
    return Atomics.load(this.#words, REMAINING + worker * STRIDE);
  }
}
