/**
 * `fairlink check <scenario>`: explore every interleaving of a scenario's model.
 *
 * The scenario's `model(params)` is either a plain model (TLA+ style) or an
 * actor system built with `actorModel` from the protocols the simulator runs.
 * A violation prints the property, the shortest path in words, and where its
 * trace and diagram were written; exit codes as DESIGN section 7.
 */

import { getHeapStatistics } from 'node:v8';
import type { Command } from 'commander';
import { ActorStepError, type ActorAction, type ActorModelExtras, type ActorState } from '../check/actors.js';
import { describeChoices } from '../check/choices.js';
import { check } from '../check/check.js';
import { guardedModel, ModelError } from '../check/guarded-model.js';
import { defineModel, type Model } from '../check/model.js';
import { checkInWorkers } from '../check/parallel.js';
import type { CheckOptions, CheckResult, Path } from '../check/result.js';
import { InputError } from '../core/errors.js';
import { plainToJson } from '../core/plain.js';
import { loadScenario, scenarioModuleUrl } from '../sim/load-scenario.js';
import { resolveParams, type Params } from '../sim/scenario.js';
import type { Trace } from '../trace/events.js';
import { escapeHtml } from '../trace/escape.js';
import { writeFileAtomic } from '../trace/files.js';
import { renderTraceHtml } from '../trace/html.js';
import { traceToJsonl } from '../trace/write-jsonl.js';
import type { CliContext } from './context.js';
import { collect, parseParam, parseSecondsToMs, parseWholeNumber, timeLeftMs } from './options.js';
import { searchProgressDisplay } from './progress.js';
import { checkOutputPath } from './output-paths.js';
import { shellQuote } from './shell.js';
import { ExitCode, type ExitCodeValue } from './usage.js';

interface CheckCommandOptions {
  readonly strategy?: string;
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly timeLimit?: number;
  readonly memoryLimit?: number;
  readonly progressInterval?: number;
  readonly workers?: number;
  readonly symmetry?: boolean;
  readonly json?: boolean;
  readonly param?: readonly string[];
  readonly trace?: string;
  readonly html?: string;
  readonly seed?: number;
}

/** The largest --memory-limit taken, in MB (16 TB): far beyond any machine, within exact numbers. */
const MEMORY_LIMIT_MB_MAX = 2 ** 24;

/** Without a terminal, a progress line this often: a long search is never silent in a CI log. */
const PROGRESS_LINE_INTERVAL_MS = 10_000;

/** Registers `check` on the program. */
export function registerCheckCommand(program: Command, cli: CliContext): void {
  program
    .command('check')
    .description(
      "explore every interleaving of a scenario's model: invariants, reachability, liveness under fairness",
    )
    .argument(
      '<scenario>',
      'a .ts, .mts, .js or .mjs file whose default export is defineScenario({ model, ... })',
    )
    .option('--strategy <bfs|dfs|random>', 'search order (default bfs: shortest counterexamples)')
    .option('--max-depth <N>', 'do not expand states deeper than N', (text) =>
      parseWholeNumber(text, '--max-depth', 0, Number.MAX_SAFE_INTEGER),
    )
    .option('--max-states <N>', 'stop after N distinct states (verdict unknown)', (text) =>
      parseWholeNumber(text, '--max-states', 1, Number.MAX_SAFE_INTEGER),
    )
    .option('--time-limit <S>', 'stop after S seconds (verdict unknown)', (text) =>
      parseSecondsToMs(text, '--time-limit'),
    )
    .option(
      '--memory-limit <MB>',
      "stop once the search holds MB megabytes, workers included (verdict unknown; default: 3/4 of Node's heap limit)",
      (text) => parseWholeNumber(text, '--memory-limit', 1, MEMORY_LIMIT_MB_MAX),
    )
    .option(
      '--progress-interval <S>',
      'seconds between progress lines on stderr when it is not a terminal (default 10)',
      (text) => parseSecondsToMs(text, '--progress-interval'),
    )
    .option('--workers <N>', 'worker threads for breadth-first search (default 1)', (text) =>
      parseWholeNumber(text, '--workers', 1, 64),
    )
    .option('--symmetry', "apply the model's symmetry reduction")
    .option('--seed <N>', 'random walks: the seed', (text) =>
      parseWholeNumber(text, '--seed', 0, 2 ** 32 - 1),
    )
    .option('--param <NAME=VALUE>', 'set a scenario parameter (repeatable)', collect(parseParam))
    .option('--trace <FILE>', "write the counterexample's trace (JSON Lines)")
    .option('--html <FILE>', "write the counterexample's diagram (HTML)")
    .option('--json', 'print one JSON result object on stdout')
    .action(async (scenarioPath: string, options: CheckCommandOptions) => {
      cli.setExitCode(await checkCommand(scenarioPath, options, cli));
    });
}

