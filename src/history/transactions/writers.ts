/**
 * Who wrote each value: the index from (key, value) to the transaction that appended or wrote
 * it. Both workloads rely on every value being written at most once per key (Jepsen's generators
 * make them unique), which is what lets a read name its writer.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import type { Transaction, TxnKey } from './types.js';

/** The writer of one value. */
export interface Write {
  readonly txn: Transaction;
  /** Whether it is the transaction's last write to that key (a read of another is G1b). */
  readonly final: boolean;
}

/** Writes by key, then by value. */
export type WriteIndex = Map<TxnKey, Map<unknown, Write>>;

/**
 * Indexes the writes (`f`: `append` or `w`) of every transaction, committed or not.
 *
 * @throws {@link HistoryFormatError} when a value is written twice to one key, or is not a
 *   number or a string.
 */
export function indexWrites(
  transactions: readonly Transaction[],
  f: 'append' | 'w',
  source: string,
): WriteIndex {
  const index: WriteIndex = new Map();
  for (const txn of transactions) {
    const lastWrite = new Map<TxnKey, unknown>();
    for (const op of txn.ops) if (op.f === f) lastWrite.set(op.key, op.value);
    for (const op of txn.ops) {
      if (op.f !== f) continue;
      if (typeof op.value !== 'number' && typeof op.value !== 'string')
        throw new HistoryFormatError(
          source,
          txn.line,
          `T${txn.id} ${f === 'append' ? 'appends' : 'writes'} ${JSON.stringify(op.value)} to key ${String(op.key)}: values must be numbers or strings`,
        );
      let byValue = index.get(op.key);
      if (byValue === undefined) index.set(op.key, (byValue = new Map<unknown, Write>()));
      const earlier = byValue.get(op.value);
      if (earlier !== undefined)
        throw new HistoryFormatError(
          source,
          txn.line,
          `T${txn.id} writes ${String(op.value)} to key ${String(op.key)}, as T${earlier.txn.id} did: the checker needs every value written once per key`,
        );
      byValue.set(op.value, { txn, final: lastWrite.get(op.key) === op.value });
    }
  }
  return index;
}
