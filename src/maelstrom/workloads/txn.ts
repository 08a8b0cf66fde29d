/**
 * The transactional workloads, txn-list-append and txn-rw-register (Maelstrom's Datomic
 * chapter): each request is one transaction, `txn{txn:[["r",k,null],["append",k,v]]}` (or
 * `["w",k,v]`), answered by `txn_ok{txn}` with the reads filled in (a list for list-append, any
 * value for rw-register; `null` for a key never written). Error 30 (txn-conflict) and the other
 * definite codes mean the transaction did not happen (`fail`); a timeout leaves it `info`, reads
 * included, as Maelstrom records it.
 *
 * Transactions come from Elle's generator, as Maelstrom's workloads take it: 1 to
 * `maxTxnLength` micro-operations, each a read or a write with even odds, on `keyCount` active
 * keys where a key is twice as likely as the one before it; each key takes the values 1, 2, 3 …
 * and retires for a fresh key after `maxWritesPerKey`, so that every value is written once per
 * key, which is what lets the checker tell who wrote what a read saw. The history is judged by
 * the transaction checker (src/history/transactions) against `--consistency-models`
 * (default `strict-serializable`, Maelstrom's).
 */

import { HistoryFormatError } from '../../history/index.js';
import {
  checkTransactions,
  type ConsistencyModel,
  type TransactionCheckResult,
} from '../../history/index.js';
import type { RandomStream } from '../../sim/index.js';
import type { RunHistory } from '../run-history.js';
import {
  checkReplyType,
  missingField,
  type BadReply,
  type Outcome,
  type Workload,
  type WorkloadCheck,
  type WorkloadOperation,
  type WorkloadSetting,
} from './workload.js';

/** The options of the transactional workloads, Maelstrom's flags of the same names. */
export interface TxnOptions {
  /** Keys in use at once (`--key-count`, default 10). */
  readonly keyCount?: number;
  /** Micro-operations per transaction at most (`--max-txn-length`, default 2). */
  readonly maxTxnLength?: number;
  /** Writes to one key before it retires for a fresh one (`--max-writes-per-key`, default 32). */
  readonly maxWritesPerKey?: number;
}

/** Elle's generator defaults, which Maelstrom keeps. */
export const TXN_DEFAULTS = { keyCount: 10, maxTxnLength: 2, maxWritesPerKey: 32 } as const;

/** One micro-operation as it goes on the wire: `[f, key, value]`. */
export type MicroOperation = [f: 'r' | 'append' | 'w', key: number, value: unknown];

type Flavour = 'txn-list-append' | 'txn-rw-register';

/**
 * Elle's transaction generator: a pool of active keys, each with the next value to write; a key
 * that has taken its last write is replaced by a fresh one (one above the largest key so far).
 */
export class TransactionGenerator {
  private readonly active: number[];
  private readonly nextValue = new Map<number, number>();
  /** Cumulative weights: key i of the pool is drawn with weight 2^i. */
  private readonly weightTotal: number;

  constructor(
    private readonly random: RandomStream,
    private readonly writeF: 'append' | 'w',
    private readonly options: Required<TxnOptions>,
  ) {
    this.active = Array.from({ length: options.keyCount }, (_, key) => key);
    this.weightTotal = 2 ** options.keyCount - 1;
  }

  private pickSlot(): number {
    // Slot i covers [2^i - 1, 2^(i+1) - 1) of [0, 2^n - 1): each slot twice the one before.
    const draw = this.random.next() * this.weightTotal;
    return Math.min(this.active.length - 1, Math.floor(Math.log2(draw + 1)));
  }

  /** The next transaction. */
  next(): MicroOperation[] {
    const length = this.random.int(1, this.options.maxTxnLength);
    const txn: MicroOperation[] = [];
    while (txn.length < length) {
      const read = this.random.next() < 0.5;
      const slot = this.pickSlot();
      const key = this.active[slot] as number;
      if (read) {
        txn.push(['r', key, null]);
        continue;
      }
      const value = this.nextValue.get(key) ?? 1;
      if (value > this.options.maxWritesPerKey) {
        // The key has had its writes: a fresh key takes its slot, and the draw is made again.
        this.active[slot] = Math.max(...this.active) + 1;
        continue;
      }
      this.nextValue.set(key, value + 1);
      txn.push([this.writeF, key, value]);
    }
    return txn;
  }
}

/** The txn-list-append workload. */
export function txnListAppendWorkload(setting: WorkloadSetting, options: TxnOptions = {}): Workload {
  return txnWorkload('txn-list-append', setting, options);
}

/** The txn-rw-register workload. */
export function txnRwRegisterWorkload(setting: WorkloadSetting, options: TxnOptions = {}): Workload {
  return txnWorkload('txn-rw-register', setting, options);
}

function resolveTxnOptions(options: TxnOptions): Required<TxnOptions> {
  return {
    keyCount: options.keyCount ?? TXN_DEFAULTS.keyCount,
    maxTxnLength: options.maxTxnLength ?? TXN_DEFAULTS.maxTxnLength,
    maxWritesPerKey: options.maxWritesPerKey ?? TXN_DEFAULTS.maxWritesPerKey,
  };
}

