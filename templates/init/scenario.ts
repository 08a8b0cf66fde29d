/**
 * The scenario: who runs which protocol, what the network does to messages, and the properties
 * that must hold.
 *
 *   npx fairlink sim scenario.ts     simulate it over many seeds, with loss and random delays
 *   npx fairlink check scenario.ts   explore every interleaving of its model
 */
import { actorModel, always, eventually as eventuallyInModel, nodeState } from 'fairlink/check';
import { defineScenario, eventually, exponential, invariant } from 'fairlink/sim';
import { receiver, sender, type ReceiverState, type SenderState } from './protocol.js';

/**
 * The properties, written once over the nodes' states and used by both engines.
 * A safety property must hold after every step; a liveness property must hold in the end.
 */
const safety = {
  name: 'acknowledged only after m arrived',
  holds: (sent: SenderState | null, got: ReceiverState | null) =>
    !sent?.acknowledged || (got?.received ?? 0) >= 1,
};
const liveness = {
  name: 'the sender gets an ack',
  holds: (sent: SenderState | null) => sent?.acknowledged === true,
};

/** The two nodes, by name. */
const nodes = () => ({ alice: sender('bob', 'm'), bob: receiver });

export default defineScenario({
  name: 'retransmit',
  description: 'Resend until acknowledged, over a link that loses half the messages.',
  params: { dropRate: 0.5 },
  seeds: 100,
  build: (params) => ({
    nodes: nodes(),
    network: { drop: params.dropRate, delay: exponential(10) },
    durationMs: 5_000,
    invariants: [
      invariant(safety.name, (view) =>
        safety.holds(view.state<SenderState>('alice') ?? null, view.state<ReceiverState>('bob') ?? null),
      ),
    ],
    eventually: [
      eventually(liveness.name, (view) => liveness.holds(view.state<SenderState>('alice') ?? null)),
    ],
  }),
  // The model checker explores every order of events on a network that may lose any message; it
  // counts only fair runs (a message sent again and again is eventually received) as counterexamples.
  // The counters only record history, so the model caps them to keep the state space finite.
  model: () =>
    actorModel({
      nodes: nodes(),
      network: { semantics: 'unordered', lossy: true },
      abstract: {
        alice: (state: SenderState) => ({ ...state, sends: Math.min(state.sends, 1) }),
        bob: (state: ReceiverState) => ({ received: Math.min(state.received, 1) }),
      },
      properties: [
        always(safety.name, (state) =>
          safety.holds(nodeState<SenderState>(state, 'alice'), nodeState<ReceiverState>(state, 'bob')),
        ),
        eventuallyInModel(liveness.name, (state) => liveness.holds(nodeState<SenderState>(state, 'alice'))),
      ],
    }),
});
