/**
 * The perfect link: reliable delivery, exactly once, over a medium that loses, duplicates and
 * reorders.
 *
 * The lecture builds it in two layers. The stubborn link (retransmit until acknowledged) makes
 * every message arrive at least once; numbering the messages lets the receiver deliver each one
 * once and drop the copies. In the lecture's words:
 *
 * - *send(m)*: give `m` the next sequence number `s`, send `(s, m)`, and resend it on a timer
 *   until `ack(s)` comes back;
 * - *On Receive `(s, m)` from `p`*: send `ack(s)` to `p` (always: our earlier ack may be lost);
 *   if `s` was not delivered from `p` before, deliver `m` to the application.
 *
 * Sequence numbers count per destination, so each receiver sees 0, 1, 2 ... from each sender and
 * remembers what it delivered as "everything below `below`, plus the set `above`": memory stays
 * bounded by the reordering, not by the length of the run.
 *
 * Crash-recover needs the option `durable` of {@link perfectLinkNode}. Without it a recovered
 * node starts afresh: the receiver forgets what it delivered (its queue is empty again, and an
 * old copy still in flight would be delivered a second time), and the sender forgets what is
 * unacknowledged. With it, the node's state (the counters, what is unacknowledged, the delivery
 * record and the application's queue) is persisted in every step that changes it, so before
 * that step's ack or data leaves (persist before send); recovery restores it and re-arms the
 * retransmission timers, which the crash erased.
 *
 * @module
 */

import {
  clonePlain,
  defineProtocol,
  type Context,
  type FiredTimer,
  type NodeId,
  type Protocol,
} from '../../core/index.js';

/** The perfect link's messages. */
export type PerfectLinkMessage<Payload = unknown> =
  | { readonly type: 'pl-data'; readonly sequence: number; readonly payload: Payload }
  | { readonly type: 'pl-ack'; readonly sequence: number };

/** What one receiver delivered from one sender: every sequence number below `below`, and `above`. */
export interface DeliveredRecord {
  below: number;
  above: Set<number>;
}

/** The link's part of a node's state. */
export interface PerfectLinkState<Payload = unknown> {
  /** Destination -> next sequence number. */
  nextSequence: Map<string, number>;
  /** Destination -> sequence number -> payload, for messages not yet acknowledged. */
  unacknowledged: Map<string, Map<number, Payload>>;
  /** Sender -> what was delivered from it. */
  delivered: Map<string, DeliveredRecord>;
}

/** The data of a retransmission timer. */
interface ResendTimerData {
  readonly to: string;
  readonly sequence: number;
}

const TIMER_PREFIX = 'pl-resend:';

/**
 * The link's retransmission timers, one per message not yet acknowledged: a host protocol
 * with typed timers adds this member to its own timer union.
 */
export type PerfectLinkTimer = {
  readonly name: `${typeof TIMER_PREFIX}${string}`;
  readonly data: ResendTimerData;
};

/** The context operations the link uses; any host protocol's context provides them. */
export type LinkContext<Payload> = Pick<
  Context<unknown, PerfectLinkMessage<Payload>, PerfectLinkTimer>,
  'send' | 'setTimer' | 'cancelTimer'
>;

/**
 * The perfect link as a layer a host protocol embeds: keep a {@link PerfectLinkState} in the
 * host's state and route messages and timers through these functions.
 */
export interface PerfectLinkLayer<Payload> {
  /** A fresh link state. */
  init(): PerfectLinkState<Payload>;
  /** Sends `payload` to `to`, retransmitting until it is acknowledged. */
  send(context: LinkContext<Payload>, link: PerfectLinkState<Payload>, to: string, payload: Payload): void;
  /**
   * Handles a perfect-link message from `from`: acknowledges data, stops retransmitting on acks,
   * and calls `deliver` with each payload the first time it arrives (never again). Returns
   * whether `link` changed (a first delivery, or an ack that stopped a retransmission): what a
   * host that persists the link must write.
   */
  receive(
    context: LinkContext<Payload>,
    link: PerfectLinkState<Payload>,
    from: string,
    message: PerfectLinkMessage<Payload>,
    deliver: (payload: Payload) => void,
  ): boolean;
  /** Handles the link's retransmission timers; returns false for any other timer. */
  onTimer(context: LinkContext<Payload>, link: PerfectLinkState<Payload>, timer: FiredTimer): boolean;
  /**
   * After a recovery with a persisted `link`: re-arms the retransmission of every message not
   * yet acknowledged (a crash erases the node's timers, not what it persisted).
   */
  resume(context: LinkContext<Payload>, link: PerfectLinkState<Payload>): void;
}

/** Whether `message` belongs to the perfect link (for hosts whose messages are a union). */
export function isPerfectLinkMessage(message: unknown): message is PerfectLinkMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'pl-data' || type === 'pl-ack';
}

/** Whether `timer` is one of the link's retransmission timers (for hosts with timers of their own). */
function isPerfectLinkTimer(timer: FiredTimer): timer is PerfectLinkTimer {
  return timer.name.startsWith(TIMER_PREFIX);
}

