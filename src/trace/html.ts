/**
 * A trace as one static HTML page: a space-time (Lamport) diagram with the
 * run's header, failures and counts. Self-contained (inline style, script and
 * SVG; nothing fetched), so it can be attached to a bug report or a CI run.
 */

import { formatCount } from '../core/index.js';
import type { Trace, TraceEvent } from './events.js';
import { escapeHtml, jsonForScript } from './escape.js';
import {
  formatMoment,
  layoutDiagram,
  LEFT_PAD_PX,
  RIGHT_PAD_PX,
  SPACING_MODES,
  timeUnitOf,
  type SpacingMode,
  type TimeUnit,
} from './diagram/layout.js';
import { PAGE_SCRIPT } from './diagram/page-script.js';
import { pageStyle } from './diagram/page-style.js';
import { renderDiagramSvg, type MessageType } from './diagram/svg.js';

/** Events drawn at most by default: beyond, the page shows the first ones and says so. */
export const TRACE_HTML_EVENTS_MAX = 50_000;

/** Options of {@link renderTraceHtml}. */
export interface TraceHtmlOptions {
  /** The page title (default: scenario and seed). */
  readonly title?: string;
  /** The command that replays this run, shown with a copy button. */
  readonly replayCommand?: string;
  /**
   * Extra sections after the diagram (a history check, a shrinking report).
   * `html` is inserted as it is: it must be markup fairlink built, with any
   * text from the run already escaped. `title` is escaped here.
   */
  readonly sections?: readonly { readonly title: string; readonly html: string }[];
  /** How many events to draw at most (default {@link TRACE_HTML_EVENTS_MAX}). */
  readonly eventsMax?: number;
}

const SPACING_LABELS: Readonly<Record<SpacingMode, { label: string; title: string }>> = {
  time: { label: 'time', title: 'Linear virtual time' },
  gaps: {
    label: 'time, idle cut',
    title: 'Virtual time with long idle stretches cut short (marked ⋯ on the axis)',
  },
  order: {
    label: 'event order',
    title:
      'Causal (Lamport) order: each step one column after its node’s previous step and after the send it receives; concurrent steps share columns',
  },
};

