/**
 * The scenario: who runs which protocol, what the network does to messages, and the properties
 * that must hold.
 *
 *   npx fairlink sim scenario.ts     simulate it over many seeds, with loss and random delays
 *   npx fairlink check scenario.ts   explore every interleaving of its model
 */
import { actorModel } from 'fairlink/check';
import { always, eventually } from 'fairlink/core';
import { defineScenario, exponential } from 'fairlink/sim';
import { receiver, sender, type ReceiverState, type SenderState } from './protocol.js';

/**
 * The properties, written once and judged by both engines: `always` must hold after every
 * step; `eventually` must hold in the end (in the simulator, once faults heal; in the checker,
 * on every fair run).
 */
const properties = [
  always('acknowledged only after m arrived', (view) => {
    const sent = view.state<SenderState>('alice');
    return !sent?.acknowledged || (view.state<ReceiverState>('bob')?.received ?? 0) >= 1;
  }),
  eventually('the sender gets an ack', (view) => view.state<SenderState>('alice')?.acknowledged === true),
];

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
    properties,
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
      properties,
    }),
});