function txnWorkload(name: Flavour, setting: WorkloadSetting, options: TxnOptions): Workload {
  const writeF = name === 'txn-list-append' ? 'append' : 'w';
  const generator = new TransactionGenerator(setting.random, writeF, resolveTxnOptions(options));
  // Maelstrom records a transaction that timed out as info, read-only ones included.
  const idempotent: ReadonlySet<string> = new Set();
  return {
    name,
    idempotent,
    judgesConsistencyModels: true,
    next: (): WorkloadOperation => ({ f: 'txn', value: generator.next() }),
    request: (operation) => ({ type: 'txn', txn: operation.value }),
    interpret(operation, reply) {
      const early = checkReplyType(operation, reply, 'txn_ok', idempotent);
      if (early !== undefined) return early;
      return (
        readCompletedTxn(name, operation.value as readonly MicroOperation[], reply['txn']) ??
        missingField(reply, 'txn', 'the transaction, its reads filled in')
      );
    },
    check: (history) => checkTxnHistory(name, history, setting.consistencyModels ?? []),
  };
}

/**
 * Reads the completed transaction of a `txn_ok`: the same micro-operations in the same order,
 * writes unchanged, each read filled in (a list or null for list-append). A reply that is not
 * even an array is `undefined` (the caller names the field); one that does not match is a bad
 * reply saying where.
 */
export function readCompletedTxn(
  name: Flavour,
  requested: readonly MicroOperation[],
  completed: unknown,
): Outcome | BadReply | undefined {
  if (!Array.isArray(completed)) return undefined;
  const ops = completed as unknown[];
  if (ops.length !== requested.length)
    return {
      problem: `txn_ok holds ${ops.length} micro-operations for a transaction of ${requested.length}`,
    };
  const filled: MicroOperation[] = [];
  for (let index = 0; index < requested.length; index++) {
    const asked = requested[index] as MicroOperation;
    const got = ops[index];
    const where = `micro-operation ${index} of txn_ok (${JSON.stringify(got)}; asked ${JSON.stringify(asked)})`;
    if (!Array.isArray(got) || got.length !== 3) return { problem: `${where} is not [f, key, value]` };
    const [f, key, value] = got as [unknown, unknown, unknown];
    if (f !== asked[0] || key !== asked[1]) return { problem: `${where} has another function or key` };
    if (f !== 'r') {
      if (value !== asked[2]) return { problem: `${where} changed the written value` };
      filled.push(asked);
      continue;
    }
    if (name === 'txn-list-append' && value !== null && !Array.isArray(value))
      return { problem: `${where}: a list-append read returns a list (or null for a key never written)` };
    filled.push(['r', asked[1], value]);
  }
  return { type: 'ok', value: filled };
}

/** The summary of a transaction check, for results.json. */
function txnSummary(result: TransactionCheckResult): Record<string, unknown> {
  return {
    verdict: result.verdict,
    consistencyModels: result.consistencyModels,
    transactions: result.transactions,
    committed: result.committed,
    failed: result.failed,
    indeterminate: result.indeterminate,
    edges: result.edges,
    anomalyTypes: result.anomalyTypes,
    counts: result.counts,
    not: result.not,
    alsoNot: result.alsoNot,
    anomalies: Object.fromEntries(
      result.anomalyTypes.map((type) => [
        type,
        (result.anomalies[type] ?? []).map((anomaly) => ({
          transactions: anomaly.transactions,
          description: anomaly.description,
          ...(anomaly.cycle === undefined ? {} : { cycle: anomaly.cycle.map((step) => step.text) }),
        })),
      ]),
    ),
    checkMs: Math.round(result.timeMs),
  };
}

/** Cycle steps and findings shown in the text report, at most. */
const REPORT_EXAMPLES = 2;

function checkTxnHistory(
  name: Flavour,
  history: RunHistory,
  models: readonly ConsistencyModel[],
): WorkloadCheck {
  const workload = name === 'txn-list-append' ? 'list-append' : 'rw-register';
  let result: TransactionCheckResult;
  try {
    result = checkTransactions(history.toHistory(`maelstrom ${name}`), {
      workload,
      ...(models.length === 0 ? {} : { consistencyModels: models }),
    });
  } catch (error) {
    // The replies were checked as they came, so this is a history the checker cannot order
    // (e.g. a node that returned a value nobody wrote twice): a finding against the nodes.
    if (!(error instanceof HistoryFormatError)) throw error;
    return {
      verdict: 'invalid',
      summary: { verdict: 'invalid', reason: error.message },
      why: 'the history cannot be checked',
      lines: [`${name}: the history cannot be checked: ${error.message}`],
    };
  }
  const lines = [
    `${name}: ${result.verdict} under ${result.consistencyModels.join(', ')} (${result.transactions} transactions: ` +
      `${result.committed} committed, ${result.failed} failed, ${result.indeterminate} indeterminate; ` +
      `${result.edges} dependency edges; checked in ${result.timeMs.toFixed(0)} ms)`,
  ];
  if (result.anomalyTypes.length > 0) {
    lines.push(
      `anomalies: ${result.anomalyTypes.map((type) => `${type} (${result.counts[type] ?? 0})`).join(', ')}`,
      `not ${result.not.join(', ')}${result.alsoNot.length === 0 ? '' : `; also not ${result.alsoNot.join(', ')}`}`,
    );
    for (const type of result.anomalyTypes) {
      for (const anomaly of (result.anomalies[type] ?? []).slice(0, REPORT_EXAMPLES)) {
        lines.push(`${type}: ${anomaly.description}`);
        for (const step of anomaly.cycle ?? []) lines.push(`  ${step.text}`);
      }
    }
  }
  return {
    verdict: result.verdict,
    summary: txnSummary(result),
    lines,
    ...(result.verdict === 'invalid'
      ? { why: `${result.anomalyTypes.join(', ')} (not ${result.not.join(', ')})` }
      : {}),
    transactions: result,
  };
}
