/**
 * The perfect link: every message reaches the application exactly once, over a link that loses
 * half the copies, duplicates some and reorders them (exponential delays, no FIFO).
 *
 * Two nodes each send `messages` payloads to the other. Underneath, each payload is retransmitted
 * until acknowledged (the stubborn link); on top, sequence numbers let the receiver drop copies.
 *
 * What to look for: in the trace, many `pl-data` copies per sequence number and acks for every
 * copy; in the nodes' `delivered` queues, each payload once. Delivery order is not guaranteed:
 * the perfect link promises exactly once, not FIFO. The invariant fails at once if you remove the
 * deduplication in src/protocols/perfect-link/perfect-link.ts.
 *
 * Run it: `fairlink sim examples/perfect-link.ts --seeds 1..200`.
 */
import { actorModel } from 'fairlink/check';
import { always, eventually, type SystemView } from 'fairlink/core';
import { defineScenario, exponential } from 'fairlink/sim';
import { perfectLinkNode, type PerfectLinkNodeState } from 'fairlink/protocols';

const NODES = ['n1', 'n2'] as const;

/** The payloads `from` sends to `to`: distinct strings, so a duplicate delivery is visible. */
function payloads(from: string, to: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${from}->${to}#${index}`);
}

/** The node's protocol: each node sends `messages` distinct payloads to every other node at boot. */
function nodeProtocol(messages: number, resendMs: number) {
  return perfectLinkNode<string>({
    resendMs,
    outbox: Object.fromEntries(
      NODES.map((from) => [
        from,
        NODES.filter((to) => to !== from).flatMap((to) =>
          payloads(from, to, messages).map((payload) => ({ to, payload })),
        ),
      ]),
    ),
  });
}

/** The properties, written once for `fairlink sim` and `fairlink check`. */
function linkProperties(messages: number) {
  const expected = (to: string): string[] =>
    NODES.filter((from) => from !== to).flatMap((from) => payloads(from, to, messages));
  const deliveredAt = (view: SystemView, node: string): string[] =>
    view.state<PerfectLinkNodeState<string>>(node)?.delivered.map((delivery) => delivery.payload) ?? [];
  return {
    noDuplicate: always('no duplicate delivery', (view) => {
      for (const node of NODES) {
        const seen = new Set<string>();
        for (const payload of deliveredAt(view, node)) {
          if (seen.has(payload)) return `${node} delivered ${payload} twice`;
          seen.add(payload);
        }
      }
      return true;
    }),
    noThinAir: always('no delivery out of thin air', (view) => {
      for (const node of NODES) {
        const allowed = new Set(expected(node));
        const stray = deliveredAt(view, node).find((payload) => !allowed.has(payload));
        if (stray !== undefined) return `${node} delivered ${stray}, which nobody sent it`;
      }
      return true;
    }),
    allDelivered: eventually('all delivered', (view) =>
      NODES.every((node) => deliveredAt(view, node).length === expected(node).length),
    ),
  };
}

export default defineScenario({
  name: 'perfect-link',
  description:
    'Sequence numbers and deduplication over retransmission: exactly-once delivery under loss, duplication and reordering.',
  // Two messages each way by default: the model checker explores every interleaving of them in
  // 324 states and 0.3 s, three take 20,736 states and 8 s, and five do not finish in 10 minutes.
  params: { dropRate: 0.5, duplicateRate: 0.3, delayMeanMs: 5, messages: 2, resendMs: 20, durationMs: 2_000 },
  seeds: 200,
  build: (params) => {
    const protocol = nodeProtocol(params.messages, params.resendMs);
    const { noDuplicate, noThinAir, allDelivered } = linkProperties(params.messages);
    return {
      nodes: Object.fromEntries(NODES.map((node) => [node, protocol])),
      network: {
        drop: params.dropRate,
        duplicate: params.duplicateRate,
        delay: exponential(params.delayMeanMs),
      },
      durationMs: params.durationMs,
      properties: [noDuplicate, noThinAir, allDelivered],
    };
  },
  // `fairlink check examples/perfect-link.ts`: every interleaving, on a network
  // that may delay, lose and duplicate any message (a set of messages ever sent, any of which may
  // be delivered any number of times), with retransmission timers firing in any order.
  model: (params) => {
    const { noDuplicate, allDelivered } = linkProperties(params.messages);
    return actorModel({
      nodes: Object.fromEntries(NODES.map((node) => [node, nodeProtocol(params.messages, params.resendMs)])),
      network: { semantics: 'unordered-duplicating' },
      properties: [noDuplicate, allDelivered],
    });
  },
});
