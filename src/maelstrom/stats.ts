/**
 * Figures of a run's history: operation counts, availability and latency
 * quantiles, as Maelstrom's stats and perf checkers report them.
 */

import { quantiles, type Quantiles } from '../history/index.js';
import type { RunHistory } from './run-history.js';

/** Counts of one kind of operation, or of all. */
export interface OperationCounts {
  count: number;
  ok: number;
  fail: number;
  info: number;
}

/** Operation counts overall and by `f`. */
export interface OperationStats {
  readonly all: OperationCounts;
  readonly byF: Readonly<Record<string, OperationCounts>>;
}

/** Counts the operations of `history` (an operation still pending counts as `info`). */
export function operationStats(history: RunHistory): OperationStats {
  const all: OperationCounts = { count: 0, ok: 0, fail: 0, info: 0 };
  const byF: Record<string, OperationCounts> = {};
  for (const record of history.operations) {
    const counts = (byF[record.f] ??= { count: 0, ok: 0, fail: 0, info: 0 });
    const type = record.type ?? 'info';
    for (const target of [all, counts]) {
      target.count++;
      target[type]++;
    }
  }
  return { all, byF };
}

/** Availability: the fraction of operations that succeeded, and whether it meets a requirement. */
export interface Availability {
  readonly fraction: number;
  /** The required fraction (`total` is 1), when one was set. */
  readonly required?: number;
  readonly met: boolean;
}

/** The availability of a run (1 when no operation ran). */
export function availabilityOf(stats: OperationStats, required: 'total' | number | undefined): Availability {
  const fraction = stats.all.count === 0 ? 1 : stats.all.ok / stats.all.count;
  if (required === undefined) return { fraction, met: true };
  const requiredFraction = required === 'total' ? 1 : required;
  return { fraction, required: requiredFraction, met: fraction >= requiredFraction };
}

/** Latency quantiles (ms) of acknowledged operations, overall and by `f`. */
export function latencyQuantiles(history: RunHistory): Record<string, Quantiles> {
  const byF = new Map<string, number[]>();
  const all: number[] = [];
  for (const record of history.operations) {
    if (record.type !== 'ok' || record.completeMs === undefined) continue;
    const latency = record.completeMs - record.invokeMs;
    all.push(latency);
    const list = byF.get(record.f) ?? [];
    list.push(latency);
    byF.set(record.f, list);
  }
  const result: Record<string, Quantiles> = {};
  const overall = quantiles(all);
  if (overall !== undefined) result['all'] = roundQuantiles(overall);
  for (const [f, list] of [...byF].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const figures = quantiles(list);
    if (figures !== undefined) result[f] = roundQuantiles(figures);
  }
  return result;
}

function roundQuantiles(figures: Quantiles): Quantiles {
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return {
    '0': round(figures['0']),
    '0.5': round(figures['0.5']),
    '0.95': round(figures['0.95']),
    '0.99': round(figures['0.99']),
    '1': round(figures['1']),
  };
}