async function checkCommand(
  scenarioPath: string,
  options: CheckCommandOptions,
  cli: CliContext,
): Promise<ExitCodeValue> {
  const strategy = options.strategy ?? 'bfs';
  if (strategy !== 'bfs' && strategy !== 'dfs' && strategy !== 'random') {
    throw new InputError(`--strategy ${strategy}: expected bfs, dfs or random`);
  }
  if ((options.workers ?? 1) > 1 && strategy !== 'bfs') {
    throw new InputError(
      `--workers ${options.workers}: parallel search is breadth-first; drop --strategy ${strategy}`,
    );
  }
  if (options.trace !== undefined) checkOutputPath('--trace', options.trace);
  if (options.html !== undefined) checkOutputPath('--html', options.html);

  const scenario = await loadScenario(scenarioPath);
  if (scenario.model === undefined) {
    throw new InputError(
      `${scenarioPath}: scenario '${scenario.name}' defines no model to check (only a simulation): run fairlink sim`,
    );
  }
  const params = resolveParams(scenario, options.param ?? []);
  let model: Model<unknown, unknown>;
  try {
    model = guardedModel(defineModel(scenario.model(params) as Model<unknown, unknown>));
  } catch (thrown) {
    throw new InputError(`${scenarioPath}: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }

  const progress = searchProgressDisplay(cli.stderr, options.progressInterval ?? PROGRESS_LINE_INTERVAL_MS);
  const checkOptions: CheckOptions = {
    strategy,
    symmetry: options.symmetry ?? false,
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }),
    ...(options.timeLimit === undefined ? {} : { maxMs: timeLeftMs(options.timeLimit) }),
    ...(options.memoryLimit === undefined ? {} : { maxMemoryMb: options.memoryLimit }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    // Workers build their own model: they guard it as `model` is guarded here.
    guardModel: true,
    onProgress: progress.update,
    progressIntervalMs: progress.intervalMs,
  };
  let result: CheckResult<unknown, unknown>;
  try {
    result =
      (options.workers ?? 1) > 1
        ? // Workers import the scenario compiled (and cached) as loadScenario compiled it.
          await checkInWorkers(
            { module: await scenarioModuleUrl(scenarioPath), export: 'default', params },
            checkOptions,
          )
        : check(model, checkOptions);
  } catch (thrown) {
    progress.stop();
    if (thrown instanceof ModelError || thrown instanceof ActorStepError) {
      // A bug in the model or in a handler is a finding about the user's code: exit 1.
      const cause = thrown instanceof ModelError ? thrown : undefined;
      const state = cause ? cause.state : (thrown as ActorStepError).state;
      const action = cause ? cause.action : (thrown as ActorStepError).action;
      cli.stdout.write(
        `FAIL ${scenario.name}: the model's own code failed: ${thrown.message}\n` +
          (action === undefined ? '' : `  action: ${describeAction(action)}\n`) +
          (state === undefined ? '' : `  state:  ${abbreviate(plainToJson(state))}\n`),
      );
      return ExitCode.violation;
    }
    throw thrown;
  }
  progress.stop();

  const files = await writeCounterexample(result, model, scenario.name, params, options);
  if (files.trace !== undefined && isActorModel(model) && scenario.build !== undefined) {
    const paramFlags = (options.param ?? []).map((param) => ` --param ${shellQuote(param)}`).join('');
    files.replay = `npx fairlink sim ${shellQuote(scenarioPath)}${paramFlags} --schedule ${shellQuote(files.trace)}`;
  }
  // Asked-for files that were not written are said so, rather than left for the user to look for.
  const unwritten = [options.trace === undefined ? '' : '--trace', options.html === undefined ? '' : '--html']
    .filter((flag) => flag !== '' && files.trace === undefined)
    .join(' and ');
  const reported =
    unwritten === ''
      ? result
      : { ...result, notes: [...result.notes, `no counterexample: ${unwritten} not written`] };
  if (options.json) {
    cli.stdout.write(`${JSON.stringify(checkJson(reported, scenario.name, params, files, options))}\n`);
  } else {
    const first = result.path?.states[0];
    const initialChoices =
      first !== undefined && isActorModel(model) ? model.initialChoices(first as ActorState) : '';
    cli.stdout.write(formatCheckText(reported, scenario.name, files, options, initialChoices));
  }
  switch (result.verdict) {
    case 'ok':
      return ExitCode.pass;
    case 'violation':
      return ExitCode.violation;
    case 'unknown':
      return ExitCode.unknown;
  }
}

