/**
 * Lamport clocks: a counter per process that orders events consistently with causality.
 *
 * The lecture's rules: before each local event or send, increment the counter; stamp each
 * message with it; on receiving a message stamped `t`, set the counter to `max(counter, t) + 1`.
 * Then `a → b` (a happened before b) implies `L(a) < L(b)`: the *clock condition*. The converse
 * does not hold: `L(a) < L(b)` says nothing about whether `a` could have influenced `b`; that is
 * what vector clocks add.
 *
 * @module
 */

/** A Lamport timestamp: a natural number. */
export type LamportTime = number;

/** The clock of a process that has seen no event yet. */
export const LAMPORT_ZERO: LamportTime = 0;

function requireTime(where: string, time: LamportTime): void {
  if (!(Number.isSafeInteger(time) && time >= 0)) {
    throw new RangeError(`${where}: a Lamport time is a whole number >= 0, got ${String(time)}`);
  }
}

/** A local event or a send: the counter moves one step. Returns the event's timestamp. */
export function lamportTick(clock: LamportTime): LamportTime {
  requireTime('lamportTick', clock);
  return clock + 1;
}

/**
 * A receive of a message stamped `received`: jump past both the local history and the sender's,
 * so that the receive comes after the send. Returns the receive event's timestamp.
 */
export function lamportReceive(clock: LamportTime, received: LamportTime): LamportTime {
  requireTime('lamportReceive', clock);
  requireTime('lamportReceive', received);
  return Math.max(clock, received) + 1;
}
