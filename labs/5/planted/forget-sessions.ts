/**
 * Planted bug (labs 4-5): servers forget which client requests they applied, so a request the
 * client retried (its answer was lost or slow) is applied again: an enqueue twice, a dequeue that
 * takes a second element. fairlink's own Raft with that one change.
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
      context.state.sessions = {};
      inner.onMessage?.(context, from, message);
    },
  };
}
