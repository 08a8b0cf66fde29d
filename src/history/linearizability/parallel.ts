/**
 * Partitions checked on several threads. Worth it only when there is enough work: a worker
 * takes tens of milliseconds to start (hundreds when it must compile TypeScript first), so small
 * histories stay on the calling thread. The calling thread checks one group of partitions itself
 * while the workers check the others; the first violation found anywhere stops everyone through
 * a shared flag.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createModel, type ModelSpec } from '../models/registry.js';
import type { Operation } from '../types.js';
import {
  checkLinearizability,
  combineOutcomes,
  deadlineFor,
  partitionOperations,
  type LinearizabilityOptions,
} from './check.js';
import { checkPartitionsInTurns, type PartitionOutcome } from './partition-check.js';
import type { LinearizabilityResult } from './result.js';

/** Options of {@link checkLinearizabilityParallel}. */
export interface ParallelOptions extends LinearizabilityOptions {
  /** Threads to use, the calling one included. Default: the machine's parallelism, at most 8. */
  readonly threads?: number;
  /**
   * Below this many operations everything runs on the calling thread. Default 20 000 (measured:
   * below that, the whole check takes less time than starting a worker).
   */
  readonly minOperationsForThreads?: number;
}

/** @internal What a worker receives. */
export interface WorkerRequest {
  readonly spec: ModelSpec;
  readonly parts: readonly (readonly Operation[])[];
  readonly indexes: readonly number[];
  readonly timeoutMs: number;
  readonly stopAtFirstViolation: boolean;
  readonly abort: SharedArrayBuffer;
}

/** Splits partitions into `groups` groups of similar total size (largest first, into the lightest group). */
function balance(parts: readonly (readonly Operation[])[], groups: number): number[][] {
  const order = parts
    .map((_, index) => index)
    .sort((a, b) => (parts[b]?.length ?? 0) - (parts[a]?.length ?? 0));
  const loads = new Array<number>(groups).fill(0);
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (const index of order) {
    let lightest = 0;
    for (let g = 1; g < groups; g++) if ((loads[g] as number) < (loads[lightest] as number)) lightest = g;
    members[lightest]?.push(index);
    loads[lightest] = (loads[lightest] as number) + (parts[index]?.length ?? 0);
  }
  return members.filter((group) => group.length > 0);
}

/** The worker script, and how to start it from sources (TypeScript, via tsx) or from the build. */
function workerLaunch(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  // `new URL('./worker.js', import.meta.url)` as written: the build's bundle points it at the worker's entry.
  const url = fromSource ? new URL('./worker.ts', import.meta.url) : new URL('./worker.js', import.meta.url);
  if (!fromSource || process.execArgv.some((arg) => arg.includes('tsx')))
    return { url, execArgv: process.execArgv };
  return { url, execArgv: [...process.execArgv, '--import', import.meta.resolve('tsx')] };
}

function runWorker(request: WorkerRequest): Promise<(PartitionOutcome | undefined)[]> {
  return new Promise((resolve, reject) => {
    const { url, execArgv } = workerLaunch();
    const worker = new Worker(url, { workerData: request, execArgv });
    let settled = false;
    worker.once('message', (outcomes: (PartitionOutcome | undefined)[]) => {
      settled = true;
      resolve(outcomes);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`history worker exited with code ${code} before answering`));
    });
  });
}

/**
 * Like `checkLinearizability`, with partitions spread over worker threads when the history is
 * large enough. The model must be a built-in one (given by its {@link ModelSpec}), since it has
 * to be rebuilt in each thread. If a worker cannot start, its partitions are checked here.
 */
export async function checkLinearizabilityParallel(
  operations: readonly Operation[],
  spec: ModelSpec,
  options: ParallelOptions = {},
): Promise<LinearizabilityResult> {
  const started = performance.now();
  const model = createModel(spec);
  const deadline = deadlineFor(options.timeoutMs, started);
  const parts = partitionOperations(operations, model, options.partition ?? true);
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(availableParallelism(), 8), parts.length));
  if (threads === 1 || operations.length < (options.minOperationsForThreads ?? 20_000)) {
    return checkLinearizability(operations, model, options);
  }
  const stopAtFirst = options.stopAtFirstViolation ?? true;
  const abortBuffer = new SharedArrayBuffer(4);
  const abort = new Int32Array(abortBuffer);
  const [own = [], ...others] = balance(parts, threads);
  const remainingMs = (): number =>
    deadline === Infinity ? 2 ** 31 : Math.max(0, deadline - performance.now());
  const pending = others.map((group) =>
    runWorker({
      spec,
      parts: group.map((index) => parts[index] as readonly Operation[]),
      indexes: group,
      timeoutMs: remainingMs(),
      stopAtFirstViolation: stopAtFirst,
      abort: abortBuffer,
    }).then(
      (outcomes) => ({ group, outcomes }),
      () => ({ group, outcomes: undefined }),
    ),
  );
  const outcomes: (PartitionOutcome | undefined)[] = new Array<PartitionOutcome | undefined>(parts.length);
  const mine = checkPartitionsInTurns(
    own.map((index) => parts[index] as readonly Operation[]),
    model,
    own,
    { deadline, abort },
    stopAtFirst,
  );
  own.forEach((index, i) => (outcomes[index] = mine[i]));
  if (stopAtFirst && mine.some((outcome) => outcome?.searchOutcome === 'not-linearizable'))
    Atomics.store(abort, 0, 1);
  for (const { group, outcomes: theirs } of await Promise.all(pending)) {
    if (theirs === undefined) {
      // The worker could not run: check its partitions here rather than fail.
      const fallback = checkPartitionsInTurns(
        group.map((index) => parts[index] as readonly Operation[]),
        model,
        group,
        { deadline, abort },
        stopAtFirst,
      );
      group.forEach((index, i) => (outcomes[index] = fallback[i]));
    } else group.forEach((index, i) => (outcomes[index] = theirs[i]));
  }
  // Partitions stopped because another thread found a violation are reported as skipped.
  const settled = outcomes.map((outcome) => (outcome?.searchOutcome === 'aborted' ? undefined : outcome));
  return combineOutcomes(model.name, parts, settled, performance.now() - started);
}
