/**
 * What the linearizability checker reports.
 *
 * @module
 */
import type { HistoryKey, Operation } from '../types.js';

/** The checker's answer. `unknown` means it ran out of time: never a guess. */
export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

/** An operation that could come next in real-time order but cannot be placed. */
export interface BlockedOperation {
  readonly operation: Operation;
  /** The operation as text (the model's `describeOperation`). */
  readonly description: string;
  /**
   * `illegal`: the model rejects it in the state reached. `dead-end`: the model accepts it there,
   * but no linearization of the rest continues from it.
   */
  readonly reason: 'illegal' | 'dead-end';
}

/** Why one partition is not linearizable, as briefly as the search can say it. */
export interface PartitionExplanation {
  /** Index of the partition (see {@link PartitionSummary}). */
  readonly partition: number;
  /** The key all of the partition's operations share, if they do. */
  readonly key?: HistoryKey;
  /** The longest partial linearization the search found, in linearization order. */
  readonly linearized: readonly Operation[];
  /** The model state after `linearized`, as text. */
  readonly state: string;
  /** The operations that real time allows next, none of which can be placed. */
  readonly blocked: readonly BlockedOperation[];
}

/** How one partition fared. */
export interface PartitionSummary {
  readonly partition: number;
  readonly key?: HistoryKey;
  readonly operations: number;
  /** `skipped`: not searched, because another partition had already settled the verdict. */
  readonly outcome: Verdict | 'skipped';
  /**
   * Configurations (linearized set, state) the search cached; for a search by components, the
   * failed projections (linearized operations of one component, its part of the state).
   */
  readonly configurations: number;
  /** Distinct model states met (for a search by components: distinct values of components). */
  readonly modelStates: number;
  readonly timeMs: number;
}

/** The result of a linearizability check. */
export interface LinearizabilityResult {
  readonly verdict: Verdict;
  /** The model's name. */
  readonly model: string;
  /** Operations checked (failed operations are not counted: they did not happen). */
  readonly operations: number;
  /** Number of partitions the history was split into (1 without partitioning). */
  readonly partitions: number;
  /** Partitions whose search ran to a verdict. */
  readonly partitionsChecked: number;
  /** One summary per partition, in partition order. */
  readonly partitionResults: readonly PartitionSummary[];
  /** Wall time of the check, in milliseconds. */
  readonly timeMs: number;
  /** Why the verdict is not definite, when it is `unknown`. */
  readonly reason?: string;
  /** For `not-linearizable`: one explanation per partition found not linearizable. */
  readonly explanation?: readonly PartitionExplanation[];
}
