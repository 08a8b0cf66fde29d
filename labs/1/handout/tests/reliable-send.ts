/**
 * Lab 1's tests of `reliableSend`: a sender pings a receiver over a faulty link. Written by the
 * course kit (`fairlink lab test` writes this file afresh before each run: edit protocol.ts only).
 *
 *   npx fairlink sim tests/reliable-send.ts --seeds 1..20 --param dropRate=0.2
 */
import { always, type SystemView } from 'fairlink/core';
import { constant, defineScenario, eventually, exponential, oneOf, type TimedFault } from 'fairlink/sim';
import { pingReceiver, reliableSender, type ReliableSenderState } from '../protocol.js';

/** The finished sends. */
function results(view: SystemView): ReliableSenderState['results'] {
  return view.state<ReliableSenderState>('sender')?.results ?? [];
}

/** The median of the tries of the finished sends. */
function medianTries(view: SystemView): number {
  const tries = results(view)
    .map((result) => result.tries)
    .sort((a, b) => a - b);
  const middle = tries.length >> 1;
  return tries.length % 2 === 1
    ? (tries[middle] as number)
    : ((tries[middle - 1] as number) + (tries[middle] as number)) / 2;
}

export default defineScenario({
  name: 'lab1-reliable-send',
  description: 'Lab 1: reliableSend retransmits until acknowledged, counts its tries, fails at its timeout.',
  params: {
    dropRate: 0.2,
    duplicateRate: 0,
    delayMs: 10,
    delay: oneOf(['exponential', 'constant']),
    ordering: oneOf(['unordered', 'fifo']),
    resendMs: 10,
    timeoutMs: 1_000,
    pings: 1,
    acknowledge: true,
    /** `one`: every send takes exactly one try; `median10`: the median over the pings is at most 10. */
    tries: oneOf(['any', 'one', 'median10']),
    /** The receiver crashes at 1 ms and restarts this many ms later (0: never). */
    receiverDownMs: 0,
    /** The receiver is cut off from 0 ms for this long (0: never). */
    partitionMs: 0,
  },
  seeds: 20,
  build: (params) => {
    const faults: TimedFault[] = [];
    if (params.receiverDownMs > 0)
      faults.push({
        atMs: 1,
        fault: { kind: 'crash-recover', node: 'receiver', downMs: params.receiverDownMs },
      });
    if (params.partitionMs > 0)
      faults.push({
        atMs: 0,
        fault: { kind: 'partition', shape: { kind: 'isolate', node: 'receiver' }, forMs: params.partitionMs },
      });
    const allDone = (view: SystemView): boolean => results(view).length === params.pings;
    return {
      nodes: {
        // In the `nodes` group (not `clients`): partitions cut among that group's nodes.
        sender: reliableSender({
          to: 'receiver',
          pings: params.pings,
          resendMs: params.resendMs,
          timeoutMs: params.timeoutMs,
        }),
        receiver: pingReceiver({ acknowledge: params.acknowledge }),
      },
      network: {
        drop: params.dropRate,
        duplicate: params.duplicateRate,
        ordering: params.ordering,
        delay: params.delay === 'constant' ? constant(params.delayMs) : exponential(params.delayMs),
      },
      faults,
      durationMs: params.pings * params.timeoutMs + 1,
      properties: [
        always(
          'a send counts at least one try',
          (view) =>
            results(view).every((result) => result.tries >= 1) ||
            `tries: ${results(view)
              .map((r) => r.tries)
              .join(' ')}`,
        ),
        params.acknowledge
          ? eventually(
              'every ping is acknowledged',
              (view) => allDone(view) && results(view).every((result) => result.outcome === 'acknowledged'),
            )
          : eventually(
              `every send fails at its timeout (${params.timeoutMs} ms)`,
              (view) =>
                allDone(view) &&
                results(view).every(
                  (result) => result.outcome === 'failed' && result.elapsedMs === params.timeoutMs,
                ),
            ),
        ...(params.tries === 'one'
          ? [
              always(
                'every send takes exactly 1 try',
                (view) =>
                  results(view).every((result) => result.tries === 1) ||
                  `tries: ${results(view)
                    .map((result) => result.tries)
                    .join(' ')}`,
              ),
            ]
          : []),
        ...(params.tries === 'median10'
          ? [
              eventually(
                'the median number of tries is at most 10',
                (view) => allDone(view) && medianTries(view) <= 10,
              ),
            ]
          : []),
      ],
      stopWhen: allDone,
    };
  },
});
