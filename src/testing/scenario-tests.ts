/**
 * The calls of `fairlink/testing`: a scenario's seed sweep or model check, run as the commands
 * run them, reported as the commands report them.
 */

import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkScenario, type ScenarioCheckOutcome } from '../report/index.js';
import { writeOutputs } from '../report/index.js';
import { formatSimText, type SimInvocation } from '../report/index.js';
import { runCampaign, type CampaignResult, type SeedRange } from '../sim/index.js';
import type { Strategy } from '../check/index.js';

/** A scenario file: a path relative to the working directory, an absolute path, or a file URL. */
export type ScenarioFile = string | URL;

/** Scenario parameters, by name (as `--param NAME=VALUE` gives them). */
export type ScenarioParams = Readonly<Record<string, string | number | boolean>>;

/** How to run a scenario's simulation campaign: `fairlink sim`'s flags. */
export interface SimulateOptions {
  /** One seed, or an inclusive range (default 1..the scenario's `seeds`, or 1). */
  readonly seeds?: number | SeedRange;
  readonly params?: ScenarioParams;
  /** Worker threads (default 2, or 1 on a single core). */
  readonly workers?: number;
  /** Where a failing run's trace and diagram go (default under out/, as the command writes them). */
  readonly trace?: string;
  readonly html?: string;
  /** Stop starting seeds after this long, ms: the verdict is then unknown, which fails the test. */
  readonly timeLimitMs?: number;
}

/** A campaign's result together with the report `fairlink sim` prints for it. */
export interface SimulateOutcome {
  readonly result: CampaignResult;
  readonly report: string;
}

/** How to model-check a scenario: `fairlink check`'s flags. */
export interface CheckModelOptions {
  readonly params?: ScenarioParams;
  /** Worker threads for breadth-first search (default 1). */
  readonly workers?: number;
  readonly strategy?: Strategy;
  readonly symmetry?: boolean;
  readonly maxDepth?: number;
  /** Stop after this many distinct states: the verdict is then unknown, which fails the test. */
  readonly maxStates?: number;
  /** Stop after this long, ms: the verdict is then unknown, which fails the test. */
  readonly timeLimitMs?: number;
  /** Where a counterexample's trace and diagram go (default under out/, as the command writes them). */
  readonly trace?: string;
  readonly html?: string;
}

/** A scenario that did not pass: the message is the command's report, replay command included. */
export class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure';
  constructor(
    /** `fail` or `violation`, or `unknown` when a limit stopped the run before a verdict. */
    readonly verdict: 'fail' | 'violation' | 'unknown',
    /** The report exactly as the command prints it. */
    readonly report: string,
  ) {
    super(report.trimEnd());
  }
}

/**
 * Runs the scenario's seed sweep as `fairlink sim` does (worker threads, shrinking of a failure)
 * and returns the result with the command's report; a failing run's files are written.
 */
export async function simulateScenario(
  scenario: ScenarioFile,
  options: SimulateOptions = {},
): Promise<SimulateOutcome> {
  const scenarioPath = displayPath(scenario);
  const invocation: SimInvocation = {
    scenarioPath,
    params: paramFlags(options.params),
    checkDeterminism: false,
  };
  const seeds = options.seeds;
  const result = await runCampaign({
    scenarioPath,
    params: invocation.params,
    ...(seeds === undefined ? {} : { seeds: typeof seeds === 'number' ? { from: seeds, to: seeds } : seeds }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
  });
  const files = await writeOutputs(result, invocation, {
    trace: options.trace,
    html: options.html,
    historyHtml: undefined,
  });
  return { result, report: formatSimText(result, invocation, files) };
}

/**
 * Runs the scenario's seed sweep and throws a {@link ScenarioFailure} with `fairlink sim`'s
 * report unless every seed passes.
 */
export async function expectScenarioPasses(
  scenario: ScenarioFile,
  options: SimulateOptions = {},
): Promise<CampaignResult> {
  const { result, report } = await simulateScenario(scenario, options);
  if (result.verdict !== 'pass') throw new ScenarioFailure(result.verdict, report);
  return result;
}

/** Model-checks the scenario as `fairlink check` does and returns the verdict with its report. */
export async function checkScenarioModel(
  scenario: ScenarioFile,
  options: CheckModelOptions = {},
): Promise<{ readonly verdict: ScenarioCheckOutcome['verdict']; readonly report: string }> {
  const outcome = await checkScenario({
    scenarioPath: displayPath(scenario),
    params: paramFlags(options.params),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    ...(options.symmetry === undefined ? {} : { symmetry: options.symmetry }),
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }),
    ...(options.timeLimitMs === undefined ? {} : { timeLimit: options.timeLimitMs }),
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    ...(options.html === undefined ? {} : { html: options.html }),
  });
  return { verdict: outcome.verdict, report: outcome.text };
}

/**
 * Model-checks the scenario and throws a {@link ScenarioFailure} with `fairlink check`'s report
 * unless every property holds on every path.
 */
export async function expectCheckPasses(
  scenario: ScenarioFile,
  options: CheckModelOptions = {},
): Promise<string> {
  const { verdict, report } = await checkScenarioModel(scenario, options);
  if (verdict !== 'ok') throw new ScenarioFailure(verdict, report);
  return report;
}

/** `--param` values from a record, in the record's order. */
function paramFlags(params: ScenarioParams | undefined): string[] {
  return Object.entries(params ?? {}).map(([name, value]) => `${name}=${String(value)}`);
}

/**
 * The scenario's path as the replay command should show it: relative to the working directory
 * when the file lies under it (so the command can be pasted there), absolute otherwise.
 */
function displayPath(scenario: ScenarioFile): string {
  const path = typeof scenario === 'string' ? scenario : fileURLToPath(scenario);
  if (!isAbsolute(path)) return path;
  const under = relative(process.cwd(), path);
  return under !== '' && !under.startsWith('..') && !isAbsolute(under) ? under : path;
}
