/**
 * `fairlink check <scenario>`: explore every interleaving of a scenario's model.
 *
 * The scenario's `model(params)` is either a plain model (TLA+ style) or an
 * actor system built with `actorModel` from the protocols the simulator runs.
 * A violation prints the property, the shortest path in words, and where its
 * trace and diagram were written; exit codes as DESIGN section 7.
 */

import type { Command } from 'commander';
import { ActorStepError, type ActorAction, type ActorModelExtras } from '../check/actors.js';
import { check } from '../check/check.js';
import { guardedModel, ModelError } from '../check/guarded-model.js';
import { defineModel, type Model } from '../check/model.js';
import { checkInWorkers } from '../check/parallel.js';
import type { CheckOptions, CheckResult, Path, Progress } from '../check/result.js';
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
import { checkOutputPath } from './output-paths.js';
import { shellQuote } from './shell.js';
import { ExitCode, type ExitCodeValue } from './usage.js';

interface CheckCommandOptions {
  readonly strategy?: string;
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly timeLimit?: number;
  readonly workers?: number;
  readonly symmetry?: boolean;
  readonly json?: boolean;
  readonly param?: readonly string[];
  readonly trace?: string;
  readonly html?: string;
  readonly seed?: number;
}

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

  const progress = progressLine(cli);
  const checkOptions: CheckOptions = {
    strategy,
    symmetry: options.symmetry ?? false,
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }),
    ...(options.timeLimit === undefined ? {} : { maxMs: timeLeftMs(options.timeLimit) }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    // Workers build their own model: they guard it as `model` is guarded here.
    guardModel: true,
    onProgress: progress.update,
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
  if (options.json) {
    cli.stdout.write(`${JSON.stringify(checkJson(result, scenario.name, params, files))}\n`);
  } else {
    cli.stdout.write(formatCheckText(result, scenario.name, files));
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

function formatCheckText(result: CheckResult<unknown, unknown>, scenario: string, files: CheckFiles): string {
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
      lines.push(
        `UNKNOWN ${scenario}: no violation found, but the search stopped early (${result.stopReason ?? 'budget'}; ${figures})`,
      );
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
): unknown {
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

/** A one-line live progress display on a terminal (states, unique states, depth, rate, memory). */
function progressLine(cli: CliContext): { update: (progress: Progress) => void; stop: () => void } {
  const stream = cli.stderr as NodeJS.WritableStream & { isTTY?: boolean };
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  let shown = false;
  return {
    update: (progress) => {
      shown = true;
      stream.write(
        `\r\u001b[2K${progress.generatedStates.toLocaleString('en-US')} states, ${progress.distinctStates.toLocaleString('en-US')} distinct, ` +
          `depth ${progress.depth}, ${Math.round(progress.statesPerSecond).toLocaleString('en-US')} states/s, ` +
          `${Math.round(progress.memoryBytes / 2 ** 20)} MiB`,
      );
    },
    stop: () => {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