/** Written files, by kind. */
interface CheckFiles {
  trace?: string;
  html?: string;
  /** For actor systems: the command that replays the counterexample in the simulator. */
  replay?: string;
}

function isActorModel(model: Model<unknown, unknown>): model is Model<unknown, unknown> & ActorModelExtras {
  return typeof (model as Partial<ActorModelExtras>).trace === 'function';
}

async function writeCounterexample(
  result: CheckResult<unknown, unknown>,
  model: Model<unknown, unknown>,
  scenario: string,
  params: Params,
  options: CheckCommandOptions,
): Promise<CheckFiles> {
  const path = result.path;
  if (result.verdict !== 'violation' || path === undefined) return {};
  const base = `out/${scenario}.check`;
  const tracePath = options.trace ?? `${base}.trace.jsonl`;
  const htmlPath = options.html ?? `${base}.html`;
  const title = `${scenario}: ${result.property?.kind ?? ''} ${result.property?.name ?? ''} violated`;
  if (isActorModel(model)) {
    const replayed = (model as unknown as ActorModelExtras).trace(path as Path<never, ActorAction>, {
      scenario,
      params,
    });
    // In a checker trace, time is the step number; the violation is the last event.
    const reason = result.properties.find((outcome) => outcome.name === result.property?.name)?.reason;
    const trace: Trace = {
      header: replayed.header,
      events: [
        ...replayed.events,
        {
          t: path.actions.length,
          type: 'violation',
          property: result.property?.name ?? '',
          detail:
            reason ?? `${result.property?.kind ?? 'property'} violated after ${path.actions.length} steps`,
        },
      ],
    };
    const html = renderTraceHtml(trace, { title: `${title} (time axis: one unit per step)` });
    await writeFileAtomic(tracePath, traceToJsonl(trace));
    await writeFileAtomic(htmlPath, html);
  } else {
    // A plain model has no nodes or messages: its counterexample is a list of states.
    const steps = path.states.map((state, index) => ({
      step: index,
      ...(index === 0 ? {} : { action: path.actions[index - 1] }),
      state,
    }));
    await writeFileAtomic(tracePath, steps.map((step) => plainToJson(step)).join('\n') + '\n');
    await writeFileAtomic(htmlPath, plainPathHtml(title, steps, path.cycleStart));
  }
  return { trace: tracePath, html: htmlPath };
}

