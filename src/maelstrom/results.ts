/**
 * A run's results folder and its text report.
 *
 * One folder per run (`out/maelstrom/<workload>-<timestamp>` by default):
 *
 * - `results.json`: verdict, reasons, options, operation counts, availability,
 *   network statistics, latency quantiles, the workload's check, diagnostics,
 *   nemesis events, fairlink's overhead;
 * - `summary.txt`: the text report printed at the end of the run;
 * - `history.jsonl`: the client history (fairlink's `jsonl` history format,
 *   plus each event's `node` and `client`), and `history.html`, its timeline;
 * - `trace.jsonl`: every routed message as a fairlink trace (engine `runtime`),
 *   and `messages.html`, its space-time diagram;
 * - `node-logs/<node>.log`: each node's stderr.
 *
 * Every file is written whole or not at all (a temporary file renamed).
 */

import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHistoryHtml } from '../history/report/html.js';
import { escapeHtml } from '../trace/escape.js';
import { writeFileAtomic } from '../trace/files.js';
import { renderTraceHtml } from '../trace/html.js';
import { traceToJsonl } from '../trace/jsonl.js';
import { formatDiagnostic } from './diagnostics.js';
import type { MaelstromRun } from './run.js';

/** Operations drawn at most in history.html (beyond, the page would be unreadable and huge). */
export const HISTORY_HTML_OPERATIONS_MAX = 20_000;

/** The default results folder of a run: `out/maelstrom/<workload>-<UTC timestamp>`. */
export function defaultResultsFolder(workload: string, startedAt: Date = new Date()): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join('out', 'maelstrom', `${workload}-${stamp}`);
}

function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** The text report of a run (what `fairlink maelstrom test` prints). */
export function formatRunSummary(run: MaelstromRun, folder: string | undefined): string {
  const options = run.options;
  const lines: string[] = [];
  lines.push(`maelstrom ${options.workload}: ${run.verdict.toUpperCase()}`);
  for (const reason of run.reasons) lines.push(`  ${reason}`);
  const nemesis =
    options.nemesis.length === 0
      ? 'no nemesis'
      : `nemesis ${options.nemesis.join(',')} every ~${options.nemesisIntervalMs / 1000} s`;
  lines.push(
    `  ${options.nodeCount} nodes of ${options.programLabel}; ${options.timeLimitMs / 1000} s at ${options.rate} ops/s, ` +
      `concurrency ${options.concurrency}, latency ${options.latencyMs} ms ${options.latencyDistribution}, ${nemesis}; ` +
      `${(run.durationMs / 1000).toFixed(1)} s in all`,
  );
  const byF = Object.entries(run.operations.byF)
    .map(
      ([f, counts]) =>
        `${f} ${counts.ok} ok${counts.fail > 0 ? ` ${counts.fail} fail` : ''}${counts.info > 0 ? ` ${counts.info} info` : ''}`,
    )
    .join('; ');
  const availability = run.availability;
  lines.push(
    `  operations: ${run.operations.all.count}${byF === '' ? '' : ` (${byF})`}; availability ${availability.fraction.toFixed(3)}` +
      (availability.required === undefined
        ? ''
        : ` (required ${availability.required}: ${availability.met ? 'met' : 'NOT met'})`),
  );
  const network = run.network;
  lines.push(
    `  network: servers ${network.servers.sendCount} sent, ${network.servers.recvCount} received, msgs-per-op ${network.msgsPerOp.toFixed(2)}; ` +
      `clients ${network.clients.sendCount} sent; services ${network.services.sendCount} sent; ${network.all.dropCount} dropped`,
  );
  const latencies = Object.entries(run.latencies)
    .filter(([f]) => f !== 'all')
    .map(([f, q]) => `${f} p50 ${formatMs(q['0.5'])} p95 ${formatMs(q['0.95'])} max ${formatMs(q['1'])}`)
    .join('; ');
  if (latencies !== '') lines.push(`  latency ms: ${latencies}`);
  for (const line of run.check?.lines ?? []) lines.push(`  ${line}`);
  if (run.nemesis.length > 0) {
    const partitions = run.nemesis.filter((event) => event.type === 'partition').length;
    const names = run.nemesis.flatMap((event) => (event.name === undefined ? [] : [event.name]));
    lines.push(`  nemesis: ${partitions} partition${partitions === 1 ? '' : 's'}: ${names.join('; ')}`);
  }
  if (run.diagnostics.length === 0) lines.push('  nodes: no protocol problems');
  else {
    lines.push('  node problems:');
    for (const group of run.diagnostics) {
      for (const example of group.examples) lines.push(`    ${formatDiagnostic(example)}`);
      if (group.count > group.examples.length) {
        lines.push(`    … and ${group.count - group.examples.length} more ${group.kind} from ${group.node}`);
      }
    }
  }
  const lateWriters = run.nodes.filter((node) => node.ignoredLinesAfterStop > 0);
  if (lateWriters.length > 0) {
    const counts = lateWriters.map(
      (node) => `${node.id} ${node.ignoredLinesAfterStop} line${node.ignoredLinesAfterStop === 1 ? '' : 's'}`,
    );
    lines.push(`  stdout written after the stop began, not judged: ${counts.join(', ')}`);
  }
  lines.push(
    `  overhead: fairlink used ${run.overhead.cpuMs.toFixed(0)} ms of CPU for ${run.overhead.messagesRouted} messages ` +
      `(${run.overhead.cpuMicrosecondsPerMessage.toFixed(1)} µs per message)`,
  );
  if (folder !== undefined) lines.push(`  results: ${folder}`);
  return lines.join('\n') + '\n';
}

