/**
 * Planted bug (lab 2): the clock-sync client trusts the latest sample instead of the one with the
 * smallest round trip, so one lopsided round trip (a slow request, a fast reply) throws its
 * estimate off by up to half that round trip. Fine with short delays, wrong with long ones. The
 * rest is fairlink's own.
 */
import { defineProtocol, type NodeId, type Protocol } from 'fairlink/core';
import type { ClockSyncClientState, ClockSyncMessage, ClockSyncOptions } from 'fairlink/protocols';

export {
  compareVectors,
  lamportReceive,
  lamportTick,
  timeServer,
  vectorMerge,
  vectorReceive,
  vectorTick,
  type ClockSyncClientState,
} from 'fairlink/protocols';

export function cristianClient(options: ClockSyncOptions): Protocol<ClockSyncClientState, ClockSyncMessage> {
  const server = options.server as NodeId;
  const roundMs = options.roundMs ?? 200;
  return defineProtocol<ClockSyncClientState, ClockSyncMessage>({
    name: 'cristian-client',
    init: () => ({ nextId: 0, outstanding: new Map(), samples: [], offsetMs: 0 }),
    onBoot(context) {
      context.setTimer('round', 0);
    },
    onTimer(context) {
      const id = context.state.nextId++;
      context.state.outstanding.set(id, context.now());
      context.send(server, { type: 'time-request', id });
      context.setTimer('round', roundMs);
    },
    onMessage(context, from, message) {
      if (message.type !== 'time-reply' || from !== server) return;
      const sentMs = context.state.outstanding.get(message.id);
      if (sentMs === undefined) return;
      context.state.outstanding.delete(message.id);
      const rttMs = context.now() - sentMs;
      const offsetMs = message.serverMs + rttMs / 2 - context.now();
      context.state.samples = [{ rttMs, offsetMs }];
      context.state.offsetMs = offsetMs;
    },
  });
}
