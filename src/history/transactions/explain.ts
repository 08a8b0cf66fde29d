/**
 * Cycles in words and in drawings: each edge as a sentence saying what was observed, the cycle
 * as an ASCII ring for the terminal and as a small SVG for the HTML report.
 *
 * @module
 */
import { describeValue } from '../hash.js';
import { PROCESS, RW, WR, WW, type Edge } from './graph.js';

/** The name of an edge kind in reports. */
export type EdgeKindName = 'ww' | 'wr' | 'rw' | 'realtime' | 'process';

/** One step of a cycle, explained. */
export interface CycleStep {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKindName;
  readonly key?: unknown;
  /** What `from` saw or wrote, and what `to` wrote or saw (see `EdgeDetail`). */
  readonly before?: unknown;
  readonly after?: unknown;
  /** The step in words. */
  readonly text: string;
}

export function kindName(kind: number): EdgeKindName {
  return kind === WW
    ? 'ww'
    : kind === WR
      ? 'wr'
      : kind === RW
        ? 'rw'
        : kind === PROCESS
          ? 'process'
          : 'realtime';
}

const value = (v: unknown): string => describeValue(v, 30);

/** A key as the history names it: `x`, `3`, not `"x"`. */
export function showKey(key: unknown): string {
  return typeof key === 'string' || typeof key === 'number' ? String(key) : describeValue(key, 20);
}

/** One edge in words, for a list-append or an rw-register history. */
export function explainEdge(edge: Edge, workload: 'list-append' | 'rw-register'): CycleStep {
  const { from, to, kind, detail } = edge;
  const a = `T${from}`;
  const b = `T${to}`;
  const key = showKey(detail.key);
  const list = workload === 'list-append';
  let text: string;
  switch (kind) {
    case WW:
      text = list
        ? `${a} appended ${value(detail.before)} to key ${key}, and ${b} appended the next element, ${value(detail.after)} (ww)`
        : `${a} wrote key ${key} = ${value(detail.before)}, and ${b} wrote a later version, ${value(detail.after)} (ww)`;
      break;
    case WR:
      text = list
        ? `${b} read key ${key} ending in ${value(detail.after)}, which ${a} appended (wr)`
        : `${b} read key ${key} = ${value(detail.after)}, which ${a} wrote (wr)`;
      break;
    case RW: {
      const seen =
        detail.before === undefined
          ? list
            ? 'empty'
            : 'nil'
          : list
            ? `ending in ${value(detail.before)}`
            : `= ${value(detail.before)}`;
      text = list
        ? `${a} read key ${key} ${seen}, and ${b} appended the next element, ${value(detail.after)}, which ${a} did not see (rw)`
        : `${a} read key ${key} ${seen}, and ${b} wrote a later version, ${value(detail.after)}, which ${a} did not see (rw)`;
      break;
    }
    case PROCESS:
      text = `${a} and then ${b} ran on the same client (process)`;
      break;
    default:
      text = `${a} completed before ${b} was invoked (realtime)`;
  }
  return {
    from,
    to,
    kind: kindName(kind),
    ...(detail.key === undefined ? {} : { key: detail.key }),
    ...(detail.before === undefined ? {} : { before: detail.before }),
    ...(detail.after === undefined ? {} : { after: detail.after }),
    text,
  };
}

/**
 * The cycle as three lines of text: the transactions left to right joined by their edges, and
 * the last edge returning under them to the first.
 *
 *     T1 -ww-> T2 -rw-+
 *      ^              |
 *      +------wr------+
 */
export function drawCycleAscii(steps: readonly CycleStep[]): string[] {
  if (steps.length === 0) return [];
  const label = (step: CycleStep): string =>
    step.kind === 'realtime' ? 'rt' : step.kind === 'process' ? 'p' : step.kind;
  let top = `T${(steps[0] as CycleStep).from}`;
  for (const step of steps.slice(0, -1)) top += ` -${label(step)}-> T${step.to}`;
  const last = steps[steps.length - 1] as CycleStep;
  top += ` -${label(last)}-+`;
  const width = top.length;
  const middle = ` ^${' '.repeat(width - 3)}|`;
  const inner = width - 3;
  const text = `back to T${last.to}`;
  const left = Math.max(0, Math.floor((inner - text.length) / 2));
  const bottomInner =
    inner >= text.length + 2
      ? `${'-'.repeat(left)}${text}${'-'.repeat(inner - left - text.length)}`
      : '-'.repeat(inner);
  return [top, middle, ` +${bottomInner}+`];
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const EDGE_COLOURS: Record<EdgeKindName, string> = {
  ww: '#1f77b4',
  wr: '#2ca02c',
  rw: '#d62728',
  realtime: '#7f7f7f',
  process: '#9467bd',
};

/**
 * The cycle as an SVG: transactions on a circle, each edge an arrow labelled with its kind and
 * key, coloured by kind. No scripts, no external resources.
 */
export function drawCycleSvg(steps: readonly CycleStep[]): string {
  const n = steps.length;
  const radius = n <= 2 ? 70 : 60 + 18 * n;
  const size = 2 * radius + 120;
  const centre = size / 2;
  const nodeRadius = 22;
  const at = (i: number): [number, number] => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [centre + radius * Math.cos(angle), centre + radius * Math.sin(angle)];
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="12">`,
    '<defs>',
    ...Object.entries(EDGE_COLOURS).map(
      ([kind, colour]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`,
    ),
    '</defs>',
  ];
  steps.forEach((step, i) => {
    const [x1, y1] = at(i);
    const [x2, y2] = at((i + 1) % n);
    // With two nodes the two edges would overlap: bend each to its own side.
    const dx = x2 - x1;
    const dy = y2 - y1;
    const length = Math.hypot(dx, dy) || 1;
    const ux = dx / length;
    const uy = dy / length;
    const sx = x1 + ux * nodeRadius;
    const sy = y1 + uy * nodeRadius;
    const ex = x2 - ux * nodeRadius;
    const ey = y2 - uy * nodeRadius;
    const bend = 30;
    const cx = (sx + ex) / 2 - uy * bend;
    const cy = (sy + ey) / 2 + ux * bend;
    const colour = EDGE_COLOURS[step.kind];
    parts.push(
      `<path d="M${sx.toFixed(1)},${sy.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2" marker-end="url(#arrow-${step.kind})"><title>${escapeXml(step.text)}</title></path>`,
    );
    const keyText = step.key === undefined ? '' : ` ${showKey(step.key)}`;
    parts.push(
      `<text x="${cx.toFixed(1)}" y="${cy.toFixed(1)}" text-anchor="middle" fill="${colour}">${escapeXml(`${step.kind}${keyText}`)}</text>`,
    );
  });
  steps.forEach((step, i) => {
    const [x, y] = at(i);
    parts.push(
      `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${nodeRadius}" fill="#fff" stroke="#333" stroke-width="1.5"/>`,
      `<text x="${x.toFixed(1)}" y="${(y + 4).toFixed(1)}" text-anchor="middle">T${step.from}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
