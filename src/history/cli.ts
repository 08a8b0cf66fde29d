/**
 * `fairlink history check FILE --model NAME [--format F] [--checker C] [--no-partition]
 * [--timeout S] [--json] [--html OUT]`, as a function the command line calls: it returns the
 * exit code and the text to print instead of printing, so that it is testable and the CLI stays
 * a thin shell.
 *
 * Exit codes (DESIGN.md §7): 0 consistent, 1 violation, 2 bad input or usage, 3 unknown (time ran
 * out or nothing to judge).
 *
 * @module
 */
import { rename, writeFile } from 'node:fs/promises';
import { checkHistoryFile, type CheckFileReport, type CheckerName } from './check-file.js';
import { HistoryFormatError, HistoryUsageError } from './errors.js';
import { describeValue } from './hash.js';
import { renderHistoryHtml } from './report/html.js';

/** Options of {@link runHistoryCheck}, as parsed from the command line. */
export interface HistoryCheckOptions {
  readonly file: string;
  readonly model?: string;
  readonly format?: string;
  readonly checker?: CheckerName;
  /** `--no-partition` sets this to false. */
  readonly partition?: boolean;
  /** `--timeout S`, seconds. */
  readonly timeout?: number;
  /** `--json`: print the result as one JSON object. */
  readonly json?: boolean;
  /** `--html OUT`: also write the HTML report there. */
  readonly html?: string;
  /** Worker threads for large partitioned histories. */
  readonly threads?: number;
}

/** What the CLI prints and how it exits. */
export interface HistoryCheckOutput {
  readonly exitCode: 0 | 1 | 2 | 3;
  readonly stdout: string;
  /** A one-line error for exit code 2, empty otherwise. */
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

function textReport(report: CheckFileReport): string {
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
  return `${lines.join('\n')}\n`;
}

/** Writes `text` to `path` whole or not at all (a temporary file, then a rename). */
async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

/** Runs `fairlink history check` and returns what to print and the exit code. */
export async function runHistoryCheck(options: HistoryCheckOptions): Promise<HistoryCheckOutput> {
  let report: CheckFileReport;
  try {
    report = await checkHistoryFile(options.file, {
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.checker === undefined ? {} : { checker: options.checker }),
      ...(options.timeout === undefined ? {} : { timeoutSeconds: options.timeout }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      partition: options.partition ?? true,
    });
  } catch (error) {
    if (error instanceof HistoryFormatError || error instanceof HistoryUsageError) {
      return { exitCode: 2, stdout: '', stderr: `fairlink history check: ${error.message}\n` };
    }
    throw error;
  }
  if (options.html !== undefined) {
    const result =
      report.checker === 'linearizable' || report.checker === 'sequential' ? report.result : undefined;
    await writeWhole(options.html, renderHistoryHtml(report.paired, result, { title: report.source }));
  }
  const stdout =
    options.json === true
      ? `${toJson({ source: report.source, checker: report.checker, outcome: report.outcome, exitCode: report.exitCode, result: report.result })}\n`
      : textReport(report);
  return { exitCode: report.exitCode, stdout, stderr: '' };
}
