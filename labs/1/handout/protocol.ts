/**
 * Lab 1: retransmission, `reliableSend`, and a reliable key-value server.
 *
 * The message and state types below are fixed: the lab's tests read them. Write the handlers
 * marked `TODO`; each throws until you do, so `npx fairlink lab test 1` names what is left.
 * Handlers are deterministic: read the state and the message, change the state, and ask the
 * context to send, set or cancel timers, and record client operations. No `Date`, `Math.random`,
 * `setTimeout` or `await`.
 */
import { defineProtocol, type NodeId, type Protocol } from 'fairlink/core';

// ---------------------------------------------------------------------------------------------
// Part 1: reliableSend(dest, msg, timeout)
// ---------------------------------------------------------------------------------------------

/** Pings are numbered so that a late ack cannot complete a later send. */
export type PingMessage =
  { readonly type: 'ping'; readonly ping: number } | { readonly type: 'ack'; readonly ping: number };

/** How one `reliableSend` ended. */
export interface SendResult {
  readonly ping: number;
  readonly outcome: 'acknowledged' | 'failed';
  /** How many copies of the ping were sent. */
  readonly tries: number;
  /** Local ms from the first send to the ack (or to the timeout). */
  readonly elapsedMs: number;
}

/** The send in progress. */
export interface SendInProgress {
  readonly ping: number;
  /** The client operation recorded for it (`context.invoke('send', { ping })`). */
  readonly operation: number;
  tries: number;
  readonly startedMs: number;
}

/** The sender's state. */
export interface ReliableSenderState {
  current: SendInProgress | null;
  /** Finished sends, in order. */
  results: SendResult[];
}

/** Options of {@link reliableSender}. */
export interface ReliableSendOptions {
  /** The receiver. */
  readonly to: string;
  /** How many pings to send, one after the other (default 1). */
  readonly pings?: number;
  /** Local ms between retransmissions. */
  readonly resendMs: number;
  /** Local ms after the first send at which the send gives up. */
  readonly timeoutMs: number;
}

/** The receiver's state. */
export interface PingReceiverState {
  /** Copies of pings received. */
  received: number;
}

/**
 * The sender: `pings` reliable sends (ping 0, 1, ...), one after the other. Each one is a client
 * operation: `context.invoke('send', { ping })` when it starts, then
 * `context.complete(operation, 'ok', { tries })` on the ack or
 * `context.complete(operation, 'fail', { tries })` at the timeout.
 */
export function reliableSender(options: ReliableSendOptions): Protocol<ReliableSenderState, PingMessage> {
  const to = options.to as NodeId;
  return defineProtocol<ReliableSenderState, PingMessage>({
    name: 'reliable-sender',
    init: () => ({ current: null, results: [] }),
    onBoot() {
      throw new Error(`TODO (lab 1, part 1): reliableSender.onBoot: start the first send to ${to}`);
    },
    onMessage() {
      throw new Error(
        'TODO (lab 1, part 1): reliableSender.onMessage: an ack completes the send in progress',
      );
    },
    onTimer() {
      throw new Error('TODO (lab 1, part 1): reliableSender.onTimer: retransmit, or fail at the timeout');
    },
  });
}

/** The receiver: acknowledges every ping copy, or (`acknowledge: false`) stays silent. */
export function pingReceiver(
  options: { readonly acknowledge?: boolean } = {},
): Protocol<PingReceiverState, PingMessage> {
  return defineProtocol<PingReceiverState, PingMessage>({
    name: options.acknowledge === false ? 'silent-receiver' : 'ping-receiver',
    init: () => ({ received: 0 }),
    onMessage() {
      throw new Error('TODO (lab 1, part 1): pingReceiver.onMessage: count the copy, send its ack');
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Part 2: a reliable key-value server
// ---------------------------------------------------------------------------------------------

/** A value the store holds. */
export type StoreValue = string | number | boolean | null;

/** An operation of the client's script. */
export type KeyValueOperation =
  | { readonly f: 'put'; readonly key: string; readonly value: StoreValue }
  | { readonly f: 'get'; readonly key: string };

/** Requests and replies. `id` counts the client's requests from 0. */
export type KeyValueMessage =
  | { readonly type: 'request'; readonly id: number; readonly operation: KeyValueOperation }
  | { readonly type: 'reply'; readonly id: number; readonly value: StoreValue };

/** The server's state. */
export interface KeyValueServerState {
  store: Map<string, StoreValue>;
  /** Per client: the last request run and its reply. */
  lastReply: Map<string, { readonly id: number; readonly value: StoreValue }>;
  /** Requests run (copies answered from `lastReply` do not count). */
  executed: number;
}

/** What the client got back for one operation. */
export interface KeyValueResult {
  readonly operation: KeyValueOperation;
  readonly value: StoreValue;
}

/** The client's state. */
export interface KeyValueClientState {
  /** Index into the script of the operation in progress (= its request id). */
  next: number;
  /** The history operation recorded for it. */
  operation: number | null;
  results: KeyValueResult[];
}

/** Options of {@link keyValueClient}. */
export interface KeyValueClientOptions {
  readonly server: string;
  /** The operations to run, one at a time. */
  readonly script: readonly KeyValueOperation[];
  /** Local ms between retransmissions of a request. */
  readonly resendMs: number;
}

/**
 * The server: runs each request once and answers every copy of it (a put replies with the value
 * written, a get with the value read, `null` for a key never written).
 */
export const keyValueServer: Protocol<KeyValueServerState, KeyValueMessage> = defineProtocol<
  KeyValueServerState,
  KeyValueMessage
>({
  name: 'kv-server',
  init: () => ({ store: new Map(), lastReply: new Map(), executed: 0 }),
  onMessage() {
    throw new Error('TODO (lab 1, part 2): keyValueServer.onMessage: run a request once, answer every copy');
  },
});

/**
 * A client that runs `script` against the server, one operation at a time, retransmitting each
 * request until its reply comes. Each operation is a client operation in the history:
 * `context.invoke('put', [key, value])` or `context.invoke('get', [key, null])`, completed by
 * `context.complete(operation, 'ok', [key, value])`.
 */
export function keyValueClient(
  options: KeyValueClientOptions,
): Protocol<KeyValueClientState, KeyValueMessage> {
  const server = options.server as NodeId;
  return defineProtocol<KeyValueClientState, KeyValueMessage>({
    name: 'kv-client',
    init: () => ({ next: 0, operation: null, results: [] }),
    onBoot() {
      throw new Error(`TODO (lab 1, part 2): keyValueClient.onBoot: send the first request to ${server}`);
    },
    onMessage() {
      throw new Error('TODO (lab 1, part 2): keyValueClient.onMessage: a reply completes the operation');
    },
    onTimer() {
      throw new Error('TODO (lab 1, part 2): keyValueClient.onTimer: retransmit the request');
    },
  });
}
