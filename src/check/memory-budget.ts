/**
 * The memory budget of a search: how much memory its threads may hold before it stops with the
 * verdict unknown. Without it, a search of an unbounded model runs until V8 aborts the whole
 * process ("Ineffective mark-compacts", exit 134) and nothing is reported at all.
 *
 * What is counted, per thread: its V8 heap in use (garbage not yet collected included, so the
 * count errs high, which is the safe side) and the ArrayBuffers it allocated (the visited set,
 * encoded frontier chunks, the liveness graph). A SharedArrayBuffer counts once, in the thread
 * that allocated it: Node counts it there and not in the threads it is sent to.
 *
 * Two limits, so that a verdict is always reported:
 * - the budget, over all the search's threads together; by default a share of this thread's
 *   heap limit, so that with the defaults no heap ever comes near its own limit;
 * - each thread's own heap, which V8 cannot grow past its limit whatever the budget says: a
 *   thread stops the search once its heap is nearly full (in case the budget was set above what
 *   one heap holds). Search workers are given heaps large enough for the whole budget, except
 *   that Node's `--max-old-space-size`, when set, is every thread's limit (measured: it overrides
 *   a worker's `resourceLimits`); this thread's heap limit is Node's.
 *
 * @module
 */
import { getHeapStatistics } from 'node:v8';

const BYTES_PER_MB = 2 ** 20;

/** The default budget is this share of the heap limit (or less, on a small heap: see below). */
export const DEFAULT_HEAP_SHARE = 0.75;

/**
 * A thread stops the search once its heap has less than this share of its limit free, or
 * {@link HEAP_HEADROOM_MIN_BYTES} if more. The headroom is for single allocations, which V8
 * cannot make piecemeal, such as a large Map doubling its table (the part interner's holds up to
 * `partsMax` entries). Measured: with a 150 MB old space, a search without this guard died with
 * 100 MB in use, V8 failing to find room for one allocation.
 */
export const HEAP_HEADROOM_SHARE = 0.1;
export const HEAP_HEADROOM_MIN_BYTES = 128 * 2 ** 20;

/**
 * A thread's memory is sampled at most this often: a sample costs about 15 microseconds (it
 * asks the operating system for the resident set too), and a search allocates far less than
 * the margin between two samples.
 */
export const SAMPLE_INTERVAL_MS = 20;

/** One thread's memory, as the budget counts it. */
export interface MemorySample {
  /** V8 heap in use, garbage not yet collected included. */
  readonly heapUsedBytes: number;
  /** The most this thread's heap can grow to: beyond it, V8 aborts (or ends the worker). */
  readonly heapLimitBytes: number;
  /** ArrayBuffers and SharedArrayBuffers this thread allocated. */
  readonly bufferBytes: number;
}

/** Why memory stops a search: the budget over all threads, or one thread's own heap. */
export type MemoryStop = 'maxMemory' | 'heapLimit';

/** Samples the calling thread. */
export function sampleThisThread(): MemorySample {
  const heap = getHeapStatistics();
  return {
    heapUsedBytes: heap.used_heap_size,
    heapLimitBytes: heap.heap_size_limit,
    bufferBytes: process.memoryUsage().arrayBuffers,
  };
}

/** Bytes a sample adds to the budget's count. */
export function countedBytes(sample: MemorySample): number {
  return sample.heapUsedBytes + sample.bufferBytes;
}

/**
 * Heap in use at which a thread stops the search: its limit less the headroom (but never below
 * a quarter of the limit, so that a tiny heap still gets some work done).
 */
export function heapGuardBytes(heapLimitBytes: number): number {
  const headroom = Math.max(heapLimitBytes * HEAP_HEADROOM_SHARE, HEAP_HEADROOM_MIN_BYTES);
  return Math.max(heapLimitBytes - headroom, heapLimitBytes / 4);
}

/**
 * The default budget, in MB: a share of the heap limit (of this thread unless given), and no
 * more than the heap guard, so that by default the budget is what stops a search.
 */
export function defaultMemoryLimitMb(heapLimitBytes = getHeapStatistics().heap_size_limit): number {
  const bytes = Math.min(heapLimitBytes * DEFAULT_HEAP_SHARE, heapGuardBytes(heapLimitBytes));
  return Math.max(1, Math.floor(bytes / BYTES_PER_MB));
}

/**
 * The old-generation size to give a search worker under a budget: large enough that the worker's
 * heap guard cannot trip before the budget does (its heap is part of the budget's count), and
 * never smaller than the heap this thread has (what a worker gets by default).
 */
export function workerHeapLimitMb(
  limitMb: number,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): number {
  const headroomMb = HEAP_HEADROOM_MIN_BYTES / BYTES_PER_MB;
  const needed = Math.max(limitMb / (1 - HEAP_HEADROOM_SHARE), limitMb + headroomMb);
  return Math.max(Math.ceil(needed) + 1, Math.ceil(heapLimitBytes / BYTES_PER_MB));
}

/**
 * Whether the search must stop: `totalBytes` is what all its threads hold (this one's latest
 * sample included), `thread` this thread's latest sample. The budget is named first when both
 * are reached: it is the limit the caller chose.
 */
export function memoryStop(
  totalBytes: number,
  limitBytes: number,
  thread: MemorySample,
): MemoryStop | undefined {
  if (totalBytes >= limitBytes) return 'maxMemory';
  if (thread.heapUsedBytes >= heapGuardBytes(thread.heapLimitBytes)) return 'heapLimit';
  return undefined;
}

/** MB to bytes. */
export function megabytes(mb: number): number {
  return mb * BYTES_PER_MB;
}

/** This thread's memory, sampled at most once per {@link SAMPLE_INTERVAL_MS}. */
export class MemoryGauge {
  readonly #sample: () => MemorySample;
  readonly #intervalMs: number;
  #sampledAtMs = -Infinity;
  #latest: MemorySample;

  constructor(sample: () => MemorySample = sampleThisThread, intervalMs = SAMPLE_INTERVAL_MS) {
    this.#sample = sample;
    this.#intervalMs = intervalMs;
    this.#latest = sample();
  }

  /** The latest sample, taken again first if it is older than the interval at `nowMs`. */
  read(nowMs: number): MemorySample {
    if (nowMs - this.#sampledAtMs >= this.#intervalMs) {
      this.#sampledAtMs = nowMs;
      this.#latest = this.#sample();
    }
    return this.#latest;
  }

  /** The latest sample, without sampling. */
  get latest(): MemorySample {
    return this.#latest;
  }
}
