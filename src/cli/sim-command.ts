/**
 * `fairlink sim <scenario>`: a simulation campaign from the command line.
 *
 * Bad input of any kind ends with one line on stderr and exit code 2, before
 * any file is written: output files are rendered in memory and written at the
 * very end, each atomically.
 */

import type { Command } from 'commander';
import type { SimInvocation } from '../report/index.js';
import { runCampaign, type CampaignResult, type SeedRange, type Shard } from '../sim/index.js';
import { loadScenario } from '../sim/index.js';
import { parseShrinkToken } from '../sim/index.js';
import { resolveParams } from '../sim/index.js';
import type { CliContext } from './context.js';
import { checkOutputPath } from './output-paths.js';
import {
  collect,
  parseParam,
  parseSecondsToMs,
  parseSeed,
  parseSeedRange,
  parseShard,
  parseWholeNumber,
  timeLeftMs,
} from './options.js';
import { formatParamList, listParams } from './params-list.js';
import { campaignProgressBar } from './progress.js';
import { typecheckCommand } from './typecheck-command.js';
import { ExitCode, UsageError, type ExitCodeValue } from './usage.js';

/** Options as commander parses them. */
interface SimOptions {
  readonly seed?: number;
  readonly seeds?: SeedRange;
  readonly shard?: Shard;
  readonly param?: readonly string[];
  readonly shrunk?: string;
  readonly trace?: string;
  readonly html?: string;
  readonly json?: boolean;
  readonly keepGoing?: boolean;
  readonly shrink: boolean;
  readonly shrinkRuns?: number;
  readonly shrinkTime?: number;
  readonly shrinkScheduleRuns?: number;
  readonly checkDeterminism?: boolean;
  readonly stepTimeout?: number;
  readonly workers?: number;
  readonly timeLimit?: number;
  readonly schedule?: string;
  readonly historyHtml?: string;
  readonly typecheck?: boolean;
  readonly listParams?: boolean;
}

/** Registers `sim` on the program. */
export function registerSimCommand(program: Command, cli: CliContext): void {
  program
    .command('sim')
    .description('simulate a scenario over many seeds; on a failure, shrink it and print how to replay it')
    .argument('<scenario>', 'a .ts, .mts, .js or .mjs file whose default export is defineScenario({...})')
    .option('--seed <N>', 'run one seed', (text) => parseSeed(text))
    .option('--seeds <A..B>', "run seeds A to B (default 1..the scenario's `seeds`, or 1)", (text) =>
      parseSeedRange(text),
    )
    .option(
      '--shard <I/K>',
      'run only the I-th of K interleaved shares of the seeds (one machine of K)',
      (text) => parseShard(text),
    )
    .option('--param <NAME=VALUE>', 'set a scenario parameter (repeatable)', collect(parseParam))
    .option('--shrunk <TOKEN>', 'with --seed: replay a shrunk run exactly, from the token a failure printed')
    .option('--trace <FILE>', "write the reported run's trace (JSON Lines)")
    .option('--html <FILE>', "write the reported run's space-time diagram (HTML)")
    .option('--json', 'print one JSON result object on stdout')
    .option('--keep-going', 'run every seed and list all failing seeds instead of stopping at the first')
    .option('--no-shrink', 'report the failing run as it is, without shrinking it')
    .option('--shrink-runs <N>', 'at most N runs to shrink a failure (default 500)', (text) =>
      parseWholeNumber(text, '--shrink-runs', 0, 1_000_000),
    )
    .option(
      '--shrink-time <S>',
      "a guard: stop cutting a failing run's schedule after S seconds, saying so (default 120; 0: do not cut it)",
      // 0 turns schedule shrinking off; otherwise a duration, as everywhere else.
      (text) => (text.trim() === '0' ? 0 : parseSecondsToMs(text, '--shrink-time')),
    )
    .option(
      '--shrink-schedule-runs <N>',
      "runs to cut a failing run's schedule down to the steps that matter (default 2000): the same result on any machine",
      (text) => parseWholeNumber(text, '--shrink-schedule-runs', 0, 1_000_000),
    )
    .option('--check-determinism', 'run each seed twice more and compare the traces byte for byte')
    .option(
      '--step-timeout <S>',
      'seconds a handler may run before it counts as an infinite loop (default 5)',
      (text) => parseSecondsToMs(text, '--step-timeout'),
    )
    .option('--workers <N>', 'worker threads (default: 2, or 1 on a single core)', (text) =>
      parseWholeNumber(text, '--workers', 1, 64),
    )
    .option(
      '--time-limit <S>',
      'stop starting seeds after S seconds (verdict unknown, exit 3, unless one failed)',
      (text) => parseSecondsToMs(text, '--time-limit'),
    )
    .option('--history-html <FILE>', "draw the reported run's client history (one row per client)")
    .option('--list-params', "list the scenario's parameters, their defaults and allowed values; run nothing")
    .option(
      '--schedule <FILE>',
      'replay a `fairlink check` counterexample (its trace file) as a scripted run',
    )
    .option('--typecheck', "type-check the scenario against fairlink's types first (exit 2 on a type error)")
    .action(async (scenarioPath: string, options: SimOptions) => {
      cli.setExitCode(await simCommand(scenarioPath, options, cli));
    });
}

