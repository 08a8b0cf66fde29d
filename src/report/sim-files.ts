/**
 * The files `fairlink sim` writes for the reported run: its trace, its space-time diagram and its
 * client history. A failing run's files are written even when no path was asked for (under out/),
 * since they are what the user looks at next. Shared by the command and by `fairlink/testing`.
 */

import { unlink } from 'node:fs/promises';
import { InputError } from '../core/index.js';
import { checkHistoryProperty, type HistoryCheckResult } from '../history/index.js';
import { renderHistoryHtml } from '../history/index.js';
import { HistoryFormatError, pairOperations, type History } from '../history/index.js';
import { historyFromTrace } from '../history/index.js';
import type { CampaignResult } from '../sim/index.js';
import { loadScenario, prepareScenario } from '../sim/index.js';
import type { Trace } from '../trace/index.js';
import { escapeHtml } from '../trace/index.js';
import { writeFileAtomic } from '../trace/index.js';
import { renderTraceHtml, type TraceHtmlOptions } from '../trace/index.js';
import { traceToJsonl } from '../trace/index.js';
import { describeFailure, replayOf, type SimInvocation, type WrittenFiles } from './sim-text.js';

/** Output paths asked for; each may be left out. */
export interface RequestedFiles {
  readonly trace: string | undefined;
  readonly html: string | undefined;
  readonly historyHtml: string | undefined;
}

/** A file name made of the scenario's name: letters, digits, dots, dashes and underscores. */
function fileStem(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '') || 'scenario';
}

/**
 * Renders and writes the trace and diagram of the reported run. A failing
 * run's files are written even when no path was given (under out/), since
 * they are what the user needs next.
 */
export async function writeOutputs(
  result: CampaignResult,
  invocation: SimInvocation,
  requested: RequestedFiles,
): Promise<WrittenFiles> {
  const trace = result.trace;
  if (trace === undefined) return { defaulted: false };
  let paths = requested;
  let defaulted = false;
  const history = historyFromTrace(trace);
  if (result.failure && paths.trace === undefined && paths.html === undefined) {
    const stem = `out/${fileStem(result.scenario.name)}-seed${result.failure.seed}`;
    paths = {
      trace: `${stem}.trace.jsonl`,
      html: `${stem}.trace.html`,
      historyHtml: paths.historyHtml ?? (history.events.length > 0 ? `${stem}.history.html` : undefined),
    };
    defaulted = true;
  }
  const files: WrittenFiles = {
    ...(paths.trace === undefined ? {} : { trace: paths.trace }),
    ...(paths.html === undefined ? {} : { html: paths.html }),
    ...(paths.historyHtml === undefined ? {} : { historyHtml: paths.historyHtml }),
    defaulted,
  };
  const contents: [string, string][] = [];
  if (paths.trace !== undefined) contents.push([paths.trace, traceToJsonl(trace)]);
  if (paths.html !== undefined)
    contents.push([paths.html, renderTraceHtml(trace, htmlOptions(result, invocation, files, trace))]);
  if (paths.historyHtml !== undefined) {
    const title = `${result.scenario.name}, seed ${trace.header.seed}: client history`;
    contents.push([paths.historyHtml, await historyPage(trace, invocation, history, title)]);
  }
  const written: string[] = [];
  try {
    for (const [path, content] of contents) {
      await writeFileAtomic(path, content);
      written.push(path);
    }
  } catch (error) {
    // All or nothing: a trace without its diagram would look like a complete answer.
    await Promise.all(written.map((path) => unlink(path).catch(() => undefined)));
    const path = contents[written.length]?.[0] ?? '?';
    throw new InputError(`${path}: cannot write: ${(error as Error).message}`);
  }
  return files;
}

/**
 * The run's history page. A client history that breaks Jepsen's rules (a completion of nothing,
 * two operations at once) is a bug in the scenario's client code, which the run's history
 * property reports as its finding: the page then says what is wrong instead of drawing.
 */
async function historyPage(
  trace: Trace,
  invocation: SimInvocation,
  history: History,
  title: string,
): Promise<string> {
  let paired: ReturnType<typeof pairOperations>;
  try {
    paired = pairOperations(history);
  } catch (error) {
    if (!(error instanceof HistoryFormatError)) throw error;
    const problem = `The client history breaks Jepsen's rules, so it cannot be drawn: ${error.message}`;
    return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body><h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(problem)}</p></body></html>\n`;
  }
  return renderHistoryHtml(paired, await checkRunHistory(trace, invocation, history), { title });
}

/**
 * The history checker's result for the run's history page, as `fairlink history check` gives it
 * to the same page: from the property the run violated when it judges the client history
 * (`linearizable`, `sequentiallyConsistent`), otherwise from the first property that does; none
 * when the scenario has no such property. The workers that ran the seeds keep only verdicts, so
 * the scenario is built here once more for its properties, and the property checks the recorded
 * history again, by its own code.
 */
async function checkRunHistory(
  trace: Trace,
  invocation: SimInvocation,
  history: History,
): Promise<HistoryCheckResult | undefined> {
  if (history.events.length === 0) return undefined;
  const scenario = await loadScenario(invocation.scenarioPath);
  const { config } = prepareScenario(scenario, invocation.scenarioPath, invocation.params);
  const properties = config.properties ?? [];
  const violated = new Set(
    trace.events.flatMap((event) => (event.type === 'violation' ? [event.property] : [])),
  );
  const candidates = [
    ...properties.filter((property) => violated.has(property.name)),
    ...properties.filter((property) => !violated.has(property.name)),
  ];
  for (const property of candidates) {
    const checked = checkHistoryProperty(property, history);
    if (checked !== undefined) return checked;
  }
  return undefined;
}

/** The title, replay command and extra sections of the diagram page. */
function htmlOptions(
  result: CampaignResult,
  invocation: SimInvocation,
  files: WrittenFiles,
  trace: Trace,
): TraceHtmlOptions {
  const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;
  const sections: { title: string; html: string }[] = [];
  const failure = result.reported?.failure ?? result.failure;
  if (failure) sections.push({ title: 'Failure', html: paragraph(describeFailure(failure)) });
  if (result.shrunk) sections.push({ title: 'Shrinking', html: paragraph(result.shrunk.summary) });
  const replay = replayOf(result, invocation, files);
  const verdict = failure ? 'fails' : 'passes';
  return {
    title: `${result.scenario.name}, seed ${trace.header.seed}: ${verdict}`,
    ...(replay === undefined ? {} : { replayCommand: replay }),
    sections,
  };
}
