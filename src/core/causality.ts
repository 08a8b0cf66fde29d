/**
 * Lamport's happened-before relation between the events that handlers record with
 * `context.record(label, data)`, tracked by the engines themselves, so that a property can ask
 * `view.happenedBefore(a, b)` without the protocol carrying a list of past events in its messages.
 *
 * Design.
 * - **What is recorded.** Only the events a handler records, not every step: a clock-checking
 *   property wants "the events my protocol stamped", and recording every step would make every
 *   protocol pay (and, in the model checker, put every step's past into the explored state).
 * - **How causality is tracked.** Each node has a *causal past*: for every node, how many of its
 *   recorded events happened before this node's present (a vector clock counting recorded events
 *   only). A record adds one to the node's own entry and keeps a copy as the event's stamp. Every
 *   message leaves with its sender's past at the moment of the send (in the engine's envelope,
 *   never in the message), and a delivery merges it into the receiver's past (pointwise maximum)
 *   before the handler runs. So `a -> b` (same node and earlier, or a chain of sends and
 *   receives) exactly when `b`'s stamp counts `a`: `stamp(b)[a.node] > a.index`. A step that
 *   does not end (a fault) records nothing: its effects are discarded.
 * - **Free when unused.** A node that never learnt of a recorded event has no past (`undefined`),
 *   and its messages carry none: an engine pays one field read per send and per delivery. In the
 *   model checker, states and envelopes then have exactly the shape they had before (the same
 *   fingerprints, the same state counts).
 * - **In the model checker** the pasts and the recorded events are part of the explored state
 *   (a state is reached along many paths, and the relation is a fact of the path): each node's
 *   snapshot keeps its past and its own recorded events, and each envelope in flight its sender's
 *   past. Recording therefore multiplies states only where it tells paths apart: two interleavings
 *   of concurrent records reach one state (records are kept per node, not in one global order);
 *   one message sent from two different pasts is two messages. A protocol that records a bounded
 *   number of events adds a bounded factor; one that records on every step of an unbounded run
 *   makes the space infinite, as a growing counter in its state would.
 * - **Crashes** do not erase causality: a recovered node's past and events are those it had.
 *
 * @module
 */

import type { NodeId } from './ids.js';

/**
 * A node's causal past: per node, how many of its recorded events happened before (or are) this
 * point. A node not listed counts 0. Frozen and shared: engines replace it, never change it. Its
 * keys are in sorted order, so that equal pasts are equal text too (the checker keys messages in
 * flight by their text).
 */
export type CausalPast = Readonly<Record<string, number>>;

/** An event a handler recorded with `context.record`, as properties see it. */
export interface RecordedEvent {
  /** The node that recorded it. */
  readonly node: NodeId;
  /** Its place among the node's recorded events: 0 for the first (program order). */
  readonly index: number;
  /** The label given to `context.record`. */
  readonly label: string;
  /** The data given to `context.record` (`null` when none). Do not change it. */
  readonly data: unknown;
}

/** A recorded event with its causal stamp: the recording node's past just after it. */
export interface StampedRecord extends RecordedEvent {
  readonly past: CausalPast;
}

/**
 * `mine` merged with `received` (pointwise maximum): the past of a node that has just received a
 * message sent from `received`. Returns `mine` itself when `received` adds nothing, so that an
 * engine can tell a delivery that changed nothing by identity.
 */
export function mergePast(
  mine: CausalPast | undefined,
  received: CausalPast | undefined,
): CausalPast | undefined {
  if (received === undefined || received === mine) return mine;
  if (mine === undefined) return received;
  let merged: Record<string, number> | undefined;
  for (const node in received) {
    const count = received[node] as number;
    if (count > (mine[node] ?? 0)) (merged ??= { ...mine })[node] = count;
  }
  return merged === undefined ? mine : sortedPast(merged);
}

/** The past of `node` after it records one more event (its own entry plus one). */
export function pastAfterRecord(past: CausalPast | undefined, node: string): CausalPast {
  const count = (past?.[node] ?? 0) + 1;
  // A node already listed keeps its place; a new one makes the keys to sort again.
  return count > 1 ? Object.freeze({ ...past, [node]: count }) : sortedPast({ ...past, [node]: count });
}

/** `past` with its keys in sorted order, frozen. */
function sortedPast(past: Readonly<Record<string, number>>): CausalPast {
  const sorted: Record<string, number> = {};
  for (const node of Object.keys(past).sort()) sorted[node] = past[node] as number;
  return Object.freeze(sorted);
}

/**
 * Records an event at `node` whose past was `past` and who had recorded `recordedBefore` events:
 * the stamped event (its past is the node's new past).
 */
export function stampRecord(
  node: NodeId,
  recordedBefore: number,
  past: CausalPast | undefined,
  label: string,
  data: unknown,
): StampedRecord {
  const after = pastAfterRecord(past, node);
  if (after[node] !== recordedBefore + 1) {
    throw new Error(
      `stampRecord: ${node} has ${recordedBefore} recorded events but its past counts ${after[node]}`,
    );
  }
  return { node, index: recordedBefore, label, data, past: after };
}

/**
 * Lamport's relation: whether `a` happened before `b` (`a -> b`), given `b`'s stamp. Irreflexive:
 * an event did not happen before itself.
 */
export function happenedBeforeStamp(a: RecordedEvent, b: StampedRecord): boolean {
  if (a.node === b.node && a.index === b.index) return false;
  return (b.past[a.node] ?? 0) > a.index;
}

/**
 * The recorded events of every node, node by node in `nodes` order, each node's in program order:
 * an order that does not depend on how concurrent events were interleaved, so that both engines
 * list the same events in the same order for the same causal run.
 */
export function recordedInNodeOrder(
  nodes: readonly string[],
  recordsOf: (node: string) => readonly StampedRecord[] | undefined,
): readonly StampedRecord[] {
  const all: StampedRecord[] = [];
  for (const node of nodes) {
    const records = recordsOf(node);
    if (records !== undefined) for (const record of records) all.push(record);
  }
  return all;
}

/**
 * Finds `event`'s stamped record among `recordsOf(event.node)`; a helpful error when `event` is
 * not an event of this run (a view answers only about the events it listed).
 */
export function stampedRecordOf(
  event: RecordedEvent,
  recordsOf: (node: string) => readonly StampedRecord[] | undefined,
): StampedRecord {
  const record = recordsOf(event.node)?.[event.index];
  if (record === undefined || record.label !== event.label) {
    throw new Error(
      `happenedBefore: ${event.node}'s recorded event #${event.index} ('${event.label}') is not an event of this run (pass events that view.recorded() listed)`,
    );
  }
  return record;
}
