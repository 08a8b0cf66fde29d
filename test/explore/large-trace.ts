/**
 * A large saved trace for the explorer's scale figures and its streamed-loading test: messages
 * between random pairs of `nodes` nodes, some delivered out of order, timers set; the same
 * bytes for the same sizes.
 */
import { randomStream } from '../../src/core/index.js';
import { TRACE_FORMAT, TRACE_VERSION, traceToJsonl, type TraceEvent } from '../../src/trace/index.js';

/** A trace of about `events` events over `nodes` nodes, the same for every run of the bench. */
export function largeTrace(events: number, nodes: number): string {
  const random = randomStream(7, 'explore-bench');
  const ids = Array.from({ length: nodes }, (_, index) => `n${index + 1}`);
  const list: TraceEvent[] = ids.map((node) => ({ t: 0, type: 'boot', node }));
  const inFlight: { msg: string; from: string; to: string }[] = [];
  let sent = 0;
  let t = 0;
  while (list.length < events) {
    t += random.int(0, 2);
    const roll = random.int(0, 9);
    if (roll < 5 || inFlight.length === 0) {
      const from = random.pick(ids);
      const to = random.pick(ids);
      const msg = `m${++sent}`;
      inFlight.push({ msg, from, to });
      list.push({ t, type: 'send', node: from, to, msg, body: { type: 'ping', n: sent } });
    } else if (roll < 9) {
      const [message] = inFlight.splice(random.int(0, Math.min(inFlight.length - 1, 20)), 1);
      if (message === undefined) continue;
      list.push({ t, type: 'deliver', node: message.to, from: message.from, msg: message.msg });
    } else {
      const node = random.pick(ids);
      list.push({ t, type: 'timer-set', node, name: 'tick', due: t + 10 });
    }
  }
  return traceToJsonl({
    header: {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      engine: 'sim',
      scenario: 'explore-bench',
      seed: 1,
      params: {},
      nodes: ids.map((id) => ({ id, protocol: 'bench', group: 'nodes' })),
      config: {},
    },
    events: list,
  });
}
