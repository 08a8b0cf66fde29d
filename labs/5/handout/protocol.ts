/**
 * Labs 3 to 5: Raft, replicating a state machine (a queue in labs 3 and 4, a key-value store in
 * lab 5).
 *
 * The message, entry, state and option types are fixed (they are fairlink's, from
 * `fairlink/protocols`, listed below with what each field means): the tests, the clients and the
 * safety properties read them. Write `raft()`'s handlers; each throws until you do, so
 * `npx fairlink lab test N` names what is left.
 *
 * Messages (`RaftMessage`):
 * - peers: `request-vote { term, lastLogIndex, lastLogTerm }`, `vote { term, granted }`,
 *   `append { term, prevIndex, prevTerm, entries, commit }`,
 *   `append-reply { term, success, index }` (index: the last index the follower now matches);
 * - clients: `request { request, command }` to any server; the leader answers
 *   `response { request, result }` once the entry is applied; any other server answers
 *   `redirect { request, leader }` (the leader it knows, or null).
 *
 * State (`RaftState`): `role`, `term`, `votedFor`, `log` (entries `{ term, command, client,
 * request }`, index 1 is `log[0]`), `commitIndex`, `lastApplied`, `leader` (who this node
 * believes leads), `votes`, `nextIndex`, `matchIndex`, `machine` (the state machine's state), and
 * `sessions` (per client, the last request applied and its result: a retried request is answered,
 * not applied twice).
 *
 * Options (`RaftOptions`): `machine` (apply commands with `machine.apply`), `noop` (the command a
 * new leader appends), `electionTimeoutMs` (a `[min, max]` range for `setTimer`),
 * `electionTimeoutByNode`, `heartbeatMs`, `initialLeader` (a node that starts as leader of term 1,
 * the others as its followers), `batchMax`. `bugs` is for fairlink's own tests: ignore it.
 *
 * Durable storage: what Raft must not forget in a crash (`term`, `votedFor`, the log) goes through
 * `context.persist(key, value)` and comes back in `onRecover` through `context.load(key)`.
 */
import { defineProtocol, type Protocol } from 'fairlink/core';
import type { RaftMessage, RaftOptions, RaftState } from 'fairlink/protocols';

export type {
  ClientReply,
  ClientRequest,
  Entry,
  PeerMessage,
  RaftMessage,
  RaftOptions,
  RaftState,
  StateMachine,
} from 'fairlink/protocols';

/** A Raft server replicating `options.machine`. */
export function raft<S, C, R>(
  options: RaftOptions<S, C, R>,
): Protocol<RaftState<S, C, R>, RaftMessage<C, R>> {
  return defineProtocol<RaftState<S, C, R>, RaftMessage<C, R>>({
    name: 'raft',
    // Every node starts a follower of term 0; with `initialLeader`, onBoot makes it term 1's leader.
    init: () => ({
      role: 'follower',
      term: 0,
      votedFor: null,
      log: [],
      commitIndex: 0,
      lastApplied: 0,
      leader: null,
      votes: [],
      nextIndex: {},
      matchIndex: {},
      machine: options.machine.init(),
      sessions: {},
    }),
    onBoot() {
      throw new Error(
        'TODO (Raft): raft.onBoot: start the election timer (or, as the initial leader, heartbeats)',
      );
    },
    onMessage(_context, _from, message) {
      throw new Error(`TODO (Raft): raft.onMessage: handle '${message.type}'`);
    },
    onTimer(_context, timer) {
      throw new Error(`TODO (Raft): raft.onTimer: handle the '${timer.name}' timer`);
    },
    onRecover() {
      throw new Error('TODO (Raft): raft.onRecover: reload term, vote and log from durable storage');
    },
  });
}
