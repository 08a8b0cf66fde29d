/**
 * The runtime benchmark's system: `a` keeps `window` messages in flight to `b`, which echoes
 * each one; `a` sends every echo straight back. Each message carries `padBytes` of padding.
 * Every `reportEvery` echoes, `a` logs `delivered N at T` (T: its clock, ms), which the
 * benchmark reads from the node's output. No state worth the name and no persistence: this
 * measures what the runtime adds to each message (framing, authentication, encoding, the step).
 */
import { defineProtocol, type NodeId } from 'fairlink/core';
import { defineScenario } from 'fairlink/sim';

type Ball = { readonly n: number; readonly pad: string };

export default defineScenario({
  name: 'runtime-bench',
  params: { window: 64, padBytes: 64, reportEvery: 20_000 },
  build: (params) => {
    const pad = 'x'.repeat(params.padBytes);
    const sender = defineProtocol<{ delivered: number }, Ball>({
      name: 'bench-sender',
      init: () => ({ delivered: 0 }),
      onBoot(context) {
        // Wait for b to listen: the first copies sent before that would be dropped.
        context.setTimer('start', 300);
      },
      onTimer(context) {
        for (let n = 0; n < params.window; n++) context.send('b' as NodeId, { n, pad });
        context.setTimer('again', 1_000);
      },
      onMessage(context, _from, ball) {
        context.cancelTimer('again');
        const delivered = ++context.state.delivered;
        context.send('b' as NodeId, ball);
        if (delivered % params.reportEvery === 0) context.log(`delivered ${delivered} at ${context.now()}`);
      },
    });
    const echo = defineProtocol<null, Ball>({
      name: 'bench-echo',
      init: () => null,
      onMessage: (context, from, ball) => context.send(from, ball),
    });
    return { nodes: { a: sender, b: echo }, durationMs: 1_000 };
  },
});