function plainPathHtml(
  title: string,
  steps: readonly { step: number; action?: unknown; state: unknown }[],
  cycleStart: number | undefined,
): string {
  const rows = steps
    .map(
      (step) =>
        `<tr${cycleStart !== undefined && step.step >= cycleStart ? ' class="cycle"' : ''}><td>${step.step}</td>` +
        `<td><code>${escapeHtml(step.action === undefined ? '(initial state)' : plainToJson(step.action))}</code></td>` +
        `<td><code>${escapeHtml(plainToJson(step.state))}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>
body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}td{border-top:1px solid #ddd;padding:4px 8px;vertical-align:top}
code{font-size:12px;white-space:pre-wrap;word-break:break-all}tr.cycle{background:#fff4e0}
</style></head><body><h1>${escapeHtml(title)}</h1>
${cycleStart === undefined ? '' : `<p>Shaded steps repeat forever (from step ${cycleStart}).</p>`}
<table><thead><tr><th>step</th><th>action</th><th>state after it</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

/** One action in words. */
export function describeAction(action: unknown): string {
  const candidate = action as { choices?: readonly number[] };
  return (
    describeStep(action) + describeChoices(Array.isArray(candidate.choices) ? candidate.choices : undefined)
  );
}

function describeStep(action: unknown): string {
  const candidate = action as { type?: unknown; from?: unknown; to?: unknown };
  switch (candidate.type) {
    case 'deliver':
      return `deliver ${plainToJson((candidate as { message: unknown }).message)} from ${String(candidate.from)} to ${String(candidate.to)}`;
    case 'drop':
      return `drop ${plainToJson((candidate as { message: unknown }).message)} from ${String(candidate.from)} to ${String(candidate.to)}`;
    case 'timer':
      return `timer '${String((candidate as { name: unknown }).name)}' fires at ${String((candidate as { node: unknown }).node)}`;
    case 'crash':
      return `${String((candidate as { node: unknown }).node)} crashes`;
    case 'recover':
      return `${String((candidate as { node: unknown }).node)} recovers`;
    case 'inject':
      return `Byzantine ${String(candidate.from)} sends ${plainToJson((candidate as { message: unknown }).message)} to ${String(candidate.to)}`;
    case 'boot':
      return 'boot';
    default:
      return plainToJson(action);
  }
}

function abbreviate(text: string, limit = 400): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/**
 * Which limit stopped the search, after how many states, and the flag that raises it; undefined
 * if the search was not stopped by a limit.
 */
function stopLine(result: CheckResult<unknown, unknown>, options: CheckCommandOptions): string | undefined {
  const states = `${result.distinctStates.toLocaleString('en-US')} states`;
  switch (result.stopReason) {
    case 'maxMemory':
      return `stopped: memory limit ${result.memoryLimitMb} MB reached after ${states} (raise it with --memory-limit MB)`;
    case 'heapLimit':
      return (
        `stopped: Node's JavaScript heap is nearly full (${heapLimitMb()} MB) after ${states} ` +
        `(raise it with NODE_OPTIONS=--max-old-space-size=MB)`
      );
    case 'maxStates':
      return `stopped: state limit ${options.maxStates ?? ''} reached after ${states} (raise it with --max-states N)`;
    case 'maxMs':
      return `stopped: time limit ${(options.timeLimit ?? 0) / 1000} s reached after ${states} (raise it with --time-limit S)`;
    case 'maxDepth':
      return result.strategy === 'random'
        ? `stopped: every walk ends at depth ${options.maxDepth ?? ''} (raise it with --max-depth N)`
        : `stopped: depth limit ${options.maxDepth ?? ''} reached after ${states}: deeper states were not explored (raise it with --max-depth N)`;
    case 'walks':
      return `stopped: the random walks are done after ${states}; walks prove no invariant (use --strategy bfs or dfs to cover every state)`;
    case 'violation':
    case undefined:
      return undefined;
  }
}