/** Builds the perfect-link layer; `resendMs` is the local time between retransmissions. */
export function perfectLinkLayer<Payload>(options: { readonly resendMs: number }): PerfectLinkLayer<Payload> {
  const { resendMs } = options;
  if (!(resendMs > 0)) throw new RangeError(`perfectLinkLayer: resendMs must be > 0, got ${resendMs}`);
  const timerName = (to: string, sequence: number): PerfectLinkTimer['name'] =>
    `${TIMER_PREFIX}${to}:${sequence}`;

  return {
    init: () => ({ nextSequence: new Map(), unacknowledged: new Map(), delivered: new Map() }),

    send(context, link, to, payload) {
      const sequence = link.nextSequence.get(to) ?? 0;
      link.nextSequence.set(to, sequence + 1);
      let pending = link.unacknowledged.get(to);
      if (!pending) link.unacknowledged.set(to, (pending = new Map<number, Payload>()));
      pending.set(sequence, payload);
      context.send(to as NodeId, { type: 'pl-data', sequence, payload });
      context.setTimer(timerName(to, sequence), resendMs, { to, sequence } satisfies ResendTimerData);
    },

    receive(context, link, from, message, deliver) {
      if (message.type === 'pl-ack') {
        // The stubborn link's "stop": a late or duplicate ack finds nothing left to stop.
        if (link.unacknowledged.get(from)?.delete(message.sequence)) {
          context.cancelTimer(timerName(from, message.sequence));
          return true;
        }
        return false;
      }
      context.send(from as NodeId, { type: 'pl-ack', sequence: message.sequence });
      let record = link.delivered.get(from);
      if (!record) link.delivered.set(from, (record = { below: 0, above: new Set() }));
      if (message.sequence < record.below || record.above.has(message.sequence)) return false; // a copy: delivered already
      record.above.add(message.sequence);
      while (record.above.delete(record.below)) record.below++;
      deliver(message.payload);
      return true;
    },

    onTimer(context, link, timer) {
      if (!isPerfectLinkTimer(timer)) return false;
      const { to, sequence } = timer.data;
      const pending = link.unacknowledged.get(to);
      // Acknowledged meanwhile: the ack cancelled this timer, but be safe against a stale one.
      if (pending?.has(sequence)) {
        context.send(to as NodeId, { type: 'pl-data', sequence, payload: pending.get(sequence) as Payload });
        context.setTimer(timer.name, resendMs, timer.data);
      }
      return true;
    },

    resume(context, link) {
      for (const [to, pending] of link.unacknowledged) {
        for (const sequence of pending.keys()) {
          context.setTimer(timerName(to, sequence), resendMs, { to, sequence } satisfies ResendTimerData);
        }
      }
    },
  };
}

/** One delivery, as the application sees it. */
export interface Delivery<Payload> {
  readonly from: string;
  readonly payload: Payload;
}

/** The state of a {@link perfectLinkNode}. */
export interface PerfectLinkNodeState<Payload> {
  link: PerfectLinkState<Payload>;
  /** The application's queue: every payload delivered, in delivery order. */
  delivered: Delivery<Payload>[];
}

/** Options of {@link perfectLinkNode}. */
export interface PerfectLinkNodeOptions<Payload> {
  /** Local ms between retransmissions. */
  readonly resendMs: number;
  /** What each node sends at boot: node name -> messages, in order. */
  readonly outbox?: Readonly<Record<string, readonly { readonly to: string; readonly payload: Payload }[]>>;
  /** Called once per delivered payload, after it joins the queue (the application's callback). */
  readonly onDeliver?: (
    context: Context<PerfectLinkNodeState<Payload>, PerfectLinkMessage<Payload>, PerfectLinkTimer>,
    delivery: Delivery<Payload>,
  ) => void;
  /**
   * Crash-recover: persist the node's state in every step that changes it and restore it on
   * recovery (see the module comment). Default false: a recovered node boots afresh.
   */
  readonly durable?: boolean;
}

/** The durable storage key of a {@link perfectLinkNode} with `durable`. */
const DURABLE_KEY = 'perfect-link-node';

/** A node that sends its outbox over the perfect link at boot and queues what it delivers. */
export function perfectLinkNode<Payload>(
  options: PerfectLinkNodeOptions<Payload>,
): Protocol<PerfectLinkNodeState<Payload>, PerfectLinkMessage<Payload>, PerfectLinkTimer> {
  const layer = perfectLinkLayer<Payload>(options);
  const durable = options.durable ?? false;
  // A copy: what is persisted is frozen, and the live state keeps changing.
  const save = (
    context: Context<PerfectLinkNodeState<Payload>, PerfectLinkMessage<Payload>, PerfectLinkTimer>,
  ): void => {
    if (durable) context.persist(DURABLE_KEY, clonePlain(context.state));
  };
  return defineProtocol<PerfectLinkNodeState<Payload>, PerfectLinkMessage<Payload>, PerfectLinkTimer>({
    name: 'perfect-link',
    init: () => ({ link: layer.init(), delivered: [] }),
    onBoot(context) {
      const outbox = options.outbox?.[context.id] ?? [];
      for (const { to, payload } of outbox) layer.send(context, context.state.link, to, payload);
      if (outbox.length > 0) save(context);
    },
    onMessage(context, from, message) {
      const changed = layer.receive(context, context.state.link, from, message, (payload) => {
        const delivery = { from, payload };
        context.state.delivered.push(delivery);
        options.onDeliver?.(context, delivery);
      });
      if (changed) save(context);
    },
    onTimer(context, timer) {
      layer.onTimer(context, context.state.link, timer);
    },
    // Without `durable`, recovery runs onBoot on a fresh state, as for any protocol without onRecover.
    ...(durable
      ? {
          onRecover(
            context: Context<PerfectLinkNodeState<Payload>, PerfectLinkMessage<Payload>, PerfectLinkTimer>,
          ) {
            const saved = context.load<PerfectLinkNodeState<Payload>>(DURABLE_KEY);
            if (saved !== undefined) context.state = clonePlain(saved);
            layer.resume(context, context.state.link);
          },
        }
      : {}),
  });
}
