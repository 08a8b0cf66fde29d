/**
 * Worker-thread entry of {@link checkLinearizabilityParallel}: checks a group of partitions in
 * turns and posts their outcomes back. The model travels as a `ModelSpec` and is rebuilt here.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createModel } from '../models/registry.js';
import { checkPartitionsInTurns } from './partition-check.js';
import type { WorkerRequest } from './parallel.js';

const request = workerData as WorkerRequest;
const abort = new Int32Array(request.abort);
const outcomes = checkPartitionsInTurns(
  request.parts,
  createModel(request.spec),
  request.indexes,
  { deadline: performance.now() + request.timeoutMs, abort },
  request.stopAtFirstViolation,
);
// A violation settles the verdict: tell the other threads to stop.
if (
  request.stopAtFirstViolation &&
  outcomes.some((outcome) => outcome?.searchOutcome === 'not-linearizable')
) {
  Atomics.store(abort, 0, 1);
}
parentPort?.postMessage(outcomes);
