/**
 * Messages between the coordinating thread and the search workers of the parallel
 * breadth-first search (see parallel.ts for the algorithm).
 *
 * @module
 */
import type { MessagePort } from 'node:worker_threads';
import type { ModelSource } from './model-source.js';

/** What a worker is started with. */
export interface WorkerSetup {
  readonly source: ModelSource;
  readonly workerId: number;
  readonly workers: number;
  /** One port per other worker, indexed by worker id (`undefined` at this worker's own id). */
  readonly peers: readonly (MessagePort | undefined)[];
  readonly symmetry: boolean;
  readonly expectedStates?: number;
  /** `performance.timeOrigin + performance.now()` after which workers stop expanding. */
  readonly deadline?: number;
  /** A worker whose own share reaches this stops expanding. */
  readonly statesPerWorkerMax?: number;
}

/** Coordinator to worker. */
export type ToWorker =
  | { readonly type: 'expand' }
  | { readonly type: 'exchange' }
  | { readonly type: 'drain'; readonly expect: readonly number[] }
  | { readonly type: 'record'; readonly index: number }
  | { readonly type: 'stop' };

/** Counters a worker reports. */
export interface WorkerFigures {
  readonly generatedStates: number;
  readonly distinctStates: number;
  readonly frontier: number;
  readonly visitedBytes: number;
  /** Invariant position to the global id of the first state found violating it. */
  readonly violations: readonly (readonly [number, number])[];
  /** Reachability goal position to the global id of the first state found satisfying it. */
  readonly reached: readonly (readonly [number, number])[];
  /** True if the worker stopped expanding early (time or state budget). */
  readonly cut: boolean;
}

/** Worker to coordinator. */
export type FromWorker =
  | ({ readonly type: 'ready' } & WorkerFigures)
  | ({ readonly type: 'expanded' } & WorkerFigures)
  | ({ readonly type: 'exchanged'; readonly sent: readonly number[] } & WorkerFigures)
  | ({ readonly type: 'drained' } & WorkerFigures)
  | { readonly type: 'progress'; readonly generatedStates: number; readonly distinctStates: number }
  | { readonly type: 'record'; readonly parent: number; readonly action: number }
  | { readonly type: 'error'; readonly message: string };

/** Global id of a state: its record index on its owner, interleaved across workers. */
export function globalId(index: number, workerId: number, workers: number): number {
  return index * workers + workerId;
}

/** The worker that owns a fingerprint: its high lane, reduced modulo the worker count. */
export function ownerOf(high: number, workers: number): number {
  return (high >>> 0) % workers;
}
