/**
 * A transaction check as text for the terminal and as a static HTML page: the verdict, the
 * models ruled out, and each anomaly explained, cycles drawn (ASCII in the terminal, SVG in the
 * page).
 *
 * @module
 */
import type { TransactionCheckResult } from './check.js';
import { drawCycleAscii, drawCycleSvg } from './explain.js';

/** The report's lines: a verdict line first, then the anomalies. */
export function transactionReportLines(source: string, result: TransactionCheckResult): string[] {
  const r = result;
  const lines = [
    `${source}: ${r.verdict} under ${r.consistencyModels.join(', ')} (${r.workload}, ${r.transactions} transactions: ${r.committed} committed, ${r.failed} failed, ${r.indeterminate} indeterminate; ${r.edges} dependency edges; ${r.timeMs.toFixed(1)} ms)`,
  ];
  if (r.anomalyTypes.length === 0) return lines;
  lines.push(`  anomalies: ${r.anomalyTypes.map((type) => `${type} (${r.counts[type] ?? 0})`).join(', ')}`);
  lines.push(
    `  not ${r.not.join(', ')}${r.alsoNot.length === 0 ? '' : `; also not ${r.alsoNot.join(', ')}`}`,
  );
  for (const type of r.anomalyTypes) {
    const examples = r.anomalies[type] ?? [];
    const count = r.counts[type] ?? 0;
    examples.forEach((anomaly, i) => {
      lines.push(`${type} ${i + 1}/${count}: ${anomaly.description}`);
      for (const step of anomaly.cycle ?? []) lines.push(`  ${step.text}`);
      if (anomaly.cycle !== undefined)
        lines.push(...drawCycleAscii(anomaly.cycle).map((line) => `    ${line}`));
    });
    if (count > examples.length) lines.push(`  ... and ${count - examples.length} more ${type}`);
  }
  return lines;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A self-contained HTML page of the check: no scripts, no external resources. */
export function renderTransactionsHtml(result: TransactionCheckResult, title: string): string {
  const [verdict = '', ...rest] = transactionReportLines(title, result);
  const sections: string[] = [];
  for (const type of result.anomalyTypes) {
    for (const anomaly of result.anomalies[type] ?? []) {
      const steps =
        anomaly.cycle === undefined
          ? ''
          : `<ol>${anomaly.cycle.map((step) => `<li>${escapeHtml(step.text)}</li>`).join('')}</ol>\n${drawCycleSvg(anomaly.cycle)}`;
      sections.push(
        `<section><h2>${escapeHtml(type)}</h2><p>${escapeHtml(anomaly.description)}</p>${steps}</section>`,
      );
    }
  }
  const summary = rest
    .filter((line) => line.startsWith('  '))
    .map((line) => `<p>${escapeHtml(line.trim())}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
section { border-top: 1px solid #ccc; margin-top: 12px; }
h2 { font-size: 15px; }
</style></head><body>
<h1>${escapeHtml(verdict)}</h1>
${summary.join('\n')}
<p>Edges: <span style="color:#1f77b4">ww</span> write-write, <span style="color:#2ca02c">wr</span> write-read, <span style="color:#d62728">rw</span> read-write (anti-dependency), <span style="color:#7f7f7f">realtime</span>.</p>
${sections.join('\n')}
</body></html>
`;
}
