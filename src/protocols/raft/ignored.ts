/**
 * Which messages a Raft server or client ignores in its current state and in every state it
 * may reach from there: a model checker may forget them (`forgetIgnored` of `fairlink/check`),
 * which leaves every behaviour of the nodes as it was and spares the search the states that
 * differ only by such messages. In the duplicating network the checker explores (a set of every
 * message ever sent), stale votes and replies otherwise pile up and tell states apart for ever.
 *
 * Each rule rests on a quantity that only grows (the proof of each is beside it); a rule that
 * needed "for now" would be wrong here.
 */

import type { NodeId } from '../../core/index.js';
import type { RaftClientState } from './client.js';
import type { RaftMessage } from './messages.js';
import type { RaftState } from './raft.js';

/**
 * Whether server `state` ignores `message` from `from` now and in every state it may reach: its
 * handler changes nothing, sends, sets and persists nothing.
 *
 * Why for ever. A server's term never decreases: it only grows (an election, a higher term
 * heard), every change is persisted before the step ends, and a recovery reloads it. Within a
 * term, a server becomes a candidate only by starting an election, which moves it to the next
 * term; so a follower or leader of term T is never a candidate of T, and a follower of T is
 * never a leader of T (only a candidate is elected). A candidate's votes only grow until it
 * leaves its candidacy, which it does not enter again in that term.
 * - `vote`: counted only by a candidate of the vote's own term, if granted, once per voter.
 *   A vote of an older term, a refusal, a vote already counted, or one that reaches a follower
 *   or a leader of its term never counts again (and its term is not higher: nothing to learn).
 * - `append-reply`: read only by the leader of its term. One of an older term, or of the term
 *   of a follower, never will be.
 * Requests (`request-vote`, `append`, clients' `request`) are never forgotten: even stale, they
 * are answered with the receiver's current term, which may still teach the sender something.
 */
export function raftServerIgnoresForever(
  state: RaftState<unknown, unknown, unknown>,
  from: NodeId,
  message: RaftMessage<unknown, unknown>,
): boolean {
  switch (message.type) {
    case 'vote':
      return (
        message.term < state.term ||
        (message.term === state.term &&
          (state.role !== 'candidate' || !message.granted || state.votes.includes(from)))
      );
    case 'append-reply':
      return message.term < state.term || (message.term === state.term && state.role === 'follower');
    case 'response':
    case 'redirect':
      // Client replies are not for servers (never sent to one; ignored by the handler).
      return true;
    default:
      return false;
  }
}

/**
 * Whether client `state` ignores `message` now and in every state it may reach: a reply to an
 * earlier request, or to the current request number once its operation has ended (request
 * numbers only grow, and the next operation takes a new one; a client that is done starts none),
 * and requests (not for clients).
 */
export function raftClientIgnoresForever(
  state: RaftClientState<unknown, unknown>,
  _from: NodeId,
  message: RaftMessage<unknown, unknown>,
): boolean {
  if (message.type !== 'response' && message.type !== 'redirect') return true;
  return message.request < state.request || (message.request === state.request && state.current === null);
}
