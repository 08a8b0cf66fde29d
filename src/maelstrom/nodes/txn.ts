/**
 * A transactional key-value store as a Maelstrom node, for txn-list-append and txn-rw-register:
 * each `txn` request is one command of a state machine replicated by fairlink's Raft
 * (raft-node.ts), applied whole, in log order. Every transaction, read-only ones included,
 * goes through the log, so the store is strict serializable: the log order is a serial order
 * that respects real time.
 *
 * Micro-operations: `["r", k, null]` is answered with the key's value (`null` for a key never
 * written), `["append", k, v]` adds v to the end of the key's list (created on first append),
 * `["w", k, v]` sets the key.
 */

import type { Protocol } from '../../core/index.js';
import { canonicalString } from '../../history/index.js';
import type { StateMachine } from '../../protocols/index.js';
import type { Body } from '../protocol.js';
import {
  raftServiceNode,
  type RaftNodeOptions,
  type RaftNodeState,
  type ServiceCommand,
  type ServiceResult,
} from './raft-node.js';

/** One micro-operation of a request. */
export type TxnMicroOp = readonly [f: 'r' | 'append' | 'w', key: unknown, value: unknown];

/** A transaction: its micro-operations, in order. */
export interface TxnRequest {
  readonly txn: readonly TxnMicroOp[];
}

/** The store, keys as canonical JSON text. */
type Store = Readonly<Record<string, unknown>>;

const MICRO_FUNCTIONS: ReadonlySet<unknown> = new Set(['r', 'append', 'w']);

/** The store's semantics: a transaction applied whole, its reads filled in. */
export const txnMachine: StateMachine<Store, ServiceCommand<TxnRequest>, ServiceResult> = {
  name: 'maelstrom-txn',
  init: () => ({}),
  apply(state, command) {
    const { request, origin } = command;
    if (request === null) return { state, result: { origin, reply: { type: 'noop' } } };
    // The state is copied once, on the first write: the machine must not change its input.
    let next: Record<string, unknown> | undefined;
    const completed = request.txn.map(([f, key, value]) => {
      const name = canonicalString(key);
      const current = (next ?? state)[name];
      if (f === 'r') return ['r', key, current === undefined ? null : current];
      next ??= { ...state };
      next[name] =
        f === 'append' ? [...(Array.isArray(current) ? (current as unknown[]) : []), value] : value;
      return [f, key, value];
    });
    return { state: next ?? state, result: { origin, reply: { type: 'txn_ok', txn: completed } } };
  },
  readOnly: (command) => command.request?.txn.every(([f]) => f === 'r') ?? false,
};

function requestOf(message: Body): TxnRequest | undefined {
  if (message.type !== 'txn') return undefined;
  const txn = message['txn'];
  if (!Array.isArray(txn)) return undefined;
  const wellFormed = (txn as unknown[]).every(
    (op) => Array.isArray(op) && op.length === 3 && MICRO_FUNCTIONS.has(op[0]),
  );
  return wellFormed ? { txn: txn as TxnMicroOp[] } : undefined;
}

/** The txn node. */
export function txnNode(options: RaftNodeOptions = {}): Protocol<RaftNodeState<Store, TxnRequest>, Body> {
  return raftServiceNode(
    { name: 'maelstrom-txn-raft', machine: txnMachine, requestOf, label: 'txn' },
    options,
  );
}
