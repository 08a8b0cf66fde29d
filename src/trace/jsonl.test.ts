import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent, type TraceHeader } from './events.js';
import { parseTraceJsonl, TraceFormatError, traceToJsonl } from './jsonl.js';
import { TRACE_EVENT_TYPES } from './schema.js';

const NODES = ['n1', 'n2', 'c1'] as const;

/** JSON values as a file gives them back (no -0, no undefined). */
const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const time = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true }).map((t) => t + 0);
const node = fc.constantFrom(...NODES);
const text = fc.string({ maxLength: 12 });
const messageId = fc.integer({ min: 1, max: 1000 }).map((n) => `m${n}`);

/** One arbitrary per event type: every field, each optional field sometimes. */
const eventArbitraries: {
  readonly [Type in TraceEvent['type']]: fc.Arbitrary<TraceEvent & { type: Type }>;
} = {
  boot: fc.record({ t: time, type: fc.constant('boot'), node }),
  send: fc.record({ t: time, type: fc.constant('send'), node, to: node, msg: messageId, body: json }),
  deliver: fc.record({ t: time, type: fc.constant('deliver'), node, from: node, msg: messageId }),
  drop: fc.record({
    t: time,
    type: fc.constant('drop'),
    node,
    from: node,
    msg: messageId,
    reason: fc.constantFrom('loss', 'partition', 'down', 'byzantine'),
  }),
  duplicate: fc.record({ t: time, type: fc.constant('duplicate'), node, to: node, msg: messageId }),
  'timer-set': fc.record({ t: time, type: fc.constant('timer-set'), node, name: text, due: time }),
  'timer-fire': fc.record({ t: time, type: fc.constant('timer-fire'), node, name: text }),
  'timer-cancel': fc.record({ t: time, type: fc.constant('timer-cancel'), node, name: text }),
  crash: fc.record(
    { t: time, type: fc.constant('crash'), node, recoverAt: time },
    { requiredKeys: ['t', 'type', 'node'] },
  ),
  recover: fc.record({ t: time, type: fc.constant('recover'), node }),
  pause: fc.record({ t: time, type: fc.constant('pause'), node }),
  resume: fc.record({ t: time, type: fc.constant('resume'), node }),
  clock: fc.record({
    t: time,
    type: fc.constant('clock'),
    node,
    skewMs: fc.integer({ min: -1000, max: 1000 }),
    drift: fc.double({ min: -0.5, max: 0.5, noNaN: true }).map((drift) => drift + 0),
  }),
  partition: fc.record({
    t: time,
    type: fc.constant('partition'),
    name: text,
    grudge: fc.dictionary(node, fc.array(node, { maxLength: 3 })),
  }),
  heal: fc.record({ t: time, type: fc.constant('heal') }),
  clog: fc.record({ t: time, type: fc.constant('clog'), from: node, to: node, until: time }),
  phase: fc.record({ t: time, type: fc.constant('phase'), phase: fc.constantFrom('safety', 'liveness') }),
  invoke: fc.record({ t: time, type: fc.constant('invoke'), node, op: fc.nat(), f: text, value: json }),
  ok: fc.record({ t: time, type: fc.constant('ok'), node, op: fc.nat(), f: text, value: json }),
  fail: fc.record({ t: time, type: fc.constant('fail'), node, op: fc.nat(), f: text, value: json }),
  info: fc.record({ t: time, type: fc.constant('info'), node, op: fc.nat(), f: text, value: json }),
  choose: fc.integer({ min: 1, max: 64 }).chain((of) =>
    fc.record({
      t: time,
      type: fc.constant('choose'),
      node,
      index: fc.integer({ min: 0, max: of - 1 }),
      of: fc.constant(of),
    }),
  ),
  log: fc.record({
    t: time,
    type: fc.constant('log'),
    node,
    text: fc.string({ maxLength: 40, unit: 'grapheme' }),
  }),
  fault: fc.record({ t: time, type: fc.constant('fault'), node, handler: text, kind: text, detail: text }),
  violation: fc.record({ t: time, type: fc.constant('violation'), property: text, detail: text }),
};

const anyEvent: fc.Arbitrary<TraceEvent> = fc.oneof(...Object.values(eventArbitraries));

const anyHeader: fc.Arbitrary<TraceHeader> = fc.record(
  {
    format: fc.constant(TRACE_FORMAT),
    version: fc.constant(TRACE_VERSION),
    engine: fc.constantFrom('sim', 'check', 'runtime'),
    scenario: text,
    seed: fc.integer(),
    params: fc.dictionary(text, json, { maxKeys: 3 }),
    nodes: fc.constant(
      NODES.map((id) => ({ id, protocol: 'p', group: id.startsWith('c') ? 'clients' : 'nodes' })),
    ),
    config: fc.dictionary(text, json, { maxKeys: 3 }),
    shrunk: text,
  },
  { requiredKeys: ['format', 'version', 'engine', 'scenario', 'seed', 'params', 'nodes', 'config'] },
);

