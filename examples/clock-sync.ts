/**
 * Lab 2's clock synchronisation: Cristian's algorithm brings a skewed, drifting clock within
 * 0.3% of true time, under 10 ms delay or under 5% loss with 100 ms delay.
 *
 * The client's clock starts `skewMs` ahead and runs `drift` fast (0.001: one extra ms per
 * second). Every `roundMs` it asks the time server, estimates its offset from the answer and the
 * round trip (`server time + rtt / 2 - local time`), and keeps the estimate with the smallest
 * round trip among the last `windowSize` rounds.
 *
 * Relative error, precisely: at true time `t`, the client's synchronised clock reads
 * `now() + offsetMs`, where `now()` is `skewMs + t * (1 + drift)`; the relative error is
 * `|reading - t| / t`. The invariant checks it at every step from `checkFromMs` (20 s) on.
 *
 * What to look for: the client's `samples` (round trips and offsets) and `offsetMs` converging to
 * about `-skewMs - drift * t`; with `dropRate=0.05 delayMeanMs=100`, fewer and noisier samples,
 * still within the bound. Without synchronisation the error would be `skewMs / t + drift`.
 *
 * Run it: `fairlink sim examples/clock-sync.ts --seeds 1..50 --param dropRate=0.05 --param delayMeanMs=100`.
 */
import { defineScenario, exponential, invariant } from 'fairlink/sim';
import {
  clockSyncRelativeError,
  cristianClient,
  timeServer,
  type ClockSyncClientState,
} from 'fairlink/protocols';

export default defineScenario({
  name: 'clock-sync',
  description:
    "Cristian's algorithm with smallest-round-trip filtering: relative error at most 0.003 after 20 s.",
  params: {
    dropRate: 0,
    delayMeanMs: 10,
    skewMs: 5_000,
    drift: 0.001,
    roundMs: 200,
    windowSize: 20,
    checkFromMs: 20_000,
    maxRelativeError: 0.003,
    durationMs: 21_000,
  },
  seeds: 50,
  build: (params) => {
    const clock = { skewMs: params.skewMs, drift: params.drift };
    return {
      nodes: {
        server: timeServer,
        client: {
          protocol: cristianClient({
            server: 'server',
            roundMs: params.roundMs,
            windowSize: params.windowSize,
          }),
          clock,
        },
      },
      network: { drop: params.dropRate, delay: exponential(params.delayMeanMs) },
      durationMs: params.durationMs,
      properties: [
        invariant(
          `relative error at most ${params.maxRelativeError} from ${params.checkFromMs} ms`,
          (view) => {
            const client = view.state<ClockSyncClientState>('client');
            if (view.now < params.checkFromMs || client === undefined) return true;
            const error = clockSyncRelativeError(clock, client.offsetMs, view.now);
            return error <= params.maxRelativeError || `relative error ${error.toFixed(5)} at ${view.now} ms`;
          },
        ),
      ],
    };
  },
});
