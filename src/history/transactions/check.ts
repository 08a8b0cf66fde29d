/**
 * The transaction checker, in the manner of Jepsen's Elle: infer the dependencies between
 * transactions of a list-append or rw-register history, find their cycles, name each anomaly and
 * the weakest consistency models it rules out, and judge the history against the models asked.
 *
 * @example
 * ```ts
 * import { checkTransactions, parseHistory } from 'fairlink/history';
 * const result = checkTransactions(parseHistory(text, 'history.edn'), { workload: 'list-append' });
 * result.verdict; // 'invalid'
 * result.anomalyTypes; // ['G-single']
 * result.not; // ['repeatable-read', 'snapshot-isolation']
 * ```
 *
 * @module
 */
import { HistoryFormatError, HistoryUsageError } from '../errors.js';
import type { History } from '../types.js';
import {
  anomalyTypes as knownAnomalies,
  impliesModel,
  violates,
  violatedModels,
  type AnomalyType,
  type ConsistencyModel,
  type Finding,
} from './anomalies.js';
import { findCycles } from './cycles.js';
import { explainEdge, type CycleStep } from './explain.js';
import { DependencyGraph, PROCESS, RT } from './graph.js';
import { inferListAppend } from './list-append.js';
import { addProcessEdges, addRealtimeEdges } from './realtime.js';
import { inferRwRegister } from './rw-register.js';
import { readTransactions, type Transaction } from './types.js';

/** The transactional workloads the checker reads. */
export const transactionWorkloads = ['list-append', 'rw-register'] as const;
export type TransactionWorkload = (typeof transactionWorkloads)[number];

/** Options of {@link checkTransactions}. */
export interface TransactionCheckOptions {
  readonly workload: TransactionWorkload;
  /** The models the history must satisfy. Default: `['strict-serializable']`, as Elle's and Maelstrom's. */
  readonly consistencyModels?: readonly ConsistencyModel[];
  /**
   * rw-register only: assume each key is sequentially consistent, so that the values each client
   * saw of a key, transaction after transaction, are in the key's version order (Elle's
   * sequential keys). More ww and rw edges; wrong for a store that does not promise it. Default
   * false.
   */
  readonly sequentialKeys?: boolean;
  /** Examples kept per anomaly type (all are counted). Default 8. */
  readonly maxExamples?: number;
}

/** One anomaly found. A cycle comes with its edges, explained. */
export interface TransactionAnomaly {
  readonly type: AnomalyType;
  readonly transactions: readonly number[];
  readonly key?: unknown;
  readonly description: string;
  /** For a cycle: its steps, the last returning to the first transaction. */
  readonly cycle?: readonly CycleStep[];
}

/** What {@link checkTransactions} found. */
export interface TransactionCheckResult {
  /** `invalid` when some anomaly rules out a requested model. */
  readonly verdict: 'valid' | 'invalid';
  readonly workload: TransactionWorkload;
  readonly consistencyModels: readonly ConsistencyModel[];
  readonly transactions: number;
  readonly committed: number;
  readonly failed: number;
  readonly indeterminate: number;
  /** Dependency edges inferred (real-time ones included when searched). */
  readonly edges: number;
  /** Every anomaly type found, in the order of `anomalyTypes`. */
  readonly anomalyTypes: readonly AnomalyType[];
  /** How many of each were found. */
  readonly counts: Partial<Record<AnomalyType, number>>;
  /** Up to `maxExamples` of each. */
  readonly anomalies: Partial<Record<AnomalyType, readonly TransactionAnomaly[]>>;
  /** The weakest models the anomalies rule out. */
  readonly not: readonly ConsistencyModel[];
  /** The stronger models they rule out too. */
  readonly alsoNot: readonly ConsistencyModel[];
  readonly timeMs: number;
}

/**
 * Checks a transactional history (Jepsen's `:f :txn` operations).
 *
 * @throws `HistoryFormatError` for a malformed history (a value written twice to a key, a read
 *   of the wrong shape), `HistoryUsageError` for an unknown workload.
 */
export function checkTransactions(
  history: History | readonly Transaction[],
  options: TransactionCheckOptions,
): TransactionCheckResult {
  const started = performance.now();
  const { workload } = options;
  if (!(transactionWorkloads as readonly string[]).includes(workload))
    throw new HistoryUsageError(
      `unknown transaction workload "${String(workload)}"; known: ${transactionWorkloads.join(', ')}`,
    );
  const models = options.consistencyModels ?? ['strict-serializable'];
  const maxExamples = options.maxExamples ?? 8;
  const source = 'events' in history ? history.source : 'transactions';
  const transactions = 'events' in history ? readTransactions(history) : history;
  // A history with events but no transaction is another kind of history, not a valid one.
  if ('events' in history && history.events.length > 0 && transactions.length === 0)
    throw new HistoryFormatError(
      source,
      history.events[0]?.line,
      `no :txn operations: a ${workload} history is made of transactions (:f :txn)`,
    );

  const graph = new DependencyGraph(transactions.length);
  const findings: Finding[] =
    workload === 'list-append'
      ? inferListAppend(transactions, graph, source)
      : inferRwRegister(transactions, graph, source, options.sequentialKeys ?? false);
  // Order edges matter only to a model that orders transactions by them; real time includes
  // each client's own order.
  const realtime = models.some((model) => impliesModel(model, 'strict-serializable'));
  const sessions = models.some(
    (model) =>
      impliesModel(model, 'strong-session-snapshot-isolation') && !impliesModel(model, 'strict-serializable'),
  );
  const orders: number[] = [];
  if (realtime) {
    addRealtimeEdges(transactions, graph);
    orders.push(RT);
  }
  if (sessions) {
    addProcessEdges(transactions, graph);
    orders.push(PROCESS);
  }

  const found: TransactionAnomaly[] = [...findings];
  for (const cycle of findCycles(graph, orders)) {
    const steps = cycle.edges.map((e) => explainEdge(graph.edge(e), workload));
    found.push({
      type: cycle.type,
      transactions: steps.map((step) => step.from),
      description: `a cycle of ${steps.length} transactions: ${steps.map((step) => `T${step.from}`).join(' → ')} → T${(steps[0] as CycleStep).from}`,
      cycle: steps,
    });
  }

  const counts: Partial<Record<AnomalyType, number>> = {};
  const anomalies: Partial<Record<AnomalyType, TransactionAnomaly[]>> = {};
  for (const anomaly of found) {
    counts[anomaly.type] = (counts[anomaly.type] ?? 0) + 1;
    const list = (anomalies[anomaly.type] ??= []);
    if (list.length < maxExamples) list.push(anomaly);
  }
  const types = knownAnomalies.filter((type) => counts[type] !== undefined);
  const { not, alsoNot } = violatedModels(types);
  const invalid = types.some((type) => models.some((model) => violates(type, model)));
  return {
    verdict: invalid ? 'invalid' : 'valid',
    workload,
    consistencyModels: models,
    transactions: transactions.length,
    committed: transactions.filter((txn) => txn.status === 'ok').length,
    failed: transactions.filter((txn) => txn.status === 'fail').length,
    indeterminate: transactions.filter((txn) => txn.status === 'info').length,
    edges: graph.edgeCount,
    anomalyTypes: types,
    counts,
    anomalies,
    not,
    alsoNot,
    timeMs: performance.now() - started,
  };
}
