/**
 * Lab 2: Lamport and vector clocks, and clock synchronisation.
 *
 * The types and signatures below are fixed: the lab's tests call them. Write the bodies marked
 * `TODO`; each throws until you do, so `npx fairlink lab test 2` names what is left. Clock
 * functions are pure: they return a new clock and never change the one they are given.
 */
import { defineProtocol, type NodeId, type Protocol } from 'fairlink/core';

// ---------------------------------------------------------------------------------------------
// Part 1: Lamport clocks
// ---------------------------------------------------------------------------------------------

/** A Lamport time: a whole number >= 0. */
export type LamportTime = number;

/** A local event or a send: the clock after it. */
export function lamportTick(clock: LamportTime): LamportTime {
  throw new Error(`TODO (lab 2, part 1): lamportTick(${clock})`);
}

/** A receive of a message stamped `received`: the clock after it. */
export function lamportReceive(clock: LamportTime, received: LamportTime): LamportTime {
  throw new Error(`TODO (lab 2, part 1): lamportReceive(${clock}, ${received})`);
}

// ---------------------------------------------------------------------------------------------
// Part 2: vector clocks
// ---------------------------------------------------------------------------------------------

/** A vector clock: process name -> count; a process not listed counts 0. */
export type VectorClock = Readonly<Record<string, number>>;

/** How two vector clocks compare. Equal clocks count as `concurrent`. */
export type ClockOrder = 'before' | 'after' | 'concurrent';

/** A local event or a send at `process`: the clock after it. */
export function vectorTick(clock: VectorClock, process: string): VectorClock {
  throw new Error(`TODO (lab 2, part 2): vectorTick(${JSON.stringify(clock)}, ${process})`);
}

/** The pointwise maximum of two clocks. */
export function vectorMerge(a: VectorClock, b: VectorClock): VectorClock {
  throw new Error(`TODO (lab 2, part 2): vectorMerge(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
}

/** A receive at `process` of a message stamped `received`: merge, then tick. */
export function vectorReceive(clock: VectorClock, process: string, received: VectorClock): VectorClock {
  throw new Error(
    `TODO (lab 2, part 2): vectorReceive(${JSON.stringify(clock)}, ${process}, ${JSON.stringify(received)})`,
  );
}

/** `before` when `a` happened before `b`, `after` when `b` happened before `a`, else `concurrent`. */
export function compareVectors(a: VectorClock, b: VectorClock): ClockOrder {
  throw new Error(`TODO (lab 2, part 2): compareVectors(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
}

// ---------------------------------------------------------------------------------------------
// Part 3: clock synchronisation (Cristian's algorithm)
// ---------------------------------------------------------------------------------------------

/** The client asks for the time; the server answers with its clock, `context.now()`. */
export type ClockSyncMessage =
  | { readonly type: 'time-request'; readonly id: number }
  | { readonly type: 'time-reply'; readonly id: number; readonly serverMs: number };

/** One answered request, as the client measured it. */
export interface ClockSample {
  /** Local ms from request to reply. */
  readonly rttMs: number;
  /** What to add to the local clock to read the server's, by this sample. */
  readonly offsetMs: number;
}

/** The client's state. */
export interface ClockSyncClientState {
  /** The id of the next request. */
  nextId: number;
  /** Requests not yet answered: id -> local send time. */
  outstanding: Map<number, number>;
  /** The latest samples, at most `windowSize` of them. */
  samples: ClockSample[];
  /** The client's estimate: local clock + offsetMs = the server's clock. */
  offsetMs: number;
}

/** Options of {@link cristianClient}. */
export interface ClockSyncOptions {
  readonly server: string;
  /** Local ms between requests (default 200). */
  readonly roundMs?: number;
  /** How many recent samples to keep (default 20). */
  readonly windowSize?: number;
}

/** The time server: answers each request with its own clock. */
export const timeServer: Protocol<null, ClockSyncMessage> = defineProtocol<null, ClockSyncMessage>({
  name: 'time-server',
  init: () => null,
  onMessage() {
    throw new Error('TODO (lab 2, part 3): timeServer.onMessage: answer with context.now()');
  },
});

/**
 * The client: asks the server for the time every `roundMs`; each reply gives a sample; the
 * estimate `offsetMs` is the offset of the sample with the smallest round trip in the window
 * (the one whose delays can be least lopsided).
 */
export function cristianClient(options: ClockSyncOptions): Protocol<ClockSyncClientState, ClockSyncMessage> {
  const server = options.server as NodeId;
  return defineProtocol<ClockSyncClientState, ClockSyncMessage>({
    name: 'cristian-client',
    init: () => ({ nextId: 0, outstanding: new Map(), samples: [], offsetMs: 0 }),
    onBoot() {
      throw new Error(`TODO (lab 2, part 3): cristianClient.onBoot: start asking ${server} for the time`);
    },
    onTimer() {
      throw new Error('TODO (lab 2, part 3): cristianClient.onTimer: send a time-request');
    },
    onMessage() {
      throw new Error('TODO (lab 2, part 3): cristianClient.onMessage: a reply gives a sample');
    },
  });
}
