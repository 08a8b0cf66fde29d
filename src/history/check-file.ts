/**
 * One call from a history file to a verdict: read, parse, pair, check. What the command line's
 * `fairlink history check` runs.
 *
 * @module
 */
import { checkCounter, type CounterCheckResult } from './convergence/counter-check.js';
import { checkSetConvergence, type SetCheckResult } from './convergence/set-check.js';
import { HistoryUsageError } from './errors.js';
import { parseFormatName, readHistoryFile } from './formats/index.js';
import { checkLinearizability } from './linearizability/check.js';
import { checkLinearizabilityParallel } from './linearizability/parallel.js';
import type { LinearizabilityResult } from './linearizability/result.js';
import type { Model } from './models/model.js';
import { createModel, parseModelName } from './models/registry.js';
import { checkSequentialConsistency, type SequentialResult } from './sequential/check.js';
import { pairOperations, type History, type PairedHistory } from './types.js';

/** The checkers a file can be judged by. */
export const checkerNames = ['linearizable', 'sequential', 'set', 'counter'] as const;

/** A checker's name. */
export type CheckerName = (typeof checkerNames)[number];

/** Options of {@link checkHistoryFile}. */
export interface CheckFileOptions {
  /** A built-in model's name (see `builtinModelNames`) or a model. Required by `linearizable` and `sequential`. */
  readonly model?: string | Model<unknown>;
  /** The file's format (a `HistoryFormat` name or alias); detected from its content when absent. */
  readonly format?: string;
  /** Split by the model's partition function (linearizability only). Default true. */
  readonly partition?: boolean;
  /** Give up after this many seconds with an `unknown` verdict. Default: no limit. */
  readonly timeoutSeconds?: number;
  /** Which check to run. Default `linearizable`. */
  readonly checker?: CheckerName;
  /** Threads for partitions of large histories (built-in models only). Default: the machine's. */
  readonly threads?: number;
}

/** The outcome of any checker, reduced to what an exit code needs. */
export type Outcome = 'ok' | 'violation' | 'unknown';

/** What {@link checkHistoryFile} found. */
export type CheckFileReport = {
  readonly source: string;
  readonly history: History;
  readonly paired: PairedHistory;
  /** `ok` (consistent), `violation`, or `unknown` (time ran out, or nothing to judge). */
  readonly outcome: Outcome;
  /** 0 ok, 1 violation, 3 unknown (2, bad input, is thrown as an error instead). */
  readonly exitCode: 0 | 1 | 3;
} & (
  | { readonly checker: 'linearizable'; readonly result: LinearizabilityResult }
  | { readonly checker: 'sequential'; readonly result: SequentialResult }
  | { readonly checker: 'set'; readonly result: SetCheckResult }
  | { readonly checker: 'counter'; readonly result: CounterCheckResult }
);

const exitCodes = { ok: 0, violation: 1, unknown: 3 } as const;

function requireModel(options: CheckFileOptions, checker: CheckerName): Model<unknown> {
  if (options.model === undefined)
    throw new HistoryUsageError(`the ${checker} check needs a model (--model NAME)`);
  return typeof options.model === 'string'
    ? createModel({ name: parseModelName(options.model) })
    : options.model;
}

/**
 * Reads a history file and checks it.
 *
 * @throws `HistoryFormatError` for an unreadable or malformed file, `HistoryUsageError` for bad
 *   options: both mean exit code 2.
 */
export async function checkHistoryFile(
  path: string,
  options: CheckFileOptions = {},
): Promise<CheckFileReport> {
  const checker = options.checker ?? 'linearizable';
  if (!checkerNames.includes(checker)) {
    throw new HistoryUsageError(`unknown checker "${String(checker)}"; known: ${checkerNames.join(', ')}`);
  }
  if (options.timeoutSeconds !== undefined && !(options.timeoutSeconds > 0)) {
    throw new HistoryUsageError(
      `--timeout must be a positive number of seconds, got ${options.timeoutSeconds}`,
    );
  }
  const model =
    checker === 'linearizable' || checker === 'sequential' ? requireModel(options, checker) : undefined;
  const format = options.format === undefined ? undefined : parseFormatName(options.format);
  const history = await readHistoryFile(path, format);
  const paired = pairOperations(history);
  const timeoutMs = options.timeoutSeconds === undefined ? {} : { timeoutMs: options.timeoutSeconds * 1000 };
  const base = { source: path, history, paired };
  switch (checker) {
    case 'linearizable': {
      const settings = { partition: options.partition ?? true, ...timeoutMs };
      const result =
        typeof options.model === 'string'
          ? await checkLinearizabilityParallel(
              paired.operations,
              { name: parseModelName(options.model) },
              options.threads === undefined ? settings : { ...settings, threads: options.threads },
            )
          : checkLinearizability(paired.operations, model as Model<unknown>, settings);
      const outcome: Outcome =
        result.verdict === 'linearizable'
          ? 'ok'
          : result.verdict === 'not-linearizable'
            ? 'violation'
            : 'unknown';
      return { ...base, checker, result, outcome, exitCode: exitCodes[outcome] };
    }
    case 'sequential': {
      const result = checkSequentialConsistency(paired.operations, model as Model<unknown>, timeoutMs);
      const outcome: Outcome =
        result.verdict === 'sequentially-consistent'
          ? 'ok'
          : result.verdict === 'not-sequentially-consistent'
            ? 'violation'
            : 'unknown';
      return { ...base, checker, result, outcome, exitCode: exitCodes[outcome] };
    }
    case 'set': {
      const result = checkSetConvergence(paired);
      const outcome: Outcome =
        result.verdict === 'valid' ? 'ok' : result.verdict === 'invalid' ? 'violation' : 'unknown';
      return { ...base, checker, result, outcome, exitCode: exitCodes[outcome] };
    }
    case 'counter': {
      const result = checkCounter(paired);
      const outcome: Outcome =
        result.verdict === 'valid' ? 'ok' : result.verdict === 'invalid' ? 'violation' : 'unknown';
      return { ...base, checker, result, outcome, exitCode: exitCodes[outcome] };
    }
  }
}
