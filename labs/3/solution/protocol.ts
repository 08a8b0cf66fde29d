/**
 * Labs 3 to 5, fairlink's own solution: the Raft of `fairlink/protocols` (src/protocols/raft).
 * Copied over a handout's protocol.ts, it passes every test.
 */
export {
  raft,
  type ClientReply,
  type ClientRequest,
  type Entry,
  type PeerMessage,
  type RaftMessage,
  type RaftOptions,
  type RaftState,
  type StateMachine,
} from 'fairlink/protocols';
