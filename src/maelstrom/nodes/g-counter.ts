/**
 * A grow-only counter as a fairlink protocol: a state-based CRDT (Shapiro et
 * al., "Conflict-free Replicated Data Types", 2011). Each node counts its own
 * increments; the value is the sum over nodes; states merge by taking each
 * node's maximum, so gossip may be lost, repeated or reordered and the nodes
 * still converge once they hear from each other again.
 *
 * Every `gossipMs` a node sends its counts to every peer (only when something
 * changed since its last gossip, and at least every `refreshMs`, so that a node
 * cut off by a partition catches up after it heals).
 */

import { defineProtocol, type Protocol } from '../../core/index.js';
import { ErrorCode, type Body } from '../protocol.js';
import { reply, replyError, type MaelstromContext } from './body.js';

/** Settings of the g-counter node. */
export interface GCounterOptions {
  /** Time between gossip rounds, ms (default 200). */
  readonly gossipMs?: number;
  /** Gossip even without changes this often, ms (default 1000). */
  readonly refreshMs?: number;
}

/** The g-counter node's state. */
export interface GCounterState {
  /** Each node's increments, as known here. */
  counts: Record<string, number>;
  /** Whether counts changed since the last gossip. */
  changed: boolean;
  /** When the last gossip went out, by the node's clock. */
  gossipedAtMs: number;
}

const TIMER_GOSSIP = 'gossip';

function total(counts: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const count of Object.values(counts)) sum += count;
  return sum;
}

/** The g-counter node. */
export function gCounterNode(options: GCounterOptions = {}): Protocol<GCounterState, Body> {
  const gossipMs = options.gossipMs ?? 200;
  const refreshMs = options.refreshMs ?? 1000;

  const merge = (context: MaelstromContext<GCounterState>, theirs: unknown): void => {
    if (typeof theirs !== 'object' || theirs === null) return;
    const counts = context.state.counts;
    for (const [node, count] of Object.entries(theirs as Record<string, unknown>)) {
      if (typeof count === 'number' && count > (counts[node] ?? 0)) {
        counts[node] = count;
        context.state.changed = true;
      }
    }
  };

  return defineProtocol<GCounterState, Body>({
    name: 'maelstrom-g-counter',
    init: () => ({ counts: {}, changed: false, gossipedAtMs: 0 }),
    onBoot(context) {
      context.setTimer(TIMER_GOSSIP, gossipMs);
    },
    onTimer(context, timer) {
      if (timer.name !== TIMER_GOSSIP) return;
      const state = context.state;
      const now = context.now();
      if (state.changed || now - state.gossipedAtMs >= refreshMs) {
        context.broadcast({ type: 'counts', counts: { ...state.counts } });
        state.changed = false;
        state.gossipedAtMs = now;
      }
      context.setTimer(TIMER_GOSSIP, gossipMs);
    },
    onMessage(context, from, message) {
      switch (message.type) {
        case 'add': {
          const delta = message['delta'];
          if (typeof delta !== 'number' || !Number.isInteger(delta) || delta < 0) {
            replyError(
              context,
              from,
              message,
              ErrorCode.malformedRequest,
              'a g-counter adds whole numbers >= 0',
            );
            return;
          }
          const counts = context.state.counts;
          counts[context.id] = (counts[context.id] ?? 0) + delta;
          context.state.changed = true;
          reply(context, from, message, { type: 'add_ok' });
          return;
        }
        case 'read':
          reply(context, from, message, { type: 'read_ok', value: total(context.state.counts) });
          return;
        case 'counts':
          merge(context, message['counts']);
          return;
        default:
          if (message.msg_id !== undefined) {
            replyError(context, from, message, ErrorCode.notSupported, `no ${message.type}`);
          }
      }
    },
  });
}
