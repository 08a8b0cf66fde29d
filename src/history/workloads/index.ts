/**
 * Workloads for simulated clients: generators of operations, the client process that runs them
 * and records the history, the recording conventions, and the conversion of a run's history (or
 * its trace) into the history the checkers read.
 *
 * @module
 */
export {
  isKeyedValue,
  recordedValue,
  splitRecordedValue,
  type KeyedValue,
  type WorkloadOperation,
} from './operation.js';
export {
  casRegisterWorkload,
  counterWorkload,
  keyValueWorkload,
  queueWorkload,
  registerWorkload,
  setWorkload,
  type CasRegisterWorkloadOptions,
  type CounterWorkloadOptions,
  type KeyValueWorkloadOptions,
  type Mix,
  type QueueWorkloadOptions,
  type RegisterWorkloadOptions,
  type SetWorkloadOptions,
  type Workload,
  type WorkloadInput,
} from './generators.js';
export {
  workloadClient,
  workloadClients,
  type WorkloadClientOptions,
  type WorkloadClientState,
  type WorkloadCompletion,
  type WorkloadReply,
  type WorkloadRequest,
} from './client.js';
export { historyFromSimulation, historyFromTrace } from './history.js';
export { kvCommand, kvCompletion } from './raft-kv.js';
export { clientsProgress, type ClientsProgressOptions } from './progress.js';