/** Renders `trace` as a self-contained HTML page. */
export function renderTraceHtml(trace: Trace, options: TraceHtmlOptions = {}): string {
  const eventsMax = options.eventsMax ?? TRACE_HTML_EVENTS_MAX;
  if (!(Number.isInteger(eventsMax) && eventsMax > 0)) {
    throw new RangeError(`renderTraceHtml: eventsMax must be a whole number above 0, got ${eventsMax}`);
  }
  const { header } = trace;
  const events = trace.events.length > eventsMax ? trace.events.slice(0, eventsMax) : trace.events;
  const layout = layoutDiagram(trace, events);
  const mode = layout.defaultMode;
  const diagram = renderDiagramSvg(events, layout, mode);
  const title = options.title ?? `${header.scenario} · seed ${header.seed}`;
  const focus = failureIndex(events);

  const data = {
    events,
    unit: layout.unit,
    focus: focus ?? null,
    x: Object.fromEntries(SPACING_MODES.map((each) => [each, Array.from(layout.x[each])])),
    width: Object.fromEntries(SPACING_MODES.map((each) => [each, layout.axes[each].width])),
    mode,
    left: LEFT_PAD_PX,
    right: RIGHT_PAD_PX,
    labelWidth: diagram.labelWidth,
  };

  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${pageStyle(diagram.types.length)}</style>`,
    '</head><body>',
    '<header class="top">',
    `<h1>${escapeHtml(title)}</h1>`,
    renderBanners(trace.events, events.length, layout.unit),
    renderFacts(trace),
    options.replayCommand === undefined ? '' : renderReplay(options.replayCommand),
    renderSettings(trace),
    '</header>',
    renderToolbar(mode, diagram.types, focus),
    `<div class="diagram" id="diagram"${focus === undefined ? '' : ` data-focus="${focus}"`}><div class="sheet" style="grid-template-columns:${diagram.labelWidth}px auto">`,
    `<div class="corner">node</div><div class="axis-cell">${diagram.axis}</div>`,
    `<div class="label-cell">${diagram.labels}</div><div class="lanes-cell">${diagram.lanes}</div>`,
    '</div></div>',
    ...(options.sections ?? []).map(
      (section) => `<section class="extra"><h2>${escapeHtml(section.title)}</h2>${section.html}</section>`,
    ),
    `<footer>fairlink trace format ${escapeHtml(String(header.format))} v${escapeHtml(String(header.version))} · engine ${escapeHtml(header.engine)}</footer>`,
    '<div id="tooltip"></div><div id="details"></div>',
    `<script type="application/json" id="trace-data">${jsonForScript(data)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * The event the page opens at: the first violation or protocol fault drawn. A failing run is
 * looked at for its failure, which in a long run sits far from its start.
 */
function failureIndex(drawn: readonly TraceEvent[]): number | undefined {
  const index = drawn.findIndex((event) => event.type === 'violation' || event.type === 'fault');
  return index < 0 ? undefined : index;
}

/** What failed and when, at the top; or that nothing did; and whether the diagram is cut. */
function renderBanners(all: readonly TraceEvent[], drawn: number, unit: TimeUnit): string {
  const parts: string[] = [];
  all.forEach((event, index) => {
    const show = index < drawn ? `<a href="#" data-goto="${index}">show</a>` : '';
    if (event.type === 'violation') {
      parts.push(
        `<div class="banner fail">✖ Property <b>${escapeHtml(event.property)}</b> violated at ${escapeHtml(formatMoment(event.t, unit))}: ${escapeHtml(event.detail)}${show}</div>`,
      );
    } else if (event.type === 'fault') {
      const stack = (event.stack ?? []).map((frame) => `<br><code>at ${escapeHtml(frame)}</code>`).join('');
      parts.push(
        `<div class="banner fail">✖ Protocol fault at <b>${escapeHtml(event.node)}</b> in ${escapeHtml(event.handler)} (${escapeHtml(event.kind)}) at ${escapeHtml(formatMoment(event.t, unit))}: ${escapeHtml(event.detail)}${show}${stack}</div>`,
      );
    }
  });
  if (parts.length === 0)
    parts.push('<div class="banner ok">No property violation or protocol fault in this trace.</div>');
  if (drawn < all.length) {
    const lastMs = (all[drawn - 1] as TraceEvent).t;
    parts.push(
      `<div class="banner note">This trace has ${formatCount(all.length)} events: the diagram shows the first ${formatCount(drawn)} (up to ${escapeHtml(formatMoment(lastMs, unit))}). The counts below cover all of them.</div>`,
    );
  }
  return parts.join('');
}

function fact(key: string, value: string): string {
  return `<span><span class="k">${escapeHtml(key)}</span> ${escapeHtml(value)}</span>`;
}

function renderFacts(trace: Trace): string {
  const { header, events } = trace;
  const groups = [...new Set(header.nodes.map((node) => node.group))];
  const byzantine = header.nodes.filter((node) => node.byzantine !== undefined).length;
  const endMs = events.reduce((max, event) => Math.max(max, event.t), 0);
  const facts = [
    fact('scenario', header.scenario),
    fact('seed', String(header.seed)),
    fact('engine', header.engine),
    fact(
      'nodes',
      `${header.nodes.length}${groups.length > 1 ? ` in ${groups.join(', ')}` : ''}${byzantine > 0 ? ` (${byzantine} Byzantine)` : ''}`,
    ),
    fact('ends at', formatMoment(endMs, timeUnitOf(header))),
    fact('events', formatCount(events.length)),
    ...(header.shrunk === undefined ? [] : [fact('shrunk', header.shrunk)]),
  ];
  return `<div class="facts"><span class="label">run</span>${facts.join('')}</div><div class="facts">${renderCounts(events)}</div>`;
}

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : nouns}`;
}

function renderCounts(events: readonly TraceEvent[]): string {
  const count = new Map<string, number>();
  const reasons = new Map<string, number>();
  for (const event of events) {
    count.set(event.type, (count.get(event.type) ?? 0) + 1);
    if (event.type === 'drop') reasons.set(event.reason, (reasons.get(event.reason) ?? 0) + 1);
  }
  const of = (type: string) => count.get(type) ?? 0;
  const dropDetail = [...reasons].map(([reason, n]) => `${n} ${reason}`).join(', ');
  const outcomes = ['ok', 'fail', 'info']
    .filter((type) => of(type) > 0)
    .map((type) => `${of(type)} ${type}`)
    .join(', ');
  const items = [
    plural(of('send'), 'send'),
    plural(of('deliver'), 'delivery', 'deliveries'),
    `${plural(of('drop'), 'drop')}${dropDetail === '' ? '' : ` (${dropDetail})`}`,
    plural(of('duplicate'), 'duplicate'),
    plural(of('timer-fire'), 'timer fire'),
    of('crash') > 0 ? plural(of('crash'), 'crash', 'crashes') : '',
    of('recover') > 0 ? plural(of('recover'), 'recovery', 'recoveries') : '',
    of('pause') > 0 ? plural(of('pause'), 'pause') : '',
    of('partition') > 0 ? plural(of('partition'), 'partition') : '',
    of('clog') > 0 ? plural(of('clog'), 'clog') : '',
    of('invoke') > 0
      ? `${plural(of('invoke'), 'client operation')}${outcomes === '' ? '' : ` (${outcomes})`}`
      : '',
    of('log') > 0 ? plural(of('log'), 'log line') : '',
  ].filter((item) => item !== '');
  return `<span class="label">counts</span><span class="wrap">${escapeHtml(items.join(' · '))}</span>`;
}

function renderReplay(command: string): string {
  return `<div class="facts replay"><span class="label">replay</span><code id="replay-command">${escapeHtml(command)}</code><button id="copy-replay" type="button">copy</button></div>`;
}

/**
 * Parameters and configuration as one line each: `key value`, objects opened
 * one level (`network delay uniform 2..12 ms, drop 0.1`), empty lists left out,
 * long values cut (the full JSON is in the tooltip).
 */
function renderSettings(trace: Trace): string {
  const lines: string[] = [];
  const line = (label: string, record: Readonly<Record<string, unknown>>) => {
    const entries = Object.entries(record).filter(([, value]) => !isEmpty(value));
    if (entries.length === 0) return;
    const items = entries.map(([key, value]) => {
      const shown =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? Object.entries(value as Record<string, unknown>)
              .filter(([, inner]) => !isEmpty(inner))
              .map(([innerKey, inner]) => `${innerKey} ${compact(inner)}`)
              .join(', ')
          : compact(value);
      const cut = shown.length > 200 ? `${shown.slice(0, 199)}…` : shown;
      return `<span title="${escapeHtml(JSON.stringify(value, null, 2) ?? '')}"><span class="k">${escapeHtml(key)}</span> ${escapeHtml(cut)}</span>`;
    });
    lines.push(
      `<div class="facts settings"><span class="label">${escapeHtml(label)}</span>${items.join('')}</div>`,
    );
  };
  line('params', trace.header.params);
  line('config', trace.header.config);
  return lines.join('');
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0;
  return value === undefined;
}

function compact(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

function renderToolbar(mode: SpacingMode, types: readonly MessageType[], focus: number | undefined): string {
  const spacing = SPACING_MODES.map(
    (each) =>
      `<button type="button" data-spacing="${each}" title="${escapeHtml(SPACING_LABELS[each].title)}"${each === mode ? ' class="on"' : ''}>${escapeHtml(SPACING_LABELS[each].label)}</button>`,
  ).join('');
  const zoom =
    '<button type="button" data-zoom="out" title="Zoom out">−</button>' +
    '<span id="zoom-level" class="mono">100%</span>' +
    '<button type="button" data-zoom="in" title="Zoom in">+</button>' +
    '<button type="button" data-zoom="fit" title="Fit the whole run in the window">whole run</button>' +
    '<button type="button" data-zoom="reset" title="Back to 100%">1:1</button>' +
    (focus === undefined
      ? ''
      : `<button type="button" class="to-failure" data-goto="${focus}" title="Back to where the run fails">✖ failure</button>`);
  const legend = types
    .map(
      (type) =>
        `<button type="button" data-type-key="${type.key}" title="Show or hide ${escapeHtml(type.name)} messages"><span class="swatch c${type.colour}"></span>${escapeHtml(type.name)} <span class="k">${type.count}</span></button>`,
    )
    .join('');
  const icon = (inner: string) => `<svg width="18" height="14" viewBox="-9 -7 18 14">${inner}</svg>`;
  const symbols = [
    `${icon('<use href="#i-boot"/>')}boot`,
    `${icon('<use href="#i-timer"/>')}timer`,
    `${icon('<use href="#i-log"/>')}log`,
    `${icon('<line x1="-9" x2="5" y1="0" y2="0" stroke="#555" stroke-width="1.3"/><use href="#i-cross" x="5"/>')}dropped`,
    `${icon('<line x1="-9" x2="6" y1="0" y2="0" stroke="#555" stroke-width="1.3" stroke-dasharray="4 2"/>')}duplicate`,
    `${icon('<use href="#i-crash"/>')}crash`,
    `${icon('<rect x="-9" y="-6" width="18" height="12" fill="url(#hatch)"/>')}down`,
    `${icon('<rect x="-9" y="-6" width="18" height="12" fill="#f6d38a"/>')}paused`,
    `${icon('<rect x="-9" y="-7" width="18" height="14" fill="#8e6cc0" opacity=".25"/>')}partition`,
    `${icon('<rect x="-9" y="-3" width="18" height="7" rx="2" fill="#4caf50"/>')}op ok / <span style="color:#e15759">fail</span> / <span style="color:#c99a00">info</span>`,
    `${icon('<use href="#i-fault"/>')}fault`,
  ]
    .map((item) => `<span>${item}</span>`)
    .join('');
  return (
    '<div class="toolbar">' +
    `<div class="group"><span class="label">spacing</span>${spacing}</div>` +
    `<div class="group"><span class="label">zoom</span>${zoom}</div>` +
    (legend === ''
      ? ''
      : `<div class="group"><span class="label">messages</span><div class="legend">${legend}</div></div>`) +
    `<div class="symbols">${symbols}</div>` +
    '</div>'
  );
}
