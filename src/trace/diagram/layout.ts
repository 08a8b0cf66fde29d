/**
 * Geometry of a space-time diagram: where each lane sits and where each event
 * sits along the horizontal axis, for each spacing mode.
 *
 * Every drawn element is anchored to events (by index), never to raw
 * coordinates, so that switching spacing or zooming in the page only swaps
 * the table of anchor positions: one layout, three views.
 *
 * - `time`: linear virtual time.
 * - `gaps`: virtual time, with idle stretches (no event at all) cut down to a
 *   fixed width, since protocol events cluster around message exchanges and
 *   timeouts and a linear axis spends most of its width on silence.
 * - `order`: causal (Lamport) order: each step of a node sits one column after
 *   the node's previous step and after the send of the message it receives;
 *   concurrent steps share columns. Global events (partitions, phases,
 *   violations) are barriers across all lanes.
 */

import type { Trace, TraceEvent, TraceHeader } from '../events.js';

/** The spacing modes of the horizontal axis. */
export type SpacingMode = 'time' | 'gaps' | 'order';
export const SPACING_MODES: readonly SpacingMode[] = ['time', 'gaps', 'order'];

/** Where the drawing starts, px from the left edge of the lane area. */
export const LEFT_PAD_PX = 20;
/** Room after the last event, px. */
export const RIGHT_PAD_PX = 140;
/** Height of one lane, px. */
export const LANE_PX = 34;
/** Height of a group heading row, px. */
const HEADING_PX = 22;
const TOP_PAD_PX = 6;
/** The widest a mode is laid out at zoom 1, px: beyond this the reader zooms. */
const WIDTH_PX_MAX = 30_000;
/** The narrowest, px: a short run still fills a screen. */
const WIDTH_PX_MIN = 1_100;
/** How wide a typical message delay is drawn in `time` and `gaps` modes, px. */
const TYPICAL_DELAY_PX = { time: 12, gaps: 34 } as const;
/** In `gaps` mode, an idle stretch wider than this is cut to `CUT_PX`. */
const CUT_THRESHOLD_PX = 110;
export const CUT_PX = 34;
/** One causal step in `order` mode, px. */
const COLUMN_PX = 22;
/** Minimum distance between labelled ticks, px. */
const TICK_SPACING_PX = 100;

/** One horizontal lane: a node. */
export interface Lane {
  readonly node: string;
  readonly group: string;
  readonly protocol: string;
  readonly byzantine?: string;
  /** Vertical centre, px. */
  readonly y: number;
  /** Position among lanes, for striping. */
  readonly index: number;
}

/** A tick of the horizontal axis: base x (before zoom) and its label. */
export interface Tick {
  readonly x: number;
  readonly label: string;
}

/** An idle stretch cut out of the `gaps` axis. */
export interface Cut {
  readonly x: number;
  readonly width: number;
  /** How much virtual time was cut, readable. */
  readonly label: string;
}

/** The axis of one mode. */
export interface Axis {
  /** Base width of the drawing, from the first event to the end anchor, px at zoom 1. */
  readonly width: number;
  readonly ticks: readonly Tick[];
  readonly cuts: readonly Cut[];
}

/** The whole geometry. */
export interface Layout {
  readonly lanes: readonly Lane[];
  readonly laneByNode: ReadonlyMap<string, Lane>;
  readonly headings: readonly { readonly group: string; readonly y: number }[];
  /** Height of the lane area, px. */
  readonly height: number;
  /**
   * Base x of each anchor, per mode (px at zoom 1, before `LEFT_PAD_PX`): one
   * anchor per event, then `endAnchor`, past the last event.
   */
  readonly x: Readonly<Record<SpacingMode, Float64Array>>;
  readonly axes: Readonly<Record<SpacingMode, Axis>>;
  readonly endAnchor: number;
  /** The mode the page opens in. */
  readonly defaultMode: SpacingMode;
  /** What a unit of the events' `t` is: virtual ms, or a model checker's step. */
  readonly unit: TimeUnit;
}

/**
 * What the events' `t` counts. The simulator and the runtime write virtual or real ms; the model
 * checker has no time, and writes the step's number instead.
 */
export type TimeUnit = 'ms' | 'step';

/** The unit of a trace's times, from the engine that wrote it. */
export function timeUnitOf(header: TraceHeader): TimeUnit {
  return header.engine === 'check' ? 'step' : 'ms';
}

