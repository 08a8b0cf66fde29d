/**
 * Builders for the transaction checker's tests and benchmark: transactions by hand, and random
 * serial histories executed against an in-memory list-append store.
 *
 * @module
 */
import type { MicroOp, Transaction, TxnKey } from './types.js';

/** A micro-operation as Jepsen writes it: `['append', 'x', 1]`, `['r', 'x', [1]]`, `['w', 'x', 1]`. */
export type MicroSpec = readonly ['append' | 'w' | 'r', TxnKey, unknown];

/** A transaction by hand; `status` defaults to `ok`. */
export interface TxnSpec {
  readonly ops: readonly MicroSpec[];
  readonly status?: Transaction['status'];
  readonly process?: number;
}

function micro([f, key, value]: MicroSpec): MicroOp {
  return { f, key, value };
}

/** Transactions run one after another: each completes before the next is invoked. */
export function serialTxns(...specs: readonly TxnSpec[]): Transaction[] {
  return specs.map((spec, id) => ({
    id,
    process: spec.process ?? 0,
    status: spec.status ?? 'ok',
    ops: spec.ops.map(micro),
    invokeIndex: 2 * id,
    completeIndex: 2 * id + 1,
  }));
}

/** Transactions all running at once: every invocation comes before every completion. */
export function concurrentTxns(...specs: readonly TxnSpec[]): Transaction[] {
  return specs.map((spec, id) => ({
    id,
    process: spec.process ?? id,
    status: spec.status ?? 'ok',
    ops: spec.ops.map(micro),
    invokeIndex: id,
    completeIndex: specs.length + id,
  }));
}

/** What one generated transaction intends: writes (appends, or register writes) and reads of small integer keys. */
export interface PlannedTxn {
  readonly ops: readonly { readonly f: 'append' | 'r'; readonly key: number }[];
  /** `ok`, `fail` (not applied) or `info` (applied or not, by `applied`). */
  readonly status: Transaction['status'];
  readonly applied?: boolean;
}

/**
 * Executes planned transactions one after another against an in-memory store of lists, with
 * unique appended values: a history that is serializable, and strictly so, by construction.
 * With `registers`, each key holds one value and an append is a write (`w`) of a fresh value.
 */
export function executeSerially(plans: readonly PlannedTxn[], registers = false): Transaction[] {
  const store = new Map<number, number[]>();
  let nextValue = 1;
  return plans.map((plan, id) => {
    const applies = plan.status === 'ok' || (plan.status === 'info' && plan.applied === true);
    const view = new Map<number, number[]>();
    const ops: MicroOp[] = plan.ops.map(({ f, key }) => {
      const current = view.get(key) ?? [...(store.get(key) ?? [])];
      view.set(key, current);
      if (f === 'append') {
        const value = nextValue++;
        current.push(value);
        return { f: registers ? 'w' : 'append', key, value };
      }
      const seen = registers ? (current[current.length - 1] ?? null) : [...current];
      return { f, key, value: plan.status === 'ok' ? seen : null };
    });
    if (applies) for (const [key, list] of view) store.set(key, list);
    return {
      id,
      process: id % 5,
      status: plan.status,
      ops,
      invokeIndex: 2 * id,
      completeIndex: 2 * id + 1,
    };
  });
}
