/**
 * A linearizable key-value store as a Maelstrom node: Maelstrom's lin-kv semantics as a state
 * machine, replicated by fairlink's Raft (raft-node.ts: every request in the log, forwarding
 * to the leader, error 11 when none is known).
 */

import { canonicalString, structuralEqual } from '../../history/index.js';
import type { Protocol } from '../../core/index.js';
import type { StateMachine } from '../../protocols/index.js';
import { ErrorCode, type Body } from '../protocol.js';
import {
  raftServiceNode,
  type RaftNodeOptions,
  type RaftNodeState,
  type ServiceCommand,
  type ServiceResult,
} from './raft-node.js';

/** A client request as a command. */
export type KvRequest =
  | { readonly op: 'read'; readonly key: unknown }
  | { readonly op: 'write'; readonly key: unknown; readonly value: unknown }
  | {
      readonly op: 'cas';
      readonly key: unknown;
      readonly from: unknown;
      readonly to: unknown;
      readonly create: boolean;
    };

/** A command of the replicated map. */
export type LinKvCommand = ServiceCommand<KvRequest>;
/** A command's result. */
export type LinKvResult = ServiceResult;

/** The map, keys as canonical JSON text. */
type KvMap = Readonly<Record<string, unknown>>;

/** Maelstrom's lin-kv semantics as a state machine: errors 20 and 22 as Maelstrom's lin-kv service gives them. */
export const maelstromKvMachine: StateMachine<KvMap, LinKvCommand, LinKvResult> = {
  name: 'maelstrom-kv',
  init: () => ({}),
  apply(state, command) {
    const request = command.request;
    const origin = command.origin;
    if (request === null) return { state, result: { origin, reply: { type: 'noop' } } };
    const key = canonicalString(request.key);
    const present = Object.prototype.hasOwnProperty.call(state, key);
    const missing = { type: 'error', code: ErrorCode.keyDoesNotExist, text: 'key does not exist' };
    switch (request.op) {
      case 'read':
        return {
          state,
          result: { origin, reply: present ? { type: 'read_ok', value: state[key] } : missing },
        };
      case 'write':
        return { state: { ...state, [key]: request.value }, result: { origin, reply: { type: 'write_ok' } } };
      case 'cas':
        if (!present && !request.create) return { state, result: { origin, reply: missing } };
        if (present && !structuralEqual(state[key], request.from)) {
          return {
            state,
            result: {
              origin,
              reply: {
                type: 'error',
                code: ErrorCode.preconditionFailed,
                text: `current value ${canonicalString(state[key])} is not ${canonicalString(request.from)}`,
              },
            },
          };
        }
        return { state: { ...state, [key]: request.to }, result: { origin, reply: { type: 'cas_ok' } } };
    }
  },
  readOnly: (command) => command.request?.op === 'read',
};

function requestOf(message: Body): KvRequest | undefined {
  if (!('key' in message)) return undefined;
  const key = message['key'];
  switch (message.type) {
    case 'read':
      return { op: 'read', key };
    case 'write':
      return 'value' in message ? { op: 'write', key, value: message['value'] } : undefined;
    case 'cas':
      return 'from' in message && 'to' in message
        ? {
            op: 'cas',
            key,
            from: message['from'],
            to: message['to'],
            create: message['create_if_not_exists'] === true,
          }
        : undefined;
    default:
      return undefined;
  }
}

/** Settings of the lin-kv node: Raft's timing. */
export type LinKvOptions = RaftNodeOptions;

/** The lin-kv node. */
export function linKvNode(options: LinKvOptions = {}): Protocol<RaftNodeState<KvMap, KvRequest>, Body> {
  return raftServiceNode(
    { name: 'maelstrom-lin-kv-raft', machine: maelstromKvMachine, requestOf, label: 'lin-kv' },
    options,
  );
}
