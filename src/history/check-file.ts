/**
 * One call from a history file to a verdict: read, parse, pair, check. What the command line's
 * `fairlink history check` runs.
 *
 * @module
 */
import { checkCounter, type CounterCheckResult } from './convergence/counter-check.js';
import { checkSetConvergence, type SetCheckResult } from './convergence/set-check.js';
import { HistoryFormatError, HistoryUsageError } from './errors.js';
import { parseFormatName, readHistoryFile, type HistoryFormat } from './formats/index.js';
import { checkLinearizability } from './linearizability/check.js';
import { checkLinearizabilityParallel } from './linearizability/parallel.js';
import type { LinearizabilityResult } from './linearizability/result.js';
import type { Model } from './models/model.js';
import { createModel, parseModelSpec, type ModelSpec } from './models/registry.js';
import { findShapeProblem } from './models/shapes.js';
import { checkSequentialConsistency, type SequentialResult } from './sequential/check.js';
import {
  consistencyModels as knownConsistencyModels,
  parseConsistencyModel,
  type ConsistencyModel,
} from './transactions/anomalies.js';
import {
  checkTransactions,
  transactionWorkloads,
  type TransactionCheckResult,
  type TransactionWorkload,
} from './transactions/check.js';
import { pairOperations, type History, type PairedHistory } from './types.js';

/** The checkers a file can be judged by. */
export const checkerNames = ['linearizable', 'sequential', 'set', 'counter', 'transactions'] as const;

/** A checker's name. */
export type CheckerName = (typeof checkerNames)[number];

/** Options of {@link checkHistoryFile}. */
export interface CheckFileOptions {
  /** A built-in model's name (see `builtinModelNames`) or a model. Required by `linearizable` and `sequential`. */
  readonly model?: string | Model<unknown>;
  /**
   * The value a built-in register or key-value model starts from (default: theirs, `null` for
   * the registers and `''` for `kv`). Refused with a model object or a model that has none.
   */
  readonly initial?: unknown;
  /** The file's format (a `HistoryFormat` name or alias); detected from its content when absent. */
  readonly format?: string;
  /** Split by the model's partition function (linearizability only). Default true. */
  readonly partition?: boolean;
  /** Give up after this many seconds with an `unknown` verdict. Default: no limit. */
  readonly timeoutSeconds?: number;
  /**
   * Which check to run. Default `linearizable`, or `transactions` when the model is a
   * transactional workload (`list-append`, `rw-register`).
   */
  readonly checker?: CheckerName;
  /** The models a transactional history must satisfy (default `strict-serializable`). */
  readonly consistencyModels?: readonly string[];
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
  | { readonly checker: 'transactions'; readonly result: TransactionCheckResult }
);

const exitCodes = { ok: 0, violation: 1, unknown: 3 } as const;

/** A model, as the checkers need it: built, and as a spec when it is a built-in one (for threads). */
interface ResolvedModel {
  readonly model: Model<unknown>;
  readonly spec: ModelSpec | undefined;
}

function resolveModel(options: CheckFileOptions, checker: CheckerName): ResolvedModel | undefined {
  if (checker === 'transactions') return undefined;
  if (checker !== 'linearizable' && checker !== 'sequential') {
    if (options.initial !== undefined)
      throw new HistoryUsageError(`--initial: the ${checker} check uses no model, so no initial value`);
    return undefined;
  }
  if (options.model === undefined)
    throw new HistoryUsageError(`the ${checker} check needs a model (--model NAME)`);
  if (typeof options.model !== 'string') {
    if (options.initial !== undefined)
      throw new HistoryUsageError(
        '--initial applies to the built-in models; give your model its own initial state',
      );
    return { model: options.model, spec: undefined };
  }
  const spec = parseModelSpec(options.model, options.initial);
  return { model: createModel(spec), spec };
}

/** A file checker with its options checked once: call it with each file to judge. */
export type HistoryFileChecker = (path: string) => Promise<CheckFileReport>;

/**
 * Checks the options and returns a function that reads a history file and checks it. Several
 * files are judged with the same options without checking them again.
 *
 * @throws `HistoryUsageError` for bad options (exit code 2). The returned function throws
 *   `HistoryFormatError` for an unreadable or malformed file, or one whose operations do not fit
 *   the model: exit code 2 too, for that file.
 */
export function createHistoryFileChecker(options: CheckFileOptions = {}): HistoryFileChecker {
  const transactional = isTransactionWorkload(options.model);
  const checker = checkerFor(options);
  if (!checkerNames.includes(checker)) {
    throw new HistoryUsageError(`unknown checker "${String(checker)}"; known: ${checkerNames.join(', ')}`);
  }
  const transactions = resolveTransactions(options, checker, transactional);
  if (options.timeoutSeconds !== undefined && !(options.timeoutSeconds > 0)) {
    throw new HistoryUsageError(
      `--timeout must be a positive number of seconds, got ${options.timeoutSeconds}`,
    );
  }
  const resolved = resolveModel(options, checker);
  const format = options.format === undefined ? undefined : parseFormatName(options.format);
  return (path) => checkOneFile(path, options, checker, resolved, format, transactions);
}

/** The checker options ask for: the one named, else the one of the model (`linearizable` for most). */
export function checkerFor(options: Pick<CheckFileOptions, 'checker' | 'model'>): CheckerName {
  return options.checker ?? (isTransactionWorkload(options.model) ? 'transactions' : 'linearizable');
}

