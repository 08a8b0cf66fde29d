/**
 * fairlink's history module: histories in Jepsen's conventions, their file formats, and the
 * checkers that judge them (linearizability, sequential consistency, set convergence, counters).
 *
 * @example
 * ```ts
 * import { checkHistoryFile } from 'fairlink/history';
 * const report = await checkHistoryFile('etcd_000.log', { model: 'cas-register' });
 * report.result.verdict; // 'not-linearizable'
 * ```
 *
 * @module
 */
export { HistoryFormatError, HistoryUsageError } from './errors.js';
export {
  pairOperations,
  type EventType,
  type History,
  type HistoryEvent,
  type HistoryKey,
  type Operation,
  type PairedHistory,
  type PairOptions,
  type ProcessId,
  type SkippedLines,
} from './types.js';
export { canonicalString, structuralEqual, structuralHash } from './hash.js';

export {
  detectFormat,
  historyFormats,
  parseFormatName,
  parseHistory,
  readHistoryFile,
  type HistoryFormat,
} from './formats/index.js';
export { parseJepsenEtcd } from './formats/jepsen-etcd.js';
export { parseJepsenKvEdn } from './formats/jepsen-kv-edn.js';
export { formatJsonl, parseJsonl } from './formats/jsonl.js';
export {
  EdnSymbol,
  EdnSyntaxError,
  Keyword,
  ednToPlain,
  parseEdn,
  readEdnForms,
  type EdnForm,
  type EdnValue,
} from './formats/edn.js';

export { partitionByKey, type Model, type StepResult } from './models/model.js';
export { casRegisterModel, registerModel, type RegisterOptions } from './models/register.js';
export { KeyValueState, keyValueModel, type KeyValueOptions } from './models/key-value.js';
export { counterModel, queueModel, setModel, type SetState } from './models/collections.js';
export {
  findShapeProblem,
  type OperationShape,
  type OperationShapes,
  type ShapeProblem,
  type ValueShape,
} from './models/shapes.js';
export {
  builtinModelNames,
  createModel,
  modelsWithInitialValue,
  parseModelName,
  parseModelSpec,
  type BuiltinModelName,
  type ModelSpec,
} from './models/registry.js';

export { checkLinearizability, type LinearizabilityOptions } from './linearizability/check.js';
export { checkLinearizabilityParallel, type ParallelOptions } from './linearizability/parallel.js';
export type {
  BlockedOperation,
  LinearizabilityResult,
  PartitionExplanation,
  PartitionSummary,
  Verdict,
} from './linearizability/result.js';

export {
  checkSequentialConsistency,
  type SequentialBlocked,
  type SequentialOptions,
  type SequentialResult,
  type SequentialVerdict,
} from './sequential/check.js';
export { checkSetConvergence, type SetCheckOptions, type SetCheckResult } from './convergence/set-check.js';
export {
  checkCounter,
  type CounterCheckOptions,
  type CounterCheckResult,
  type FinalReadVerdict,
  type OutOfBoundsRead,
} from './convergence/counter-check.js';
export { subsetSumReachable } from './convergence/subset-sum.js';
export { quantiles, type Quantiles } from './convergence/quantiles.js';

export {
  checkHistoryFile,
  checkerNames,
  createHistoryFileChecker,
  type HistoryFileChecker,
  type CheckerName,
  type CheckFileOptions,
  type CheckFileReport,
  type Outcome,
} from './check-file.js';
export { renderHistoryHtml, type HtmlOptions } from './report/html.js';
export { runHistoryCheck, type HistoryCheckOptions, type HistoryCheckOutput } from './cli.js';

// Workloads of simulated clients, and the linearizability check of a simulated run.
export * from './workloads/index.js';
export {
  explainPartition,
  linearizable,
  sequentiallyConsistent,
  type LinearizableOptions,
  type SequentiallyConsistentOptions,
} from './properties.js';

// Transactions: list-append and rw-register histories, Elle's anomalies and consistency models.
export * from './transactions/index.js';

// Used by other modules of fairlink (not part of the package entry points).
export { describeValue } from './hash.js';
export { checkHistoryProperty, runOperations, type HistoryCheckResult } from './properties.js';
export { renderTransactionsHtml } from './transactions/report.js';
