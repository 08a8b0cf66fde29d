/**
 * A scenario's model checked as `fairlink check` checks it: the scenario loaded, its model built
 * and guarded, the search run (on worker threads when asked), a counterexample's trace and
 * diagram written, and the report rendered. Shared by the command and by `fairlink/testing`, so
 * that a test fails with exactly the report the command prints.
 */

import { ActorStepError, type ActorAction, type ActorModelExtras, type ActorState } from '../check/index.js';
import { check } from '../check/index.js';
import { guardedModel, ModelError } from '../check/index.js';
import { defineModel, type Model } from '../check/index.js';
import { checkInWorkers } from '../check/index.js';
import type { CheckOptions, CheckResult, Path, Progress, Strategy } from '../check/index.js';
import { InputError } from '../core/index.js';
import { plainToJson } from '../core/index.js';
import { loadScenario, scenarioModuleUrl } from '../sim/index.js';
import { resolveParams, type Params } from '../sim/index.js';
import type { Trace } from '../trace/index.js';
import { escapeHtml } from '../trace/index.js';
import { writeFileAtomic } from '../trace/index.js';
import { renderTraceHtml } from '../trace/index.js';
import { traceToJsonl } from '../trace/index.js';
import {
  abbreviate,
  checkJson,
  describeAction,
  formatCheckText,
  type CheckFiles,
  type CheckLimits,
} from './check-text.js';
import { shellQuote } from './shell.js';

/** What to check and how; the command's flags, parsed. */
export interface ScenarioCheckRequest extends CheckLimits {
  /** The scenario file as the user wrote it (relative to the working directory). */
  readonly scenarioPath: string;
  /** `--param` values, NAME=VALUE. */
  readonly params?: readonly string[];
  readonly strategy?: Strategy;
  readonly workers?: number;
  readonly symmetry?: boolean;
  readonly memoryLimitMb?: number;
  /**
   * ms the search may still take, when less than `timeLimit` is left of it: the command counts
   * its limit from the process start (start-up included), and passes what remains here.
   */
  readonly timeBudgetMs?: number;
  /** Random walks: the seed. */
  readonly seed?: number;
  /** Where to write a counterexample's trace and diagram (default under out/). */
  readonly trace?: string;
  readonly html?: string;
  readonly onProgress?: (progress: Progress) => void;
  readonly progressIntervalMs?: number;
}

/** The verdict and the report, as text and (after a search) as the `--json` object. */
export interface ScenarioCheckOutcome {
  readonly verdict: CheckResult<unknown, unknown>['verdict'];
  readonly text: string;
  /** Undefined when the model's own code failed before a result existed. */
  readonly json?: unknown;
}

/**
 * Checks the scenario's model. Rejects with an {@link InputError} for bad input (no model, a bad
 * parameter, a model that does not build); the model's or a handler's code failing during the
 * search is a violation, reported as such.
 */
export async function checkScenario(request: ScenarioCheckRequest): Promise<ScenarioCheckOutcome> {
  const { scenarioPath } = request;
  const strategy = request.strategy ?? 'bfs';
  const scenario = await loadScenario(scenarioPath);
  if (scenario.model === undefined) {
    throw new InputError(
      `${scenarioPath}: scenario '${scenario.name}' defines no model to check (only a simulation): run fairlink sim`,
    );
  }
  const params = resolveParams(scenario, request.params ?? []);
  let model: Model<unknown, unknown>;
  try {
    model = guardedModel(defineModel(scenario.model(params) as Model<unknown, unknown>));
  } catch (thrown) {
    throw new InputError(`${scenarioPath}: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }

  const checkOptions: CheckOptions = {
    strategy,
    symmetry: request.symmetry ?? false,
    ...(request.maxDepth === undefined ? {} : { maxDepth: request.maxDepth }),
    ...(request.maxStates === undefined ? {} : { maxStates: request.maxStates }),
    ...(request.timeLimit === undefined ? {} : { maxMs: request.timeBudgetMs ?? request.timeLimit }),
    ...(request.memoryLimitMb === undefined ? {} : { maxMemoryMb: request.memoryLimitMb }),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(request.workers === undefined ? {} : { workers: request.workers }),
    // Workers build their own model: they guard it as `model` is guarded here.
    guardModel: true,
    ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    ...(request.progressIntervalMs === undefined ? {} : { progressIntervalMs: request.progressIntervalMs }),
  };
  let result: CheckResult<unknown, unknown>;
  try {
    result =
      (request.workers ?? 1) > 1
        ? // Workers import the scenario compiled (and cached) as loadScenario compiled it.
          await checkInWorkers(
            { module: await scenarioModuleUrl(scenarioPath), export: 'default', params },
            checkOptions,
          )
        : check(model, checkOptions);
  } catch (thrown) {
    if (thrown instanceof ModelError || thrown instanceof ActorStepError) {
      // A bug in the model or in a handler is a finding about the user's code: a violation.
      const cause = thrown instanceof ModelError ? thrown : undefined;
      const state = cause ? cause.state : (thrown as ActorStepError).state;
      const action = cause ? cause.action : (thrown as ActorStepError).action;
      return {
        verdict: 'violation',
        text:
          `FAIL ${scenario.name}: the model's own code failed: ${thrown.message}\n` +
          (action === undefined ? '' : `  action: ${describeAction(action)}\n`) +
          (state === undefined ? '' : `  state:  ${abbreviate(plainToJson(state))}\n`),
      };
    }
    throw thrown;
  }

  const files = await writeCounterexample(result, model, scenario.name, params, request);
  if (files.trace !== undefined && isActorModel(model) && scenario.build !== undefined) {
    const paramFlags = (request.params ?? []).map((param) => ` --param ${shellQuote(param)}`).join('');
    files.replay = `npx fairlink sim ${shellQuote(scenarioPath)}${paramFlags} --schedule ${shellQuote(files.trace)}`;
  }
  // Asked-for files that were not written are said so, rather than left for the user to look for.
  const unwritten = [request.trace === undefined ? '' : '--trace', request.html === undefined ? '' : '--html']
    .filter((flag) => flag !== '' && files.trace === undefined)
    .join(' and ');
  const reported =
    unwritten === ''
      ? result
      : { ...result, notes: [...result.notes, `no counterexample: ${unwritten} not written`] };
  // For actor systems: the choices the boots made for the path's initial state, in words.
  const first = result.path?.states[0];
  const initialChoices =
    first !== undefined && isActorModel(model) ? model.initialChoices(first as ActorState) : '';
  return {
    verdict: result.verdict,
    text: formatCheckText(reported, scenario.name, files, request, initialChoices),
    json: checkJson(reported, scenario.name, params, files, request),
  };
}

function isActorModel(model: Model<unknown, unknown>): model is Model<unknown, unknown> & ActorModelExtras {
  return typeof (model as Partial<ActorModelExtras>).trace === 'function';
}

async function writeCounterexample(
  result: CheckResult<unknown, unknown>,
  model: Model<unknown, unknown>,
  scenario: string,
  params: Params,
  options: { readonly trace?: string; readonly html?: string },
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
    // The page counts in steps: the trace's engine says its times are step numbers.
    const html = renderTraceHtml(trace, { title });
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
