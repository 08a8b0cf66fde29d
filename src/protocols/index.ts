/**
 * fairlink/protocols: the lecture's protocols and the course's labs, written to be read.
 *
 * - `retransmit`: the stubborn link, "on boot send; on receive send ack; on timer resend".
 * - `perfect-link`: sequence numbers and deduplication on top: exactly-once delivery.
 * - `two-generals`: agreement over a lossy link with k acknowledgements, and why it fails.
 * - `lab1`: `reliableSend` with tries and timeout, a reliable key-value server.
 * - `clocks`: Lamport and vector clocks, a protocol that stamps messages, Cristian's clock sync.
 */

export {
  retransmitReceiver,
  retransmitSender,
  type RetransmitMessage,
  type RetransmitOptions,
  type RetransmitReceiverState,
  type RetransmitSenderState,
  type RetransmitSenderTimer,
} from './retransmit/stubborn-link.js';
export {
  isPerfectLinkMessage,
  perfectLinkLayer,
  perfectLinkNode,
  type DeliveredRecord,
  type Delivery,
  type LinkContext,
  type PerfectLinkLayer,
  type PerfectLinkMessage,
  type PerfectLinkNodeOptions,
  type PerfectLinkNodeState,
  type PerfectLinkState,
  type PerfectLinkTimer,
} from './perfect-link/perfect-link.js';
export {
  lastMessageFor,
  twoGenerals,
  type ChainMessage,
  type Decision,
  type GeneralState,
  type GeneralTimer,
  type TwoGeneralsOptions,
} from './two-generals/two-generals.js';
export {
  pingReceiver,
  reliableSender,
  type PingMessage,
  type PingReceiverState,
  type ReliableSenderState,
  type ReliableSenderTimer,
  type ReliableSendOptions,
  type SendInProgress,
  type SendResult,
} from './lab1/reliable-send.js';
export {
  keyValueClient,
  keyValueServer,
  type KeyValueClientOptions,
  type KeyValueClientState,
  type KeyValueClientTimer,
  type KeyValueMessage,
  type KeyValueOperation,
  type KeyValueResult,
  type KeyValueServerState,
  type StoreValue,
} from './lab1/key-value.js';
export { LAMPORT_ZERO, lamportReceive, lamportTick, type LamportTime } from './clocks/lamport-clock.js';
export {
  VECTOR_ZERO,
  compareVectors,
  happenedBefore,
  vectorMerge,
  vectorReceive,
  vectorTick,
  type ClockOrder,
  type VectorClock,
} from './clocks/vector-clock.js';
export {
  clockStamping,
  lamportConditionBroken,
  stampedEvents,
  vectorConditionBroken,
  type ClockReceiveRules,
  type ClockScripts,
  type ClockStampingState,
  type EventStamps,
  type ClockStampingTimer,
  type ScriptedEvent,
  type StampedEvent,
  type StampedMessage,
} from './clocks/clock-stamping.js';
export {
  clockSyncRelativeError,
  cristianClient,
  localClockAt,
  timeServer,
  type ClockError,
  type ClockSample,
  type ClockSyncClientState,
  type ClockSyncClientTimer,
  type ClockSyncMessage,
  type ClockSyncOptions,
} from './clocks/clock-sync.js';

// Raft (labs 3 and 4, and the key-value store the history checkers judge).
export { raft, type RaftBugs, type RaftOptions, type RaftState } from './raft/raft.js';
export {
  raftClient,
  type ClientOperation,
  type RaftClientOptions,
  type RaftClientState,
} from './raft/client.js';
export { raftClientIgnoresForever, raftServerIgnoresForever } from './raft/ignored.js';
export {
  electionSafety,
  leaderCompleteness,
  logMatching,
  raftSafety,
  stateMachineSafety,
} from './raft/invariants.js';
export {
  kvMachine,
  queueMachine,
  type KvCommand,
  type KvResult,
  type QueueCommand,
  type QueueResult,
  type StateMachine,
} from './raft/machines.js';
export type { ClientReply, ClientRequest, Entry, PeerMessage, RaftMessage } from './raft/messages.js';
