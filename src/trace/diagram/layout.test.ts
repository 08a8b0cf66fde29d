import { describe, expect, it } from 'vitest';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent } from '../events.js';
import { CUT_PX, formatMs, layoutDiagram, niceStep } from './layout.js';

function traceOf(events: TraceEvent[]): Trace {
  return {
    header: {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      engine: 'sim',
      scenario: 'layout',
      seed: 1,
      params: {},
      nodes: [
        { id: 'a', protocol: 'p', group: 'nodes' },
        { id: 'b', protocol: 'p', group: 'nodes' },
        { id: 'c', protocol: 'p', group: 'nodes' },
      ],
      config: {},
    },
    events,
  };
}

/** a sends to b; b answers; 10 s of silence; c boots late and a partition starts. */
const events: TraceEvent[] = [
  { t: 0, type: 'boot', node: 'a' }, // 0
  { t: 0, type: 'boot', node: 'b' }, // 1
  { t: 0, type: 'send', node: 'a', to: 'b', msg: 'm1', body: null }, // 2
  { t: 0, type: 'send', node: 'a', to: 'c', msg: 'm2', body: null }, // 3
  { t: 4, type: 'deliver', node: 'b', from: 'a', msg: 'm1' }, // 4
  { t: 4, type: 'send', node: 'b', to: 'a', msg: 'm3', body: null }, // 5
  { t: 8, type: 'deliver', node: 'a', from: 'b', msg: 'm3' }, // 6
  { t: 10_008, type: 'boot', node: 'c' }, // 7
  { t: 10_009, type: 'partition', name: 'halves', grudge: {} }, // 8
  { t: 10_012, type: 'timer-fire', node: 'b', name: 'tick' }, // 9
];

describe('layoutDiagram', () => {
  const layout = layoutDiagram(traceOf(events), events);

  it('puts one lane per node, top to bottom in header order', () => {
    expect(layout.lanes.map((lane) => lane.node)).toEqual(['a', 'b', 'c']);
    expect(layout.lanes[1]!.y - layout.lanes[0]!.y).toBe(layout.lanes[2]!.y - layout.lanes[1]!.y);
    expect(layout.headings).toEqual([]);
  });

  it('time: x is proportional to virtual time, the end anchor after the last event', () => {
    const x = layout.x.time;
    expect(x[0]).toBe(0);
    // Positions are rounded to a tenth of a pixel.
    expect(x[4]! / 4).toBeCloseTo(x[9]! / 10_012, 2);
    expect(x[layout.endAnchor]).toBeGreaterThan(x[9]!);
  });

  it('gaps: an idle stretch is cut to a fixed width, order and spacing elsewhere kept', () => {
    const x = layout.x.gaps;
    expect(layout.axes.gaps.cuts).toHaveLength(1);
    expect(layout.axes.gaps.cuts[0]!.label).toBe('10 s');
    expect(x[7]! - x[6]!).toBe(CUT_PX);
    expect(x[6]! - x[4]!).toBeCloseTo(x[4]! - x[0]!, 1);
    for (let index = 1; index < events.length; index++)
      expect(x[index]).toBeGreaterThanOrEqual(x[index - 1]!);
    expect(layout.axes.gaps.width).toBeLessThan(layout.axes.time.width);
  });

  it('order: a delivery after its send, a step’s sends in the step’s column, global events as barriers', () => {
    const x = layout.x.order;
    expect(x[2]).toBe(x[0]); // a's sends share its boot's column
    expect(x[3]).toBe(x[0]);
    expect(x[4]).toBeGreaterThan(x[2]!); // b receives after a sent
    expect(x[5]).toBe(x[4]); // b answers in the same step
    expect(x[6]).toBeGreaterThan(x[5]!);
    // c boots late in time but early in causal order: nothing came before it on its lane.
    expect(x[7]).toBe(x[0]);
    // The partition is after everything before it, and b's later timer after the partition.
    expect(Math.max(...[0, 1, 2, 3, 4, 5, 6, 7].map((index) => x[index]!))).toBeLessThan(x[8]!);
    expect(x[9]).toBeGreaterThan(x[8]!);
  });

  it('opens in causal order when no time passes (a model-checker path)', () => {
    const timeless = events.map((event) => ({ ...event, t: 0 }));
    expect(layoutDiagram(traceOf(timeless), timeless).defaultMode).toBe('order');
    expect(layout.defaultMode).toBe('time');
  });

  it('labels ticks in one unit per axis', () => {
    expect(layout.axes.time.ticks.every((tick) => tick.label.endsWith(' s'))).toBe(true);
    const short = events.slice(0, 7);
    const shortLayout = layoutDiagram(traceOf(short), short);
    expect(shortLayout.axes.time.ticks.map((tick) => tick.label).slice(0, 3)).toEqual([
      '0 ms',
      '1 ms',
      '2 ms',
    ]);
  });
});

describe('niceStep and formatMs', () => {
  it('rounds steps up to 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.2, 3, 7, 42, 999].map(niceStep)).toEqual([1, 1, 2, 5, 10, 50, 1000]);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(Infinity)).toBe(1);
  });

  it('prints ms below 10 s and seconds from there', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(1063.2261)).toBe('1063.226 ms');
    expect(formatMs(12_500)).toBe('12.5 s');
  });
});