/** The JSON of results.json (everything but the history, the trace and the logs, which have files of their own). */
export function resultsJson(
  run: MaelstromRun,
  files: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return {
    verdict: run.verdict,
    reasons: run.reasons,
    workload: run.options.workload,
    startedAt: run.startedAt,
    durationMs: Math.round(run.durationMs),
    aborted: run.aborted,
    options: run.options,
    nodes: run.nodes.map(({ log: _log, ...node }) => ({ ...node, log: `node-logs/${node.id}.log` })),
    operations: run.operations,
    availability: run.availability,
    network: run.network,
    latencies: run.latencies,
    workloadCheck: run.check === undefined ? null : { verdict: run.check.verdict, ...run.check.summary },
    diagnostics: run.diagnostics,
    nemesis: run.nemesis,
    overhead: run.overhead,
    files,
  };
}

function summarySection(run: MaelstromRun): string {
  const text = formatRunSummary(run, undefined);
  return `<pre>${escapeHtml(text)}</pre>`;
}

/**
 * Writes the results folder of `run` into `folder` (created as needed).
 * Returns the files written, relative to the folder.
 */
export async function writeResults(run: MaelstromRun, folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    results: 'results.json',
    summary: 'summary.txt',
    history: 'history.jsonl',
    trace: 'trace.jsonl',
    diagram: 'messages.html',
    logs: 'node-logs/',
  };
  // A folder reused with --out may hold logs of a bigger cluster: they are not this run's.
  const logs = join(folder, 'node-logs');
  const stale = await readdir(logs).catch(() => [] as string[]);
  await Promise.all(stale.filter((name) => /^n\d+\.log$/.test(name)).map((name) => unlink(join(logs, name))));
  const writes: Promise<void>[] = [];
  const write = (name: string, content: string): void => {
    writes.push(writeFileAtomic(join(folder, name), content));
  };
  write('history.jsonl', run.history.toJsonl());
  const { history: paired } = run.history.paired();
  if (paired.operations.length <= HISTORY_HTML_OPERATIONS_MAX) {
    files['historyHtml'] = 'history.html';
    write(
      'history.html',
      renderHistoryHtml(paired, run.check?.linearizability, {
        title: `maelstrom ${run.options.workload}: history`,
      }),
    );
  }
  write('trace.jsonl', traceToJsonl(run.trace));
  write(
    'messages.html',
    renderTraceHtml(run.trace, {
      title: `maelstrom ${run.options.workload}: ${run.verdict}`,
      sections: [{ title: 'Run', html: summarySection(run) }],
    }),
  );
  for (const node of run.nodes) write(join('node-logs', `${node.id}.log`), node.log);
  write('summary.txt', formatRunSummary(run, folder));
  write('results.json', JSON.stringify(resultsJson(run, files), null, 2) + '\n');
  await Promise.all(writes);
  return files;
}
