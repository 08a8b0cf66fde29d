/**
 * Broadcast as a fairlink protocol, efficient and partition-tolerant (Gossip
 * Glomers 3a-3e).
 *
 * - **A spanning tree** over the nodes in id order: node i's parent is
 *   (i - 1) / fanout. With the default fanout (every node a child of n0, a
 *   star), any two nodes are at most two hops apart. A value travels each tree
 *   edge once, so a broadcast costs 2 (n - 1) messages, gossip and
 *   acknowledgement, before batching. The `topology` message is answered and
 *   ignored.
 * - **Batching**: new values wait for the next gossip tick (every `gossipMs`)
 *   and go to each neighbour in one message, so the message count grows with
 *   ticks, not with broadcasts.
 * - **Reliability**: a value stays pending for a neighbour until that neighbour
 *   acknowledges it, and is sent again every `retransmitMs` until then: a
 *   partition delays values, never loses them (fair-loss links make this
 *   enough).
 *
 * Values are compared by their JSON text.
 */

import type { NodeId } from '../../core/index.js';
import { plainToJson } from '../../core/index.js';
import { defineProtocol, type Protocol } from '../../core/index.js';
import { ErrorCode, type Body } from '../protocol.js';
import { reply, replyError, type MaelstromContext } from './body.js';

/** Settings of the broadcast node. */
export interface BroadcastOptions {
  /** Time between gossip ticks, ms (default 100). */
  readonly gossipMs?: number;
  /** How long an unacknowledged value waits before it is sent again, ms (default 500). */
  readonly retransmitMs?: number;
  /** Children per node in the spanning tree (default: all nodes under n0, a star). */
  readonly fanout?: number;
}

/** A value waiting for a neighbour's acknowledgement. */
interface PendingValue {
  readonly value: unknown;
  /** When it was last sent, by the node's clock (0: not yet). */
  sentAtMs: number;
}

/** The broadcast node's state. */
export interface BroadcastState {
  /** Every value known, in the order learnt (what `read` returns). */
  messages: unknown[];
  /** The JSON text of every value known. */
  known: Set<string>;
  /** This node's neighbours in the spanning tree. */
  neighbours: string[];
  /** For each neighbour, the values it has not acknowledged, by JSON text. */
  pending: Map<string, Map<string, PendingValue>>;
}

const TIMER_GOSSIP = 'gossip';

/** The neighbours of `id` in the tree of `fanout` over `nodes` (in their given order). */
export function treeNeighbours(nodes: readonly string[], id: string, fanout: number): string[] {
  const index = nodes.indexOf(id);
  if (index < 0) return [];
  const neighbours: string[] = [];
  if (index > 0) neighbours.push(nodes[Math.floor((index - 1) / fanout)] as string);
  for (let child = index * fanout + 1; child <= index * fanout + fanout && child < nodes.length; child++) {
    neighbours.push(nodes[child] as string);
  }
  return neighbours;
}

/** The broadcast node. */
export function broadcastNode(options: BroadcastOptions = {}): Protocol<BroadcastState, Body> {
  const gossipMs = options.gossipMs ?? 100;
  const retransmitMs = options.retransmitMs ?? 500;

  /** Learns `value`; if it is new, it becomes pending for every neighbour but `from`. */
  const learn = (
    context: MaelstromContext<BroadcastState>,
    value: unknown,
    from: string | undefined,
  ): void => {
    const state = context.state;
    const key = plainToJson(value);
    if (state.known.has(key)) return;
    state.known.add(key);
    state.messages.push(value);
    for (const neighbour of state.neighbours) {
      if (neighbour === from) continue;
      state.pending.get(neighbour)?.set(key, { value, sentAtMs: 0 });
    }
  };

  const gossip = (context: MaelstromContext<BroadcastState>): void => {
    const now = context.now();
    for (const [neighbour, pending] of context.state.pending) {
      const batch: unknown[] = [];
      for (const entry of pending.values()) {
        if (entry.sentAtMs !== 0 && now - entry.sentAtMs < retransmitMs) continue;
        entry.sentAtMs = now;
        batch.push(entry.value);
      }
      if (batch.length > 0) context.send(neighbour as NodeId, { type: 'gossip', messages: batch });
    }
  };

  return defineProtocol<BroadcastState, Body>({
    name: 'maelstrom-broadcast',
    init: () => ({ messages: [], known: new Set(), neighbours: [], pending: new Map() }),
    onBoot(context) {
      const fanout = Math.max(1, options.fanout ?? context.nodes.length - 1);
      context.state.neighbours = treeNeighbours(context.nodes, context.id, fanout);
      for (const neighbour of context.state.neighbours) context.state.pending.set(neighbour, new Map());
      context.setTimer(TIMER_GOSSIP, gossipMs);
    },
    onTimer(context, timer) {
      if (timer.name !== TIMER_GOSSIP) return;
      gossip(context);
      context.setTimer(TIMER_GOSSIP, gossipMs);
    },
    onMessage(context, from, message) {
      switch (message.type) {
        case 'topology':
          reply(context, from, message, { type: 'topology_ok' });
          return;
        case 'broadcast':
          learn(context, message['message'], undefined);
          reply(context, from, message, { type: 'broadcast_ok' });
          return;
        case 'read':
          // A copy: a sent message is frozen, and the state's array keeps growing.
          reply(context, from, message, { type: 'read_ok', messages: [...context.state.messages] });
          return;
        case 'gossip': {
          const values = Array.isArray(message['messages']) ? (message['messages'] as unknown[]) : [];
          for (const value of values) learn(context, value, from);
          context.send(from, { type: 'gossip_ok', messages: values });
          return;
        }
        case 'gossip_ok': {
          const pending = context.state.pending.get(from);
          const values = Array.isArray(message['messages']) ? (message['messages'] as unknown[]) : [];
          for (const value of values) pending?.delete(plainToJson(value));
          return;
        }
        default:
          if (message.msg_id !== undefined) {
            replyError(context, from, message, ErrorCode.notSupported, `no ${message.type}`);
          }
      }
    },
  });
}
