/**
 * The progress meter: calls the caller's callback about once per interval, cheaply enough to be
 * ticked on every expanded state (it reads the clock once every 1,024 ticks).
 *
 * @module
 */
import type { Progress } from './result.js';

const TICKS_PER_CLOCK_READ = 1024;

/** Figures a search reports to its meter. */
export interface SearchFigures {
  generatedStates: number;
  distinctStates: number;
  depth: number;
}

/** Reports progress and watches the time budget. */
export class ProgressMeter {
  readonly startMs: number;
  readonly #intervalMs: number;
  readonly #onProgress: ((progress: Progress) => void) | undefined;
  readonly #deadlineMs: number;
  #nextReportMs: number;
  #ticks = 0;
  /** Set once the time budget is spent. */
  expired = false;

  constructor(options: { onProgress?: (progress: Progress) => void; intervalMs?: number; maxMs?: number }) {
    this.startMs = performance.now();
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#onProgress = options.onProgress;
    this.#nextReportMs = this.startMs + this.#intervalMs;
    this.#deadlineMs = options.maxMs === undefined ? Infinity : this.startMs + options.maxMs;
  }

  /** Called once per expanded state; returns true when the time budget is spent. */
  tick(figures: SearchFigures): boolean {
    if (++this.#ticks < TICKS_PER_CLOCK_READ) return this.expired;
    this.#ticks = 0;
    const now = performance.now();
    if (now >= this.#deadlineMs) this.expired = true;
    if (now >= this.#nextReportMs) {
      this.#nextReportMs = now + this.#intervalMs;
      this.report(figures, now);
    }
    return this.expired;
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
      memoryBytes: process.memoryUsage.rss(),
      elapsedMs,
    });
  }

  elapsedMs(): number {
    return performance.now() - this.startMs;
  }
}