/** A moment, readable: `850 ms`, `12.5 s`, or `step 4`. */
export function formatMoment(t: number, unit: TimeUnit): string {
  return unit === 'step' ? `step ${trim(t)}` : formatMs(t);
}

/** A stretch of time, readable: `850 ms`, or `3 steps`. */
export function formatSpan(length: number, unit: TimeUnit): string {
  return unit === 'step' ? `${trim(length)} step${length === 1 ? '' : 's'}` : formatMs(length);
}

/** Lays out the first `events.length` events of `trace` (the caller caps them). */
export function layoutDiagram(trace: Trace, events: readonly TraceEvent[]): Layout {
  const unit = timeUnitOf(trace.header);
  const { lanes, headings, height } = layoutLanes(trace, events);
  const laneByNode = new Map(lanes.map((lane) => [lane.node, lane]));
  const typicalMs = typicalDelayMs(events);
  const spanMs = events.reduce((max, event) => Math.max(max, event.t), 0);
  const time = layoutTime(events, typicalMs, spanMs, unit);
  const gaps = layoutGaps(events, typicalMs, unit);
  const order = layoutOrder(events, lanes, unit);
  return {
    lanes,
    laneByNode,
    headings,
    height,
    x: { time: time.x, gaps: gaps.x, order: order.x },
    axes: { time: time.axis, gaps: gaps.axis, order: order.axis },
    endAnchor: events.length,
    // With no time passing (a model-checker path), only causal order can spread the events out.
    defaultMode: spanMs > 0 ? 'time' : 'order',
    unit,
  };
}

function layoutLanes(trace: Trace, events: readonly TraceEvent[]) {
  const specs = trace.header.nodes.map((node) => ({ ...node }));
  const listed = new Set(specs.map((node) => node.id));
  // A hand-made or foreign trace may name nodes its header does not list: they still get a lane.
  for (const event of events) {
    for (const name of nodesOf(event)) {
      if (!listed.has(name)) {
        listed.add(name);
        specs.push({ id: name, protocol: '?', group: '(not in header)' });
      }
    }
  }
  const groups: string[] = [];
  for (const spec of specs) if (!groups.includes(spec.group)) groups.push(spec.group);
  const showHeadings = groups.length > 1;
  const lanes: Lane[] = [];
  const headings: { group: string; y: number }[] = [];
  let y = TOP_PAD_PX;
  for (const group of groups) {
    if (showHeadings) {
      headings.push({ group, y: y + HEADING_PX - 7 });
      y += HEADING_PX;
    }
    for (const spec of specs) {
      if (spec.group !== group) continue;
      lanes.push({
        node: spec.id,
        group,
        protocol: spec.protocol,
        ...(spec.byzantine === undefined ? {} : { byzantine: spec.byzantine }),
        y: y + LANE_PX / 2,
        index: lanes.length,
      });
      y += LANE_PX;
    }
  }
  return { lanes, headings, height: y + TOP_PAD_PX };
}

/** The nodes an event involves, for lanes. */
export function nodesOf(event: TraceEvent): string[] {
  const names: string[] = [];
  if ('node' in event) names.push(event.node);
  if ('from' in event) names.push(event.from);
  if ('to' in event) names.push(event.to);
  return names;
}

/** The median delay of delivered messages, ms: what sets the horizontal scale. */
function typicalDelayMs(events: readonly TraceEvent[]): number {
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  for (const event of events) {
    if (event.type === 'send') sentAt.set(event.msg, event.t);
    else if (event.type === 'deliver') {
      const sent = sentAt.get(event.msg);
      if (sent !== undefined && event.t > sent) delays.push(event.t - sent);
    }
  }
  if (delays.length === 0) {
    // No message took time: fall back on the spacing of events.
    const times = distinctTimes(events);
    for (let index = 1; index < times.length; index++)
      delays.push((times[index] as number) - (times[index - 1] as number));
  }
  if (delays.length === 0) return 1;
  delays.sort((a, b) => a - b);
  return delays[Math.floor(delays.length / 2)] as number;
}