function isTransactionWorkload(model: CheckFileOptions['model']): model is TransactionWorkload {
  return typeof model === 'string' && (transactionWorkloads as readonly string[]).includes(model);
}

/** The transaction check's settings: its workload and models, checked once. */
interface TransactionSettings {
  readonly workload: TransactionWorkload;
  readonly consistencyModels: readonly ConsistencyModel[];
}

function resolveTransactions(
  options: CheckFileOptions,
  checker: CheckerName,
  transactional: boolean,
): TransactionSettings | undefined {
  if (checker !== 'transactions') {
    if (transactional)
      throw new HistoryUsageError(
        `--model ${options.model as string} is a transactional workload: its checker is transactions, not ${checker}`,
      );
    if (options.consistencyModels !== undefined)
      throw new HistoryUsageError(
        '--consistency-models applies to transactional histories (--model list-append or rw-register)',
      );
    return undefined;
  }
  if (!transactional)
    throw new HistoryUsageError(
      `the transactions check needs --model ${transactionWorkloads.join(' or ')}${typeof options.model === 'string' ? `, not ${options.model}` : ''}`,
    );
  if (options.initial !== undefined)
    throw new HistoryUsageError('--initial: transactional histories start empty');
  const consistencyModels = (options.consistencyModels ?? ['strict-serializable']).map((name) => {
    const model = parseConsistencyModel(name);
    if (model === undefined)
      throw new HistoryUsageError(
        `--consistency-models: unknown model "${name}"; known: ${knownConsistencyModels.join(', ')}`,
      );
    return model;
  });
  if (consistencyModels.length === 0)
    throw new HistoryUsageError('--consistency-models: name at least one model');
  return { workload: options.model as TransactionWorkload, consistencyModels };
}

/**
 * Reads a history file and checks it.
 *
 * @throws `HistoryFormatError` for an unreadable or malformed file (or one whose operations do
 *   not fit the model), `HistoryUsageError` for bad options: both mean exit code 2.
 */
export async function checkHistoryFile(
  path: string,
  options: CheckFileOptions = {},
): Promise<CheckFileReport> {
  return createHistoryFileChecker(options)(path);
}

/**
 * Refuses a history in which no client invoked anything (only the nemesis's events, or `info`
 * log lines with nothing pending): a checker that judged it would call zero operations
 * consistent, a verdict earned on nothing.
 */
function requireSomeOperation(history: History, paired: PairedHistory): void {
  if (paired.operations.length + paired.failed > 0) return;
  throw new HistoryFormatError(
    history.source,
    undefined,
    `no client operation in the file: its ${history.events.length} event(s) are all from the nemesis or log lines with no invocation`,
  );
}

/**
 * Refuses a history whose operations the model does not know, or whose values have another
 * shape than the model's: judging it would say "not linearizable" about a mismatch of input.
 */
function requireFit(model: Model<unknown>, history: History, paired: PairedHistory): void {
  const found = findShapeProblem(model, paired.operations);
  if (found === undefined) return;
  const { operation, part } = found;
  const eventIndex = part === 'output' ? operation.retIndex : operation.callIndex;
  const line = eventIndex === undefined ? undefined : history.events[eventIndex]?.line;
  throw new HistoryFormatError(
    history.source,
    line,
    line === undefined ? `operation ${operation.id}: ${found.problem}` : found.problem,
  );
}

async function checkOneFile(
  path: string,
  options: CheckFileOptions,
  checker: CheckerName,
  resolved: ResolvedModel | undefined,
  format: HistoryFormat | undefined,
  transactions: TransactionSettings | undefined,
): Promise<CheckFileReport> {
  const history = await readHistoryFile(path, format);
  const paired = pairOperations(history);
  requireSomeOperation(history, paired);
  if (resolved !== undefined) requireFit(resolved.model, history, paired);
  const timeoutMs = options.timeoutSeconds === undefined ? {} : { timeoutMs: options.timeoutSeconds * 1000 };
  const base = { source: path, history, paired };
  switch (checker) {
    case 'linearizable': {
      const settings = { partition: options.partition ?? true, ...timeoutMs };
      const { model, spec } = resolved as ResolvedModel;
      const result =
        spec !== undefined
          ? await checkLinearizabilityParallel(
              paired.operations,
              spec,
              options.threads === undefined ? settings : { ...settings, threads: options.threads },
            )
          : checkLinearizability(paired.operations, model, settings);
      const outcome: Outcome =
        result.verdict === 'linearizable'
          ? 'ok'
          : result.verdict === 'not-linearizable'
            ? 'violation'
            : 'unknown';
      return { ...base, checker, result, outcome, exitCode: exitCodes[outcome] };
    }
    case 'sequential': {
      // A fresh model per file: a built-in model may keep tables that grow with its history.
      const { model, spec } = resolved as ResolvedModel;
      const fresh = spec === undefined ? model : createModel(spec);
      const result = checkSequentialConsistency(paired.operations, fresh, timeoutMs);
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
    case 'transactions': {
      const result = checkTransactions(history, transactions as TransactionSettings);
      const outcome: Outcome = result.verdict === 'valid' ? 'ok' : 'violation';
      return { ...base, checker, result, outcome, exitCode: exitCodes[outcome] };
    }
  }
}
