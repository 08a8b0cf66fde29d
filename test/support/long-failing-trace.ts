/**
 * A hand-made trace of a 3-second run that fails at its very end (one request a tenth of a
 * second, then a violation): the case where a diagram opened at 0 ms shows nothing of the failure.
 */
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent } from '../../src/trace/events.js';

export function longFailingTrace(): Trace {
  const events: TraceEvent[] = [
    { t: 0, type: 'boot', node: 'n1' },
    { t: 0, type: 'boot', node: 'c1' },
  ];
  for (let k = 1; k <= 30; k++) {
    const t = k * 100;
    events.push(
      { t, type: 'send', node: 'c1', to: 'n1', msg: `m${2 * k}`, body: { type: 'request' } },
      { t: t + 3, type: 'deliver', node: 'n1', from: 'c1', msg: `m${2 * k}` },
      { t: t + 3, type: 'send', node: 'n1', to: 'c1', msg: `m${2 * k + 1}`, body: { type: 'reply' } },
      { t: t + 6, type: 'deliver', node: 'c1', from: 'n1', msg: `m${2 * k + 1}` },
    );
  }
  events.push({ t: 3_050, type: 'violation', property: 'fewer than 30 replies', detail: 'the 30th came' });
  return {
    header: {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      engine: 'sim',
      scenario: 'long-failing',
      seed: 1,
      params: {},
      nodes: [
        { id: 'n1', protocol: 'server', group: 'nodes' },
        { id: 'c1', protocol: 'client', group: 'nodes' },
      ],
      config: {},
    },
    events,
  };
}
