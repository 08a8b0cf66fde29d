/**
 * Lab 1's `reliableSend(dest, msg, timeout)`: retransmit on a timer until acknowledged, and
 * report how many sends it took, or fail once the timeout passes.
 *
 * The sender pings the receiver `pings` times, one after the other. Each ping is one
 * `reliableSend`: it is recorded as a client operation (`invoke` "send", then `ok` with the
 * number of tries, or `fail` at the timeout), so it appears in the run's history, and its result
 * is kept in the sender's state for properties and tables.
 *
 * @module
 */

import { defineProtocol, type Context, type NodeId, type Protocol } from '../../core/index.js';

/** The lab's two messages; `ping` numbers them so that a late ack cannot complete a later send. */
export type PingMessage =
  { readonly type: 'ping'; readonly ping: number } | { readonly type: 'ack'; readonly ping: number };

/** How one `reliableSend` ended. */
export interface SendResult {
  readonly ping: number;
  readonly outcome: 'acknowledged' | 'failed';
  /** How many copies were sent. */
  readonly tries: number;
  /** Local ms from the first send to the ack (or to the timeout). */
  readonly elapsedMs: number;
}

/** The send in progress. */
export interface SendInProgress {
  readonly ping: number;
  /** The client operation recorded for it. */
  readonly operation: number;
  tries: number;
  readonly startedMs: number;
}

/** The sender's timers: the next copy of the ping, and giving up on it. */
export type ReliableSenderTimer = { readonly name: 'resend' | 'timeout'; readonly data: null };

/** The sender's state. */
export interface ReliableSenderState {
  current: SendInProgress | null;
  /** Finished sends, in order. */
  results: SendResult[];
}

/** Options of {@link reliableSender}. */
export interface ReliableSendOptions {
  /** The receiver. */
  readonly to: string;
  /** How many pings to send, one after the other (default 1). */
  readonly pings?: number;
  /** Local ms between retransmissions. */
  readonly resendMs: number;
  /** Local ms after the first send at which the send gives up. */
  readonly timeoutMs: number;
}

/** The sender: `pings` reliable sends, in sequence. */
export function reliableSender(
  options: ReliableSendOptions,
): Protocol<ReliableSenderState, PingMessage, ReliableSenderTimer> {
  const { resendMs, timeoutMs } = options;
  const pings = options.pings ?? 1;
  if (!(resendMs > 0 && timeoutMs > 0)) {
    throw new RangeError('reliableSender: resendMs and timeoutMs must be > 0');
  }
  if (!(Number.isInteger(pings) && pings >= 0)) {
    throw new RangeError(`reliableSender: pings must be a whole number >= 0, got ${pings}`);
  }
  const to = options.to as NodeId;

  /** `reliableSend(to, ping, timeout)`: the first send; retransmissions follow on the timer. */
  const reliableSend = (
    context: Context<ReliableSenderState, PingMessage, ReliableSenderTimer>,
    ping: number,
  ): void => {
    const operation = context.invoke('send', { ping });
    context.state.current = { ping, operation, tries: 1, startedMs: context.now() };
    context.send(to, { type: 'ping', ping });
    context.setTimer('resend', resendMs);
    context.setTimer('timeout', timeoutMs);
  };

  const finish = (
    context: Context<ReliableSenderState, PingMessage, ReliableSenderTimer>,
    outcome: SendResult['outcome'],
  ): void => {
    const current = context.state.current as SendInProgress;
    const result: SendResult = {
      ping: current.ping,
      outcome,
      tries: current.tries,
      elapsedMs: context.now() - current.startedMs,
    };
    context.state.results.push(result);
    context.state.current = null;
    context.cancelTimer('resend');
    context.cancelTimer('timeout');
    context.complete(current.operation, outcome === 'acknowledged' ? 'ok' : 'fail', { tries: result.tries });
    if (current.ping + 1 < pings) reliableSend(context, current.ping + 1);
  };

  return defineProtocol<ReliableSenderState, PingMessage, ReliableSenderTimer>({
    name: 'reliable-sender',
    init: () => ({ current: null, results: [] }),

    onBoot(context) {
      if (pings > 0) reliableSend(context, 0);
    },

    onMessage(context, from, message) {
      const current = context.state.current;
      // Only the ack of the ping in progress counts: copies of older acks arrive late.
      if (message.type === 'ack' && from === to && current?.ping === message.ping) {
        finish(context, 'acknowledged');
      }
    },

    onTimer(context, timer) {
      const current = context.state.current;
      if (!current) return;
      if (timer.name === 'timeout') {
        finish(context, 'failed');
        return;
      }
      current.tries++;
      context.send(to, { type: 'ping', ping: current.ping });
      context.setTimer('resend', resendMs);
    },
  });
}

/** The receiver's state. */
export interface PingReceiverState {
  /** Copies of pings received. */
  received: number;
}

/** The receiver: acknowledges every ping copy, or (`acknowledge: false`) stays silent. */
export function pingReceiver(
  options: { readonly acknowledge?: boolean } = {},
): Protocol<PingReceiverState, PingMessage> {
  const acknowledge = options.acknowledge ?? true;
  return defineProtocol<PingReceiverState, PingMessage>({
    name: acknowledge ? 'ping-receiver' : 'silent-receiver',
    init: () => ({ received: 0 }),
    onMessage(context, from, message) {
      if (message.type !== 'ping') return;
      context.state.received++;
      if (acknowledge) context.send(from, { type: 'ack', ping: message.ping });
    },
  });
}
