/**
 * Retransmit until acknowledged: the lecture's stubborn link over a fair-loss link.
 *
 * The sender: on boot send `m`; on receive `ack`, stop; on timer, resend `m`. The receiver: on
 * receive `m`, send `ack`. Half the copies are lost and delays are exponential, so copies overtake
 * each other.
 *
 * What to look for in the trace: the sender's `resend` timer fires again and again until the first
 * ack gets through; the receiver receives `m` several times (its `received` counter), which is why
 * the perfect link (examples/perfect-link.ts) adds sequence numbers. Raise `dropRate` towards 1:
 * it takes longer, but fairness means it always ends.
 *
 * Run it: `fairlink sim examples/retransmit.ts --seeds 1..100`.
 */
import { actorModel } from 'fairlink/check';
import { always, eventually } from 'fairlink/core';
import { defineScenario, exponential } from 'fairlink/sim';
import {
  retransmitReceiver,
  retransmitSender,
  type RetransmitReceiverState,
  type RetransmitSenderState,
} from 'fairlink/protocols';

/** The properties, written once for `fairlink sim` and `fairlink check`. */
const properties = [
  // An ack is only sent by a receiver that received m: no ack out of thin air.
  always('acknowledged only after m arrived', (view) => {
    const sender = view.state<RetransmitSenderState>('sender');
    const receiver = view.state<RetransmitReceiverState>('receiver');
    return sender?.acknowledgedAtMs == null || (receiver?.received ?? 0) >= 1;
  }),
  eventually(
    'the sender gets an ack',
    (view) => view.state<RetransmitSenderState>('sender')?.acknowledgedAtMs != null,
  ),
];

export default defineScenario({
  name: 'retransmit',
  description:
    'The stubborn link: resend on a timer until an ack arrives, over a link that loses half the copies.',
  params: { dropRate: 0.5, delayMeanMs: 10, resendMs: 20, durationMs: 5_000 },
  seeds: 100,
  build: (params) => ({
    nodes: {
      sender: retransmitSender({ to: 'receiver', payload: 'm', resendMs: params.resendMs }),
      receiver: retransmitReceiver,
    },
    network: { drop: params.dropRate, delay: exponential(params.delayMeanMs) },
    durationMs: params.durationMs,
    properties,
  }),
  // `fairlink check examples/retransmit.ts`: every interleaving on a network that may lose any
  // copy. Runs that drop every copy forever exist, yet "the sender gets an ack" holds: under the
  // lecture's fairness, a message sent infinitely often to a live node is received infinitely
  // often, and the checker counts only fair cycles as counterexamples. The counters only record
  // history (the protocol never reads them), so the model projects them away to stay finite.
  model: (params) =>
    actorModel({
      nodes: {
        sender: retransmitSender({ to: 'receiver', payload: 'm', resendMs: params.resendMs }),
        receiver: retransmitReceiver,
      },
      network: { semantics: 'unordered', lossy: true },
      abstract: {
        sender: (state: RetransmitSenderState) => ({ ...state, sends: Math.min(state.sends, 1) }),
        receiver: (state: RetransmitReceiverState) => ({ received: Math.min(state.received, 1) }),
      },
      properties,
    }),
});
