/**
 * Lab 1, fairlink's own solution: the protocols of `fairlink/protocols` (src/protocols/lab1),
 * which the handout's types copy. Copied over a handout's protocol.ts, it passes every test.
 */
export {
  keyValueClient,
  keyValueServer,
  pingReceiver,
  reliableSender,
  type KeyValueClientOptions,
  type KeyValueClientState,
  type KeyValueMessage,
  type KeyValueOperation,
  type KeyValueResult,
  type KeyValueServerState,
  type PingMessage,
  type PingReceiverState,
  type ReliableSenderState,
  type ReliableSendOptions,
  type SendInProgress,
  type SendResult,
  type StoreValue,
} from 'fairlink/protocols';
