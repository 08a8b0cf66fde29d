/**
 * Lab 2's tests of clock synchronisation: a client whose clock is 5 s off and drifts 0.1% syncs
 * with a time server. Written by the course kit (`fairlink lab test` writes this file afresh
 * before each run: edit protocol.ts only).
 *
 *   npx fairlink sim tests/clock-sync.ts --seeds 1..5 --param dropRate=0.05 --param delayMeanMs=100
 */
import { invariant } from 'fairlink/core';
import { defineScenario, exponential, type TimedFault } from 'fairlink/sim';
import { cristianClient, timeServer, type ClockSyncClientState } from '../protocol.js';

export default defineScenario({
  name: 'lab2-clock-sync',
  description: "Lab 2: Cristian's algorithm keeps the client's estimate of the server's clock close.",
  params: {
    dropRate: 0,
    duplicateRate: 0,
    delayMeanMs: 10,
    skewMs: 5_000,
    drift: 0.001,
    checkFromMs: 20_000,
    maxRelativeError: 0.003,
    durationMs: 21_000,
    /** The server crashes at 5 s and restarts this many ms later (0: never). */
    serverDownMs: 0,
  },
  seeds: 5,
  build: (params) => {
    const clock = { skewMs: params.skewMs, drift: params.drift };
    const faults: TimedFault[] =
      params.serverDownMs > 0
        ? [{ atMs: 5_000, fault: { kind: 'crash-recover', node: 'server', downMs: params.serverDownMs } }]
        : [];
    return {
      nodes: {
        server: timeServer,
        client: { protocol: cristianClient({ server: 'server' }), clock },
      },
      network: {
        drop: params.dropRate,
        duplicate: params.duplicateRate,
        delay: exponential(params.delayMeanMs),
      },
      faults,
      durationMs: params.durationMs,
      properties: [
        invariant(
          `relative error at most ${params.maxRelativeError} from ${params.checkFromMs} ms`,
          (view) => {
            const client = view.state<ClockSyncClientState>('client');
            if (view.now < params.checkFromMs || client === undefined) return true;
            // The client's local clock, as the scenario set it, plus its estimate, against true time.
            const local = clock.skewMs + view.now * (1 + clock.drift);
            const error = Math.abs(local + client.offsetMs - view.now) / view.now;
            return error <= params.maxRelativeError || `relative error ${error.toFixed(5)} at ${view.now} ms`;
          },
        ),
      ],
    };
  },
});
