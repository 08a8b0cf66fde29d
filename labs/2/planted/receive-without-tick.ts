/**
 * Planted bug (lab 2): a receive takes the maximum of the clocks but forgets to count the receive
 * itself as an event (no +1, no tick). Loses the two receive rules; the rest is fairlink's own.
 */
import { vectorMerge, type LamportTime, type VectorClock } from 'fairlink/protocols';

export {
  compareVectors,
  cristianClient,
  lamportTick,
  timeServer,
  vectorMerge,
  vectorTick,
  type ClockSyncClientState,
} from 'fairlink/protocols';

export function lamportReceive(clock: LamportTime, received: LamportTime): LamportTime {
  return Math.max(clock, received);
}

export function vectorReceive(clock: VectorClock, _process: string, received: VectorClock): VectorClock {
  return vectorMerge(clock, received);
}
