/**
 * `fairlink check <scenario>`: explore every interleaving of a scenario's model.
 *
 * The scenario's `model(params)` is either a plain model (TLA+ style) or an
 * actor system built with `actorModel` from the protocols the simulator runs.
 * A violation prints the property, the shortest path in words, and where its
 * trace and diagram were written; exit codes as DESIGN section 7.
 */

import type { Command } from 'commander';
import { InputError } from '../core/index.js';
import { checkScenario, type ScenarioCheckOutcome } from '../report/index.js';
import type { CliContext } from './context.js';
import { collect, parseParam, parseSecondsToMs, parseWholeNumber, timeLeftMs } from './options.js';
import { searchProgressDisplay } from './progress.js';
import { checkOutputPath } from './output-paths.js';
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

  const progress = searchProgressDisplay(cli.stderr, options.progressInterval ?? PROGRESS_LINE_INTERVAL_MS);
  let outcome: ScenarioCheckOutcome;
  try {
    outcome = await checkScenario({
      scenarioPath,
      params: options.param ?? [],
      strategy,
      symmetry: options.symmetry ?? false,
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }),
      ...(options.timeLimit === undefined
        ? {}
        : { timeLimit: options.timeLimit, timeBudgetMs: timeLeftMs(options.timeLimit) }),
      ...(options.memoryLimit === undefined ? {} : { memoryLimitMb: options.memoryLimit }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.trace === undefined ? {} : { trace: options.trace }),
      ...(options.html === undefined ? {} : { html: options.html }),
      onProgress: progress.update,
      progressIntervalMs: progress.intervalMs,
    });
  } finally {
    progress.stop();
  }
  if (options.json && outcome.json !== undefined) cli.stdout.write(`${JSON.stringify(outcome.json)}\n`);
  else cli.stdout.write(outcome.text);
  switch (outcome.verdict) {
    case 'ok':
      return ExitCode.pass;
    case 'violation':
      return ExitCode.violation;
    case 'unknown':
      return ExitCode.unknown;
  }
}
