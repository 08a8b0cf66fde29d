/**
 * Lab 2's Lamport and vector clocks on traces of 3 processes, with and without a concurrent pair.
 *
 * Each process follows a script of local events and sends; every message carries the sender's
 * Lamport time and vector; every event is stamped with both and recorded (`context.record`), so
 * the properties judge the clocks against the engine's own happened-before relation
 * (`view.happenedBefore`), not against another clock. With `concurrent=false` the events
 * form one causal chain (p1 sends to p2, which then sends to p3): every two events are ordered.
 * With `concurrent=true`, p3 also does a local event `x` that nothing before or after it in p1
 * and p2 knows about: `x` is concurrent with p1's and p2's events.
 *
 * What to look for: in the recorded events, the vectors compare `before`/`after` exactly along
 * message chains and `concurrent` elsewhere, while Lamport times order every pair, even
 * concurrent ones (`L(a) < L(b)` does not mean `a` happened before `b`). The invariants: the
 * clock condition (`a` happened before `b` implies `L(a) < L(b)`), and vector clocks
 * characterise causality (`a` happened before `b` if and only if `V(a) < V(b)`).
 *
 * Run it: `fairlink sim examples/clocks.ts --param concurrent=false`, or check every
 * interleaving: `fairlink check examples/clocks.ts`.
 */
import { actorModel } from 'fairlink/check';
import { constant, defineScenario, eventually, invariant, oneOf, type SystemView } from 'fairlink/sim';
import {
  clockStamping,
  lamportConditionBroken,
  stampedEvents,
  vectorConditionBroken,
  type ClockReceiveRules,
  type ClockScripts,
  type StampedEvent,
} from 'fairlink/protocols';

const PROCESSES = ['p1', 'p2', 'p3'] as const;

/** One causal chain: a (p1) -> receive a (p2) -> b (p2) -> receive b (p3) -> c (p3). No concurrent pair. */
export const CHAIN_SCRIPTS: ClockScripts = {
  p1: [{ atMs: 0, kind: 'send', to: 'p2', label: 'a' }],
  p2: [{ atMs: 20, kind: 'send', to: 'p3', label: 'b' }],
  p3: [{ atMs: 40, kind: 'local', label: 'c' }],
};

/**
 * p1 sends a to p2; p3's local event x happens meanwhile, unaware of it; later p3 sends y to p2.
 * x is concurrent with a, with p2's receive of a, and with p1's later local event d.
 */
export const CONCURRENT_SCRIPTS: ClockScripts = {
  p1: [
    { atMs: 0, kind: 'send', to: 'p2', label: 'a' },
    { atMs: 30, kind: 'local', label: 'd' },
  ],
  p2: [],
  p3: [
    { atMs: 5, kind: 'local', label: 'x' },
    { atMs: 20, kind: 'send', to: 'p2', label: 'y' },
  ],
};

/** Every stamped event of the run so far, across processes. */
export function allEvents(view: SystemView): StampedEvent[] {
  return stampedEvents(view);
}

/**
 * Clock bugs to plant, for the properties to find (`--param bug=...`):
 * - `receive-without-max`: a receive ticks the receiver's own Lamport clock and ignores the
 *   message's, so a receive can carry a smaller time than its send;
 * - `vector-receive-without-merge`: a receive ticks the receiver's own entry and ignores the
 *   message's vector, so the vector no longer knows the send.
 */
const BUGS: Readonly<Record<string, ClockReceiveRules>> = {
  none: {},
  'receive-without-max': { lamportReceive: (clock) => clock + 1 },
  'vector-receive-without-merge': {
    vectorReceive: (clock, process) => ({ ...clock, [process]: (clock[process] ?? 0) + 1 }),
  },
};

/** The properties, the same for `fairlink sim` and `fairlink check`. */
function clockProperties(scripts: ClockScripts) {
  const scripted = Object.values(scripts).reduce((count, script) => count + script.length, 0);
  const sends = Object.values(scripts).reduce(
    (count, script) => count + script.filter((event) => event.kind === 'send').length,
    0,
  );
  return [
    invariant(
      'clock condition: happened before implies a smaller Lamport time',
      (view) => lamportConditionBroken(view) ?? true,
    ),
    invariant(
      'vector clocks: happened before exactly when V(a) < V(b)',
      (view) => vectorConditionBroken(view) ?? true,
    ),
    eventually(
      'every scripted event and every receive happened',
      (view) => view.recorded().length === scripted + sends,
    ),
  ];
}

export default defineScenario({
  name: 'clocks',
  description: 'Lamport and vector clocks stamped on a 3-process trace, with or without a concurrent pair.',
  params: {
    concurrent: true,
    delayMs: 10,
    bug: oneOf(['none', 'receive-without-max', 'vector-receive-without-merge']),
  },
  build: (params) => {
    const scripts = params.concurrent ? CONCURRENT_SCRIPTS : CHAIN_SCRIPTS;
    const protocol = clockStamping(scripts, BUGS[params.bug]);
    return {
      nodes: Object.fromEntries(PROCESSES.map((process) => [process, protocol])),
      network: { delay: constant(params.delayMs) },
      durationMs: 1_000,
      properties: clockProperties(scripts),
    };
  },
  // `fairlink check examples/clocks.ts`: every interleaving of the scripted events and the
  // deliveries (time is abstract there, so a script's times only order each node's own steps).
  model: (params) => {
    const scripts = params.concurrent ? CONCURRENT_SCRIPTS : CHAIN_SCRIPTS;
    const protocol = clockStamping(scripts, BUGS[params.bug]);
    return actorModel({
      nodes: Object.fromEntries(PROCESSES.map((process) => [process, protocol])),
      network: { semantics: 'unordered' },
      properties: clockProperties(scripts),
    });
  },
});
