/**
 * The shape of a workload: what clients ask, how replies are read, what runs
 * after the faults heal, and how the history is judged.
 */

import type { LinearizabilityResult } from '../../history/index.js';
import type { TransactionCheckResult } from '../../history/index.js';
import type { HistoryKey } from '../../history/index.js';
import type { RandomStream } from '../../sim/index.js';
import { isDefiniteError, type Body } from '../protocol.js';
import type { RunHistory } from '../run-history.js';
import type { ConsistencyModel } from '../consistency-models.js';
import type { TopologyName } from '../topology.js';

/** The workloads the workbench runs. */
export const WORKLOAD_NAMES = [
  'echo',
  'unique-ids',
  'broadcast',
  'g-set',
  'g-counter',
  'pn-counter',
  'lin-kv',
  'kafka',
  'txn-list-append',
  'txn-rw-register',
] as const;
/** One of {@link WORKLOAD_NAMES}. */
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** An operation a client is about to run. */
export interface WorkloadOperation {
  readonly f: string;
  /** The invocation's value, as the history records it. */
  readonly value: unknown;
  readonly key?: HistoryKey;
}

/** How a reply settled an operation. */
export interface Outcome {
  readonly type: 'ok' | 'fail' | 'info';
  /** The completion's value, as the history records it. */
  readonly value: unknown;
  /** The node's error, as `code: text`, when it answered one. */
  readonly error?: string;
}

/** A reply that does not fit its request: a finding about the node. */
export interface BadReply {
  readonly problem: string;
}

/** What a workload knows of the run. */
export interface WorkloadSetting {
  readonly nodes: readonly string[];
  readonly random: RandomStream;
  readonly topology: TopologyName;
  /** The models a transactional check judges against (`--consistency-models`; empty: its default). */
  readonly consistencyModels?: readonly ConsistencyModel[];
}

/** A workload's verdict and figures. */
export interface WorkloadCheck {
  readonly verdict: 'valid' | 'invalid' | 'unknown';
  /** Figures for results.json. */
  readonly summary: Readonly<Record<string, unknown>>;
  /** A few lines for the text report. */
  readonly lines: readonly string[];
  /** What made the verdict, in a few words, for the reasons line (`G-single (not repeatable-read, …)`). */
  readonly why?: string;
  /** The linearizability checker's result, for the history page (lin-kv). */
  readonly linearizability?: LinearizabilityResult;
  /** The transaction checker's result, for the anomalies page (txn workloads). */
  readonly transactions?: TransactionCheckResult;
}

/** A final operation: run on `node` after the faults heal and the system recovers. */
export interface FinalOperation {
  readonly node: string;
  readonly operation: WorkloadOperation;
}

/** A workload. */
export interface Workload {
  readonly name: WorkloadName;
  /** A setup request to send each node after init (broadcast's `topology`), and the reply type expected. */
  setupRequest?(node: string): { readonly body: Omit<Body, 'msg_id'>; readonly replyType: string };
  /** The next operation for client thread `thread`. */
  next(thread: number): WorkloadOperation;
  /** The request body for an operation (the client adds `msg_id`). */
  request(operation: WorkloadOperation): Omit<Body, 'msg_id'>;
  /** Reads a reply; a reply of the wrong type or shape is a {@link BadReply}. */
  interpret(operation: WorkloadOperation, reply: Body): Outcome | BadReply;
  /** Whether a timed-out `f` may be recorded as `fail`: it changed nothing (Maelstrom: reads). */
  readonly idempotent: ReadonlySet<string>;
  /** Told when a thread's operation completed (kafka tracks offsets per client). */
  observe?(thread: number, operation: WorkloadOperation, outcome: Outcome): void;
  /** Told when a thread's process crashed (an `info`) and starts afresh. */
  reset?(thread: number): void;
  /** Operations for the final phase (reads on every node), if the workload has one. */
  finalOperations?(): readonly FinalOperation[];
  /** Judges the history. */
  check(history: RunHistory): WorkloadCheck;
  /**
   * Whether the check judges against `--consistency-models` (transactional
   * workloads); for the others the models are ignored, with a note.
   */
  readonly judgesConsistencyModels?: boolean;
}

/**
 * The outcome of an `error` reply: a definite code makes it `fail`, an
 * indefinite one `info` (`fail` for an idempotent `f`).
 */
export function errorOutcome(
  operation: WorkloadOperation,
  reply: Body,
  idempotent: ReadonlySet<string>,
): Outcome | BadReply {
  const code = reply['code'];
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    return { problem: `error reply without an integer 'code': ${JSON.stringify(reply)}` };
  }
  const text = typeof reply['text'] === 'string' ? reply['text'] : '';
  const error = text === '' ? String(code) : `${code}: ${text}`;
  const type = isDefiniteError(code) || idempotent.has(operation.f) ? 'fail' : 'info';
  return { type, value: operation.value, error };
}

/** Whether `outcome` is a bad reply. */
export function isBadReply(outcome: Outcome | BadReply): outcome is BadReply {
  return 'problem' in outcome;
}

/**
 * The common start of `interpret`: an `error` reply becomes an outcome, a reply
 * of another type than `expected` a bad reply; `undefined` means "the reply has
 * the right type, read it".
 */
export function checkReplyType(
  operation: WorkloadOperation,
  reply: Body,
  expected: string,
  idempotent: ReadonlySet<string>,
): Outcome | BadReply | undefined {
  if (reply.type === 'error') return errorOutcome(operation, reply, idempotent);
  if (reply.type !== expected)
    return { problem: `expected a '${expected}' reply to ${operation.f}, got '${reply.type}'` };
  return undefined;
}

/** A bad reply naming the missing or mistyped field. */
export function missingField(reply: Body, field: string, what: string): BadReply {
  return {
    problem:
      field in reply
        ? `field '${field}' of '${reply.type}' must be ${what}, got ${JSON.stringify(reply[field])}`
        : `'${reply.type}' reply is missing field '${field}' (${what})`,
  };
}
