/**
 * `fairlink history check FILE... --model NAME [--initial VALUE] [--format F] [--checker C]
 * [--no-partition] [--timeout S] [--json] [--html OUT]`, as a function the command line calls: it
 * returns the exit code and the text to print instead of printing, so that it is testable and the
 * CLI stays a thin shell.
 *
 * Exit codes (DESIGN.md §7): 0 consistent, 1 violation, 2 bad input or usage, 3 unknown (time ran
 * out or nothing to judge). With several files, each is judged on its own (a file of bad input is
 * reported by name and the others are still checked) and the exit code is the worst: 2, then 1,
 * then 3, then 0.
 *
 * @module
 */
import { writeFileAtomic } from '../trace/index.js';
import {
  checkerFor,
  createHistoryFileChecker,
  type CheckFileReport,
  type CheckerName,
  type HistoryFileChecker,
  type Outcome,
} from './check-file.js';
import { HistoryFormatError, HistoryUsageError } from './errors.js';
import { describeValue } from './hash.js';
import { renderHistoryHtml } from './report/html.js';
import { renderTransactionsHtml, transactionReportLines } from './transactions/report.js';

/** Options of {@link runHistoryCheck}, as parsed from the command line. */
export interface HistoryCheckOptions {
  /** The history files, judged one by one with the same options. */
  readonly files: readonly string[];
  readonly model?: string;
  /** `--initial VALUE`, parsed: the value a register or key-value model starts from. */
  readonly initial?: unknown;
  readonly format?: string;
  readonly checker?: CheckerName;
  /** `--no-partition` sets this to false. */
  readonly partition?: boolean;
  /** `--timeout S`, seconds. */
  readonly timeout?: number;
  /** `--json`: print the result as one JSON object. */
  readonly json?: boolean;
  /** `--html OUT`: also write the HTML report there (one file only). */
  readonly html?: string;
  /** Worker threads for large partitioned histories. */
  readonly threads?: number;
  /** `--consistency-models A,B`: the models a transactional history must satisfy. */
  readonly consistencyModels?: readonly string[];
}

/** What the CLI prints and how it exits. */
export interface HistoryCheckOutput {
  readonly exitCode: 0 | 1 | 2 | 3;
  readonly stdout: string;
  /**
   * One line per file of bad input (`fairlink: FILE:LINE: problem`), or the one line of a usage
   * error; empty otherwise.
   */
  readonly stderr: string;
}

/** JSON text in which `Infinity` (an unknown operation's return) is written as `null`. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown): unknown =>
    item === Infinity ? null : item instanceof Map ? Object.fromEntries(item as Map<unknown, unknown>) : item,
  );
}

function when(call: number, ret: number): string {
  return `[${call}, ${Number.isFinite(ret) ? ret : '∞'}]`;
}

/**
 * The verdict of one file: its first line says the verdict; the lines after it explain a
 * violation. A note of skipped lines follows the verdict line, since a verdict on part of a file
 * must say so.
 */
