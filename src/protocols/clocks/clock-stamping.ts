/**
 * A protocol that stamps every event and message with both clocks: the lab's "traces of 3
 * processes".
 *
 * Each node follows a script of local events and sends at given local times; every message
 * carries the sender's Lamport time and vector (the clocks' own data, nothing else); every
 * receive updates both clocks by the rules of `lamport-clock.ts` and `vector-clock.ts`. Each
 * event is recorded (`context.record`) with its stamps, so that properties can hold the clocks
 * against the engine's own happened-before relation (`view.happenedBefore`), which the protocol
 * neither keeps nor sends: no list of past events rides in the messages or the trace.
 *
 * @module
 */

import {
  defineProtocol,
  type NodeId,
  type Protocol,
  type RecordedEvent,
  type SystemView,
} from '../../core/index.js';
import { lamportReceive, lamportTick, LAMPORT_ZERO, type LamportTime } from './lamport-clock.js';
import { compareVectors, vectorReceive, vectorTick, VECTOR_ZERO, type VectorClock } from './vector-clock.js';

/** One step of a node's script, at `atMs` of its local clock after boot. */
export type ScriptedEvent =
  | { readonly atMs: number; readonly kind: 'local'; readonly label: string }
  | { readonly atMs: number; readonly kind: 'send'; readonly to: string; readonly label: string };

/** The stamps a node records with each event (`context.record(label, stamps)`). */
export interface EventStamps {
  readonly kind: 'local' | 'send' | 'receive';
  readonly lamport: LamportTime;
  readonly vector: VectorClock;
}

/**
 * A recorded event with its stamps, as {@link stampedEvents} lists it: a {@link RecordedEvent},
 * so `view.happenedBefore` takes it. A receive is labelled by the send it receives.
 */
export interface StampedEvent extends RecordedEvent, EventStamps {}

/** The one message: a send's label and the sender's stamps. */
export interface StampedMessage {
  readonly type: 'stamped';
  readonly label: string;
  readonly lamport: LamportTime;
  readonly vector: VectorClock;
}

/** A node's state: its two clocks. */
export interface ClockStampingState {
  lamport: LamportTime;
  vector: VectorClock;
  /** Index of the next scripted step. */
  nextStep: number;
}

/** The one timer: `data` is the index of the scripted step it runs. */
export type ClockStampingTimer = { readonly name: 'script'; readonly data: number };

/** Scripts per node name; a node with no script only receives. */
export type ClockScripts = Readonly<Record<string, readonly ScriptedEvent[]>>;

/**
 * The receive rules the protocol applies; by default those of `lamport-clock.ts` and
 * `vector-clock.ts`. Another rule plants a bug for the clock properties to find.
 */
export interface ClockReceiveRules {
  readonly lamportReceive?: (clock: LamportTime, received: LamportTime) => LamportTime;
  readonly vectorReceive?: (clock: VectorClock, process: string, received: VectorClock) => VectorClock;
}

/**
 * The stamping protocol for a set of scripts. Every node of the system runs it; each reads its
 * own script by name.
 */
export function clockStamping(
  scripts: ClockScripts,
  rules: ClockReceiveRules = {},
): Protocol<ClockStampingState, StampedMessage, ClockStampingTimer> {
  const receiveLamport = rules.lamportReceive ?? lamportReceive;
  const receiveVector = rules.vectorReceive ?? vectorReceive;
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
    init: () => ({ lamport: LAMPORT_ZERO, vector: VECTOR_ZERO, nextStep: 0 }),

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
      context.record(step.label, stampsOf(step.kind, state));
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
      state.lamport = receiveLamport(state.lamport, message.lamport);
      state.vector = receiveVector(state.vector, context.id, message.vector);
      context.record(message.label, stampsOf('receive', state));
    },
  });
}

function stampsOf(kind: EventStamps['kind'], state: ClockStampingState): EventStamps {
  return { kind, lamport: state.lamport, vector: state.vector };
}

/** Every event the stamping protocol recorded so far, with its stamps, in `view.recorded()`'s order. */
export function stampedEvents(view: SystemView): StampedEvent[] {
  return view.recorded().map((event) => ({ ...event, ...(event.data as EventStamps) }));
}

/**
 * The clock condition, against the engine's happened-before: `a -> b` implies `L(a) < L(b)`.
 * `undefined` when it holds, else a sentence naming a pair that breaks it.
 */
export function lamportConditionBroken(view: SystemView): string | undefined {
  const events = stampedEvents(view);
  for (const a of events) {
    for (const b of events) {
      if (view.happenedBefore(a, b) && !(a.lamport < b.lamport)) {
        return `${nameOf(a)} happened before ${nameOf(b)} but L = ${a.lamport} >= ${b.lamport}`;
      }
    }
  }
  return undefined;
}

/**
 * Vector clocks characterise causality, against the engine's happened-before: `a -> b` if and
 * only if `V(a) < V(b)`. `undefined` when it holds, else a sentence naming a pair that breaks it.
 */
export function vectorConditionBroken(view: SystemView): string | undefined {
  const events = stampedEvents(view);
  for (const a of events) {
    for (const b of events) {
      const causal = view.happenedBefore(a, b);
      if (causal !== (compareVectors(a.vector, b.vector) === 'before')) {
        const vectors = `${JSON.stringify(a.vector)} vs ${JSON.stringify(b.vector)}`;
        return causal
          ? `${nameOf(a)} happened before ${nameOf(b)} but V(a) < V(b) does not hold (${vectors})`
          : `V(${nameOf(a)}) < V(${nameOf(b)}) (${vectors}) but ${nameOf(a)} did not happen before ${nameOf(b)}`;
      }
    }
  }
  return undefined;
}

function nameOf(event: StampedEvent): string {
  return `${event.node}:${event.kind}:${event.label}`;
}
