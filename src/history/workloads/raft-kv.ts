/**
 * How a key-value workload's operations (`fairlink/history`'s `keyValueWorkload`) become
 * commands of Raft's key-value machine, and how its results are recorded in the history:
 * the two functions a `workloadClient` needs to drive a Raft cluster.
 */

import type { KvCommand, KvResult } from '../../protocols/index.js';
import type { WorkloadCompletion } from './client.js';
import type { WorkloadOperation } from './operation.js';

function keyOf(operation: WorkloadOperation): string {
  if (operation.key === undefined) throw new TypeError(`kvCommand: ${operation.f} has no key`);
  return String(operation.key);
}

/** The key-value machine's command for a workload operation (`get`, `put`, `append`, `cas`, or `read`/`write`). */
export function kvCommand(operation: WorkloadOperation): KvCommand {
  const key = keyOf(operation);
  switch (operation.f) {
    case 'get':
    case 'read':
      return { op: 'get', key };
    case 'put':
    case 'write':
      return { op: 'put', key, value: String(operation.value) };
    case 'append':
      return { op: 'append', key, value: String(operation.value) };
    case 'cas': {
      const [from, to] = operation.value as readonly [unknown, unknown];
      return { op: 'cas', key, from: String(from), to: String(to) };
    }
    default:
      throw new TypeError(`kvCommand: the key-value machine has no operation '${operation.f}'`);
  }
}

/**
 * How an answered operation is recorded: a read with the value read, a write or append with the
 * value written, a compare-and-set with whether it applied (all `ok`: Raft answers only once the
 * command is applied).
 */
export function kvCompletion(operation: WorkloadOperation, result: KvResult): WorkloadCompletion {
  switch (operation.f) {
    case 'get':
    case 'read':
      return { type: 'ok', value: result };
    case 'cas':
      return { type: 'ok', value: result === true };
    default:
      return { type: 'ok', value: operation.value };
  }
}
