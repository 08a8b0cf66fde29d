/**
 * The SVG of a space-time diagram, built as strings (one join per layer):
 * building DOM nodes one by one is what makes big traces slow to open.
 *
 * Three SVGs share the layout: the axis (sticky at the top), the lane labels
 * (sticky at the left) and the lanes themselves. Every element whose
 * horizontal position depends on the spacing mode carries its anchors
 * (`data-a`, `data-b`: event indices; `data-d`: an offset in px; or `data-x`,
 * `data-w`: base positions of axis ticks) so that the page script can move it
 * when the reader switches mode or zooms; elements that stand for events carry
 * `data-e` (the event index) for the details panel.
 */

import type { TraceEvent } from '../events.js';
import { escapeHtml } from '../escape.js';
import { LANE_PX, LEFT_PAD_PX, RIGHT_PAD_PX, type Layout, type SpacingMode } from './layout.js';

/** Colours of message types, in order of first appearance. Red is kept for failures. */
export const MESSAGE_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#9c755f',
  '#e377c2',
  '#bcbd22',
  '#17becf',
  '#1f3b73',
] as const;

/** A message type as the legend shows it. */
export interface MessageType {
  readonly name: string;
  /** Index of the type: the CSS class `k<key>` of its arrows, which the legend toggles. */
  readonly key: number;
  /** Index into {@link MESSAGE_COLOURS}. */
  readonly colour: number;
  readonly count: number;
}

/** The three SVGs and what the legend needs. */
export interface DiagramSvg {
  readonly axis: string;
  readonly labels: string;
  readonly lanes: string;
  readonly labelWidth: number;
  readonly types: readonly MessageType[];
}

/** Horizontal distance of a drop decided at send time: the arrow stops short, px. */
const STUB_PX = 16;
/** Same, for a message still in flight when the trace ends, px. */
const IN_FLIGHT_PX = 24;
const AXIS_HEIGHT_PX = 50;
/** Client operations that overlap on one lane are stacked, up to this many rows. */
const OPERATION_ROWS_MAX = 3;

/** The type of a message for colouring: its `type` field, or a short string body itself. */
export function messageTypeOf(body: unknown): string {
  if (typeof body === 'string') return body.length <= 24 ? body : '(string)';
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const inner = (
      typeof record.$object === 'object' && record.$object !== null ? record.$object : record
    ) as Record<string, unknown>;
    if (typeof inner.type === 'string') return inner.type;
    if (typeof inner.kind === 'string') return inner.kind;
  }
  return '(message)';
}

