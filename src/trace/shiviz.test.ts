import { describe, expect, it } from 'vitest';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent } from './events.js';
import { SHIVIZ_REGEX, traceToShiviz } from './shiviz.js';

function traceOf(events: TraceEvent[]): Trace {
  return {
    header: {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      engine: 'sim',
      scenario: 'shiviz',
      seed: 1,
      params: {},
      nodes: [
        { id: 'n1', protocol: 'p', group: 'nodes' },
        { id: 'n2', protocol: 'p', group: 'nodes' },
      ],
      config: {},
    },
    events,
  };
}

const example = traceOf([
  { t: 0, type: 'boot', node: 'n1' },
  { t: 0, type: 'boot', node: 'n2' },
  { t: 0, type: 'send', node: 'n1', to: 'n2', msg: 'm1', body: { type: 'ping' } },
  { t: 0, type: 'duplicate', node: 'n1', to: 'n2', msg: 'm1' },
  { t: 1, type: 'send', node: 'n1', to: 'n2', msg: 'm2', body: 'late' },
  { t: 2, type: 'deliver', node: 'n2', from: 'n1', msg: 'm1' },
  { t: 3, type: 'deliver', node: 'n2', from: 'n1', msg: 'm1' },
  { t: 3, type: 'send', node: 'n2', to: 'n1', msg: 'm3', body: { type: 'pong' } },
  { t: 3, type: 'partition', name: 'halves', grudge: { n1: ['n2'], n2: ['n1'] } },
  { t: 4, type: 'drop', node: 'n1', from: 'n2', msg: 'm3', reason: 'partition' },
  { t: 5, type: 'heal' },
  { t: 6, type: 'send', node: 'n2', to: 'n1', msg: 'm4', body: { type: 'pong' } },
  { t: 7, type: 'deliver', node: 'n1', from: 'n2', msg: 'm4' },
  { t: 8, type: 'deliver', node: 'n2', from: 'n1', msg: 'm2' },
  { t: 8, type: 'log', node: 'n2', text: 'two\nlines' },
]);

describe('traceToShiviz', () => {
  it('gives each node event its vector clock, merging the send clock at each delivery', () => {
    expect(traceToShiviz(example)).toBe(
      [
        SHIVIZ_REGEX,
        '',
        't=0 boot',
        'n1 {"n1":1}',
        't=0 boot',
        'n2 {"n2":1}',
        't=0 send m1 to n2 {"type":"ping"}',
        'n1 {"n1":2}',
        't=1 send m2 to n2 "late"',
        'n1 {"n1":3}',
        't=2 deliver m1 from n1',
        'n2 {"n1":2,"n2":2}',
        // The duplicate copy carries the same send clock: the merge changes nothing, the node ticks.
        't=3 deliver m1 from n1',
        'n2 {"n1":2,"n2":3}',
        't=3 send m3 to n1 {"type":"pong"}',
        'n2 {"n1":2,"n2":4}',
        't=6 send m4 to n1 {"type":"pong"}',
        'n2 {"n1":2,"n2":5}',
        't=7 deliver m4 from n2',
        'n1 {"n1":4,"n2":5}',
        't=8 deliver m2 from n1',
        'n2 {"n1":3,"n2":6}',
        't=8 log "two\\nlines"',
        'n2 {"n1":3,"n2":7}',
        '',
      ].join('\n'),
    );
  });

  it('is parsed by the ShiViz regular expression into one (event, host, clock) per node event', () => {
    const log = traceToShiviz(example, { fileHeader: false });
    expect(log.startsWith('t=0 boot\n')).toBe(true);
    const matches = [...log.matchAll(new RegExp(SHIVIZ_REGEX, 'g'))];
    expect(matches).toHaveLength(11);
    const hosts = matches.map((match) => match.groups?.host);
    expect(hosts).toEqual(['n1', 'n2', 'n1', 'n1', 'n2', 'n2', 'n2', 'n2', 'n1', 'n2', 'n2']);
    // ShiViz's rule: a host's own entry is 1 at its first event, then +1 at each.
    const seen = new Map<string, number>();
    for (const match of matches) {
      const host = match.groups?.host as string;
      const clock = JSON.parse(match.groups?.clock as string) as Record<string, number>;
      seen.set(host, (seen.get(host) ?? 0) + 1);
      expect(clock[host]).toBe(seen.get(host));
    }
  });
});
