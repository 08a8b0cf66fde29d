/**
 * Retransmit until acknowledged: the lecture's first protocol over a fair-loss link.
 *
 * Sender:   *On Boot*, send `m` and start a timer; *On Receive* `ack`, stop; *On Timer*, resend
 *           `m` and start the timer again.
 * Receiver: *On Receive* `m`, send `ack` (every copy: the sender cannot know which ack was lost).
 *
 * Fairness is what makes it work: if the sender sends `m` infinitely often, the receiver receives
 * it infinitely often, so some ack is sent and, by the same argument, one arrives. Nothing stops
 * the receiver from getting `m` several times: that is the perfect link's job.
 *
 * @module
 */

import { defineProtocol, type NodeId, type Protocol } from '../../core/index.js';

/** The two messages of the stubborn link. */
export type RetransmitMessage<Payload = unknown> =
  { readonly type: 'data'; readonly payload: Payload } | { readonly type: 'ack' };

/** The sender's state. */
export interface RetransmitSenderState {
  /** How many copies of `m` it has sent. */
  sends: number;
  /** Local time of the first ack, or `null` while still retransmitting. */
  acknowledgedAtMs: number | null;
}

/** The sender's one timer: send `m` again. */
export type RetransmitSenderTimer = { readonly name: 'resend'; readonly data: null };

/** The receiver's state. */
export interface RetransmitReceiverState {
  /** How many copies of `m` arrived (more than one is normal). */
  received: number;
}

/** Options of {@link retransmitSender}. */
export interface RetransmitOptions<Payload> {
  /** The receiver. */
  readonly to: string;
  /** The message `m`. */
  readonly payload: Payload;
  /** Local ms between retransmissions. */
  readonly resendMs: number;
}

/** The sender of the stubborn link: resends `payload` every `resendMs` until an ack arrives. */
export function retransmitSender<Payload>(
  options: RetransmitOptions<Payload>,
): Protocol<RetransmitSenderState, RetransmitMessage<Payload>, RetransmitSenderTimer> {
  if (!(options.resendMs > 0)) {
    throw new RangeError(`retransmitSender: resendMs must be > 0, got ${options.resendMs}`);
  }
  const to = options.to as NodeId;
  const message: RetransmitMessage<Payload> = { type: 'data', payload: options.payload };

  return defineProtocol<RetransmitSenderState, RetransmitMessage<Payload>, RetransmitSenderTimer>({
    name: 'retransmit-sender',
    init: () => ({ sends: 0, acknowledgedAtMs: null }),

    // On Boot: send m and start the timer.
    onBoot(context) {
      context.send(to, message);
      context.state.sends++;
      context.setTimer('resend', options.resendMs);
    },

    // On Receive ack: stop retransmitting.
    onMessage(context, from, received) {
      if (received.type !== 'ack' || from !== to || context.state.acknowledgedAtMs !== null) return;
      context.state.acknowledgedAtMs = context.now();
      context.cancelTimer('resend');
    },

    // On Timer: resend m and start the timer again.
    onTimer(context) {
      if (context.state.acknowledgedAtMs !== null) return;
      context.send(to, message);
      context.state.sends++;
      context.setTimer('resend', options.resendMs);
    },
  });
}

/** The receiver of the stubborn link: acknowledges every copy it receives. */
export const retransmitReceiver: Protocol<RetransmitReceiverState, RetransmitMessage> = defineProtocol<
  RetransmitReceiverState,
  RetransmitMessage
>({
  name: 'retransmit-receiver',
  init: () => ({ received: 0 }),
  onMessage(context, from, message) {
    if (message.type !== 'data') return;
    context.state.received++;
    context.send(from, { type: 'ack' });
  },
});
