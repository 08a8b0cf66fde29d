/**
 * What a search reports: options in, verdict and figures out.
 *
 * @module
 */
import type { PropertyKind } from '../core/index.js';

/** Exploration order. */
export type Strategy = 'bfs' | 'dfs' | 'random';

/** A behaviour of the model: `states[i + 1]` is `next(states[i], actions[i])`. */
export interface Path<State, Action> {
  readonly states: readonly State[];
  readonly actions: readonly Action[];
  /**
   * For a liveness counterexample that ends in a cycle: the last state equals
   * `states[cycleStart]`, and the behaviour repeats `states[cycleStart..]` forever. Absent when
   * the path ends in a dead end (no action is enabled; or, for a model that `stopsWhenOwedNothing`,
   * none that fairness owes) or is not a lasso at all.
   */
  readonly cycleStart?: number;
}

/** Outcome of one property. */
export type PropertyStatus = 'ok' | 'violation' | 'unknown';

/** One property's outcome, with its counterexample or (for `sometimes`) its example. */
export interface PropertyOutcome<State, Action> {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly status: PropertyStatus;
  /** Counterexample (violation) or example (a `sometimes` property that was reached). */
  readonly path?: Path<State, Action>;
  /** One sentence on why, when the status alone does not say it. */
  readonly reason?: string;
}

/**
 * Why a search stopped before covering the whole state space: a violation (with
 * `stopOnViolation`), one of the budgets (`maxDepth`, `maxStates`, `maxMs`, `maxMemoryMb`), one
 * thread's heap nearly full (`heapLimit`: the memory budget was set above what a heap can hold;
 * see memory-budget.ts), or the random walks all done.
 */
export type StopReason =
  'violation' | 'maxDepth' | 'maxStates' | 'maxMs' | 'maxMemory' | 'heapLimit' | 'walks';

/** The result of {@link check}. */
export interface CheckResult<State, Action> {
  /**
   * `violation` if some property fails (the exit code is then 1); `unknown` if the search did not
   * cover the state space and no property failed (exit code 3); `ok` otherwise (exit code 0).
   */
  readonly verdict: 'ok' | 'violation' | 'unknown';
  /** The first property found to fail. */
  readonly property?: { readonly name: string; readonly kind: PropertyKind };
  /** Its counterexample. */
  readonly path?: Path<State, Action>;
  readonly properties: readonly PropertyOutcome<State, Action>[];
  /** Distinct states (orbits under symmetry) found. */
  readonly distinctStates: number;
  /** Successor states computed, initial states included (TLC's "states generated"). */
  readonly generatedStates: number;
  /**
   * Depth of the deepest state found, counted in states as TLC does: initial states have depth
   * 1. Under breadth-first search this is the length of the longest shortest path, plus one.
   */
  readonly maxDepth: number;
  readonly elapsedMs: number;
  readonly strategy: Strategy;
  readonly workers: number;
  /** True if every reachable state within the model's boundary was expanded. */
  readonly complete: boolean;
  readonly stopReason?: StopReason;
  /** Bytes held by the visited set's typed arrays. */
  readonly visitedBytes: number;
  /** The memory budget the search ran under, in MB (`maxMemoryMb` or its default). */
  readonly memoryLimitMb: number;
  /** The most memory the search's threads were seen to hold together, as the budget counts it. */
  readonly memoryPeakBytes: number;
  /** Things the caller should know (a setting that was ignored, a reduction that was cut short). */
  readonly notes: readonly string[];
}

/** Reported about once per `progressIntervalMs` while a search runs. */
export interface Progress {
  readonly generatedStates: number;
  readonly distinctStates: number;
  readonly depth: number;
  /** Distinct states per second since the start. */
  readonly statesPerSecond: number;
  /**
   * Memory the search's threads hold together, as the memory budget counts it (V8 heaps in use
   * and ArrayBuffers; see memory-budget.ts), workers included.
   */
  readonly memoryBytes: number;
  /** The memory budget, in bytes. */
  readonly memoryLimitBytes: number;
  readonly elapsedMs: number;
}

/** Options of {@link check}. */
export interface CheckOptions {
  /** Default `'bfs'`: shortest counterexamples. `'dfs'` uses less memory; `'random'` walks deep. */
  readonly strategy?: Strategy;
  /**
   * States at this depth (initial states have depth 1) are not expanded; if any had successors
   * the search is incomplete. For random walks: the number of steps per walk.
   */
  readonly maxDepth?: number;
  /** Stop after this many distinct states. */
  readonly maxStates?: number;
  /** Stop after this many milliseconds. */
  readonly maxMs?: number;
  /**
   * Stop once the search's threads hold this many MB together (V8 heaps in use and ArrayBuffers,
   * workers included), within one expanded state of noticing. Default: three quarters of this
   * thread's V8 heap limit, so that the search stops with verdict unknown instead of V8 aborting
   * the process. Memory is looked at about every 20 ms.
   */
  readonly maxMemoryMb?: number;
  /** Random walks: seed of the walk generator (default 0). */
  readonly seed?: number;
  /** Random walks: number of walks (default 1,000). */
  readonly walks?: number;
  /** Random walks: steps per walk when `maxDepth` is not given (default 1,000). */
  readonly walkLength?: number;
  /** Breadth-first search only: worker threads sharing the search (default 1: this thread). */
  readonly workers?: number;
  /**
   * Stop at the first violated invariant (default true); breadth-first, once the depth where it
   * failed is done (canonical.ts).
   */
  readonly stopOnViolation?: boolean;
  /** Apply the model's symmetry (default false, as `fairlink check` without `--symmetry`). */
  readonly symmetry?: boolean;
  /** Expected distinct states: presizes the visited set. */
  readonly expectedStates?: number;
  /**
   * Breadth-first search: the distinct state parts (records, arrays, sets, strings...) kept
   * interned before those that no waiting state uses are dropped (default 1,048,576, about
   * 100 to 200 MB); see interned-frontier.ts. Lower it to bound memory more tightly.
   */
  readonly partsMax?: number;
  /**
   * Parallel search: each worker wraps the model it builds with `guardedModel`, so that an
   * exception in the model, a non-deterministic `next` or an unhashable state is reported as a
   * `ModelError` naming the state and the action (as the CLI does on one thread). It costs about
   * a tenth of the search's time, in re-run transitions.
   */
  readonly guardModel?: boolean;
  readonly onProgress?: (progress: Progress) => void;
  /** Default 1,000. */
  readonly progressIntervalMs?: number;
}
