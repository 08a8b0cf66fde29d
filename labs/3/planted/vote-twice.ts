/**
 * Planted bug (labs 3-5): a server forgets its vote when a second candidate of the same term asks,
 * so it can vote twice in one term and two candidates can win it. fairlink's own Raft with that
 * one change.
 */
import type { Protocol } from 'fairlink/core';
import { raft as fairlinkRaft, type RaftMessage, type RaftOptions, type RaftState } from 'fairlink/protocols';

export type { RaftMessage, RaftOptions, RaftState } from 'fairlink/protocols';

export function raft<S, C, R>(
  options: RaftOptions<S, C, R>,
): Protocol<RaftState<S, C, R>, RaftMessage<C, R>> {
  const inner = fairlinkRaft(options);
  return {
    ...inner,
    onMessage(context, from, message) {
      if (message.type === 'request-vote' && message.term === context.state.term)
        context.state.votedFor = null;
      inner.onMessage?.(context, from, message);
    },
  };
}
