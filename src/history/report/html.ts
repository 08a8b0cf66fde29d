/**
 * A self-contained static HTML page of a history: one row per process on a time axis (event
 * positions when the history has no times), each operation a bar labelled `f(input) -> output`.
 * For a violation, the longest partial linearization is highlighted and numbered in order, and
 * the operations that cannot be placed next are marked. No scripts, no external resources.
 *
 * @module
 */
import { describeValue } from '../hash.js';
import type { LinearizabilityResult } from '../linearizability/result.js';
import type { SequentialResult } from '../sequential/check.js';
import type { Operation, PairedHistory, ProcessId } from '../types.js';

/** Options of {@link renderHistoryHtml}. */
export interface HtmlOptions {
  /** Page title. Default: "History". */
  readonly title?: string;
}

const ROW_HEIGHT = 30;
const BAR_HEIGHT = 20;
const LEFT = 90;
const MAX_WIDTH = 24_000;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function label(op: Operation): string {
  const target = op.key === undefined ? '' : `${describeValue(op.key, 12)} `;
  const input = op.input === null || op.input === undefined ? '' : describeValue(op.input, 24);
  const output = op.status === 'unknown' ? '?' : describeValue(op.output, 24);
  return `${op.f}(${target}${input}) → ${output}`;
}

/** Ranks of the highlighted operations: linearization order, and the blocked set. */
function highlights(result: LinearizabilityResult | SequentialResult | undefined): {
  order: Map<number, number>;
  blocked: Map<number, string>;
} {
  const order = new Map<number, number>();
  const blocked = new Map<number, string>();
  if (result === undefined || result.explanation === undefined) return { order, blocked };
  if ('partitions' in result) {
    for (const part of result.explanation ?? []) {
      part.linearized.forEach((op, rank) => order.set(op.id, rank + 1));
      for (const b of part.blocked) blocked.set(b.operation.id, b.reason);
    }
  } else {
    const explanation = result.explanation;
    explanation?.ordered.forEach((op, rank) => order.set(op.id, rank + 1));
    for (const b of explanation?.blocked ?? []) blocked.set(b.operation.id, b.reason);
  }
  return { order, blocked };
}

/**
 * Renders a history (as paired by `pairOperations`) and optionally a check's result as one HTML
 * page.
 */
export function renderHistoryHtml(
  history: PairedHistory,
  result?: LinearizabilityResult | SequentialResult,
  options: HtmlOptions = {},
): string {
  const operations = history.operations;
  const processes: ProcessId[] = [];
  const row = new Map<ProcessId, number>();
  for (const op of operations) {
    if (!row.has(op.process)) {
      row.set(op.process, processes.length);
      processes.push(op.process);
    }
  }
  const finite = operations.flatMap((op) => (Number.isFinite(op.ret) ? [op.call, op.ret] : [op.call]));
  const start = finite.length === 0 ? 0 : finite.reduce((a, b) => Math.min(a, b));
  const finiteEnd = finite.length === 0 ? 1 : finite.reduce((a, b) => Math.max(a, b));
  // Operations with an unknown outcome run past the end, to an extra stretch of the axis.
  const end = finiteEnd + Math.max(1, (finiteEnd - start) * 0.04);
  const naturalScale = history.axis === 'index' ? 14 : 1000 / Math.max(1e-9, end - start);
  const scale = Math.min(naturalScale, MAX_WIDTH / Math.max(1e-9, end - start));
  const x = (t: number): number => LEFT + (Math.min(t, end) - start) * scale;
  const width = Math.ceil(x(end) + 20);
  const height = processes.length * ROW_HEIGHT + 40;
  const { order, blocked } = highlights(result);
  // The legend promises only the colours the page uses: a history without a failed check has none.
  const explained = order.size + blocked.size > 0;

  const rows = processes
    .map((process, i) => {
      const y = 20 + i * ROW_HEIGHT;
      return `<text class="proc" x="4" y="${y + 15}">${escapeHtml(String(process))}</text><line class="lane" x1="${LEFT}" x2="${width - 10}" y1="${y + ROW_HEIGHT / 2}" y2="${y + ROW_HEIGHT / 2}"/>`;
    })
    .join('\n');
  const bars = operations
    .map((op) => {
      const y = 20 + (row.get(op.process) ?? 0) * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
      const left = x(op.call);
      const barWidth = Math.max(3, x(op.ret) - left);
      const rank = order.get(op.id);
      const stuck = blocked.get(op.id);
      const classes = [
        'op',
        op.status === 'unknown' ? 'unknown' : '',
        rank !== undefined ? 'linearized' : '',
        stuck !== undefined ? `blocked ${stuck}` : '',
      ]
        .filter((c) => c !== '')
        .join(' ');
      const text = label(op);
      const when = `call ${op.call}, return ${Number.isFinite(op.ret) ? op.ret : 'never (unknown outcome)'}`;
      const note =
        rank !== undefined
          ? ` — #${rank} in the partial linearization`
          : stuck !== undefined
            ? ` — cannot be placed next (${stuck})`
            : '';
      const shown = rank !== undefined ? `${rank}. ${text}` : text;
      const maxChars = Math.floor(barWidth / 6.5);
      const visible =
        shown.length <= maxChars ? shown : maxChars > 3 ? `${shown.slice(0, maxChars - 1)}…` : '';
      return `<g class="${classes}"><title>${escapeHtml(`op ${op.id}, process ${String(op.process)}: ${text} (${when})${note}`)}</title><rect x="${left.toFixed(1)}" y="${y}" width="${barWidth.toFixed(1)}" height="${BAR_HEIGHT}" rx="3"/><text x="${(left + 3).toFixed(1)}" y="${y + 14}">${escapeHtml(visible)}</text></g>`;
    })
    .join('\n');

  const title = options.title ?? 'History';
  const summary =
    result === undefined
      ? `${operations.length} operations, ${processes.length} processes`
      : `${result.verdict} — model ${result.model}, ${operations.length} operations, ${processes.length} processes, ${result.timeMs.toFixed(1)} ms`;
  const blockedList = Array.from(blocked.keys())
    .map((id) => operations.find((op) => op.id === id))
    .filter((op): op is Operation => op !== undefined)
    .map(
      (op) =>
        `<li>op ${op.id}, process ${escapeHtml(String(op.process))}: ${escapeHtml(label(op))} (call ${op.call}, ${blocked.get(op.id) ?? ''})</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
svg text { font: 11px ui-monospace, monospace; }
.proc { font-weight: bold; }
.lane { stroke: #eee; }
.op rect { fill: #cfe0f5; stroke: #6b8fbf; }
.op.unknown rect { fill: #eee; stroke: #999; stroke-dasharray: 4 3; }
.op.linearized rect { fill: #bfe8c4; stroke: #3c8f4a; }
.op.blocked rect { fill: #f8c9c4; stroke: #c0392b; stroke-width: 2; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 8px; border-radius: 3px; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(summary)}. Axis: ${history.axis === 'time' ? 'event time' : 'event position'}.</p>
<p class="legend"><span style="background:#cfe0f5">operation</span>${explained ? '<span style="background:#bfe8c4">in the longest partial linearization (numbered)</span><span style="background:#f8c9c4">cannot be placed next</span>' : ''}<span style="background:#eee">unknown outcome</span></p>
${blockedList === '' ? '' : `<p>Operations that cannot be placed next:</p><ul>${blockedList}</ul>`}
<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
${rows}
${bars}
</svg></div>
</body></html>
`;
}
