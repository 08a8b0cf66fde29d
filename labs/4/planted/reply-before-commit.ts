/**
 * Planted bug (lab 4): the leader answers a client as soon as the request is in its own log, with
 * the result it will have once applied, instead of waiting until a majority holds the entry and it
 * is committed. Without faults the answers are even right; but the client may hear "done" for an
 * entry that only the leader has, which a crash or a new leader can still lose. fairlink's own
 * Raft with that one change.
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
      const appendedAt = state.log.length;
      inner.onMessage?.(context, from, message);
      if (message.type !== 'request' || state.role !== 'leader' || state.log.length !== appendedAt + 1)
        return;
      // "It is in my log, so it will happen": apply the uncommitted tail to a copy and answer now.
      let machine = state.machine;
      let result: R | undefined;
      for (const entry of state.log.slice(state.lastApplied)) {
        const outcome = options.machine.apply(machine, entry.command);
        machine = outcome.state;
        result = outcome.result;
      }
      context.send(from, { type: 'response', request: message.request, result: result as R });
    },
  };
}
