/**
 * A linearizable key-value store as a Maelstrom node, built from fairlink's
 * Raft (src/protocols/raft) with no change to it: the Raft handlers run inside
 * this protocol, which translates between Maelstrom's client messages and
 * Raft's client protocol.
 *
 * - Every `read`, `write` and `cas` is a command in the Raft log, so reads
 *   are linearizable too (no lease tricks).
 * - A node that is not the leader forwards the request to the leader it knows
 *   (at most {@link FORWARD_HOPS_MAX} hops). The command carries the node that
 *   took the client's request (its origin); whichever leader applies the entry
 *   relays the reply there, and the origin answers its client.
 * - With no leader known, the request fails at once with error 11
 *   (temporarily unavailable): definite, since nothing was appended.
 * - Raft deduplicates per client and request: the client id is Maelstrom's
 *   (`c7`) and the request number its `msg_id`, which increases per client.
 */

import type { NodeId } from '../../core/index.js';
import { canonicalString, structuralEqual } from '../../history/index.js';
import {
  defineProtocol,
  type Context,
  type FiredTimer,
  type Protocol,
  type TimerDelay,
} from '../../core/index.js';
import type { Signature } from '../../core/index.js';
import { raft, type RaftState } from '../../protocols/index.js';
import type { StateMachine } from '../../protocols/index.js';
import type { RaftMessage } from '../../protocols/index.js';
import { ErrorCode, type Body } from '../protocol.js';
import { fromClient, replyError, type MaelstromContext } from './body.js';

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

/** A command of the replicated map: a request (null for Raft's no-op) and the node that answers its client. */
export interface LinKvCommand {
  readonly request: KvRequest | null;
  readonly origin: string | null;
}

/** A command's result: the reply body for the client, and where to send it. */
export interface LinKvResult {
  readonly origin: string | null;
  readonly reply: Readonly<Record<string, unknown>>;
}

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

/** Forwards of one request between nodes, at most. */
export const FORWARD_HOPS_MAX = 3;

type Raft = RaftState<KvMap, LinKvCommand, LinKvResult>;
type RaftWire = RaftMessage<LinKvCommand, LinKvResult>;

/** The lin-kv node's state: Raft's. */
export interface LinKvState {
  raft: Raft;
}

/** Settings of the lin-kv node. */
export interface LinKvOptions {
  /** Raft's election timeout range, ms (default [300, 600]). */
  readonly electionTimeoutMs?: readonly [number, number];
  /** Raft's heartbeat interval, ms (default 60). */
  readonly heartbeatMs?: number;
}

/** The request the node is handing to Raft in the current step, for Raft's answers to it. */
interface InFlight {
  readonly client: string;
  readonly request: number;
  readonly command: LinKvCommand;
  readonly hops: number;
}

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

