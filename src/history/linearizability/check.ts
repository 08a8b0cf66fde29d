/**
 * The linearizability checker: splits a history into independent partitions when the model
 * allows (P-compositionality), searches each, and combines the verdicts.
 *
 * A verdict is only ever definite when it is proven: `not-linearizable` as soon as one partition
 * has no linearization, `linearizable` only when every partition has one. Running out of time
 * gives `unknown`.
 *
 * @module
 */
import { HistoryUsageError } from '../errors.js';
import type { Model } from '../models/model.js';
import type { Operation } from '../types.js';
import { checkPartitionsInTurns, commonKey, type PartitionOutcome } from './partition-check.js';
import type { LinearizabilityResult, PartitionExplanation, PartitionSummary, Verdict } from './result.js';

/** Options of {@link checkLinearizability}. */
export interface LinearizabilityOptions {
  /**
   * Split by the model's `partition` when it has one. Default true. Without splitting, a model
   * with components (`Model.component`, the key-value map) is still searched as one history with
   * the whole state, pruned by components (see `component-search.ts`).
   */
  readonly partition?: boolean;
  /** Give up after this many milliseconds with verdict `unknown`. Default: no limit. */
  readonly timeoutMs?: number;
  /**
   * Stop at the first partition found not linearizable (the verdict is settled). Default true;
   * false searches every partition, to explain them all.
   */
  readonly stopAtFirstViolation?: boolean;
}

/** Splits `operations` as the options and the model say. */
export function partitionOperations<S>(
  operations: readonly Operation[],
  model: Model<S>,
  partition: boolean,
): readonly (readonly Operation[])[] {
  if (!partition || model.partition === undefined) return [operations];
  return model.partition(operations).filter((part) => part.length > 0);
}

/** Validates a timeout option and turns it into a `performance.now()` deadline. */
export function deadlineFor(timeoutMs: number | undefined, started: number): number {
  if (timeoutMs === undefined) return Infinity;
  if (!(timeoutMs >= 0))
    throw new HistoryUsageError(`checkLinearizability: timeoutMs must be >= 0, got ${timeoutMs}`);
  return started + timeoutMs;
}

/** A placeholder summary for a partition that was not searched. */
export function skippedSummary(operations: readonly Operation[], index: number): PartitionSummary {
  const key = commonKey(operations);
  return {
    partition: index,
    ...(key === undefined ? {} : { key }),
    operations: operations.length,
    outcome: 'skipped',
    configurations: 0,
    modelStates: 0,
    timeMs: 0,
  };
}

/** Combines per-partition outcomes into the result. */
export function combineOutcomes(
  modelName: string,
  parts: readonly (readonly Operation[])[],
  outcomes: readonly (PartitionOutcome | undefined)[],
  timeMs: number,
): LinearizabilityResult {
  const summaries = parts.map((part, index) => outcomes[index]?.summary ?? skippedSummary(part, index));
  const explanation: PartitionExplanation[] = [];
  for (const outcome of outcomes)
    if (outcome?.explanation !== undefined) explanation.push(outcome.explanation);
  const checked = summaries.filter(
    (s) => s.outcome === 'linearizable' || s.outcome === 'not-linearizable',
  ).length;
  let verdict: Verdict;
  let reason: string | undefined;
  if (summaries.some((s) => s.outcome === 'not-linearizable')) verdict = 'not-linearizable';
  else if (checked === parts.length) verdict = 'linearizable';
  else {
    verdict = 'unknown';
    reason = `time budget exhausted: ${checked} of ${parts.length} partition(s) decided`;
  }
  return {
    verdict,
    model: modelName,
    operations: parts.reduce((sum, part) => sum + part.length, 0),
    partitions: parts.length,
    partitionsChecked: checked,
    partitionResults: summaries,
    timeMs,
    ...(reason === undefined ? {} : { reason }),
    ...(verdict === 'not-linearizable' ? { explanation } : {}),
  };
}

/**
 * Checks that `operations` (see `pairOperations`) are linearizable with respect to `model`, in
 * this thread. See `checkLinearizabilityParallel` to spread partitions over worker threads.
 *
 * @example
 * ```ts
 * const { operations } = pairOperations(parseHistory(text, 'jepsen-etcd', 'etcd_000.log'));
 * const result = checkLinearizability(operations, casRegisterModel(), { timeoutMs: 10_000 });
 * result.verdict; // 'linearizable' | 'not-linearizable' | 'unknown'
 * ```
 */
export function checkLinearizability<S>(
  operations: readonly Operation[],
  model: Model<S>,
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const started = performance.now();
  const deadline = deadlineFor(options.timeoutMs, started);
  const parts = partitionOperations(operations, model, options.partition ?? true);
  const stopAtFirst = options.stopAtFirstViolation ?? true;
  const outcomes = checkPartitionsInTurns(
    parts,
    model,
    parts.map((_, index) => index),
    { deadline },
    stopAtFirst,
  );
  return combineOutcomes(model.name, parts, outcomes, performance.now() - started);
}
