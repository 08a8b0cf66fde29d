/**
 * Your protocol: retransmit until acknowledged, over a link that may lose any message.
 *
 * Sender:   on boot, send `m` and start a timer; on receiving `ack`, stop; when the timer fires,
 *           send `m` again and restart the timer.
 * Receiver: on receiving `m`, send `ack` (for every copy: the sender cannot know which ack was lost).
 *
 * Handlers are deterministic: they read their state and the message, change the state, and ask
 * the context to send or to set timers. The same code runs in the simulator, in the model
 * checker and on real sockets. Edit it, then run `npm test`.
 */
import { defineProtocol, type NodeId } from 'fairlink/core';

/** The two messages of the protocol. */
export type Message = { readonly type: 'data'; readonly payload: string } | { readonly type: 'ack' };

export interface SenderState {
  /** How many copies of `m` were sent. */
  sends: number;
  /** Whether an ack arrived. */
  acknowledged: boolean;
}

/** The sender's one timer: send `m` again. `setTimer` takes only the names declared here. */
export type SenderTimer = { readonly name: 'resend'; readonly data: null };

export interface ReceiverState {
  /** How many copies of `m` arrived (more than one is normal). */
  received: number;
}

/** Milliseconds (of the node's clock) between two copies of `m`. */
const RESEND_MS = 20;

/** The sender: sends `payload` to `receiver` until an ack comes back. */
export function sender(receiver: string, payload: string) {
  const to = receiver as NodeId;
  return defineProtocol<SenderState, Message, SenderTimer>({
    name: 'sender',
    init: () => ({ sends: 0, acknowledged: false }),
    onBoot(context) {
      context.send(to, { type: 'data', payload });
      context.state.sends++;
      context.setTimer('resend', RESEND_MS);
    },
    onMessage(context, from, message) {
      if (message.type !== 'ack' || from !== to) return;
      context.state.acknowledged = true;
      context.cancelTimer('resend');
    },
    onTimer(context) {
      if (context.state.acknowledged) return;
      context.send(to, { type: 'data', payload });
      context.state.sends++;
      context.setTimer('resend', RESEND_MS);
    },
  });
}

/** The receiver: acknowledges every copy of `m`. */
export const receiver = defineProtocol<ReceiverState, Message>({
  name: 'receiver',
  init: () => ({ received: 0 }),
  onMessage(context, from, message) {
    if (message.type !== 'data') return;
    context.state.received++;
    context.send(from, { type: 'ack' });
  },
});
