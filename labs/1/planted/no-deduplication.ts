/**
 * Planted bug (lab 1): the key-value server runs every copy of a request, so a retransmitted or
 * duplicated request runs twice (at-least-once, not exactly-once). Its replies are still right
 * (puts and gets are idempotent here), so only the tests that count executions catch it. The
 * rest is fairlink's own.
 */
import { defineProtocol, type Protocol } from 'fairlink/core';
import type { KeyValueMessage, KeyValueServerState, StoreValue } from 'fairlink/protocols';

export {
  keyValueClient,
  pingReceiver,
  reliableSender,
  type KeyValueClientState,
  type KeyValueOperation,
  type KeyValueServerState,
  type ReliableSenderState,
} from 'fairlink/protocols';

export const keyValueServer: Protocol<KeyValueServerState, KeyValueMessage> = defineProtocol<
  KeyValueServerState,
  KeyValueMessage
>({
  name: 'kv-server',
  init: () => ({ store: new Map(), lastReply: new Map(), executed: 0 }),
  onMessage(context, from, message) {
    if (message.type !== 'request') return;
    const state = context.state;
    const operation = message.operation;
    let value: StoreValue;
    if (operation.f === 'put') {
      state.store.set(operation.key, operation.value);
      value = operation.value;
    } else {
      value = state.store.get(operation.key) ?? null;
    }
    state.executed++;
    context.send(from, { type: 'reply', id: message.id, value });
  },
});
