/**
 * Transactions as Jepsen records them (`:f :txn`, `:value [[:append 1 2] [:r 1 [1 2]]]`), read
 * out of a history of events, with the outcome of each kept: a failed transaction is evidence
 * too (a read of its writes is an aborted read, G1a), so the generic pairing, which drops
 * failures, does not fit here.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import type { History, HistoryEvent, ProcessId } from '../types.js';

/** A key of a transactional store: Jepsen's keys are integers, Maelstrom's too. */
export type TxnKey = string | number;

/** One micro-operation: `append` (list-append), `w` (rw-register) or `r` (both). */
export interface MicroOp {
  readonly f: 'append' | 'w' | 'r';
  readonly key: TxnKey;
  /** The appended or written value; for a read, what it returned (`null` when not known). */
  readonly value: unknown;
}

/** One transaction, its invocation paired with its completion. */
export interface Transaction {
  /** Dense id from 0, in order of invocation: `T0`, `T1` ... in explanations. */
  readonly id: number;
  readonly process: ProcessId;
  /** `ok` committed, `fail` definitely aborted, `info` unknown (or never completed). */
  readonly status: 'ok' | 'fail' | 'info';
  /** The completion's micro-operations when it committed, the invocation's otherwise. */
  readonly ops: readonly MicroOp[];
  /** Position of the invocation and of the completion in the history (`Infinity`: none). */
  readonly invokeIndex: number;
  readonly completeIndex: number;
  /** Source line of the completion (or invocation), for messages. */
  readonly line?: number;
}

const MICRO_FUNCTIONS = new Set(['append', 'w', 'r']);

function readMicroOps(event: HistoryEvent, source: string): MicroOp[] {
  const fail = (problem: string): never => {
    throw new HistoryFormatError(source, event.line, problem);
  };
  if (!Array.isArray(event.value))
    return fail(`a :txn value must be a vector of micro-operations, got ${JSON.stringify(event.value)}`);
  return (event.value as unknown[]).map((micro) => {
    if (!Array.isArray(micro) || micro.length !== 3)
      return fail(`a micro-operation must be [f key value], got ${JSON.stringify(micro)}`);
    const [f, key, value] = micro as [unknown, unknown, unknown];
    if (typeof f !== 'string' || !MICRO_FUNCTIONS.has(f))
      return fail(`unknown micro-operation ${JSON.stringify(f)}: expected append, w or r`);
    if (typeof key !== 'string' && typeof key !== 'number')
      return fail(`a micro-operation's key must be a number or a string, got ${JSON.stringify(key)}`);
    return { f: f as MicroOp['f'], key, value };
  });
}

/**
 * The transactions of a history: each `:txn` invocation paired with its process's next
 * completion. Events of other functions and of the `nemesis` are ignored.
 *
 * @throws {@link HistoryFormatError} for a malformed transaction value or a completion without
 *   an invocation.
 */
export function readTransactions(history: History): Transaction[] {
  const transactions: Transaction[] = [];
  const pending = new Map<ProcessId, { event: HistoryEvent; ops: MicroOp[]; id: number }>();
  const slots: (Transaction | undefined)[] = [];
  for (const event of history.events) {
    if (event.f !== 'txn' || event.process === 'nemesis') continue;
    const open = pending.get(event.process);
    if (event.type === 'invoke') {
      if (open !== undefined)
        throw new HistoryFormatError(
          history.source,
          event.line,
          `process ${String(event.process)} invokes a transaction while its previous one (event ${open.event.index}) is pending`,
        );
      pending.set(event.process, { event, ops: readMicroOps(event, history.source), id: slots.length });
      slots.push(undefined);
      continue;
    }
    if (open === undefined) {
      // Jepsen logs an :info with no invocation for a crashed client's later notes: not an operation.
      if (event.type === 'info') continue;
      throw new HistoryFormatError(
        history.source,
        event.line,
        `process ${String(event.process)} completes a transaction it never invoked`,
      );
    }
    pending.delete(event.process);
    const ops = event.type === 'ok' ? readMicroOps(event, history.source) : open.ops;
    slots[open.id] = {
      id: open.id,
      process: event.process,
      status: event.type,
      ops,
      invokeIndex: open.event.index,
      completeIndex: event.index,
      ...(event.line === undefined ? {} : { line: event.line }),
    };
  }
  for (const open of pending.values()) {
    slots[open.id] = {
      id: open.id,
      process: open.event.process,
      status: 'info',
      ops: open.ops,
      invokeIndex: open.event.index,
      completeIndex: Infinity,
      ...(open.event.line === undefined ? {} : { line: open.event.line }),
    };
  }
  for (const slot of slots) transactions.push(slot as Transaction);
  return transactions;
}
