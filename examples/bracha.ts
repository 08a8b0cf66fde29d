/**
 * Bracha's reliable broadcast (1987) with a Byzantine sender, found wrong in both engines when its
 * echo quorum is too small.
 *
 * Four nodes, `p4` the sender and Byzantine, so n = 4 and f = 1, and every node computes both
 * from `context.nodes`, which counts `p4` in the simulator and in the checker alike. The sender
 * sends `initial(v)`; a node echoes the first initial it gets; on echoes of one value from a
 * quorum, or readies from f + 1, it sends `ready(v)` (once); on readies from 2f + 1 it delivers.
 * The quorum for echoes must be more than (n + f) / 2 (3 here): two quorums then share a correct
 * node, which echoes one value only, so correct nodes are never ready for different values.
 * `--param bug=true` takes f + 1 (2) instead, and an equivocating sender makes two correct nodes
 * ready for different values.
 *
 * - `fairlink sim examples/bracha.ts --param bug=true`: `p4` runs the honest sender's code through
 *   the `equivocate` behaviour, so each node gets its own value, with a matching echo from `p4`.
 * - `fairlink check examples/bracha.ts --param bug=true`: `p4` may send each correct node an
 *   initial, echo or ready of that node's own value (0, 1, 2), at any time, any number of times:
 *   the search finds the shortest path.
 */
import { actorModel } from 'fairlink/check';
import { always, defineProtocol, type Context } from 'fairlink/core';
import { byzantine, defineScenario, type SimulationConfig } from 'fairlink/sim';

type Message =
  | { readonly type: 'initial'; readonly value: number }
  | { readonly type: 'echo'; readonly value: number }
  | { readonly type: 'ready'; readonly value: number };

interface BrachaState {
  echoed: boolean;
  /** The value this node sent `ready` for. */
  ready: number | null;
  delivered: number | null;
  /** Per value (as a key), the nodes it was echoed or readied by. */
  echoes: Record<string, string[]>;
  readies: Record<string, string[]>;
}

export const SENDER = 'p4';
export const CORRECT = ['p1', 'p2', 'p3'] as const;
/** The value the checker's Byzantine sender tells each correct node (what `equivocate` gives them). */
const VALUES = [0, 1, 2] as const;

/** A Bracha node; `buggyQuorum` takes f + 1 echoes instead of more than (n + f) / 2. */
export function brachaNode(buggyQuorum: boolean) {
  type BrachaContext = Context<BrachaState, Message>;
  const faults = (context: BrachaContext): number => Math.floor((context.nodes.length - 1) / 3);
  const echoQuorum = (context: BrachaContext): number =>
    buggyQuorum ? faults(context) + 1 : Math.floor((context.nodes.length + faults(context)) / 2) + 1;

  const sendReady = (context: BrachaContext, value: number): void => {
    if (context.state.ready !== null) return;
    context.state.ready = value;
    context.broadcast({ type: 'ready', value });
    count(context, 'readies', context.id, value);
  };
  const count = (context: BrachaContext, kind: 'echoes' | 'readies', from: string, value: number): void => {
    const state = context.state;
    const voters = state[kind][String(value)] ?? [];
    if (voters.includes(from)) return;
    state[kind] = { ...state[kind], [String(value)]: [...voters, from] };
    if (kind === 'echoes' && voters.length + 1 >= echoQuorum(context)) sendReady(context, value);
    if (kind === 'readies' && voters.length + 1 >= faults(context) + 1) sendReady(context, value);
    if (kind === 'readies' && voters.length + 1 >= 2 * faults(context) + 1 && state.delivered === null)
      state.delivered = value;
  };
  const echo = (context: BrachaContext, value: number): void => {
    if (context.state.echoed) return;
    context.state.echoed = true;
    context.broadcast({ type: 'echo', value });
    count(context, 'echoes', context.id, value);
  };

  return defineProtocol<BrachaState, Message>({
    name: buggyQuorum ? 'bracha-small-echo-quorum' : 'bracha',
    init: () => ({ echoed: false, ready: null, delivered: null, echoes: {}, readies: {} }),
    onBoot(context) {
      if (context.id !== SENDER) return;
      context.broadcast({ type: 'initial', value: 0 });
      echo(context, 0);
    },
    onMessage(context, from, message) {
      switch (message.type) {
        case 'initial':
          if (from === SENDER) echo(context, message.value);
          return;
        case 'echo':
          count(context, 'echoes', from, message.value);
          return;
        case 'ready':
          count(context, 'readies', from, message.value);
      }
    },
  });
}

/** Bracha's key lemma: correct nodes are ready for one value at most (so deliver one at most). */
export const readyAgreement = always('correct nodes ready for one value', (view) => {
  const ready = CORRECT.map((id) => [id, view.state<BrachaState>(id)?.ready ?? null] as const).filter(
    ([, value]) => value !== null,
  );
  const [first, ...rest] = ready;
  const other = rest.find(([, value]) => value !== first?.[1]);
  return other === undefined || `${first?.[0]} is ready for ${first?.[1]}, ${other[0]} for ${other[1]}`;
});

/** The simulation: `p4` runs the sender's code, and equivocates. */
export function brachaSimulation(bug: boolean): SimulationConfig {
  const node = brachaNode(bug);
  return {
    nodes: {
      ...Object.fromEntries(CORRECT.map((id) => [id, node])),
      [SENDER]: { protocol: node, byzantine: byzantine.equivocate },
    },
    network: { delay: 1 },
    properties: [readyAgreement],
    durationMs: 100,
  };
}

/** The model: `p4` may send each correct node any message of the protocol with that node's own value. */
export function brachaModel(bug: boolean): ReturnType<typeof actorModel> {
  const node = brachaNode(bug);
  // What an equivocating sender may tell each correct node: its own value, in any message.
  const universe = CORRECT.flatMap((to, rank) =>
    (['initial', 'echo', 'ready'] as const).map((type) => ({
      to: to,
      message: { type, value: VALUES[rank] as number },
    })),
  );
  return actorModel({
    nodes: Object.fromEntries(CORRECT.map((id) => [id, node])),
    byzantine: { [SENDER]: universe },
    properties: [readyAgreement],
  });
}

export default defineScenario({
  name: 'bracha',
  description:
    "Bracha's reliable broadcast, 4 nodes with a Byzantine sender: correct nodes are never ready for different values, unless the echo quorum is too small (--param bug=true).",
  params: { bug: false },
  build: (params) => brachaSimulation(params.bug),
  model: (params) => brachaModel(params.bug),
});
