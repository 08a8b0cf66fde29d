/**
 * A protocol that stamps every event and message with both clocks, so that a run's causality can
 * be read off its events: the lab's "traces of 3 processes".
 *
 * Each node follows a script of local events and sends at given local times; every message
 * carries the sender's Lamport time and vector; every receive updates both clocks by the rules of
 * `lamport-clock.ts` and `vector-clock.ts`. The node keeps the list of its stamped events, which
 * properties and tests compare pairwise.
 *
 * @module
 */

import { defineProtocol, type NodeId, type Protocol } from '../../core/index.js';
import { lamportReceive, lamportTick, LAMPORT_ZERO, type LamportTime } from './lamport-clock.js';
import { vectorReceive, vectorTick, VECTOR_ZERO, type VectorClock } from './vector-clock.js';

/** One step of a node's script, at `atMs` of its local clock after boot. */
export type ScriptedEvent =
  | { readonly atMs: number; readonly kind: 'local'; readonly label: string }
  | { readonly atMs: number; readonly kind: 'send'; readonly to: string; readonly label: string };

/** An event as it happened, with its stamps. A receive is labelled by the send it receives. */
export interface StampedEvent {
  readonly node: string;
  readonly kind: 'local' | 'send' | 'receive';
  readonly label: string;
  readonly lamport: LamportTime;
  readonly vector: VectorClock;
}

/** The one message: a send's label and the sender's stamps. */
export interface StampedMessage {
  readonly type: 'stamped';
  readonly label: string;
  readonly lamport: LamportTime;
  readonly vector: VectorClock;
}

/** A node's state: its two clocks and the events it has stamped so far. */
export interface ClockStampingState {
  lamport: LamportTime;
  vector: VectorClock;
  /** Index of the next scripted step. */
  nextStep: number;
  events: StampedEvent[];
}

/** The one timer: `data` is the index of the scripted step it runs. */
export type ClockStampingTimer = { readonly name: 'script'; readonly data: number };

/** Scripts per node name; a node with no script only receives. */
export type ClockScripts = Readonly<Record<string, readonly ScriptedEvent[]>>;

/**
 * The stamping protocol for a set of scripts. Every node of the system runs it; each reads its
 * own script by name.
 */
export function clockStamping(
  scripts: ClockScripts,
): Protocol<ClockStampingState, StampedMessage, ClockStampingTimer> {
  for (const [node, script] of Object.entries(scripts)) {
    script.forEach((event, index) => {
      const previous = index === 0 ? 0 : (script[index - 1] as ScriptedEvent).atMs;
      if (!(Number.isFinite(event.atMs) && event.atMs >= previous)) {
        throw new RangeError(
          `clockStamping: ${node}'s script must have non-decreasing atMs >= 0 (step ${index})`,
        );
      }
    });
  }
  const scriptOf = (node: NodeId): readonly ScriptedEvent[] => scripts[node] ?? [];

  return defineProtocol<ClockStampingState, StampedMessage, ClockStampingTimer>({
    name: 'clock-stamping',
    init: () => ({ lamport: LAMPORT_ZERO, vector: VECTOR_ZERO, nextStep: 0, events: [] }),

    onBoot(context) {
      const first = scriptOf(context.id)[0];
      if (first) context.setTimer('script', first.atMs, 0);
    },

    onTimer(context, timer) {
      const script = scriptOf(context.id);
      const step = script[timer.data];
      if (!step) return;
      const state = context.state;
      // A local event and a send are both events of this process: tick both clocks.
      state.lamport = lamportTick(state.lamport);
      state.vector = vectorTick(state.vector, context.id);
      state.events.push({
        node: context.id,
        kind: step.kind,
        label: step.label,
        lamport: state.lamport,
        vector: state.vector,
      });
      if (step.kind === 'send') {
        context.send(step.to as NodeId, {
          type: 'stamped',
          label: step.label,
          lamport: state.lamport,
          vector: state.vector,
        });
      }
      state.nextStep = timer.data + 1;
      const next = script[state.nextStep];
      if (next) context.setTimer('script', next.atMs - step.atMs, state.nextStep);
    },

    onMessage(context, _from, message) {
      const state = context.state;
      // The receive comes after the send and after everything this process did before.
      state.lamport = lamportReceive(state.lamport, message.lamport);
      state.vector = vectorReceive(state.vector, context.id, message.vector);
      state.events.push({
        node: context.id,
        kind: 'receive',
        label: message.label,
        lamport: state.lamport,
        vector: state.vector,
      });
    },
  });
}
