/**
 * The two generals: an attempt at agreement over a lossy link with `rounds` acknowledgements,
 * which the simulator then defeats. The lecture's impossibility result, made executable.
 *
 * Two generals must both attack or both retreat, deciding by a common deadline. The first sends
 * "attack" (message 0); each message `i` is acknowledged by message `i + 1` from the other
 * general, up to message `rounds`. A general resends its latest message on a timer until the next
 * one arrives. At the deadline each general attacks if and only if it has received every message
 * addressed to it: the first needs the last odd-numbered message, the second the last
 * even-numbered one.
 *
 * Whatever `rounds` is, the sender of the last message cannot know whether it arrived (no one
 * acknowledges it), yet it decides to attack; if every copy is lost, or arrives after the
 * deadline, the other general retreats. Adding a round only moves the problem to the new last
 * message.
 *
 * @module
 */

import { defineProtocol, type Context, type NodeId, type Protocol } from '../../core/index.js';

/** Message `index` of the chain: 0 is "attack at the deadline", `i > 0` acknowledges `i - 1`. */
export interface ChainMessage {
  readonly type: 'chain';
  readonly index: number;
}

/** A general's decision. */
export type Decision = 'attack' | 'retreat';

/** A general's state. */
export interface GeneralState {
  /** Highest chain message received, -1 for none. */
  highestReceived: number;
  /** Highest chain message sent, -1 for none: the one resent on the timer. */
  highestSent: number;
  /** Decided at the deadline; `null` before. */
  decision: Decision | null;
}

/** A general's timers: resend the latest message of the chain, and decide at the deadline. */
export type GeneralTimer = { readonly name: 'resend' | 'deadline'; readonly data: null };

/** Options of {@link twoGenerals}. */
export interface TwoGeneralsOptions {
  /** The general who proposes. */
  readonly first: string;
  /** The other general. */
  readonly second: string;
  /** Number of acknowledgements after the proposal (at least 1). */
  readonly rounds: number;
  /** Local time at which both decide, ms. */
  readonly deadlineMs: number;
  /** Local ms between retransmissions of a general's latest message. */
  readonly resendMs: number;
}

/**
 * The index of the last message addressed to `role`: the first general receives the odd
 * indexes, the second the even ones.
 */
export function lastMessageFor(role: 'first' | 'second', rounds: number): number {
  const parity = role === 'first' ? 1 : 0;
  return rounds % 2 === parity ? rounds : rounds - 1;
}

/** The protocol of both generals; each knows its role by its name. */
export function twoGenerals(options: TwoGeneralsOptions): Protocol<GeneralState, ChainMessage, GeneralTimer> {
  const { rounds, deadlineMs, resendMs } = options;
  if (!(Number.isInteger(rounds) && rounds >= 1)) {
    throw new RangeError(`twoGenerals: rounds must be a whole number >= 1, got ${rounds}`);
  }
  if (!(deadlineMs > 0 && resendMs > 0)) {
    throw new RangeError('twoGenerals: deadlineMs and resendMs must be > 0');
  }
  if (options.first === options.second) {
    throw new RangeError('twoGenerals: the two generals must be different nodes');
  }
  const roleOf = (id: NodeId): 'first' | 'second' => (id === options.first ? 'first' : 'second');
  const otherOf = (id: NodeId): NodeId => (id === options.first ? options.second : options.first) as NodeId;

  const sendLatest = (context: Context<GeneralState, ChainMessage, GeneralTimer>): void => {
    context.send(otherOf(context.id), { type: 'chain', index: context.state.highestSent });
    context.setTimer('resend', resendMs);
  };

  return defineProtocol<GeneralState, ChainMessage, GeneralTimer>({
    name: 'two-generals',
    init: () => ({ highestReceived: -1, highestSent: -1, decision: null }),

    onBoot(context) {
      context.setTimer('deadline', deadlineMs);
      if (roleOf(context.id) === 'first') {
        context.state.highestSent = 0;
        sendLatest(context);
      }
    },

    onMessage(context, _from, message) {
      const state = context.state;
      // After the deadline nothing changes a decision; an old copy tells nothing new.
      if (state.decision !== null || message.index <= state.highestReceived) return;
      state.highestReceived = message.index;
      if (message.index < rounds) {
        // Acknowledge it: our reply becomes the message we resend.
        state.highestSent = message.index + 1;
        sendLatest(context);
      } else {
        // The last message of the chain: nothing to acknowledge, nothing left to resend.
        context.cancelTimer('resend');
      }
    },

    onTimer(context, timer) {
      const state = context.state;
      if (timer.name === 'deadline') {
        const complete = state.highestReceived >= lastMessageFor(roleOf(context.id), rounds);
        state.decision = complete ? 'attack' : 'retreat';
        context.cancelTimer('resend');
        context.log(`${state.decision} (received up to message ${state.highestReceived} of ${rounds})`);
        return;
      }
      if (state.decision === null && state.highestSent >= 0) sendLatest(context);
    },
  });
}
