import { describe, expect, it, vi } from 'vitest';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent, type TraceHeader } from './events.js';
import { longFailingTrace } from '../../test/support/long-failing-trace.js';
import { renderTraceHtml } from './html.js';

const header: TraceHeader = {
  format: TRACE_FORMAT,
  version: TRACE_VERSION,
  engine: 'sim',
  scenario: 'hand-made',
  seed: 42,
  params: { size: 3, mode: '<fast>' },
  nodes: [
    { id: 'n1', protocol: 'server', group: 'nodes' },
    { id: 'n2', protocol: 'server', group: 'nodes' },
    { id: 'n3', protocol: 'server', group: 'nodes', byzantine: 'equivocate' },
    { id: 'c1', protocol: 'client', group: 'clients' },
  ],
  config: { durationMs: 30, network: { delay: 'uniform 1..3 ms', drop: 0.1 } },
};

const EVIL = '</script><script>alert(1)</script>';

/** A small run with one of everything the diagram draws. */
const events: TraceEvent[] = [
  { t: 0, type: 'phase', phase: 'safety' },
  { t: 0, type: 'boot', node: 'n1' },
  { t: 0, type: 'boot', node: 'n2' },
  { t: 0, type: 'boot', node: 'n3' },
  { t: 0, type: 'boot', node: 'c1' },
  { t: 1, type: 'invoke', node: 'c1', op: 1, f: 'write', value: 1 },
  { t: 1, type: 'send', node: 'c1', to: 'n1', msg: 'm1', body: { type: 'request', key: EVIL } },
  { t: 3, type: 'deliver', node: 'n1', from: 'c1', msg: 'm1' },
  { t: 3, type: 'send', node: 'n1', to: 'n2', msg: 'm2', body: { type: 'ping' } },
  { t: 3, type: 'duplicate', node: 'n1', to: 'n2', msg: 'm2' },
  { t: 3, type: 'send', node: 'n1', to: 'n3', msg: 'm3', body: { type: 'ping' } },
  { t: 3, type: 'drop', node: 'n3', from: 'n1', msg: 'm3', reason: 'loss' },
  { t: 3, type: 'timer-set', node: 'n1', name: 'retry', due: 20 },
  { t: 5, type: 'deliver', node: 'n2', from: 'n1', msg: 'm2' },
  { t: 6, type: 'deliver', node: 'n2', from: 'n1', msg: 'm2' },
  { t: 6, type: 'send', node: 'n2', to: 'n1', msg: 'm4', body: { type: 'pong' } },
  { t: 8, type: 'partition', name: 'isolate n3', grudge: { n3: ['n1', 'n2', 'c1'] } },
  { t: 9, type: 'crash', node: 'n2', recoverAt: 15 },
  { t: 10, type: 'deliver', node: 'n1', from: 'n2', msg: 'm4' },
  { t: 10, type: 'send', node: 'n1', to: 'c1', msg: 'm5', body: { type: 'reply' } },
  { t: 12, type: 'deliver', node: 'c1', from: 'n1', msg: 'm5' },
  { t: 12, type: 'ok', node: 'c1', op: 1, f: 'write', value: 1 },
  { t: 15, type: 'recover', node: 'n2' },
  { t: 16, type: 'heal' },
  { t: 20, type: 'timer-fire', node: 'n1', name: 'retry' },
  { t: 20, type: 'send', node: 'n1', to: 'n2', msg: 'm6', body: { type: 'ping' } },
  { t: 20, type: 'log', node: 'n1', text: 'retrying <now>' },
  { t: 21, type: 'violation', property: 'no <b>double</b> write', detail: 'a < b' },
];
const trace: Trace = { header, events };

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The SVG element with this id, as text. */
function svgById(html: string, id: string): string {
  const start = html.indexOf(`<svg id="${id}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start));
}

function embeddedData(html: string): { events: TraceEvent[]; x: Record<string, number[]>; mode: string } {
  const match = /<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse((match as RegExpExecArray)[1] as string) as ReturnType<typeof embeddedData>;
}

describe('renderTraceHtml', () => {
  const html = renderTraceHtml(trace, {
    replayCommand: "fairlink sim hand-made.ts --seed 42 --name '<x>'",
    sections: [{ title: 'History <check>', html: '<p id="extra">linearizable</p>' }],
  });
  const lanes = svgById(html, 'lanes');
  const labels = svgById(html, 'labels');
  const axis = svgById(html, 'axis');

  it('draws one lane per node, grouped, with the Byzantine node marked', () => {
    expect(count(lanes, '<line class="lane')).toBe(4);
    expect(count(lanes, '<line class="lane byz"')).toBe(1);
    for (const node of ['n1', 'n2', 'n3', 'c1']) expect(labels).toMatch(new RegExp(`>${node} <tspan`));
    expect(labels).toMatch(
      /<text class="node byz"[^>]*><title>n3 \(server, group nodes\) byzantine: equivocate<\/title>/,
    );
    expect(labels).toContain('>nodes</text>');
    expect(labels).toContain('>clients</text>');
    // Lanes in header order within each group: the client comes last.
    expect(labels.indexOf('>c1 <')).toBeGreaterThan(labels.indexOf('>n3 <'));
  });

  it('draws an arrow per delivered copy, duplicates dashed, a cross per drop and a stub per message in flight', () => {
    const delivered = events.filter((event) => event.type === 'deliver').length;
    expect(count(lanes, 'marker-end="url(#ah')).toBe(delivered);
    expect(count(lanes, '<g class="msg ')).toBe(delivered + 1 + 1);
    expect(count(lanes, ' dup"')).toBe(1);
    expect(count(lanes, 'href="#i-cross"')).toBe(1);
    expect(count(lanes, ' dropped"')).toBe(1);
    expect(count(lanes, ' inflight"')).toBe(1);
    // The dropped ping is anchored to its send and reaches n3's lane.
    expect(lanes).toMatch(/<g class="msg k1 dropped" data-e="10" data-o="11" data-r="11">/);
  });

  it('colours arrows by message type and lists the types in the legend', () => {
    expect(html).toMatch(
      /data-type-key="0"[^>]*><span class="swatch c0"><\/span>request <span class="k">1<\/span>/,
    );
    expect(html).toMatch(
      /data-type-key="1"[^>]*><span class="swatch c1"><\/span>ping <span class="k">3<\/span>/,
    );
    expect(lanes).toMatch(/<g class="msg k2" data-e="15" data-o="18" data-r="18"><line class="vis c2"/);
  });

  it('draws timers, crashes, down time, partitions, client operations and the violation', () => {
    expect(count(lanes, 'href="#i-timer"')).toBe(1);
    expect(count(lanes, 'href="#i-boot"')).toBe(4);
    expect(count(lanes, 'href="#i-crash"')).toBe(1);
    expect(count(lanes, 'href="#i-recover"')).toBe(1);
    expect(lanes).toMatch(/<rect class="down" data-e="17" data-a="17" data-b="22"/);
    expect(lanes).toMatch(/<rect class="band" data-a="16" data-b="23"/);
    expect(axis).toContain('>partition: isolate n3</text>');
    expect(lanes).toMatch(/<rect class="op ok" data-e="5" data-r="21" data-a="5" data-b="21"/);
    expect(lanes).toMatch(/<line class="vline" data-e="27" data-a="27"/);
    expect(axis).toContain('>✖ no &lt;b&gt;double&lt;/b&gt; write</text>');
  });

  it('says what failed and when in a banner at the top', () => {
    expect(html).toContain(
      '<div class="banner fail">✖ Property <b>no &lt;b&gt;double&lt;/b&gt; write</b> violated at 21 ms: a &lt; b<a href="#" data-goto="27">show</a></div>',
    );
    expect(html.indexOf('class="banner fail"')).toBeLessThan(html.indexOf('<svg id="lanes"'));
    const clean = renderTraceHtml({ header, events: events.slice(0, 5) });
    expect(clean).toContain('No property violation or protocol fault in this trace.');
    const faulty = renderTraceHtml({
      header,
      events: [
        { t: 2, type: 'fault', node: 'n2', handler: 'onMessage', kind: 'threw', detail: 'TypeError: <oops>' },
      ],
    });
    expect(faulty).toContain(
      'Protocol fault at <b>n2</b> in onMessage (threw) at 2 ms: TypeError: &lt;oops&gt;<a href="#" data-goto="0">show</a>',
    );
    expect(svgById(faulty, 'lanes')).toContain('href="#i-fault"');
    const located = renderTraceHtml({
      header,
      events: [
        {
          t: 2,
          type: 'fault',
          node: 'n2',
          handler: 'onMessage',
          kind: 'threw',
          detail: 'Error: boom',
          stack: ['onMessage (p.ts:3:9)'],
        },
      ],
    });
    expect(located).toContain('show</a><br><code>at onMessage (p.ts:3:9)</code></div>');
  });

  it('shows the scenario, seed, parameters, configuration, replay command and counts', () => {
    expect(html).toContain('<title>hand-made · seed 42</title>');
    expect(html).toContain('<span class="k">seed</span> 42');
    expect(html).toContain('<span class="k">mode</span> &lt;fast&gt;');
    expect(html).toContain('<span class="k">network</span> delay uniform 1..3 ms, drop 0.1');
    expect(html).toContain(
      '<code id="replay-command">fairlink sim hand-made.ts --seed 42 --name &#39;&lt;x&gt;&#39;</code>',
    );
    expect(html).toContain('6 sends · 5 deliveries · 1 drop (1 loss) · 1 duplicate · 1 timer fire · 1 crash');
    expect(html).toContain('1 client operation (1 ok)');
    expect(html).toContain(
      '<section class="extra"><h2>History &lt;check&gt;</h2><p id="extra">linearizable</p></section>',
    );
  });

  it('escapes every text from the trace: a message body cannot end the script block', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<b>double');
    expect(html).not.toContain('<now>');
    expect(count(html, '<script')).toBe(2);
    expect(count(html, '</script>')).toBe(2);
    const data = embeddedData(html);
    expect(data.events).toEqual(events);
    expect((data.events[6] as { body: { key: string } }).body.key).toBe(EVIL);
  });

  it('embeds the anchor positions of every mode: one per event plus the end', () => {
    const data = embeddedData(html);
    expect(data.mode).toBe('time');
    for (const mode of ['time', 'gaps', 'order']) expect(data.x[mode]).toHaveLength(events.length + 1);
    const anchors = [...html.matchAll(/data-[ab]="(\d+)"/g)].map((match) => Number(match[1]));
    expect(Math.max(...anchors)).toBeLessThanOrEqual(events.length);
  });

  it('needs nothing from the network', () => {
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect([...html.matchAll(/https?:\/\/[^\s"'<]+/g)].map((match) => match[0])).toEqual(
      Array(3).fill('http://www.w3.org/2000/svg'),
    );
  });

  it('is deterministic', () => {
    expect(renderTraceHtml(trace, { replayCommand: 'x' })).toBe(
      renderTraceHtml(trace, { replayCommand: 'x' }),
    );
  });

  it('draws only the first events of a big trace, and says so', () => {
    const capped = renderTraceHtml(trace, { eventsMax: 8 });
    expect(capped).toContain('This trace has 28 events: the diagram shows the first 8 (up to 3 ms).');
    expect(embeddedData(capped).events).toHaveLength(8);
    // The violation lies beyond the cut: still announced, without a link into the diagram.
    expect(capped).toContain('violated at 21 ms: a &lt; b</div>');
    expect(() => renderTraceHtml(trace, { eventsMax: 0 })).toThrow(/eventsMax/);
  });

  it('groups thousands without toLocaleString (its first call sets up ICU: start-up time)', () => {
    const toLocaleString = vi.spyOn(Number.prototype, 'toLocaleString');
    try {
      const boots: TraceEvent[] = Array.from({ length: 1234 }, (_, t) => ({ t, type: 'boot', node: 'n1' }));
      const page = renderTraceHtml({ header, events: boots }, { eventsMax: 8 });
      expect(page).toContain('This trace has 1,234 events: the diagram shows the first 8');
      expect(toLocaleString).not.toHaveBeenCalled();
    } finally {
      toLocaleString.mockRestore();
    }
  });

  it('gives a lane to a node the header does not list', () => {
    const foreign = renderTraceHtml({ header, events: [{ t: 0, type: 'boot', node: 'x9' }] });
    expect(count(svgById(foreign, 'lanes'), '<line class="lane')).toBe(5);
    expect(svgById(foreign, 'labels')).toContain('>(not in header)</text>');
  });
});

describe('renderTraceHtml: where the page opens', () => {
  it('opens a failing run at its failure, with a way to the whole run and back', () => {
    const long = longFailingTrace();
    const failing = long.events.length - 1;
    const page = renderTraceHtml(long);
    expect(page).toContain(`<div class="diagram" id="diagram" data-focus="${failing}">`);
    expect((embeddedData(page) as unknown as { focus: number | null }).focus).toBe(failing);
    expect(page).toContain('data-zoom="fit" title="Fit the whole run in the window">whole run</button>');
    expect(page).toContain(
      `<button type="button" class="to-failure" data-goto="${failing}" title="Back to where the run fails">✖ failure</button>`,
    );
    // The element the page selects on opening is the failure's line.
    expect(svgById(page, 'lanes')).toContain(`<line class="vline" data-e="${failing}" data-a="${failing}"`);
  });

  it('opens at the first failure, a protocol fault too, and a passing run at its start', () => {
    const faulty = renderTraceHtml({
      header,
      events: [
        { t: 0, type: 'boot', node: 'n1' },
        { t: 900, type: 'fault', node: 'n1', handler: 'onTimer', kind: 'threw', detail: 'Error: boom' },
        { t: 950, type: 'violation', property: 'p', detail: 'd' },
      ],
    });
    expect(faulty).toContain('<div class="diagram" id="diagram" data-focus="1">');
    const passing = renderTraceHtml({ header, events: events.slice(0, 5) });
    expect(passing).toContain('<div class="diagram" id="diagram">');
    expect(passing).not.toContain('class="to-failure"');
    expect((embeddedData(passing) as unknown as { focus: number | null }).focus).toBeNull();
  });
});

describe('renderTraceHtml: a model checker’s trace counts steps, not ms', () => {
  const path: TraceEvent[] = [
    { t: 0, type: 'boot', node: 'n1' },
    { t: 0, type: 'boot', node: 'n2' },
    { t: 0, type: 'send', node: 'n1', to: 'n2', msg: 'm1', body: { type: 'ping' } },
    { t: 1, type: 'deliver', node: 'n2', from: 'n1', msg: 'm1' },
    { t: 1, type: 'send', node: 'n2', to: 'n1', msg: 'm2', body: { type: 'pong' } },
    { t: 2, type: 'timer-fire', node: 'n1', name: 'retry' },
    { t: 3, type: 'deliver', node: 'n1', from: 'n2', msg: 'm2' },
    { t: 4, type: 'violation', property: 'no pong', detail: 'a pong arrived' },
  ];
  // (The header's configuration says "1..3 ms": a checker's says nothing of time.)
  const checkHeader: TraceHeader = { ...header, engine: 'check', config: { semantics: 'unordered' } };
  const checker = renderTraceHtml({ header: checkHeader, events: path });
  const tickLabels = (page: string) =>
    [...svgById(page, 'axis').matchAll(/<text class="tick-label"[^>]*>([^<]*)</g)].map((match) => match[1]);

  it('says which step failed and labels the axis in steps, in every spacing', () => {
    expect(checker).toContain('violated at step 4: a pong arrived');
    expect(checker).toContain('<span class="k">ends at</span> step 4');
    expect(tickLabels(checker)).not.toHaveLength(0);
    for (const label of tickLabels(checker)) expect(label).toMatch(/^step \d+$/);
    expect(checker).not.toMatch(/\d ms\b/);
    expect((embeddedData(checker) as unknown as { unit: string }).unit).toBe('step');
  });

  it('keeps ms for a simulated run', () => {
    const simulated = renderTraceHtml({ header, events: path });
    expect(simulated).toContain('violated at 4 ms: a pong arrived');
    for (const label of tickLabels(simulated)) expect(label).toMatch(/^[\d.]+ ms$/);
    expect((embeddedData(simulated) as unknown as { unit: string }).unit).toBe('ms');
  });
});
