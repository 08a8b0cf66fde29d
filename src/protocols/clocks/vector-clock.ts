/**
 * Vector clocks: one counter per process, so that comparing two stamps tells exactly whether one
 * event happened before the other.
 *
 * The rules: before each local event or send, a process increments its own entry; each message
 * carries the sender's vector; a receiver takes the pointwise maximum of its vector and the
 * message's (the *merge*), then increments its own entry. Then for events `a` and `b`:
 * `a → b` if and only if `V(a) < V(b)` (every entry `<=`, and the vectors differ).
 *
 * Vectors are plain objects from process name to counter; a missing entry counts as 0, so a
 * vector only names the processes it has heard of and stays plain data for traces and messages.
 *
 * @module
 */

/** A vector timestamp: process name -> number of that process's events it has seen. */
export type VectorClock = Readonly<Record<string, number>>;

/** How two vector stamps relate. Equal vectors count as `concurrent` (the lab's convention). */
export type ClockOrder = 'before' | 'after' | 'concurrent';

/** The vector of a process that has seen no event. */
export const VECTOR_ZERO: VectorClock = Object.freeze({});

function entry(clock: VectorClock, process: string): number {
  return Object.prototype.hasOwnProperty.call(clock, process) ? (clock[process] as number) : 0;
}

/** A local event or a send at `process`: its own entry moves one step. */
export function vectorTick(clock: VectorClock, process: string): VectorClock {
  return { ...clock, [process]: entry(clock, process) + 1 };
}

/** Pointwise maximum: everything either stamp has seen. Commutative, associative, idempotent. */
export function vectorMerge(a: VectorClock, b: VectorClock): VectorClock {
  const merged: Record<string, number> = { ...a };
  for (const [process, count] of Object.entries(b)) merged[process] = Math.max(entry(a, process), count);
  return merged;
}

/** A receive at `process` of a message stamped `received`: merge, then tick. */
export function vectorReceive(clock: VectorClock, process: string, received: VectorClock): VectorClock {
  return vectorTick(vectorMerge(clock, received), process);
}

/**
 * Compares two stamps: `before` when `a` happened before `b` (every entry of `a` at most `b`'s,
 * and some entry smaller), `after` for the reverse, otherwise `concurrent` (neither could have
 * influenced the other; equal vectors land here too, as the lab asks).
 */
export function compareVectors(a: VectorClock, b: VectorClock): ClockOrder {
  let aSmaller = false;
  let bSmaller = false;
  for (const process of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const difference = entry(a, process) - entry(b, process);
    if (difference < 0) aSmaller = true;
    if (difference > 0) bSmaller = true;
  }
  if (aSmaller && !bSmaller) return 'before';
  if (bSmaller && !aSmaller) return 'after';
  return 'concurrent';
}

/** Whether the event stamped `a` happened before the event stamped `b`. */
export function happenedBefore(a: VectorClock, b: VectorClock): boolean {
  return compareVectors(a, b) === 'before';
}