function textReport(report: CheckFileReport): string[] {
  const lines: string[] = [];
  switch (report.checker) {
    case 'linearizable': {
      const r = report.result;
      lines.push(
        `${report.source}: ${r.verdict} (model ${r.model}, ${r.operations} operations, ${r.partitions} partition(s), ${r.partitionsChecked} decided, ${r.timeMs.toFixed(1)} ms)`,
      );
      if (r.reason !== undefined) lines.push(`  ${r.reason}`);
      for (const part of r.explanation ?? []) {
        const key = part.key === undefined ? '' : ` (key ${describeValue(part.key)})`;
        lines.push(
          `partition ${part.partition}${key}: the longest partial linearization has ${part.linearized.length} operation(s); state after it: ${part.state}`,
        );
        const tail = part.linearized.slice(-5);
        if (tail.length > 0) lines.push(`  ... ending with: ${tail.map((op) => `#${op.id}`).join(', ')}`);
        lines.push('  none of these can be placed next:');
        for (const b of part.blocked) {
          lines.push(
            `    #${b.operation.id} process ${String(b.operation.process)} ${b.description} ${when(b.operation.call, b.operation.ret)}: ${b.reason === 'illegal' ? 'illegal in that state' : 'legal, but leads nowhere'}`,
          );
        }
      }
      break;
    }
    case 'sequential': {
      const r = report.result;
      lines.push(
        `${report.source}: ${r.verdict} (model ${r.model}, ${r.operations} operations, ${r.processes} processes, ${r.timeMs.toFixed(1)} ms)`,
      );
      if (r.explanation !== undefined) {
        lines.push(
          `the longest order found has ${r.explanation.ordered.length} operation(s); state after it: ${r.explanation.state}`,
        );
        for (const b of r.explanation.blocked) {
          lines.push(
            `    #${b.operation.id} process ${String(b.operation.process)} ${b.description}: ${b.reason}`,
          );
        }
      }
      break;
    }
    case 'set': {
      const r = report.result;
      lines.push(
        `${report.source}: set ${r.verdict}: attempted ${r.attempted}, acknowledged ${r.acknowledged}, stable ${r.stable}, lost ${r.lost}, stale ${r.stale}, never read ${r.neverRead}, unexpected ${r.unexpected}, final reads ${r.finalReads}`,
      );
      if (r.lost > 0) lines.push(`  lost: ${r.lostExamples.join(' ')}`);
      if (r.unexpected > 0) lines.push(`  unexpected: ${r.unexpectedExamples.join(' ')}`);
      if (r.stableLatencies !== undefined)
        lines.push(`  stable latency quantiles: ${toJson(r.stableLatencies)}`);
      break;
    }
    case 'transactions':
      lines.push(...transactionReportLines(report.source, report.result));
      break;
    case 'counter': {
      const r = report.result;
      lines.push(
        `${report.source}: counter ${r.verdict}: acknowledged sum ${r.acknowledgedSum}, ${r.unknownDeltas.length} add(s) of unknown outcome`,
      );
      for (const read of r.finalReads)
        lines.push(
          `  final read of process ${String(read.process)}: ${String(read.value)}: ${read.possible === true ? 'possible' : read.possible === false ? 'impossible' : 'undecided'}`,
        );
      for (const read of r.outOfBounds)
        lines.push(
          `  read #${read.operation.id} = ${String(read.operation.output)} outside [${read.lower}, ${read.upper}]`,
        );
      break;
    }
  }
  const skipped = report.history.skipped;
  if (skipped !== undefined) {
    lines.splice(
      1,
      0,
      `  ${skipped.count} line(s) skipped: not events of this format (the first is line ${skipped.firstLine})`,
    );
  }
  return lines;
}

/** What became of one file: a report, or bad input. */
type FileVerdict =
  | { readonly source: string; readonly report: CheckFileReport; readonly error?: undefined }
  | { readonly source: string; readonly report?: undefined; readonly error: HistoryFormatError };

/** Exit codes from the least to the most serious: the run's code is the most serious of its files'. */
const seriousness: readonly HistoryCheckOutput['exitCode'][] = [0, 3, 1, 2];

function worstExitCode(verdicts: readonly FileVerdict[]): HistoryCheckOutput['exitCode'] {
  let worst: HistoryCheckOutput['exitCode'] = 0;
  for (const verdict of verdicts) {
    const code = verdict.report?.exitCode ?? 2;
    if (seriousness.indexOf(code) > seriousness.indexOf(worst)) worst = code;
  }
  return worst;
}

/** How each outcome is named in the summary line, by checker. */
function outcomeWords(checker: CheckerName): Record<Outcome, string> {
  switch (checker) {
    case 'linearizable':
      return { ok: 'linearizable', violation: 'not linearizable', unknown: 'unknown' };
    case 'sequential':
      return { ok: 'sequentially consistent', violation: 'not sequentially consistent', unknown: 'unknown' };
    case 'set':
    case 'counter':
    case 'transactions':
      return { ok: 'valid', violation: 'invalid', unknown: 'unknown' };
  }
}

interface Summary {
  readonly files: number;
  readonly ok: number;
  readonly violation: number;
  readonly unknown: number;
  readonly badInput: number;
  readonly exitCode: HistoryCheckOutput['exitCode'];
}

function summarize(verdicts: readonly FileVerdict[]): Summary {
  const count = (outcome: Outcome): number => verdicts.filter((v) => v.report?.outcome === outcome).length;
  return {
    files: verdicts.length,
    ok: count('ok'),
    violation: count('violation'),
    unknown: count('unknown'),
    badInput: verdicts.filter((v) => v.error !== undefined).length,
    exitCode: worstExitCode(verdicts),
  };
}

/** `102 files: 60 linearizable, 42 not linearizable` (unknown and bad input when there are some). */
function summaryLine(summary: Summary, checker: CheckerName): string {
  const words = outcomeWords(checker);
  const parts = [`${summary.ok} ${words.ok}`, `${summary.violation} ${words.violation}`];
  if (summary.unknown > 0) parts.push(`${summary.unknown} ${words.unknown}`);
  if (summary.badInput > 0) parts.push(`${summary.badInput} bad input`);
  return `${summary.files} files: ${parts.join(', ')}`;
}

/** One file's result as JSON-ready data. */
function jsonOf(verdict: FileVerdict, html: string | undefined): Record<string, unknown> {
  if (verdict.error !== undefined) {
    return { source: verdict.source, outcome: 'bad-input', exitCode: 2, error: verdict.error.message };
  }
  const { report } = verdict;
  const skipped = report.history.skipped;
  return {
    source: report.source,
    checker: report.checker,
    outcome: report.outcome,
    exitCode: report.exitCode,
    skippedLines: skipped?.count ?? 0,
    ...(skipped === undefined ? {} : { firstSkippedLine: skipped.firstLine }),
    ...(html === undefined ? {} : { html }),
    result: report.result,
  };
}

async function judge(check: HistoryFileChecker, source: string): Promise<FileVerdict> {
  try {
    return { source, report: await check(source) };
  } catch (error) {
    if (error instanceof HistoryFormatError) return { source, error };
    throw error;
  }
}

const usageFailure = (message: string): HistoryCheckOutput => ({
  exitCode: 2,
  stdout: '',
  stderr: `fairlink history check: ${message}\n`,
});

/** Runs `fairlink history check` and returns what to print and the exit code. */
export async function runHistoryCheck(options: HistoryCheckOptions): Promise<HistoryCheckOutput> {
  const checker = checkerFor(options);
  if (options.files.length === 0) return usageFailure('no history file given');
  if (options.html !== undefined && options.files.length > 1) {
    return usageFailure(
      `--html draws one history: give one file, not ${options.files.length} (or check the file to draw on its own)`,
    );
  }
  let check: HistoryFileChecker;
  try {
    check = createHistoryFileChecker({
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.initial === undefined ? {} : { initial: options.initial }),
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.checker === undefined ? {} : { checker }),
      ...(options.timeout === undefined ? {} : { timeoutSeconds: options.timeout }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.consistencyModels === undefined ? {} : { consistencyModels: options.consistencyModels }),
      partition: options.partition ?? true,
    });
  } catch (error) {
    if (error instanceof HistoryUsageError) return usageFailure(error.message);
    throw error;
  }
  const verdicts: FileVerdict[] = [];
  for (const file of options.files) verdicts.push(await judge(check, file));
  const stderr = verdicts
    .flatMap((verdict) => (verdict.error === undefined ? [] : [`fairlink: ${verdict.error.message}\n`]))
    .join('');
  const single = verdicts.length === 1 ? verdicts[0] : undefined;
  if (single !== undefined) return singleFileOutput(single, options, stderr);

  const summary = summarize(verdicts);
  if (options.json === true) {
    const files = verdicts.map((verdict) => jsonOf(verdict, undefined));
    return { exitCode: summary.exitCode, stdout: `${toJson({ files, summary })}\n`, stderr };
  }
  const lines: string[] = [];
  for (const verdict of verdicts) {
    if (verdict.error !== undefined) {
      const { source, line, problem } = verdict.error;
      lines.push(`${line === undefined ? source : `${source}:${line}`}: bad input: ${problem}`);
    } else {
      // One line per file: the verdict, and the note of skipped lines when there is one; the
      // explanation of a violation is for a check of that file alone.
      const report = textReport(verdict.report);
      lines.push(...report.slice(0, verdict.report.history.skipped === undefined ? 1 : 2));
    }
  }
  lines.push(summaryLine(summary, checker));
  return { exitCode: summary.exitCode, stdout: `${lines.join('\n')}\n`, stderr };
}

/** A single file: its full report (with the explanation of a violation), and its drawing. */
async function singleFileOutput(
  verdict: FileVerdict,
  options: HistoryCheckOptions,
  stderr: string,
): Promise<HistoryCheckOutput> {
  if (verdict.error !== undefined) return { exitCode: 2, stdout: '', stderr };
  const { report } = verdict;
  if (options.html !== undefined && report.checker === 'transactions') {
    await writeFileAtomic(options.html, renderTransactionsHtml(report.result, report.source));
  } else if (options.html !== undefined) {
    const result =
      report.checker === 'linearizable' || report.checker === 'sequential' ? report.result : undefined;
    await writeFileAtomic(options.html, renderHistoryHtml(report.paired, result, { title: report.source }));
  }
  const stdout =
    options.json === true
      ? `${toJson(jsonOf(verdict, options.html))}\n`
      : `${[...textReport(report), ...(options.html === undefined ? [] : [`drawing written to ${options.html}`])].join('\n')}\n`;
  return { exitCode: report.exitCode, stdout, stderr: '' };
}