function distinctTimes(events: readonly TraceEvent[]): number[] {
  const times = [...new Set(events.map((event) => event.t))];
  return times.sort((a, b) => a - b);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function layoutTime(
  events: readonly TraceEvent[],
  typicalMs: number,
  spanMs: number,
  unit: TimeUnit,
): { x: Float64Array; axis: Axis } {
  let pxPerMs = TYPICAL_DELAY_PX.time / typicalMs;
  if (spanMs > 0) pxPerMs = Math.min(Math.max(pxPerMs, WIDTH_PX_MIN / spanMs), WIDTH_PX_MAX / spanMs);
  const x = new Float64Array(events.length + 1);
  events.forEach((event, index) => (x[index] = round(event.t * pxPerMs)));
  const width = round(spanMs * pxPerMs) + CUT_PX;
  x[events.length] = width;
  const ticks: Tick[] = [];
  const step = tickStep(TICK_SPACING_PX / pxPerMs, unit);
  const label = tickFormat(spanMs, unit);
  for (let k = 0; k * step <= spanMs; k++)
    ticks.push({ x: round(k * step * pxPerMs), label: label(k * step) });
  return { x, axis: { width, ticks, cuts: [] } };
}

function layoutGaps(
  events: readonly TraceEvent[],
  typicalMs: number,
  unit: TimeUnit,
): { x: Float64Array; axis: Axis } {
  const times = distinctTimes(events);
  let pxPerMs = TYPICAL_DELAY_PX.gaps / typicalMs;
  let placed = placeWithCuts(times, pxPerMs, unit);
  // Cuts have a fixed width, so scaling down converges in a few rounds.
  for (let round = 0; round < 4 && placed.width > WIDTH_PX_MAX; round++) {
    pxPerMs *= WIDTH_PX_MAX / placed.width;
    placed = placeWithCuts(times, pxPerMs, unit);
  }
  const baseByTime = new Map(times.map((t, index) => [t, placed.base[index] as number]));
  const x = new Float64Array(events.length + 1);
  events.forEach((event, index) => (x[index] = baseByTime.get(event.t) as number));
  const width = placed.width + CUT_PX;
  x[events.length] = width;

  // Ticks at round times inside each uncut stretch.
  const label = tickFormat(times[times.length - 1] ?? 0, unit);
  const ticks: Tick[] = [];
  const step = tickStep(TICK_SPACING_PX / pxPerMs, unit);
  let runStart = 0;
  let lastTickX = -Infinity;
  for (let index = 0; index < times.length; index++) {
    const runEnds = index === times.length - 1 || placed.cutAfter[index] === true;
    if (!runEnds) continue;
    const fromMs = times[runStart] as number;
    const toMs = times[index] as number;
    const fromX = placed.base[runStart] as number;
    for (let k = Math.ceil(fromMs / step); k * step <= toMs; k++) {
      const tickX = round(fromX + (k * step - fromMs) * pxPerMs);
      if (tickX - lastTickX < TICK_SPACING_PX * 0.6) continue;
      ticks.push({ x: tickX, label: label(k * step) });
      lastTickX = tickX;
    }
    // A stretch too short for a round time still gets its start labelled.
    if (ticks.length === 0 || (ticks[ticks.length - 1] as Tick).x < fromX) {
      if (fromX - lastTickX >= TICK_SPACING_PX * 0.6) {
        ticks.push({ x: round(fromX), label: label(roundForLabel(fromMs)) });
        lastTickX = fromX;
      }
    }
    runStart = index + 1;
  }
  return { x, axis: { width, ticks, cuts: placed.cuts } };
}

function placeWithCuts(times: readonly number[], pxPerMs: number, unit: TimeUnit) {
  const base: number[] = [];
  const cutAfter: boolean[] = [];
  const cuts: Cut[] = [];
  let position = 0;
  times.forEach((t, index) => {
    if (index > 0) {
      const gapMs = t - (times[index - 1] as number);
      if (gapMs * pxPerMs > CUT_THRESHOLD_PX) {
        cuts.push({ x: round(position), width: CUT_PX, label: formatSpan(roundForLabel(gapMs), unit) });
        cutAfter[index - 1] = true;
        position += CUT_PX;
      } else {
        position += gapMs * pxPerMs;
      }
    }
    base.push(round(position));
  });
  return { base, cutAfter, cuts, width: round(position) };
}

/**
 * Causal columns. A node's steps start with a trigger (boot, recover, deliver,
 * timer fire) and the effects of the step (sends, logs, client records) share
 * the trigger's column, as in a hand-drawn Lamport diagram.
 */
function layoutOrder(
  events: readonly TraceEvent[],
  lanes: readonly Lane[],
  unit: TimeUnit,
): { x: Float64Array; axis: Axis } {
  const column = new Map<string, number>(lanes.map((lane) => [lane.node, 0]));
  const sendColumn = new Map<string, number>();
  const sendMs = new Map<string, number>();
  const columns = new Int32Array(events.length);
  let highest = 0;
  const barrier = (): number => {
    const at = highest + 1;
    for (const node of column.keys()) column.set(node, at);
    return at;
  };
  events.forEach((event, index) => {
    let at: number;
    switch (event.type) {
      case 'boot':
      case 'recover':
      case 'timer-fire':
      case 'crash':
      case 'pause':
      case 'resume':
      case 'clock':
        at = (column.get(event.node) ?? 0) + 1;
        column.set(event.node, at);
        break;
      case 'deliver':
        at = Math.max((column.get(event.node) ?? 0) + 1, (sendColumn.get(event.msg) ?? 0) + 1);
        column.set(event.node, at);
        break;
      case 'send':
        at = column.get(event.node) ?? 0;
        sendColumn.set(event.msg, at);
        sendMs.set(event.msg, event.t);
        break;
      case 'timer-set':
      case 'timer-cancel':
      case 'log':
      case 'choose':
      case 'invoke':
      case 'ok':
      case 'fail':
      case 'info':
      case 'fault':
        at = column.get(event.node) ?? 0;
        break;
      case 'drop': {
        // One decided as the message left sits just after the send and is not a step of the receiver.
        // One decided on arrival is drawn on the receiver's lane, so it moves that lane on, as a
        // delivery would: a copy lost while the receiver is down then lands inside its down time.
        const sent = sendColumn.get(event.msg) ?? column.get(event.from) ?? 0;
        if (event.t > (sendMs.get(event.msg) ?? event.t)) {
          at = Math.max((column.get(event.node) ?? 0) + 1, sent + 1);
          column.set(event.node, at);
        } else {
          at = sent + 1;
        }
        break;
      }
      case 'duplicate':
        at = sendColumn.get(event.msg) ?? column.get(event.node) ?? 0;
        break;
      case 'partition':
      case 'heal':
      case 'clog':
      case 'phase':
      case 'violation':
        at = barrier();
        break;
    }
    columns[index] = at;
    highest = Math.max(highest, at);
  });
  const x = new Float64Array(events.length + 1);
  columns.forEach((at, index) => (x[index] = at * COLUMN_PX));
  const width = (highest + 1) * COLUMN_PX;
  x[events.length] = width;

  // Label columns with the earliest time placed there, keeping labels in increasing time.
  const earliest = new Map<number, number>();
  columns.forEach((at, index) => {
    const t = (events[index] as TraceEvent).t;
    earliest.set(at, Math.min(earliest.get(at) ?? Infinity, t));
  });
  const ticks: Tick[] = [];
  // Columns are not evenly spaced in time, so each label picks its own unit.
  const label = (t: number) => formatMoment(t, unit);
  let lastX = -Infinity;
  let lastMs = -Infinity;
  for (const at of [...earliest.keys()].sort((a, b) => a - b)) {
    const t = earliest.get(at) as number;
    const tickX = at * COLUMN_PX;
    if (tickX - lastX < TICK_SPACING_PX || t < lastMs) continue;
    ticks.push({ x: tickX, label: label(roundForLabel(t)) });
    lastX = tickX;
    lastMs = t;
  }
  return { x, axis: { width, ticks, cuts: [] } };
}

/** A round step (1, 2 or 5 times a power of ten) at least `minimum`. */
export function niceStep(minimum: number): number {
  if (!(minimum > 0) || !Number.isFinite(minimum)) return 1;
  const power = 10 ** Math.floor(Math.log10(minimum));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= minimum) return factor * power;
  return 10 * power;
}

/** A time rounded for an axis label: whole ms from 10 ms on, else a tenth. */
function roundForLabel(ms: number): number {
  return ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10;
}

/** Axis labels in one unit: steps for a checker's path; seconds for runs of 10 s and more, else ms. */
function tickFormat(spanMs: number, unit: TimeUnit): (t: number) => string {
  if (unit === 'step') return (t) => formatMoment(t, unit);
  return spanMs >= 10_000 ? (ms) => `${trim(ms / 1000)} s` : (ms) => `${trim(ms)} ms`;
}

/** The distance between ticks: a round number, and a whole one for steps (there is no step 2.5). */
function tickStep(minimum: number, unit: TimeUnit): number {
  const step = niceStep(minimum);
  return unit === 'step' ? Math.max(1, step) : step;
}

/** Virtual time, readable: `850 ms`, `12.5 s`. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${trim(ms / 1000)} s`;
  return `${trim(ms)} ms`;
}

function trim(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
