/**
 * Forgetting messages that their receiver ignores for ever: a reduction of an actor model's
 * state space that keeps every behaviour of its nodes.
 *
 * On an unordered network a message stays in the state until it is delivered, and on the
 * duplicating one (a set of every message ever sent) for ever. A message that its receiver will
 * ignore in every state it may still reach (a vote of a past term, a reply to an earlier
 * request) then only tells apart states whose nodes are the same: the search explores each
 * such node configuration once per set of dead messages beside it. The protocol knows which
 * messages are dead; `forgetIgnored` takes that knowledge, per node, and removes them from
 * every state the model reaches.
 *
 * Why no violation is lost, and no counterexample grows. Write `f(s)` for state `s` without its
 * dead messages. From `s` and from `f(s)` the same actions are enabled, except the deliveries
 * of dead messages; those change nothing in `s` but (at most) the network, so `f` of the state
 * after one is `f(s)` again. Every other action reads only its node, its own message, and the
 * crash budget, which `f` keeps, so it leads from `s` to `t` and from `f(s)` to a state whose
 * `f` is `f(t)`. By induction, a path of the original model maps to a path of the reduced one
 * that reaches the same nodes, timers and client history, minus the deliveries of dead
 * messages (no longer), and every path of the reduced model is a path of the original one
 * (it only omits messages nobody will act on). So a property that reads the nodes, timers and
 * history (not the messages in flight) fails in one exactly when it fails in the other, with a
 * shortest counterexample of the same length.
 *
 * The obligation is the caller's, as for `ActorSystem.abstract`: "ignored for ever" must hold
 * in every state the receiver may reach (usually through a quantity that only grows, such as a
 * term or a request number), not only in the current one. Messages to a node that is down are
 * kept. Initial states are kept as they are, so that a trace's boot sends are complete.
 */

import type { NodeId } from '../core/index.js';
import type { ActorAction, ActorModelExtras, ActorState, Envelope } from './actors.js';
import type { Model } from './model.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- each node's own state and message types */
/**
 * Per node id: whether the node, in `state` (its own state, as its handlers see it), ignores
 * `message` from `from` now and in every state it may reach.
 */
export type IgnoresForever = Readonly<Record<string, (state: any, from: NodeId, message: any) => boolean>>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The model `model` with every message that `ignoresForever` says is dead removed from its states. */
export function forgetIgnored<M extends Model<ActorState, ActorAction> & ActorModelExtras>(
  model: M,
  ignoresForever: IgnoresForever,
): M {
  if (model.network.semantics === 'fifo')
    throw new TypeError(
      'forgetIgnored: needs an unordered network (on fifo, a message holds back the ones behind it)',
    );
  const isDead = (state: ActorState, envelope: Envelope): boolean => {
    const ignores = ignoresForever[envelope.to];
    if (ignores === undefined) return false;
    const node = state.nodes[envelope.to];
    return (
      node?.status === 'up' &&
      node.state !== null &&
      ignores(node.state, envelope.from as NodeId, envelope.message)
    );
  };
  const forget = (state: ActorState): ActorState => {
    const network = state.network as readonly Envelope[];
    let kept: Envelope[] | undefined;
    network.forEach((envelope, index) => {
      if (isDead(state, envelope)) kept ??= network.slice(0, index);
      else kept?.push(envelope);
    });
    // Removing envelopes keeps the others in their sorted order: equal sets stay equal states.
    return kept === undefined ? state : { ...state, network: kept };
  };
  return {
    ...model,
    next(state, action) {
      const after = model.next(state, action);
      return after === undefined ? undefined : forget(after);
    },
  };
}
