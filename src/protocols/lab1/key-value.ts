/**
 * Lab 1's reliable key-value server, and a client that runs a script of operations against it.
 *
 * The client sends one request at a time and retransmits it on a timer until the reply comes:
 * the stubborn link again, with the reply as the ack. Retransmission means the server may see a
 * request several times, so it must not run it twice: it remembers, per client, the id of the
 * last request it ran and the reply it gave, and answers a copy with that same reply (at most once
 * execution, the classic remedy). A copy of an even older request is ignored: its client has
 * moved on.
 *
 * Each operation is recorded in the history, `invoke` then `ok`, as a client of a key-value store:
 * `put` with value `[key, value]`, `get` with value `[key, null]` completed by `[key, value read]`
 * (Jepsen's tuples for independent keys). A key never written reads as `null`.
 *
 * @module
 */

import { defineProtocol, type Context, type NodeId, type Protocol } from '../../core/index.js';

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

/** The server: runs each request once, answers every copy. */
export const keyValueServer: Protocol<KeyValueServerState, KeyValueMessage> = defineProtocol<
  KeyValueServerState,
  KeyValueMessage
>({
  name: 'kv-server',
  init: () => ({ store: new Map(), lastReply: new Map(), executed: 0 }),
  onMessage(context, from, message) {
    if (message.type !== 'request') return;
    const state = context.state;
    const last = state.lastReply.get(from);
    if (last && message.id < last.id) return; // the client has its answer already
    if (last?.id !== message.id) {
      const operation = message.operation;
      let value: StoreValue;
      if (operation.f === 'put') {
        state.store.set(operation.key, operation.value);
        value = operation.value;
      } else {
        value = state.store.get(operation.key) ?? null;
      }
      state.lastReply.set(from, { id: message.id, value });
      state.executed++;
    }
    const reply = state.lastReply.get(from) as { readonly id: number; readonly value: StoreValue };
    context.send(from, { type: 'reply', id: reply.id, value: reply.value });
  },
});

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

/** The client's one timer: resend the request in progress. */
export type KeyValueClientTimer = { readonly name: 'resend'; readonly data: null };

/** A client that runs `script` against the server, one operation at a time. */
export function keyValueClient(
  options: KeyValueClientOptions,
): Protocol<KeyValueClientState, KeyValueMessage, KeyValueClientTimer> {
  const { script, resendMs } = options;
  if (!(resendMs > 0)) throw new RangeError(`keyValueClient: resendMs must be > 0, got ${resendMs}`);
  const server = options.server as NodeId;

  const request = (context: Context<KeyValueClientState, KeyValueMessage, KeyValueClientTimer>): void => {
    const id = context.state.next;
    context.send(server, { type: 'request', id, operation: script[id] as KeyValueOperation });
    context.setTimer('resend', resendMs);
  };

  const start = (context: Context<KeyValueClientState, KeyValueMessage, KeyValueClientTimer>): void => {
    const operation = script[context.state.next];
    if (!operation) return;
    context.state.operation = context.invoke(
      operation.f,
      operation.f === 'put' ? [operation.key, operation.value] : [operation.key, null],
    );
    request(context);
  };

  return defineProtocol<KeyValueClientState, KeyValueMessage, KeyValueClientTimer>({
    name: 'kv-client',
    init: () => ({ next: 0, operation: null, results: [] }),
    onBoot: start,

    onMessage(context, from, message) {
      const state = context.state;
      // Replies to earlier requests (retransmitted copies) arrive late: ignore them.
      if (
        message.type !== 'reply' ||
        from !== server ||
        message.id !== state.next ||
        state.operation === null
      )
        return;
      const operation = script[state.next] as KeyValueOperation;
      state.results.push({ operation, value: message.value });
      context.cancelTimer('resend');
      context.complete(state.operation, 'ok', [operation.key, message.value]);
      state.operation = null;
      state.next++;
      start(context);
    },

    onTimer(context) {
      if (context.state.operation !== null) request(context);
    },
  });
}
