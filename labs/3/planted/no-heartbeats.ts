/**
 * Planted bug (labs 3-5): a leader never sends heartbeats (it appends only when a client asks),
 * so followers time out and elect again and again. fairlink's own Raft with that one change.
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
    onTimer(context, timer) {
      if (timer.name === 'heartbeat') return;
      inner.onTimer?.(context, timer);
    },
  };
}