function number(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Draws the diagram for `mode` at zoom 1. */
export function renderDiagramSvg(
  events: readonly TraceEvent[],
  layout: Layout,
  mode: SpacingMode,
): DiagramSvg {
  const baseX = layout.x[mode];
  const end = layout.endAnchor;
  const xOf = (anchor: number, offset = 0): string =>
    number(LEFT_PAD_PX + (baseX[anchor] as number) + offset);
  const laneY = (node: string): number | undefined => layout.laneByNode.get(node)?.y;

  const stripes: string[] = [];
  const grid: string[] = [];
  const bands: string[] = [];
  const laneLines: string[] = [];
  const segments: string[] = [];
  const operations: string[] = [];
  const messages: string[] = [];
  const marks: string[] = [];
  const failures: string[] = [];
  const strip: string[] = [];

  for (const lane of layout.lanes) {
    if (lane.index % 2 === 1) {
      stripes.push(
        `<rect class="stripe" x="0" y="${lane.y - LANE_PX / 2}" width="100%" height="${LANE_PX}"/>`,
      );
    }
    laneLines.push(
      `<line class="lane${lane.byzantine === undefined ? '' : ' byz'}" x1="0" x2="100%" y1="${lane.y}" y2="${lane.y}"/>`,
    );
  }

  // Grid lines and idle cuts, one group per mode; only the current one is displayed.
  for (const each of ['time', 'gaps', 'order'] as const) {
    const axis = layout.axes[each];
    const hidden = each === mode ? '' : ' display="none"';
    const lines = axis.ticks.map((tick) => {
      const x = number(LEFT_PAD_PX + tick.x);
      return `<line data-x="${tick.x}" x1="${x}" x2="${x}" y1="0" y2="100%"/>`;
    });
    const cuts = axis.cuts.map(
      (cut) =>
        `<rect class="cut" data-x="${cut.x}" data-w="${cut.width}" x="${number(LEFT_PAD_PX + cut.x)}" y="0" width="${cut.width}" height="100%"/>`,
    );
    grid.push(`<g class="grid" data-mode="${each}"${hidden}>${lines.join('')}${cuts.join('')}</g>`);
  }

  // Message types, in order of first appearance.
  const typeByName = new Map<string, { key: number; count: number }>();
  const sends = new Map<string, number>();
  const outcomes = new Map<string, number[]>();
  const duplicates = new Map<string, number>();
  events.forEach((event, index) => {
    if (event.type === 'send') {
      sends.set(event.msg, index);
      const name = messageTypeOf(event.body);
      const type = typeByName.get(name) ?? { key: typeByName.size, count: 0 };
      type.count++;
      typeByName.set(name, type);
    } else if (event.type === 'deliver' || event.type === 'drop') {
      const list = outcomes.get(event.msg) ?? [];
      list.push(index);
      outcomes.set(event.msg, list);
    } else if (event.type === 'duplicate') {
      duplicates.set(event.msg, index);
    }
  });

  for (const [msg, sendIndex] of sends) {
    const send = events[sendIndex] as Extract<TraceEvent, { type: 'send' }>;
    const fromY = laneY(send.node);
    const toY = laneY(send.to);
    if (fromY === undefined || toY === undefined) continue;
    const type = typeByName.get(messageTypeOf(send.body)) as { key: number };
    const colour = type.key % MESSAGE_COLOURS.length;
    const list = outcomes.get(msg) ?? [];
    const duplicate = duplicates.get(msg);
    const related = [...list, ...(duplicate === undefined ? [] : [duplicate])].join(',');
    const open = (outcome: number | undefined, extra: string) =>
      `<g class="msg k${type.key}${extra}" data-e="${sendIndex}"${outcome === undefined ? '' : ` data-o="${outcome}"`}${related === '' ? '' : ` data-r="${related}"`}>`;
    const line = (className: string, attributes: string, x2: string, y2: number, marker = '') =>
      `<line class="${className}" ${attributes} x1="${xOf(sendIndex)}" y1="${fromY}" x2="${x2}" y2="${number(y2)}"${marker}/>`;
    if (list.length === 0) {
      const y2 = fromY + (toY - fromY) * 0.5;
      const attributes = `data-a="${sendIndex}" data-d="${IN_FLIGHT_PX}"`;
      const x2 = xOf(sendIndex, IN_FLIGHT_PX);
      messages.push(
        open(undefined, ' inflight') +
          line(`vis c${colour}`, attributes, x2, y2) +
          line('hit', attributes, x2, y2) +
          `<use href="#i-open" data-a="${sendIndex}" data-d="${IN_FLIGHT_PX}" x="${x2}" y="${number(y2)}"/></g>`,
      );
      continue;
    }
    let deliveries = 0;
    for (const outcome of list) {
      const event = events[outcome] as Extract<TraceEvent, { type: 'deliver' | 'drop' }>;
      if (event.type === 'deliver') {
        const copy = deliveries++ > 0 ? ' dup' : '';
        const attributes = `data-a="${sendIndex}" data-b="${outcome}"`;
        const x2 = xOf(outcome);
        messages.push(
          open(outcome, copy) +
            line(`vis c${colour}`, attributes, x2, toY, ` marker-end="url(#ah${colour})"`) +
            line('hit', attributes, x2, toY) +
            '</g>',
        );
      } else if (event.t > send.t) {
        // Lost on arrival (receiver down, partition by then): the arrow reaches the lane, crossed out.
        const attributes = `data-a="${sendIndex}" data-b="${outcome}"`;
        const x2 = xOf(outcome);
        messages.push(
          open(outcome, ' dropped') +
            line(`vis c${colour}`, attributes, x2, toY) +
            line('hit', attributes, x2, toY) +
            `<use href="#i-cross" data-a="${outcome}" x="${x2}" y="${toY}"/></g>`,
        );
      } else {
        // Lost as it left: a short arrow that reaches the receiver's lane at once, crossed out there.
        const attributes = `data-a="${sendIndex}" data-d="${STUB_PX}"`;
        const x2 = xOf(sendIndex, STUB_PX);
        messages.push(
          open(outcome, ' dropped') +
            line(`vis c${colour}`, attributes, x2, toY) +
            line('hit', attributes, x2, toY) +
            `<use href="#i-cross" data-a="${sendIndex}" data-d="${STUB_PX}" x="${x2}" y="${toY}"/></g>`,
        );
      }
    }
  }

  // Lane segments, client operations, marks, bands and failures.
  const downSince = new Map<string, number>();
  const pausedSince = new Map<string, number>();
  const openOperations = new Map<number, { index: number; node: string; row: number }>();
  const rowsBusy = new Map<string, boolean[]>();
  let partitionSince: number | undefined;
  const segment = (className: string, node: string, from: number, to: number) => {
    const y = laneY(node);
    if (y === undefined) return;
    const x1 = xOf(from);
    const width = Math.max(Number(xOf(to)) - Number(x1), 2);
    segments.push(
      `<rect class="${className}" data-e="${from}" data-a="${from}" data-b="${to}" x="${x1}" y="${y - 8}" width="${number(width)}" height="16"/>`,
    );
  };
  const band = (from: number, to: number) => {
    const x1 = xOf(from);
    const width = Math.max(Number(xOf(to)) - Number(x1), 2);
    bands.push(
      `<rect class="band" data-a="${from}" data-b="${to}" x="${x1}" y="0" width="${number(width)}" height="100%"/>`,
    );
  };
  const operationBar = (start: { index: number; node: string; row: number }, to: number, outcome: string) => {
    const y = laneY(start.node);
    if (y === undefined) return;
    const x1 = xOf(start.index);
    const width = Math.max(Number(xOf(to)) - Number(x1), 3);
    const related = to === end ? '' : ` data-r="${to}"`;
    operations.push(
      `<rect class="op ${outcome}" data-e="${start.index}"${related} data-a="${start.index}" data-b="${to}" x="${x1}" y="${y - 14 - start.row * 9}" width="${number(width)}" height="7" rx="2"/>`,
    );
  };
  const mark = (symbol: string, index: number, node: string, dy = 0) => {
    const y = laneY(node);
    if (y === undefined) return;
    marks.push(
      `<use href="#i-${symbol}" class="mark" data-e="${index}" data-a="${index}" x="${xOf(index)}" y="${y + dy}"/>`,
    );
  };
  // Failures end runs, so their labels sit left of their line, where there is room.
  const stripLabel = (className: string, index: number, text: string, side: 'left' | 'right' = 'right') => {
    const offset = side === 'right' ? 4 : -4;
    strip.push(
      `<text class="${className}${side === 'left' ? ' left' : ''}" data-e="${index}" data-a="${index}" data-d="${offset}" x="${xOf(index, offset)}" y="44">${escapeHtml(text)}</text>`,
    );
  };

  events.forEach((event, index) => {
    switch (event.type) {
      case 'boot':
        mark('boot', index, event.node);
        return;
      case 'timer-fire':
        mark('timer', index, event.node);
        return;
      case 'log':
      case 'choose': // A choice is a note on the node's line, as a log line is; its details say which.
        mark('log', index, event.node, -9);
        return;
      case 'clock':
        mark('clock', index, event.node);
        return;
      case 'crash':
        downSince.set(event.node, index);
        mark('crash', index, event.node);
        return;
      case 'recover': {
        const since = downSince.get(event.node);
        if (since !== undefined) segment('down', event.node, since, index);
        downSince.delete(event.node);
        mark('recover', index, event.node);
        return;
      }
      case 'pause':
        pausedSince.set(event.node, index);
        return;
      case 'resume': {
        const since = pausedSince.get(event.node);
        if (since !== undefined) segment('paused', event.node, since, index);
        pausedSince.delete(event.node);
        return;
      }
      case 'clog': {
        const y = laneY(event.from);
        if (y === undefined) return;
        let until = events.findIndex((later, laterIndex) => laterIndex > index && later.t >= event.until);
        if (until < 0) until = end;
        const x1 = xOf(index);
        segments.push(
          `<line class="clog" data-e="${index}" data-a="${index}" data-b="${until}" x1="${x1}" x2="${xOf(until)}" y1="${y + 11}" y2="${y + 11}"/>` +
            `<text class="clog-label" data-e="${index}" data-a="${index}" x="${x1}" y="${y + 9}">${escapeHtml(`clog → ${event.to}`)}</text>`,
        );
        return;
      }
      case 'invoke': {
        const busy = rowsBusy.get(event.node) ?? [];
        rowsBusy.set(event.node, busy);
        let row = busy.findIndex((taken) => !taken);
        if (row < 0) row = Math.min(busy.length, OPERATION_ROWS_MAX - 1);
        busy[row] = true;
        openOperations.set(event.op, { index, node: event.node, row });
        return;
      }
      case 'ok':
      case 'fail':
      case 'info': {
        const start = openOperations.get(event.op);
        if (start === undefined) return;
        openOperations.delete(event.op);
        (rowsBusy.get(start.node) as boolean[])[start.row] = false;
        operationBar(start, index, event.type);
        return;
      }
      case 'partition':
        if (partitionSince !== undefined) band(partitionSince, index);
        partitionSince = index;
        stripLabel('band-label', index, `partition: ${event.name}`);
        return;
      case 'heal':
        if (partitionSince !== undefined) band(partitionSince, index);
        partitionSince = undefined;
        return;
      case 'phase':
        if (event.phase === 'liveness') {
          failures.push(
            `<line class="phase" data-a="${index}" x1="${xOf(index)}" x2="${xOf(index)}" y1="0" y2="100%"/>`,
          );
          stripLabel('phase-label', index, 'liveness phase');
        }
        return;
      case 'fault':
        failures.push(
          `<line class="vline" data-a="${index}" x1="${xOf(index)}" x2="${xOf(index)}" y1="0" y2="100%"/>`,
        );
        mark('fault', index, event.node);
        stripLabel('fail-label', index, `✖ fault at ${event.node}`, 'left');
        return;
      case 'violation':
        failures.push(
          `<line class="vline" data-e="${index}" data-a="${index}" x1="${xOf(index)}" x2="${xOf(index)}" y1="0" y2="100%"/>`,
        );
        stripLabel('fail-label', index, `✖ ${event.property}`, 'left');
        return;
      case 'send':
      case 'deliver':
      case 'drop':
      case 'duplicate':
      case 'timer-set':
      case 'timer-cancel':
        return;
    }
  });
  // What is still open when the trace ends runs to the end.
  for (const [node, since] of downSince) segment('down', node, since, end);
  for (const [node, since] of pausedSince) segment('paused', node, since, end);
  for (const start of openOperations.values()) operationBar(start, end, 'pending');
  if (partitionSince !== undefined) band(partitionSince, end);

  const types: MessageType[] = [...typeByName].map(([name, type]) => ({
    name,
    key: type.key,
    colour: type.key % MESSAGE_COLOURS.length,
    count: type.count,
  }));
  const width = number(LEFT_PAD_PX + layout.axes[mode].width + RIGHT_PAD_PX);
  const lanes =
    `<svg id="lanes" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${layout.height}">` +
    definitions() +
    `<g class="stripes">${stripes.join('')}</g>` +
    grid.join('') +
    `<g class="bands">${bands.join('')}</g>` +
    `<g class="lanes">${laneLines.join('')}</g>` +
    `<g class="segments">${segments.join('')}</g>` +
    `<g class="ops">${operations.join('')}</g>` +
    `<g class="messages">${messages.join('')}</g>` +
    `<g class="marks">${marks.join('')}</g>` +
    `<g class="failures">${failures.join('')}</g>` +
    '</svg>';
  const axis =
    `<svg id="axis" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${AXIS_HEIGHT_PX}">` +
    `<line class="axis-line" x1="0" x2="100%" y1="20" y2="20"/>` +
    renderAxisModes(layout, mode) +
    `<g class="strip">${strip.join('')}</g>` +
    '</svg>';
  const { labels, labelWidth } = renderLabels(layout);
  return { axis, labels, lanes, labelWidth, types };
}

function renderAxisModes(layout: Layout, mode: SpacingMode): string {
  const groups: string[] = [];
  for (const each of ['time', 'gaps', 'order'] as const) {
    const axis = layout.axes[each];
    const hidden = each === mode ? '' : ' display="none"';
    const parts: string[] = [];
    for (const tick of axis.ticks) {
      const x = number(LEFT_PAD_PX + tick.x);
      parts.push(
        `<line class="tick" data-x="${tick.x}" x1="${x}" x2="${x}" y1="15" y2="20"/>` +
          `<text class="tick-label" data-x="${tick.x}" x="${x}" y="11">${escapeHtml(tick.label)}</text>`,
      );
    }
    let lastLabelX = -Infinity;
    for (const cut of axis.cuts) {
      const middle = cut.x + cut.width / 2;
      const x = number(LEFT_PAD_PX + middle);
      // Neighbouring cuts would print over each other: the later one keeps only its tooltip.
      const labelled = middle - lastLabelX >= 56;
      if (labelled) lastLabelX = middle;
      parts.push(
        `<rect class="cut-gap" data-x="${cut.x}" data-w="${cut.width}" x="${number(LEFT_PAD_PX + cut.x)}" y="16" width="${cut.width}" height="8"><title>${escapeHtml(`${cut.label} without events, cut out`)}</title></rect>` +
          (labelled
            ? `<text class="cut-label" data-x="${middle}" x="${x}" y="32">${escapeHtml(`⋯${cut.label}`)}</text>`
            : ''),
      );
    }
    groups.push(`<g class="axis-mode" data-mode="${each}"${hidden}>${parts.join('')}</g>`);
  }
  return groups.join('');
}

function renderLabels(layout: Layout): { labels: string; labelWidth: number } {
  const longest = layout.lanes.reduce(
    (widest, lane) =>
      Math.max(
        widest,
        lane.node.length * 7.5 + Math.min(lane.protocol.length, 22) * 6 + 34,
        lane.group.length * 7 + 20,
      ),
    0,
  );
  const labelWidth = Math.round(Math.min(Math.max(longest, 100), 300));
  const parts: string[] = [];
  for (const lane of layout.lanes) {
    if (lane.index % 2 === 1) {
      parts.push(`<rect class="stripe" x="0" y="${lane.y - LANE_PX / 2}" width="100%" height="${LANE_PX}"/>`);
    }
    const protocol = lane.protocol.length > 22 ? `${lane.protocol.slice(0, 21)}…` : lane.protocol;
    const byzantine = lane.byzantine === undefined ? '' : ` byzantine: ${lane.byzantine}`;
    parts.push(
      `<text class="node${lane.byzantine === undefined ? '' : ' byz'}" x="10" y="${lane.y + 4}">` +
        `<title>${escapeHtml(`${lane.node} (${lane.protocol}, group ${lane.group})${byzantine}`)}</title>` +
        `${escapeHtml(lane.node)} <tspan class="protocol">${escapeHtml(lane.byzantine === undefined ? protocol : `⚠ ${lane.byzantine}`)}</tspan></text>`,
    );
  }
  for (const heading of layout.headings) {
    parts.push(`<text class="heading" x="6" y="${heading.y}">${escapeHtml(heading.group)}</text>`);
  }
  return {
    labels: `<svg id="labels" xmlns="http://www.w3.org/2000/svg" width="${labelWidth}" height="${layout.height}">${parts.join('')}</svg>`,
    labelWidth,
  };
}

/** Arrowheads (one per colour: marker fill cannot follow the line's stroke everywhere) and symbols. */
function definitions(): string {
  const markers = MESSAGE_COLOURS.map(
    (colour, index) =>
      `<marker id="ah${index}" viewBox="0 0 10 10" refX="9.5" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0.5 L10,5 L0,9.5 z" fill="${colour}"/></marker>`,
  );
  return (
    '<defs>' +
    markers.join('') +
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b5b5b5" stroke-width="2.5"/></pattern>' +
    '<g id="i-boot"><path d="M-3,-5 L4,0 L-3,5 z" fill="#333"/></g>' +
    '<g id="i-recover"><path d="M-3,-5 L4,0 L-3,5 z" fill="#2e8b57"/></g>' +
    '<g id="i-timer"><path d="M0,-4.5 L4.5,0 L0,4.5 L-4.5,0 z" fill="#fff" stroke="#555" stroke-width="1.3"/></g>' +
    '<g id="i-log"><rect x="-2.5" y="-2.5" width="5" height="5" fill="#8a8a8a"/></g>' +
    '<g id="i-clock"><circle r="4.5" fill="#fff" stroke="#2a6fb0" stroke-width="1.3"/><path d="M0,0 L0,-3 M0,0 L2,1" stroke="#2a6fb0" stroke-width="1.1"/></g>' +
    '<g id="i-crash"><path d="M-5,-5 L5,5 M5,-5 L-5,5" stroke="#8b1a1a" stroke-width="3"/></g>' +
    '<g id="i-cross"><path d="M-4,-4 L4,4 M4,-4 L-4,4" stroke="#333" stroke-width="2.2"/></g>' +
    '<g id="i-open"><circle r="3" fill="#fff" stroke="#777" stroke-width="1.3"/></g>' +
    '<g id="i-fault"><circle r="7" fill="#d11"/><path d="M0,-4 L0,1.2" stroke="#fff" stroke-width="2"/><circle cy="3.6" r="1.1" fill="#fff"/></g>' +
    '</defs>'
  );
}
