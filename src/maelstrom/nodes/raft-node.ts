/**
 * A Maelstrom service replicated by fairlink's Raft (src/protocols/raft), with no change to
 * Raft: its handlers run inside this protocol, which translates between Maelstrom's client
 * messages and Raft's client protocol. The lin-kv and txn nodes are this, each with its own
 * state machine and its own reading of client requests.
 *
 * - Every request is a command in the Raft log, reads included (no lease tricks), so the
 *   service is linearizable (for transactions: strict serializable).
 * - A node that is not the leader forwards the request to the leader it knows (at most
 *   {@link FORWARD_HOPS_MAX} hops). The command carries the node that took the client's request
 *   (its origin); whichever leader applies the entry relays the reply there, and the origin
 *   answers its client.
 * - With no leader known, the request fails at once with error 11 (temporarily unavailable):
 *   definite, since nothing was appended.
 * - Raft deduplicates per client and request: the client id is Maelstrom's (`c7`) and the
 *   request number its `msg_id`, which increases per client.
 */

import type { NodeId } from '../../core/index.js';
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

/** A command of the replicated service: a request (null for Raft's no-op) and the node that answers its client. */
export interface ServiceCommand<Request> {
  readonly request: Request | null;
  readonly origin: string | null;
}

/** A command's result: the reply body for the client, and where to send it. */
export interface ServiceResult {
  readonly origin: string | null;
  readonly reply: Readonly<Record<string, unknown>>;
}

/** Forwards of one request between nodes, at most. */
export const FORWARD_HOPS_MAX = 3;

type Raft<Data, Request> = RaftState<Data, ServiceCommand<Request>, ServiceResult>;
type RaftWire<Request> = RaftMessage<ServiceCommand<Request>, ServiceResult>;

/** The node's state: Raft's. */
export interface RaftNodeState<Data, Request> {
  raft: Raft<Data, Request>;
}

/** Raft's timing. */
export interface RaftNodeOptions {
  /** Raft's election timeout range, ms (default [300, 600]). */
  readonly electionTimeoutMs?: readonly [number, number];
  /** Raft's heartbeat interval, ms (default 60). */
  readonly heartbeatMs?: number;
}

/** What makes a service of the Raft node. */
export interface RaftService<Data, Request> {
  /** The protocol's name. */
  readonly name: string;
  /** The service's state machine. */
  readonly machine: StateMachine<Data, ServiceCommand<Request>, ServiceResult>;
  /** A client request as a command's request; `undefined` for one the service does not take. */
  readonly requestOf: (message: Body) => Request | undefined;
  /** The service, in the error for a request it does not take (`lin-kv`). */
  readonly label: string;
}

/** The request the node is handing to Raft in the current step, for Raft's answers to it. */
interface InFlight<Request> {
  readonly client: string;
  readonly request: number;
  readonly command: ServiceCommand<Request>;
  readonly hops: number;
}

/** The node of `service`, replicated by Raft. */
export function raftServiceNode<Data, Request>(
  service: RaftService<Data, Request>,
  options: RaftNodeOptions = {},
): Protocol<RaftNodeState<Data, Request>, Body> {
  type State = RaftNodeState<Data, Request>;
  const { machine, requestOf } = service;
  const consensus = raft<Data, ServiceCommand<Request>, ServiceResult>({
    machine,
    noop: { request: null, origin: null },
    electionTimeoutMs: options.electionTimeoutMs ?? [300, 600],
    heartbeatMs: options.heartbeatMs ?? 60,
  });
  let inFlight: InFlight<Request> | undefined;

  /** Sends `body` to `client` through `origin`: directly when this node is the origin. */
  const answer = (
    context: MaelstromContext<State>,
    origin: string,
    client: string,
    request: number,
    body: Readonly<Record<string, unknown>>,
  ): void => {
    if (origin === context.id) context.send(client as NodeId, { ...(body as Body), in_reply_to: request });
    else context.send(origin as NodeId, { type: 'relay', client, request, reply: body });
  };

  /** Raft's messages to a client (its replies) become Maelstrom replies or forwards; the rest go out as they are. */
  const intercept = (context: MaelstromContext<State>, to: NodeId, message: RaftWire<Request>): boolean => {
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

  const view = (context: MaelstromContext<State>): Context<Raft<Data, Request>, RaftWire<Request>> =>
    new RaftView<Data, Request>(context, intercept);

  const submit = (context: MaelstromContext<State>, flight: InFlight<Request>): void => {
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

  return defineProtocol<State, Body>({
    name: service.name,
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
              `not a ${service.label} request: ${message.type}`,
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
            command: message['command'] as ServiceCommand<Request>,
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
          consensus.onMessage?.(view(context), from, message as unknown as RaftWire<Request>);
      }
    },
  });
}

/** Raft's view of the node: the same node, with Raft's state and client replies intercepted. */
class RaftView<Data, Request> implements Context<Raft<Data, Request>, RaftWire<Request>> {
  constructor(
    private readonly outer: MaelstromContext<RaftNodeState<Data, Request>>,
    private readonly intercept: (
      context: MaelstromContext<RaftNodeState<Data, Request>>,
      to: NodeId,
      message: RaftWire<Request>,
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
  get state(): Raft<Data, Request> {
    return this.outer.state.raft;
  }
  set state(value: Raft<Data, Request>) {
    this.outer.state.raft = value;
  }
  send(to: string, message: RaftWire<Request>): void {
    // Raft sends only to its peers' ids; a literal name is the caller's own business.
    const node = to as NodeId;
    if (!this.intercept(this.outer, node, message)) this.outer.send(node, message as unknown as Body);
  }
  broadcast(message: RaftWire<Request>): void {
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
  record(label: string, data?: unknown): void {
    this.outer.record(label, data);
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
