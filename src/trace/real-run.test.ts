/**
 * The trace module against real simulator runs: what the simulator writes is
 * a valid trace, and every view of it (JSON Lines, HTML, ShiViz) keeps its
 * causality.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { uniform } from '../sim/index.js';
import { simulate } from '../sim/index.js';
import { layoutDiagram } from './diagram/layout.js';
import type { Trace, TraceEvent } from './events.js';
import { renderTraceHtml } from './html.js';
import { parseTraceJsonl, traceToJsonl } from './jsonl.js';
import { SHIVIZ_REGEX, traceToShiviz } from './shiviz.js';

type Message =
  { readonly type: 'ping'; readonly round: number } | { readonly type: 'pong'; readonly round: number };

/** Pings every peer each 30 ms; answers pings; a client asks n1 and waits for an answer. */
const pinger = defineProtocol<{ round: number; pongs: number }, Message>({
  name: 'pinger',
  init: () => ({ round: 0, pongs: 0 }),
  onBoot: (context) => context.setTimer('round', 5),
  onRecover: (context) => context.setTimer('round', 5),
  onTimer(context) {
    context.state.round++;
    context.broadcast({ type: 'ping', round: context.state.round });
    context.setTimer('round', 30);
  },
  onMessage(context, from, message) {
    if (message.type === 'ping') context.send(from, { type: 'pong', round: message.round });
    else if (++context.state.pongs % 5 === 0) context.log(`${context.state.pongs} pongs`);
  },
});

const client = defineProtocol<{ operation: number | null }, Message>({
  name: 'client',
  init: () => ({ operation: null }),
  onBoot: (context) => context.setTimer('ask', 10),
  onTimer(context) {
    if (context.state.operation !== null) context.complete(context.state.operation, 'info', null);
    context.state.operation = context.invoke('ping', null);
    context.send('n1' as NodeId, { type: 'ping', round: 0 });
    context.setTimer('ask', 50);
  },
  onMessage(context) {
    if (context.state.operation === null) return;
    context.complete(context.state.operation, 'ok', null);
    context.state.operation = null;
  },
});

function run(seed: number): Trace {
  const result = simulate(
    {
      nodes: { n1: pinger, n2: pinger, n3: pinger, c1: { protocol: client, group: 'clients' } },
      network: { delay: uniform(1, 8), drop: 0.15, duplicate: 0.1 },
      faults: [
        { atMs: 60, fault: { kind: 'partition', shape: { kind: 'isolate', node: 'n3' }, forMs: 60 } },
        { atMs: 130, fault: { kind: 'crash-recover', node: 'n2', downMs: 40 } },
        { atMs: 200, fault: { kind: 'pause', node: 'n1', forMs: 20 } },
      ],
      durationMs: 300,
    },
    { seed, trace: true, scenario: 'pinger', params: { seed } },
  );
  expect(result.trace).toBeDefined();
  return result.trace as Trace;
}

const SEEDS = [1, 2, 3, 4, 5];
const traces = SEEDS.map(run);

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('traces of real simulator runs', () => {
  it('exercise what the other tests rely on: drops, duplicates, a partition, a crash, client operations', () => {
    const types = new Set(traces.flatMap((trace) => trace.events.map((event) => event.type)));
    for (const type of [
      'drop',
      'duplicate',
      'partition',
      'heal',
      'crash',
      'recover',
      'pause',
      'invoke',
      'ok',
      'log',
    ]) {
      expect(types, type).toContain(type);
    }
  });

  it('are valid traces: written, read back and written again, byte for byte', () => {
    for (const trace of traces) {
      const text = traceToJsonl(trace);
      const read = parseTraceJsonl(text, 'run.jsonl');
      expect(read).toEqual(trace);
      expect(traceToJsonl(read)).toBe(text);
    }
  });

  it('draw one arrow per delivered copy and a crossed arrow per dropped one', () => {
    for (const trace of traces) {
      const html = renderTraceHtml(trace);
      const sends = trace.events.filter((event) => event.type === 'send').map((event) => event.msg);
      const settled = new Set<string>();
      let delivered = 0;
      let dropped = 0;
      for (const event of trace.events) {
        if (event.type === 'deliver') delivered++;
        if (event.type === 'drop') dropped++;
        if (event.type === 'deliver' || event.type === 'drop') settled.add(event.msg);
      }
      const inFlight = sends.filter((msg) => !settled.has(msg)).length;
      expect(count(html, 'marker-end="url(#ah')).toBe(delivered);
      expect(count(html, '<use href="#i-cross" data-a=')).toBe(dropped);
      expect(count(html, '<g class="msg ')).toBe(delivered + dropped + inFlight);
    }
  });

  it('lay out in every mode without breaking time or causality', () => {
    for (const trace of traces) {
      const layout = layoutDiagram(trace, trace.events);
      const sendIndex = new Map<string, number>();
      const lastOrderX = new Map<string, number>();
      trace.events.forEach((event, index) => {
        if (index > 0) {
          expect(layout.x.time[index]).toBeGreaterThanOrEqual(layout.x.time[index - 1] as number);
          expect(layout.x.gaps[index]).toBeGreaterThanOrEqual(layout.x.gaps[index - 1] as number);
        }
        const orderX = layout.x.order[index] as number;
        if (event.type === 'send') sendIndex.set(event.msg, index);
        if (event.type === 'deliver') {
          expect(orderX).toBeGreaterThan(layout.x.order[sendIndex.get(event.msg) as number] as number);
        }
        // Along one lane, the node's own events never go back.
        if ('node' in event && event.type !== 'drop' && event.type !== 'duplicate') {
          expect(orderX).toBeGreaterThanOrEqual(lastOrderX.get(event.node) ?? 0);
          lastOrderX.set(event.node, orderX);
        }
      });
    }
  });

  it('export to ShiViz with vector clocks that follow happened-before', () => {
    for (const trace of traces) {
      const log = traceToShiviz(trace, { fileHeader: false });
      const matches = [...log.matchAll(new RegExp(SHIVIZ_REGEX, 'g'))];
      const nodeEvents = trace.events.filter(
        (event): event is Extract<TraceEvent, { node: string }> =>
          'node' in event && event.type !== 'drop' && event.type !== 'duplicate',
      );
      expect(matches).toHaveLength(nodeEvents.length);
      const own = new Map<string, number>();
      const sent = new Map<string, Record<string, number>>();
      matches.forEach((match, index) => {
        const event = nodeEvents[index] as (typeof nodeEvents)[number];
        const clock = JSON.parse(match.groups?.clock as string) as Record<string, number>;
        expect(match.groups?.host).toBe(event.node);
        own.set(event.node, (own.get(event.node) ?? 0) + 1);
        expect(clock[event.node]).toBe(own.get(event.node));
        if (event.type === 'send') sent.set(event.msg, clock);
        if (event.type === 'deliver') {
          const sendClock = sent.get(event.msg) as Record<string, number>;
          for (const [node, value] of Object.entries(sendClock))
            expect(clock[node]).toBeGreaterThanOrEqual(value);
          expect(clock[event.node]).toBeGreaterThan(sendClock[event.node] ?? 0);
        }
      });
    }
  });
});
