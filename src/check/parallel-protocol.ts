/**
 * Messages between the coordinating thread and the search workers of the parallel
 * breadth-first search (see parallel.ts for the algorithm).
 *
 * @module
 */
import type { Find } from './canonical.js';
import type { ModelError } from './guarded-model.js';
import type { PartChunks } from './interned-frontier.js';
import type { ModelSource } from './model-source.js';
import type { SharedTableBuffers } from './shared-table.js';

/** What a worker is started with. */
export interface WorkerSetup {
  readonly source: ModelSource;
  readonly workerId: number;
  readonly symmetry: boolean;
  /** Wrap the model with guardedModel: its errors then come back as `modelError`. */
  readonly guardModel: boolean;
  readonly table: SharedTableBuffers;
  /** The words of parallel-coordination.ts. */
  readonly coordination: SharedArrayBuffer;
  /** `performance.timeOrigin + performance.now()` after which workers stop expanding. */
  readonly deadline?: number;
  /** Workers stop expanding once the threads inserted this many states between them. */
  readonly statesMax?: number;
  /** CheckOptions.partsMax. */
  readonly partsMax?: number;
  /** The memory budget over all threads (memory-budget.ts), in bytes. */
  readonly memoryLimitBytes: number;
  /** How often a worker posts its figures while it expands. */
  readonly progressIntervalMs: number;
}

/**
 * Whole frontier chunks with their state counts: binary-encoded (frontier.ts), each decodable
 * on its own, or part ids with the definitions the taker needs (part-transfer.ts).
 */
export type Chunks =
  | { readonly encoding: 'bytes'; readonly chunks: readonly Uint8Array[]; readonly sizes: readonly number[] }
  | ({ readonly encoding: 'parts'; readonly from: number } & PartChunks);

/** The buffers of `load` to transfer rather than copy. */
export function transferList(load: Chunks): ArrayBuffer[] {
  return load.chunks.map((chunk) => chunk.buffer as ArrayBuffer);
}

/** Coordinator to worker. */
export type ToWorker =
  /**
   * Expand the current level until it is empty, the table must grow, or a budget is spent;
   * `level` is the depth of the states found (shared-table.ts).
   */
  | { readonly type: 'expand'; readonly level: number; readonly table?: SharedTableBuffers }
  /** The level is done: the states found in it become the level to expand. */
  | { readonly type: 'advance' }
  /** Give about this many states of the current level to worker `to`. */
  | { readonly type: 'give'; readonly states: number; readonly to: number }
  /** Take these states into the current level. */
  | { readonly type: 'take'; readonly load: Chunks }
  /** Worker `peer` renumbered its parts (part-transfer.ts): forget what was learnt of them. */
  | { readonly type: 'forget'; readonly peer: number }
  | { readonly type: 'stop' };

/** Counters a worker reports. */
export interface WorkerFigures {
  readonly generatedStates: number;
  /** States this worker inserted into the shared table. */
  readonly distinctStates: number;
  /** States waiting in the level being expanded. */
  readonly frontier: number;
  /** The canonical violation of each invariant among the states this worker found (canonical.ts). */
  readonly violations: readonly Find[];
  /** The canonical example of each reachability goal among the states this worker found. */
  readonly examples: readonly Find[];
}

/** Worker to coordinator. */
export type FromWorker =
  | ({ readonly type: 'ready' } & WorkerFigures)
  | ({ readonly type: 'expanded' } & WorkerFigures)
  /** `compacted`: the worker dropped unused parts and renumbered the rest (interned-frontier.ts). */
  | ({ readonly type: 'advanced'; readonly compacted: boolean } & WorkerFigures)
  | ({ readonly type: 'given'; readonly load: Chunks } & WorkerFigures)
  | ({ readonly type: 'taken' } & WorkerFigures)
  | ({ readonly type: 'forgotten' } & WorkerFigures)
  | { readonly type: 'progress'; readonly generatedStates: number; readonly distinctStates: number }
  | { readonly type: 'error'; readonly message: string }
  /** A ModelError (guarded-model.ts), field by field: the coordinator throws it again. */
  | {
      readonly type: 'modelError';
      readonly problem: ModelError['problem'];
      readonly where: string;
      readonly detail: string;
      readonly state: unknown;
      readonly action: unknown;
    };
