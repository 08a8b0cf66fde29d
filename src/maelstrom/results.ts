/**
 * A run's results folder and its text report.
 *
 * One folder per run, by default `store/<workload>/<timestamp>` as Maelstrom
 * lays them out, with links `store/<workload>/latest` and `store/latest` to the
 * newest (see {@link linkLatest}):
 *
 * - `results.json`: verdict, reasons, options, operation counts, availability,
 *   network statistics, latency quantiles, the workload's check, diagnostics,
 *   nemesis events, fairlink's overhead;
 * - `summary.txt`: the text report printed at the end of the run;
 * - `history.jsonl`: the client history (fairlink's `jsonl` history format,
 *   plus each event's `node` and `client`), and `history.html`, its timeline;
 * - `trace.jsonl`: every routed message as a fairlink trace (engine `runtime`),
 *   and `messages.html`, its space-time diagram;
 * - `anomalies.html` (transactional workloads): the check, each anomaly's cycle drawn;
 * - `node-logs/<node>.log`: each node's stderr.
 *
 * Every file is written whole or not at all (a temporary file renamed).
 */

import { readdir, rename, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { renderHistoryHtml } from '../history/index.js';
import { renderTransactionsHtml } from '../history/index.js';
import { escapeHtml } from '../trace/index.js';
import { writeFileAtomic } from '../trace/index.js';
import { renderTraceHtml } from '../trace/index.js';
import { traceToJsonl } from '../trace/index.js';
import { formatDiagnostic } from './diagnostics.js';
import type { MaelstromRun } from './run.js';

/** Operations drawn at most in history.html (beyond, the page would be unreadable and huge). */
export const HISTORY_HTML_OPERATIONS_MAX = 20_000;

/** Where Maelstrom keeps its results, and so does fairlink by default. */
export const STORE_FOLDER = 'store';

/** The default results folder of a run: `store/<workload>/<UTC timestamp with ms>`, as Maelstrom's. */
export function defaultResultsFolder(workload: string, startedAt: Date = new Date()): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '');
  return join(STORE_FOLDER, workload, stamp);
}

/**
 * Points `latest` links at a run's folder, as Maelstrom does: `<parent>/latest`
 * (`store/<workload>/latest`) and `<grandparent>/latest` (`store/latest`). Each
 * link is relative and replaced atomically (a new link renamed over the old),
 * so a reader never finds it missing.
 */
export async function linkLatest(folder: string): Promise<void> {
  const workloadFolder = dirname(folder);
  const store = dirname(workloadFolder);
  for (const [linkFolder, target] of [
    [workloadFolder, basename(folder)],
    [store, relative(store, folder)],
  ] as const) {
    const link = join(linkFolder, 'latest');
    const temporary = join(linkFolder, `.latest.${process.pid}.tmp`);
    await unlink(temporary).catch(() => undefined);
    await symlink(target, temporary);
    await rename(temporary, link);
  }
}

/**
 * Maelstrom's last line for each verdict (Jepsen's), which scripts written for
 * Maelstrom look for; fairlink's own headline is the first line,
 * `maelstrom <workload>: VALID|INVALID|UNKNOWN`.
 */
export const MAELSTROM_CLOSING_LINES = {
  valid: 'Everything looks good! ヽ(‘ー`)ノ',
  invalid: 'Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻',
  unknown: 'Errors occurred during analysis, but no anomalies found. ಠ~ಠ',
} as const;

/** The headline of a run, the first line of its report: `maelstrom <workload>: VALID`. */
export function headline(run: Pick<MaelstromRun, 'verdict' | 'options'>): string {
  return `maelstrom ${run.options.workload}: ${run.verdict.toUpperCase()}`;
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
  lines.push(headline(run));
  for (const reason of run.reasons) lines.push(`  ${reason}`);
  for (const note of run.notes) lines.push(`  note: ${note}`);
  lines.push(`  seed ${options.seed} (replay with --seed ${options.seed})`);
  const nemesis =
    options.nemesis.length === 0
      ? 'no nemesis'
      : `nemesis ${options.nemesis.join(',')} every ~${options.nemesisIntervalMs / 1000} s`;
  lines.push(
    `  ${options.nodeCount} node${options.nodeCount === 1 ? '' : 's'}${sequentialIds(options.nodes) ? '' : ` (${options.nodes.join(', ')})`} of ${options.programLabel}; ${options.timeLimitMs / 1000} s at ${options.rate} ops/s, ` +
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
  if (run.warnings.length > 0) {
    lines.push('  node warnings (accepted, as Maelstrom does; not counted in the verdict):');
    for (const group of run.warnings) {
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
  lines.push(MAELSTROM_CLOSING_LINES[run.verdict]);
  return lines.join('\n') + '\n';
}

/** Whether `nodes` are `n0 … n(N-1)`, the ids `--node-count` gives (not worth listing). */
function sequentialIds(nodes: readonly string[]): boolean {
  return nodes.every((node, index) => node === `n${index}`);
}

/** The JSON of results.json (everything but the history, the trace and the logs, which have files of their own). */
export function resultsJson(
  run: MaelstromRun,
  files: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return {
    verdict: run.verdict,
    reasons: run.reasons,
    notes: run.notes,
    workload: run.options.workload,
    seed: run.options.seed,
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
    rate: run.rate ?? null,
    diagnostics: run.diagnostics,
    warnings: run.warnings,
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
  await Promise.all(stale.filter((name) => name.endsWith('.log')).map((name) => unlink(join(logs, name))));
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
  const transactions = run.check?.transactions;
  if (transactions !== undefined) {
    // The anomalies, each cycle explained and drawn.
    files['anomalies'] = 'anomalies.html';
    write(
      'anomalies.html',
      renderTransactionsHtml(transactions, `maelstrom ${run.options.workload}: transactions`),
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
