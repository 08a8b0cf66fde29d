/**
 * Lab 2's Lamport and vector clocks on traces of 3 processes, with and without a concurrent pair.
 *
 * Each process follows a script of local events and sends; every message carries the sender's
 * Lamport time and vector; every event is stamped with both. With `concurrent=false` the events
 * form one causal chain (p1 sends to p2, which then sends to p3): every two events are ordered.
 * With `concurrent=true`, p3 also does a local event `x` that nothing before or after it in p1
 * and p2 knows about: `x` is concurrent with p1's and p2's events.
 *
 * What to look for: in the nodes' `events`, the vectors compare `before`/`after` exactly along
 * message chains and `concurrent` elsewhere, while Lamport times order every pair, even
 * concurrent ones (`L(a) < L(b)` does not mean `a` happened before `b`). The invariant is the
 * clock condition: `a` happened before `b` implies `L(a) < L(b)`.
 *
 * Run it: `fairlink sim examples/clocks.ts --param concurrent=false`.
 */
import { constant, defineScenario, eventually, invariant, type SystemView } from 'fairlink/sim';
import {
  clockStamping,
  happenedBefore,
  type ClockScripts,
  type ClockStampingState,
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
  return PROCESSES.flatMap((process) => view.state<ClockStampingState>(process)?.events ?? []);
}

/** Parameters, typed so that `concurrent` is any boolean rather than the literal `true`. */
type ClocksParams = { readonly concurrent: boolean; readonly delayMs: number };

export default defineScenario<ClocksParams>({
  name: 'clocks',
  description: 'Lamport and vector clocks stamped on a 3-process trace, with or without a concurrent pair.',
  params: { concurrent: true, delayMs: 10 },
  build: (params) => {
    const scripts = params.concurrent ? CONCURRENT_SCRIPTS : CHAIN_SCRIPTS;
    const scripted = Object.values(scripts).reduce((count, script) => count + script.length, 0);
    const sends = Object.values(scripts).reduce(
      (count, script) => count + script.filter((event) => event.kind === 'send').length,
      0,
    );
    const protocol = clockStamping(scripts);
    return {
      nodes: Object.fromEntries(PROCESSES.map((process) => [process, protocol])),
      network: { delay: constant(params.delayMs) },
      durationMs: 1_000,
      properties: [
        invariant('clock condition: happened before implies a smaller Lamport time', (view) => {
          const events = allEvents(view);
          for (const a of events) {
            for (const b of events) {
              if (happenedBefore(a.vector, b.vector) && !(a.lamport < b.lamport)) {
                return `${a.node}:${a.label} happened before ${b.node}:${b.label} but L = ${a.lamport} >= ${b.lamport}`;
              }
            }
          }
          return true;
        }),
        eventually(
          'every scripted event and every receive happened',
          (view) => allEvents(view).length === scripted + sends,
        ),
      ],
    };
  },
});
