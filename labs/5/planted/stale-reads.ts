/**
 * Planted bug (lab 5): the leader answers a read from its own state machine at once, without
 * putting it in the log or otherwise checking that it is still leader. A leader cut off by a
 * partition keeps believing it leads, and keeps answering its clients' reads with values the
 * majority's new leader has since overwritten. fairlink's own Raft with that one change.
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
      const state = context.state;
      if (
        message.type === 'request' &&
        state.role === 'leader' &&
        options.machine.readOnly(message.command)
      ) {
        // "A read changes nothing, so it need not be replicated."
        const { result } = options.machine.apply(state.machine, message.command);
        context.send(from, { type: 'response', request: message.request, result });
        return;
      }
      inner.onMessage?.(context, from, message);
    },
  };
}
