/**
 * Lab 1's `reliableSend(dest, msg, timeout)`: retransmit until acknowledged, and report the
 * number of tries, or fail once the timeout passes.
 *
 * The sender pings the receiver `pings` times, one after the other; each ping is a client
 * operation in the history (`invoke send`, then `ok {tries}` or `fail {tries}`). The lab's cases
 * are parameter settings:
 * - one ping through 20% loss and 10 ms mean delay (the defaults): acknowledged;
 * - `acknowledge=false dropRate=0`: the receiver never answers, the send fails at `timeoutMs`;
 * - `dropRate=0 delayKind=constant delayMs=1`: exactly 1 try;
 * - `dropRate=0 pings=10`: the median of the tries is small (the lab asks at most 10).
 *
 * What to look for: the `tries` of each `ok` in the history, and in the trace the resend timer
 * firing while the first copy is still in flight (tries above 1 without any loss).
 *
 * Run it: `fairlink sim examples/reliable-send.ts --seeds 1..50 --param pings=10`.
 */
import { InputError } from 'fairlink/core';
import { constant, defineScenario, eventually, exponential, type SystemView } from 'fairlink/sim';
import { pingReceiver, reliableSender, type ReliableSenderState } from 'fairlink/protocols';

/** Parameters, typed so that `acknowledge` is any boolean rather than the literal `true`. */
type ReliableSendParams = {
  readonly dropRate: number;
  readonly delayMs: number;
  /** `exponential` (mean `delayMs`, the course's fuzzer) or `constant`. */
  readonly delayKind: string;
  readonly resendMs: number;
  readonly timeoutMs: number;
  readonly pings: number;
  readonly acknowledge: boolean;
};

export default defineScenario<ReliableSendParams>({
  name: 'reliable-send',
  description: "Lab 1's reliableSend: retransmit until acknowledged, count the tries, fail after a timeout.",
  params: {
    dropRate: 0.2,
    delayMs: 10,
    delayKind: 'exponential',
    resendMs: 10,
    timeoutMs: 1_000,
    pings: 1,
    acknowledge: true,
  },
  seeds: 50,
  build: (params) => {
    if (params.delayKind !== 'exponential' && params.delayKind !== 'constant') {
      throw new InputError(
        `reliable-send: delayKind must be 'exponential' or 'constant', got '${params.delayKind}'`,
      );
    }
    const results = (view: SystemView): ReliableSenderState['results'] =>
      view.state<ReliableSenderState>('sender')?.results ?? [];
    return {
      nodes: {
        sender: {
          protocol: reliableSender({
            to: 'receiver',
            pings: params.pings,
            resendMs: params.resendMs,
            timeoutMs: params.timeoutMs,
          }),
          group: 'clients',
        },
        receiver: pingReceiver({ acknowledge: params.acknowledge }),
      },
      network: {
        drop: params.dropRate,
        delay: params.delayKind === 'constant' ? constant(params.delayMs) : exponential(params.delayMs),
      },
      durationMs: params.pings * params.timeoutMs + 1,
      properties: [
        params.acknowledge
          ? eventually('every ping is acknowledged', (view) => {
              const done = results(view);
              return (
                done.length === params.pings && done.every((result) => result.outcome === 'acknowledged')
              );
            })
          : eventually('every send fails at its timeout', (view) => {
              const done = results(view);
              return done.length === params.pings && done.every((result) => result.outcome === 'failed');
            }),
      ],
      stopWhen: (view) => results(view).length === params.pings,
    };
  },
});