const anyTrace: fc.Arbitrary<Trace> = fc.record({
  header: anyHeader,
  events: fc.array(anyEvent, { maxLength: 30 }),
});

const HEADER = JSON.stringify({
  format: 'fairlink-trace',
  version: 1,
  engine: 'sim',
  scenario: 's',
  seed: 1,
  params: {},
  nodes: [
    { id: 'n1', protocol: 'p', group: 'nodes' },
    { id: 'n2', protocol: 'p', group: 'nodes' },
  ],
  config: {},
});

/** {@link HEADER} as this version writes it, announcing `count` events. */
function withCount(count: number): string {
  return HEADER.replace(/}$/, `,"eventCount":${count}}`);
}

/** The message of the error that parsing `lines` throws. */
function errorOf(...lines: string[]): string {
  try {
    parseTraceJsonl(lines.join('\n') + '\n', 'runs/bad.jsonl');
  } catch (error) {
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the trace to be refused');
}

describe('traceToJsonl and parseTraceJsonl', () => {
  it('round-trips every valid trace, and re-writing what was read gives the same bytes', () => {
    fc.assert(
      fc.property(anyTrace, (trace) => {
        const text = traceToJsonl(trace);
        const read = parseTraceJsonl(text, 'trace.jsonl');
        expect(read).toEqual(trace);
        expect(traceToJsonl(read)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('generates every event type (the arbitrary covers the whole union)', () => {
    expect(Object.keys(eventArbitraries).sort()).toEqual([...TRACE_EVENT_TYPES].sort());
  });

  it('writes one header line, then one line per event in key order as built, and a final newline', () => {
    const trace: Trace = {
      header: JSON.parse(HEADER) as TraceHeader,
      events: [
        { t: 0, type: 'boot', node: 'n1' },
        { t: 1.5, type: 'send', node: 'n1', to: 'n2', msg: 'm1', body: { type: 'ping', n: 1 } },
      ],
    };
    expect(traceToJsonl(trace)).toBe(
      `${withCount(2)}\n{"t":0,"type":"boot","node":"n1"}\n{"t":1.5,"type":"send","node":"n1","to":"n2","msg":"m1","body":{"type":"ping","n":1}}\n`,
    );
    expect(traceToJsonl({ header: trace.header, events: [] })).toBe(`${withCount(0)}\n`);
  });

  it('counts the events in the header, and refuses a file cut short or added to, naming the line', () => {
    const events = ['{"t":0,"type":"boot","node":"n1"}', '{"t":0,"type":"boot","node":"n2"}'];
    const whole = `${withCount(2)}\n${events.join('\n')}\n`;
    const read = parseTraceJsonl(whole, 'x.jsonl');
    expect(read.events).toHaveLength(2);
    // The count belongs to the file: the trace read has none, and writing it again gives the same bytes.
    expect(read.header).not.toHaveProperty('eventCount');
    expect(traceToJsonl(read)).toBe(whole);
    // Cut at a line boundary: still valid JSON Lines, but fewer events than announced.
    expect(errorOf(withCount(2), events[0] as string)).toBe(
      'runs/bad.jsonl:3: the file ends after 1 of the 2 events its header announces: it was cut short',
    );
    expect(errorOf(withCount(2))).toBe(
      'runs/bad.jsonl:2: the file ends after 0 of the 2 events its header announces: it was cut short',
    );
    expect(errorOf(withCount(1), ...events)).toBe(
      'runs/bad.jsonl:3: the header announces 1 event, and this is event 2',
    );
    // A file without the count (older writers, the runtime's streamed traces) is read as before.
    expect(parseTraceJsonl(`${HEADER}\n${events[0]}\n`, 'x.jsonl').events).toHaveLength(1);
  });

  it('refuses to write a time JSON cannot hold', () => {
    const header = JSON.parse(HEADER) as TraceHeader;
    expect(() => traceToJsonl({ header, events: [{ t: NaN, type: 'heal' }] })).toThrow(
      /'heal' event has time NaN/,
    );
  });

  it('keeps fields this version does not know (adding optional fields does not bump the version)', () => {
    const text = `${HEADER.replace('"config":{}', '"config":{},"extra":1')}\n{"t":0,"type":"boot","node":"n1","clock":{"n1":1}}\n`;
    const trace = parseTraceJsonl(text, 'x.jsonl');
    expect(trace.events[0]).toEqual({ t: 0, type: 'boot', node: 'n1', clock: { n1: 1 } });
    expect(traceToJsonl(trace)).toBe(text.replace('"extra":1', '"extra":1,"eventCount":1'));
  });

  it('accepts blank lines, Windows line ends and a byte-order mark, counting lines as an editor does', () => {
    const text = `\uFEFF${HEADER}\r\n\r\n{"t":0,"type":"boot","node":"n1"}\r\n\n`;
    expect(parseTraceJsonl(text, 'x.jsonl').events).toEqual([{ t: 0, type: 'boot', node: 'n1' }]);
    expect(() => parseTraceJsonl(`${HEADER}\n\n\n{"t":0}\n`, 'x.jsonl')).toThrow(/^x\.jsonl:4: /);
  });
});

describe('parseTraceJsonl errors: one line naming the file, the line and the problem', () => {
  const boot = '{"t":0,"type":"boot","node":"n1"}';
  it.each([
    ['an empty file', [''], 'runs/bad.jsonl:1: empty file: a trace starts with a header line'],
    ['a line that is not JSON', [HEADER, boot, '{"t":1,'], /^runs\/bad\.jsonl:3: not valid JSON \(.+\)$/],
    [
      'a wrong format name',
      [HEADER.replace('fairlink-trace', 'jepsen-history')],
      'runs/bad.jsonl:1: wrong format name "jepsen-history": expected "fairlink-trace"',
    ],
    [
      'a header without format',
      ['{"version":1}'],
      /^runs\/bad\.jsonl:1: not a fairlink trace: the header has no 'format'/,
    ],
    [
      'an unsupported version',
      [HEADER.replace('"version":1', '"version":2')],
      'runs/bad.jsonl:1: unsupported trace version 2: this fairlink reads version 1',
    ],
    [
      'a missing header',
      [boot],
      "runs/bad.jsonl:1: the first line must be the trace header, found a 'boot' event",
    ],
    [
      'a header missing a field',
      [HEADER.replace('"seed":1,', '')],
      "runs/bad.jsonl:1: header: missing field 'seed'",
    ],
    [
      'a header field of the wrong type',
      [HEADER.replace('"group":"nodes"', '"group":3')],
      "runs/bad.jsonl:1: header: field 'nodes[0].group' must be a string, got a number",
    ],
    [
      'a node listed twice',
      [HEADER.replace('"id":"n2"', '"id":"n1"')],
      'runs/bad.jsonl:1: header: node "n1" is listed twice',
    ],
    [
      'an unknown event type',
      [HEADER, boot, '{"t":3,"type":"teleport","node":"n1"}'],
      /^runs\/bad\.jsonl:3: unknown event type "teleport" \(known: boot, send, deliver, .*violation\)$/,
    ],
    [
      'an event without a type',
      [HEADER, '{"t":3,"node":"n1"}'],
      "runs/bad.jsonl:2: missing field 'type' (the event type)",
    ],
    [
      'an event missing a field',
      [HEADER, '{"t":1,"type":"send","node":"n1","to":"n2","body":null}'],
      "runs/bad.jsonl:2: 'send' event: missing field 'msg'",
    ],
    [
      'an event whose body is missing (null is required for "no body")',
      [HEADER, '{"t":1,"type":"send","node":"n1","to":"n2","msg":"m1"}'],
      "runs/bad.jsonl:2: 'send' event: missing field 'body'",
    ],
    [
      'a field of the wrong type',
      [HEADER, '{"t":"soon","type":"boot","node":"n1"}'],
      "runs/bad.jsonl:2: 'boot' event: field 't' must be a number, got a string",
    ],
    [
      'a negative time',
      [HEADER, '{"t":-1,"type":"boot","node":"n1"}'],
      "runs/bad.jsonl:2: 'boot' event: field 't' must be at least 0, got -1",
    ],
    [
      'a value outside an enumeration',
      [HEADER, '{"t":1,"type":"drop","node":"n2","from":"n1","msg":"m1","reason":"gremlins"}'],
      `runs/bad.jsonl:2: 'drop' event: field 'reason' must be "loss" or "partition" or "down" or "byzantine", got "gremlins"`,
    ],
    [
      'an event naming a node the header does not list',
      [HEADER, '{"t":1,"type":"deliver","node":"n2","from":"n9","msg":"m1"}'],
      `runs/bad.jsonl:2: 'deliver' event: field 'from' names node "n9", which the header does not list`,
    ],
    [
      'an array instead of an event',
      [HEADER, '[1,2]'],
      'runs/bad.jsonl:2: expected an event object, found an array',
    ],
    [
      'a second header',
      [HEADER, boot, HEADER],
      'runs/bad.jsonl:3: a second header line: only line 1 may be a header',
    ],
  ])('%s', (_what, lines, expected) => {
    const message = errorOf(...lines);
    expect(message).not.toContain('\n');
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('carries the file name and line number as fields', () => {
    try {
      parseTraceJsonl(`${HEADER}\n{"t":1}\n`, 'a.jsonl');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        fileName: 'a.jsonl',
        line: 2,
        problem: "missing field 'type' (the event type)",
      });
    }
  });
});
