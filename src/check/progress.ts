/**
 * The progress meter of a search on one thread: calls the caller's callback about once per
 * interval, and watches the time and memory budgets, cheaply enough to be ticked on every
 * expanded state (it reads the clock once every 1,024 ticks, and memory at most every 20 ms).
 *
 * @module
 */
import { countedBytes, defaultMemoryLimitMb, MemoryGauge, memoryStop, megabytes } from './memory-budget.js';
import type { CheckOptions, Progress, StopReason } from './result.js';

const TICKS_PER_CLOCK_READ = 1024;

/** Figures a search reports to its meter. */
export interface SearchFigures {
  generatedStates: number;
  distinctStates: number;
  depth: number;
}

/** Options of {@link ProgressMeter}. */
export interface ProgressMeterOptions {
  readonly onProgress?: (progress: Progress) => void;
  readonly intervalMs?: number;
  readonly maxMs?: number;
  /** Default: {@link defaultMemoryLimitMb}. */
  readonly maxMemoryMb?: number;
}

/** Reports progress and watches the time and memory budgets. */
export class ProgressMeter {
  readonly startMs: number;
  readonly #intervalMs: number;
  readonly #onProgress: ((progress: Progress) => void) | undefined;
  readonly #deadlineMs: number;
  readonly memoryLimitMb: number;
  readonly #memoryLimitBytes: number;
  readonly #memory = new MemoryGauge();
  #nextReportMs: number;
  // The first tick reads the clock and memory: a search that starts over its budget stops at once.
  #ticks = TICKS_PER_CLOCK_READ - 1;
  /** The most memory seen, as the budget counts it. */
  peakBytes = 0;
  /** Set once a budget is spent: the search stops at the next state boundary. */
  stopReason: Extract<StopReason, 'maxMs' | 'maxMemory' | 'heapLimit'> | undefined;

  constructor(options: ProgressMeterOptions) {
    this.startMs = performance.now();
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#onProgress = options.onProgress;
    this.#nextReportMs = this.startMs + this.#intervalMs;
    this.#deadlineMs = options.maxMs === undefined ? Infinity : this.startMs + options.maxMs;
    this.memoryLimitMb = options.maxMemoryMb ?? defaultMemoryLimitMb();
    this.#memoryLimitBytes = megabytes(this.memoryLimitMb);
  }

  /** Called once per expanded state; returns true once a budget is spent (see `stopReason`). */
  tick(figures: SearchFigures): boolean {
    if (++this.#ticks < TICKS_PER_CLOCK_READ) return this.stopReason !== undefined;
    this.#ticks = 0;
    const now = performance.now();
    const memory = this.#memory.read(now);
    const bytes = countedBytes(memory);
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    this.stopReason ??= memoryStop(bytes, this.#memoryLimitBytes, memory);
    if (now >= this.#deadlineMs) this.stopReason ??= 'maxMs';
    if (now >= this.#nextReportMs) {
      this.#nextReportMs = nextReportMs(this.startMs, now, this.#intervalMs);
      this.report(figures, now);
    }
    return this.stopReason !== undefined;
  }

  /** Reports now (also used for a final report). */
  report(figures: SearchFigures, now = performance.now()): void {
    if (this.#onProgress === undefined) return;
    const elapsedMs = now - this.startMs;
    this.#onProgress({
      generatedStates: figures.generatedStates,
      distinctStates: figures.distinctStates,
      depth: figures.depth,
      statesPerSecond: elapsedMs > 0 ? (figures.distinctStates * 1000) / elapsedMs : 0,
      memoryBytes: countedBytes(this.#memory.latest),
      memoryLimitBytes: this.#memoryLimitBytes,
      elapsedMs,
    });
  }

  elapsedMs(): number {
    return performance.now() - this.startMs;
  }
}

/**
 * When the next report is due: the next whole number of intervals since the start, so that
 * reports keep to the interval on average however late each one comes (a display can then print
 * one line per interval and drop the search's last report, which is not a tick).
 */
export function nextReportMs(startMs: number, nowMs: number, intervalMs: number): number {
  return startMs + (Math.floor((nowMs - startMs) / intervalMs) + 1) * intervalMs;
}

/** The meter a search on one thread runs with, from its options. */
export function meterFor(options: CheckOptions): ProgressMeter {
  return new ProgressMeter({
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.progressIntervalMs === undefined ? {} : { intervalMs: options.progressIntervalMs }),
    ...(options.maxMs === undefined ? {} : { maxMs: options.maxMs }),
    ...(options.maxMemoryMb === undefined ? {} : { maxMemoryMb: options.maxMemoryMb }),
  });
}
