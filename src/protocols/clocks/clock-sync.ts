/**
 * Clock synchronisation by Cristian's algorithm, with the filtering a careful implementation adds.
 *
 * The client asks a time server for its time; the server answers with its clock reading `S`. The
 * client noted its own clock `t0` when it asked and `t1` when the answer came, so the answer was
 * read somewhere within the round trip `rtt = t1 - t0`; assuming it was read half-way, the server's
 * clock at `t1` is `S + rtt / 2`, and the client's *offset* is `S + rtt / 2 - t1`. That estimate is
 * wrong by at most `rtt / 2`, so a short round trip gives a good estimate: the client asks every
 * round and keeps the sample with the smallest round trip among the last few. Only recent samples
 * count, because a drifting clock makes an old offset go stale.
 *
 * The client's synchronised clock is `context.now() + offsetMs`. The server's clock is the
 * reference ("true time"; in a simulation, give the server no clock error).
 *
 * @module
 */

import { defineProtocol, type NodeId, type Protocol } from '../../core/index.js';

/** The two messages of the protocol. */
export type ClockSyncMessage =
  | { readonly type: 'time-request'; readonly id: number }
  | { readonly type: 'time-reply'; readonly id: number; readonly serverMs: number };

/** One completed round: its round trip and the offset it suggests. */
export interface ClockSample {
  readonly rttMs: number;
  readonly offsetMs: number;
}

/** The client's state. */
export interface ClockSyncClientState {
  /** Id of the next request. */
  nextId: number;
  /** Requests still unanswered: id -> local clock when sent. */
  outstanding: Map<number, number>;
  /** The most recent samples, oldest first, at most `windowSize`. */
  samples: ClockSample[];
  /** Add this to the local clock to get the server's time. 0 until the first answer. */
  offsetMs: number;
}

/** The client's one timer: start the next round. */
export type ClockSyncClientTimer = { readonly name: 'round'; readonly data: null };

/** Options of {@link cristianClient}. */
export interface ClockSyncOptions {
  /** The time server. */
  readonly server: string;
  /** Local ms between requests (default 200). */
  readonly roundMs?: number;
  /** How many recent samples compete for the smallest round trip (default 20: the last 4 s at the default pace). */
  readonly windowSize?: number;
}

/** The time server: answers every request with its clock. */
export const timeServer: Protocol<null, ClockSyncMessage> = defineProtocol<null, ClockSyncMessage>({
  name: 'time-server',
  init: () => null,
  onMessage(context, from, message) {
    if (message.type === 'time-request') {
      context.send(from, { type: 'time-reply', id: message.id, serverMs: context.now() });
    }
  },
});

/** The client of Cristian's algorithm. */
export function cristianClient(
  options: ClockSyncOptions,
): Protocol<ClockSyncClientState, ClockSyncMessage, ClockSyncClientTimer> {
  const roundMs = options.roundMs ?? 200;
  const windowSize = options.windowSize ?? 20;
  if (!(roundMs > 0)) throw new RangeError(`cristianClient: roundMs must be > 0, got ${roundMs}`);
  if (!(Number.isInteger(windowSize) && windowSize >= 1)) {
    throw new RangeError(`cristianClient: windowSize must be a whole number >= 1, got ${windowSize}`);
  }
  const server = options.server as NodeId;

  return defineProtocol<ClockSyncClientState, ClockSyncMessage, ClockSyncClientTimer>({
    name: 'cristian-client',
    init: () => ({ nextId: 0, outstanding: new Map(), samples: [], offsetMs: 0 }),

    onBoot(context) {
      context.setTimer('round', 0);
    },

    onTimer(context) {
      const state = context.state;
      const id = state.nextId++;
      state.outstanding.set(id, context.now());
      // Requests older than the window would give samples that the filter would drop anyway;
      // forgetting them bounds the state when answers are lost.
      state.outstanding.delete(id - windowSize);
      context.send(server, { type: 'time-request', id });
      context.setTimer('round', roundMs);
    },

    onMessage(context, from, message) {
      if (message.type !== 'time-reply' || from !== server) return;
      const state = context.state;
      const sentMs = state.outstanding.get(message.id);
      // A duplicate, or an answer to a request we stopped waiting for.
      if (sentMs === undefined) return;
      state.outstanding.delete(message.id);
      const receivedMs = context.now();
      const rttMs = receivedMs - sentMs;
      state.samples.push({ rttMs, offsetMs: message.serverMs + rttMs / 2 - receivedMs });
      if (state.samples.length > windowSize) state.samples.shift();
      let best = state.samples[0] as ClockSample;
      for (const sample of state.samples) if (sample.rttMs < best.rttMs) best = sample;
      state.offsetMs = best.offsetMs;
    },
  });
}

/** A node clock as `NodeSpec.clock` sets it: offset at boot and rate error. */
export interface ClockError {
  readonly skewMs?: number;
  readonly drift?: number;
}

/**
 * What a node's `context.now()` reads at simulated true time `trueMs` when its clock was set by
 * `NodeSpec.clock` (and no clock fault changed it since): `skewMs + trueMs * (1 + drift)`.
 * Properties need it because they see true time, not the node's clock.
 */
export function localClockAt(clock: ClockError, trueMs: number): number {
  return (clock.skewMs ?? 0) + trueMs * (1 + (clock.drift ?? 0));
}

/**
 * The relative error of a synchronised clock at true time `trueMs` (> 0): how far its reading
 * `localClockAt(clock, trueMs) + offsetMs` is from `trueMs`, as a fraction of the true time
 * elapsed since boot: `|reading - trueMs| / trueMs`.
 */
export function clockSyncRelativeError(clock: ClockError, offsetMs: number, trueMs: number): number {
  if (!(trueMs > 0)) throw new RangeError(`clockSyncRelativeError: trueMs must be > 0, got ${trueMs}`);
  return Math.abs(localClockAt(clock, trueMs) + offsetMs - trueMs) / trueMs;
}