/** The lin-kv node. */
export function linKvNode(options: LinKvOptions = {}): Protocol<LinKvState, Body> {
  const consensus = raft<KvMap, LinKvCommand, LinKvResult>({
    machine: maelstromKvMachine,
    noop: { request: null, origin: null },
    electionTimeoutMs: options.electionTimeoutMs ?? [300, 600],
    heartbeatMs: options.heartbeatMs ?? 60,
  });
  let inFlight: InFlight | undefined;

  /** Sends `body` to `client` through `origin`: directly when this node is the origin. */
  const answer = (
    context: MaelstromContext<LinKvState>,
    origin: string,
    client: string,
    request: number,
    body: Readonly<Record<string, unknown>>,
  ): void => {
    if (origin === context.id) context.send(client as NodeId, { ...(body as Body), in_reply_to: request });
    else context.send(origin as NodeId, { type: 'relay', client, request, reply: body });
  };

  /** Raft's messages to a client (its replies) become Maelstrom replies or forwards; the rest go out as they are. */
  const intercept = (context: MaelstromContext<LinKvState>, to: NodeId, message: RaftWire): boolean => {
    if (!fromClient(to)) return false;
    if (message.type === 'response') {
      const { origin, reply: body } = message.result;
      if (origin !== null) answer(context, origin, to, message.request, body);
      return true;
    }
    if (message.type === 'redirect') {
      const pending = inFlight;
      if (pending === undefined || pending.client !== to || pending.request !== message.request) return true;
      const origin = pending.command.origin ?? context.id;
      const leader = message.leader;
      if (leader !== null && leader !== context.id && pending.hops < FORWARD_HOPS_MAX) {
        context.send(leader, {
          type: 'forward',
          client: pending.client,
          request: pending.request,
          command: pending.command,
          hops: pending.hops + 1,
        });
      } else {
        answer(context, origin, to, message.request, {
          type: 'error',
          code: ErrorCode.temporarilyUnavailable,
          text: 'no leader known; try again',
        });
      }
      return true;
    }
    return false;
  };

  const view = (context: MaelstromContext<LinKvState>): Context<Raft, RaftWire> =>
    new RaftView(context, intercept);

  const submit = (context: MaelstromContext<LinKvState>, flight: InFlight): void => {
    inFlight = flight;
    try {
      consensus.onMessage?.(view(context), flight.client as NodeId, {
        type: 'request',
        request: flight.request,
        command: flight.command,
      });
    } finally {
      inFlight = undefined;
    }
  };

  return defineProtocol<LinKvState, Body>({
    name: 'maelstrom-lin-kv-raft',
    init: (id) => ({ raft: consensus.init(id) }),
    onBoot(context) {
      consensus.onBoot?.(view(context));
    },
    onTimer(context, timer: FiredTimer) {
      consensus.onTimer?.(view(context), timer);
    },
    onMessage(context, from, message) {
      if (fromClient(from)) {
        const request = requestOf(message);
        if (request === undefined || message.msg_id === undefined) {
          if (message.msg_id !== undefined) {
            replyError(
              context,
              from,
              message,
              ErrorCode.malformedRequest,
              `not a lin-kv request: ${message.type}`,
            );
          }
          return;
        }
        submit(context, {
          client: from,
          request: message.msg_id,
          command: { request, origin: context.id },
          hops: 0,
        });
        return;
      }
      switch (message.type) {
        case 'forward':
          submit(context, {
            client: message['client'] as string,
            request: message['request'] as number,
            command: message['command'] as LinKvCommand,
            hops: message['hops'] as number,
          });
          return;
        case 'relay':
          context.send(message['client'] as NodeId, {
            ...(message['reply'] as Body),
            in_reply_to: message['request'] as number,
          });
          return;
        default:
          consensus.onMessage?.(view(context), from, message as unknown as RaftWire);
      }
    },
  });
}

/** Raft's view of the node: the same node, with Raft's state and client replies intercepted. */
class RaftView implements Context<Raft, RaftWire> {
  constructor(
    private readonly outer: MaelstromContext<LinKvState>,
    private readonly intercept: (
      context: MaelstromContext<LinKvState>,
      to: NodeId,
      message: RaftWire,
    ) => boolean,
  ) {}

  get id(): NodeId {
    return this.outer.id;
  }
  get nodes(): readonly NodeId[] {
    return this.outer.nodes;
  }
  get peers(): readonly NodeId[] {
    return this.outer.peers;
  }
  get state(): Raft {
    return this.outer.state.raft;
  }
  set state(value: Raft) {
    this.outer.state.raft = value;
  }
  send(to: string, message: RaftWire): void {
    // Raft sends only to its peers' ids; a literal name is the caller's own business.
    const node = to as NodeId;
    if (!this.intercept(this.outer, node, message)) this.outer.send(node, message as unknown as Body);
  }
  broadcast(message: RaftWire): void {
    this.outer.broadcast(message as unknown as Body);
  }
  setTimer(name: string, delay: TimerDelay, data?: unknown): void {
    this.outer.setTimer(name, delay, data);
  }
  cancelTimer(name: string): void {
    this.outer.cancelTimer(name);
  }
  persist(key: string, value: unknown): void {
    this.outer.persist(key, value);
  }
  load<T = unknown>(key: string): T | undefined {
    return this.outer.load<T>(key);
  }
  now(): number {
    return this.outer.now();
  }
  random(): number {
    return this.outer.random();
  }
  randomInt(min: number, max: number): number {
    return this.outer.randomInt(min, max);
  }
  choose<T>(options: readonly T[]): T {
    return this.outer.choose(options);
  }
  log(text: string): void {
    this.outer.log(text);
  }
  sign(value: unknown): Signature {
    return this.outer.sign(value);
  }
  verify(signer: NodeId, value: unknown, signature: Signature): boolean {
    return this.outer.verify(signer, value, signature);
  }
  invoke(f: string, value: unknown): number {
    return this.outer.invoke(f, value);
  }
  complete(operation: number, outcome: 'ok' | 'fail' | 'info', value: unknown): void {
    this.outer.complete(operation, outcome, value);
  }
}
