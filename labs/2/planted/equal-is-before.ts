/**
 * Planted bug (lab 2): `compareVectors` orders with "every entry <=" instead of "<= and not
 * equal", so two equal clocks come out `before`. Loses the comparison test's equal cases only;
 * the rest is fairlink's own.
 */
import type { ClockOrder, VectorClock } from 'fairlink/protocols';

export {
  cristianClient,
  lamportReceive,
  lamportTick,
  timeServer,
  vectorMerge,
  vectorReceive,
  vectorTick,
  type ClockSyncClientState,
} from 'fairlink/protocols';

export function compareVectors(a: VectorClock, b: VectorClock): ClockOrder {
  const processes = new Set([...Object.keys(a), ...Object.keys(b)]);
  const entry = (clock: VectorClock, process: string): number => clock[process] ?? 0;
  if ([...processes].every((process) => entry(a, process) <= entry(b, process))) return 'before';
  if ([...processes].every((process) => entry(b, process) <= entry(a, process))) return 'after';
  return 'concurrent';
}