/** This process's V8 heap limit, in MB. */
function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
}

function formatCheckText(
  result: CheckResult<unknown, unknown>,
  scenario: string,
  files: CheckFiles,
  options: CheckCommandOptions,
  /** For actor systems: the choices the boots made for the path's initial state, in words. */
  initialChoices = '',
): string {
  const figures =
    `${result.distinctStates.toLocaleString('en-US')} distinct states, ${result.generatedStates.toLocaleString('en-US')} generated, ` +
    `depth ${result.maxDepth}, ${(result.elapsedMs / 1000).toFixed(2)} s` +
    (result.workers > 1 ? ` on ${result.workers} workers` : '');
  const lines: string[] = [];
  switch (result.verdict) {
    case 'ok':
      lines.push(`PASS ${scenario}: every property holds (${figures})`);
      break;
    case 'unknown':
      lines.push(`UNKNOWN ${scenario}: no violation found, but the search stopped early (${figures})`);
      break;
    case 'violation': {
      const property = result.property;
      lines.push(
        `FAIL ${scenario}: ${property?.kind ?? ''} property '${property?.name ?? ''}' is violated (${figures})`,
      );
      const reason = result.properties.find((outcome) => outcome.name === property?.name)?.reason;
      if (reason) lines.push(`  ${reason}`);
      const path = result.path;
      if (path) {
        if (initialChoices !== '') lines.push(`  in the initial state, ${initialChoices}`);
        lines.push(
          `  ${path.actions.length === 0 ? 'already in the initial state' : `shortest path found, ${path.actions.length} steps:`}`,
        );
        path.actions.forEach((action, index) => {
          const marker =
            path.cycleStart !== undefined && index === path.cycleStart ? ' <- the cycle starts here' : '';
          lines.push(`    ${String(index + 1).padStart(3)}. ${describeAction(action)}${marker}`);
        });
        if (path.cycleStart !== undefined)
          lines.push(`  then the steps from ${path.cycleStart + 1} repeat forever (a fair cycle)`);
      }
      if (files.trace) lines.push(`  trace:   ${files.trace}`);
      if (files.html) lines.push(`  diagram: ${files.html}`);
      if (files.replay) lines.push(`  replay in the simulator: ${files.replay}`);
      break;
    }
  }
  const stopped = stopLine(result, options);
  if (stopped !== undefined) lines.push(`  ${stopped}`);
  for (const outcome of result.properties) {
    if (outcome.name === result.property?.name) continue;
    lines.push(
      `  ${outcome.kind} '${outcome.name}': ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`,
    );
  }
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function checkJson(
  result: CheckResult<unknown, unknown>,
  scenario: string,
  params: Params,
  files: CheckFiles,
  options: CheckCommandOptions,
): unknown {
  const stopped = stopLine(result, options);
  return {
    verdict: result.verdict,
    scenario,
    params,
    ...(result.property ? { property: result.property } : {}),
    distinctStates: result.distinctStates,
    generatedStates: result.generatedStates,
    depth: result.maxDepth,
    complete: result.complete,
    ...(result.stopReason ? { stopReason: result.stopReason } : {}),
    ...(stopped === undefined ? {} : { stopped }),
    memoryLimitMb: result.memoryLimitMb,
    memoryPeakMb: Math.round(result.memoryPeakBytes / 2 ** 20),
    elapsedMs: Math.round(result.elapsedMs),
    workers: result.workers,
    strategy: result.strategy,
    properties: result.properties.map((outcome) => ({
      name: outcome.name,
      kind: outcome.kind,
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    })),
    ...(result.path
      ? {
          path: result.path.actions.map(describeAction),
          ...(result.path.cycleStart === undefined ? {} : { cycleStart: result.path.cycleStart }),
        }
      : {}),
    files,
    notes: result.notes,
  };
}