async function simCommand(
  scenarioPath: string,
  options: SimOptions,
  cli: CliContext,
): Promise<ExitCodeValue> {
  checkCombinations(options);
  if (options.listParams) return listScenarioParams(scenarioPath, options, cli);
  if (options.typecheck === true) {
    const typechecked = typecheckCommand([scenarioPath], cli, 'sim');
    if (typechecked !== ExitCode.pass) return typechecked;
  }
  if (options.schedule !== undefined) {
    if (options.trace !== undefined) checkOutputPath('--trace', options.trace);
    if (options.html !== undefined) checkOutputPath('--html', options.html);
    // Loaded only here: reading a trace file needs its validator (zod), which plain runs do not.
    const { replaySchedule } = await import('./sim-schedule.js');
    return replaySchedule(
      {
        scenarioPath,
        schedulePath: options.schedule,
        params: options.param ?? [],
        trace: options.trace,
        html: options.html,
        json: options.json ?? false,
      },
      cli,
    );
  }
  const requested = { trace: options.trace, html: options.html, historyHtml: options.historyHtml };
  for (const [flag, path] of [
    ['--trace', requested.trace],
    ['--html', requested.html],
    ['--history-html', requested.historyHtml],
  ] as const) {
    if (path !== undefined) checkOutputPath(flag, path);
  }
  const invocation: SimInvocation = {
    scenarioPath,
    params: options.param ?? [],
    ...(options.stepTimeout === undefined ? {} : { stepTimeout: String(options.stepTimeout / 1000) }),
    checkDeterminism: options.checkDeterminism ?? false,
  };

  const progress = campaignProgressBar(cli.stderr);
  let result: CampaignResult;
  let report: Promise<typeof import('../report/index.js')> | undefined;
  try {
    const campaign = runCampaign({
      scenarioPath,
      params: invocation.params,
      ...(options.seed === undefined ? {} : { seeds: { from: options.seed, to: options.seed } }),
      ...(options.seeds === undefined ? {} : { seeds: options.seeds }),
      ...(options.shard === undefined ? {} : { shard: options.shard }),
      ...(options.shrunk === undefined ? {} : { shrunk: options.shrunk }),
      keepGoing: options.keepGoing ?? false,
      shrink: options.shrink,
      ...(options.shrinkRuns === undefined ? {} : { shrinkRunsMax: options.shrinkRuns }),
      ...(options.shrinkTime === undefined ? {} : { shrinkTimeMs: options.shrinkTime }),
      ...(options.shrinkScheduleRuns === undefined
        ? {}
        : { shrinkScheduleRunsMax: options.shrinkScheduleRuns }),
      checkDeterminism: invocation.checkDeterminism,
      tracePassing:
        requested.trace !== undefined || requested.html !== undefined || requested.historyHtml !== undefined,
      ...(options.stepTimeout === undefined ? {} : { stepTimeoutMs: options.stepTimeout }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.timeLimit === undefined ? {} : { timeLimitMs: timeLeftMs(options.timeLimit) }),
      onProgress: progress.update,
      onWorkerOutput: (chunk) => cli.stderr.write(chunk),
    });
    // The first worker has started (runCampaign spawns it before its first await): load what
    // reports the result meanwhile, on this thread. Loaded up front, the report's modules (the
    // checker, the history checkers) held the worker back by their load time.
    report = import('../report/index.js');
    result = await campaign;
  } finally {
    progress.stop();
  }

  const { formatSimText, simJson, writeOutputs } = await report;
  const files = await writeOutputs(result, invocation, requested);
  if (options.json) cli.stdout.write(`${JSON.stringify(simJson(result, invocation, files))}\n`);
  else cli.stdout.write(formatSimText(result, invocation, files));
  return result.verdict === 'pass'
    ? ExitCode.pass
    : result.verdict === 'fail'
      ? ExitCode.violation
      : ExitCode.unknown;
}

/** `--list-params`: loads the scenario here (no worker) and prints its parameters. */
async function listScenarioParams(
  scenarioPath: string,
  options: SimOptions,
  cli: CliContext,
): Promise<ExitCodeValue> {
  const scenario = await loadScenario(scenarioPath);
  // Any --param given must still be valid: the listing then says what a run would use.
  resolveParams(scenario, options.param ?? []);
  if (options.json) {
    cli.stdout.write(`${JSON.stringify({ scenario: scenario.name, params: listParams(scenario) })}\n`);
  } else {
    cli.stdout.write(formatParamList(scenario));
  }
  return ExitCode.pass;
}

/** Flags that do not go together. */
function checkCombinations(options: SimOptions): void {
  if (options.seed !== undefined && options.seeds !== undefined) {
    throw new UsageError('--seed and --seeds: give one or the other');
  }
  if (options.shrunk !== undefined && options.seed === undefined) {
    throw new UsageError('--shrunk replays one run: give its seed with --seed N');
  }
  // Read the token now, before any worker starts: a typo is reported at once.
  if (options.shrunk !== undefined) parseShrinkToken(options.shrunk);
  if (options.shard !== undefined && options.seed !== undefined) {
    throw new UsageError('--shard splits a range of seeds: use it with --seeds, not --seed');
  }
  if (options.trace !== undefined && options.trace === options.html) {
    throw new UsageError(`--trace and --html name the same file '${options.trace}'`);
  }
}
