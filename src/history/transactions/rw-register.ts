/**
 * Dependencies of a read-write register history, as far as they can be inferred. A read returns
 * one value, not a history of them, so the version order of a key is mostly unknown; what the
 * checker does know:
 *
 * - wr: every value is written once, so a read names its writer;
 * - the initial value (`nil`) comes before every written one: a read of `nil` precedes (rw)
 *   every writer of the key;
 * - a transaction that reads x = v and then writes x = v' puts v before v' (a transaction's
 *   writes follow its reads): the writer of v precedes it (ww), and every other reader of v
 *   precedes it (rw).
 *
 * Orders between writes nobody read, or written blind, stay unknown: cycles through them are
 * not found. G1a, G1b, internal (a read that differs from the transaction's own last write or
 * read of the key) and lost-update (two committed transactions read the same value of a key and
 * both wrote it) are found as for list-append.
 *
 * Cost: linear in the history, except that each read of `nil` gets an edge to each writer of its
 * key (readers of nil times writers, per key).
 *
 * @module
 */
import { describeValue } from '../hash.js';
import type { Finding } from './anomalies.js';
import { RW, WR, WW, type DependencyGraph } from './graph.js';
import type { Transaction, TxnKey } from './types.js';
import { indexWrites } from './writers.js';

/** A transaction's first access to a key being a read: what it saw, and what it then wrote. */
interface ExternalRead {
  readonly txn: Transaction;
  readonly key: TxnKey;
  readonly value: unknown;
  /** Its last write to the key after the read, if any. */
  readonly thenWrote: unknown;
}

/**
 * Adds the rw-register dependencies that can be inferred to `graph` and returns the anomalies
 * found without a cycle.
 */
export function inferRwRegister(
  transactions: readonly Transaction[],
  graph: DependencyGraph,
  source: string,
  sequentialKeys = false,
): Finding[] {
  const findings: Finding[] = [];
  const writes = indexWrites(transactions, 'w', source);
  const reads: ExternalRead[] = [];
  for (const txn of transactions) {
    if (txn.status !== 'ok') continue;
    const known = new Map<TxnKey, unknown>();
    const external = new Map<TxnKey, { value: unknown; thenWrote: unknown }>();
    for (const op of txn.ops) {
      const value = op.value ?? null;
      if (op.f === 'w') {
        known.set(op.key, value);
        const read = external.get(op.key);
        if (read !== undefined) read.thenWrote = value;
        continue;
      }
      if (op.f !== 'r') continue;
      if (known.has(op.key)) {
        if (known.get(op.key) !== value)
          findings.push({
            type: 'internal',
            transactions: [txn.id],
            key: op.key,
            description: `T${txn.id} read key ${String(op.key)} = ${describeValue(value)}, but its own earlier operations imply ${describeValue(known.get(op.key))}`,
          });
        continue;
      }
      known.set(op.key, value);
      external.set(op.key, { value, thenWrote: undefined });
    }
    for (const [key, read] of external) reads.push({ txn, key, ...read });
  }

  const live = (txn: Transaction | undefined): txn is Transaction =>
    txn !== undefined && txn.status !== 'fail';
  /** Readers of each (key, value), to draw rw edges once the next version is known. */
  const readersOf = new Map<TxnKey, Map<unknown, ExternalRead[]>>();
  for (const read of reads) {
    let byValue = readersOf.get(read.key);
    if (byValue === undefined) readersOf.set(read.key, (byValue = new Map<unknown, ExternalRead[]>()));
    const list = byValue.get(read.value);
    if (list === undefined) byValue.set(read.value, [read]);
    else list.push(read);
  }

  for (const { txn, key, value, thenWrote } of reads) {
    if (value !== null) {
      const write = writes.get(key)?.get(value);
      if (write?.txn.status === 'fail')
        findings.push({
          type: 'G1a',
          transactions: [write.txn.id, txn.id],
          key,
          description: `T${txn.id} read key ${String(key)} = ${describeValue(value)}, written by T${write.txn.id}, which failed (aborted read)`,
        });
      else if (write !== undefined && write.txn !== txn) {
        if (!write.final)
          findings.push({
            type: 'G1b',
            transactions: [write.txn.id, txn.id],
            key,
            description: `T${txn.id} read key ${String(key)} = ${describeValue(value)}, an intermediate write of T${write.txn.id}, which wrote the key again (intermediate read)`,
          });
        graph.add(write.txn.id, txn.id, WR, { key, after: value });
      }
    }
    if (thenWrote === undefined) continue;
    // value precedes thenWrote: its writer and its other readers precede this transaction.
    const before = value === null ? undefined : value;
    const writer = value === null ? undefined : writes.get(key)?.get(value)?.txn;
    if (live(writer)) graph.add(writer.id, txn.id, WW, { key, before, after: thenWrote });
    for (const reader of readersOf.get(key)?.get(value) ?? [])
      graph.add(reader.txn.id, txn.id, RW, { key, before, after: thenWrote });
  }

  /** `before` precedes `after` in the key's version order: its writer and readers precede `after`'s writer. */
  const precedes = (key: TxnKey, before: unknown, after: unknown): void => {
    const next = writes.get(key)?.get(after)?.txn;
    if (!live(next)) return;
    const previous = before === null ? undefined : writes.get(key)?.get(before)?.txn;
    const detail = { key, before: before === null ? undefined : before, after };
    if (live(previous)) graph.add(previous.id, next.id, WW, detail);
    for (const reader of readersOf.get(key)?.get(before) ?? []) graph.add(reader.txn.id, next.id, RW, detail);
  };
  if (sequentialKeys) {
    // Each key sequentially consistent: a client sees a key's versions in their order, so the
    // values one client read or wrote of a key, one transaction after another, are in order.
    const lastSeen = new Map<Transaction['process'], Map<TxnKey, unknown>>();
    const inOrder = transactions
      .filter((txn) => txn.status === 'ok')
      .sort((a, b) => a.invokeIndex - b.invokeIndex);
    for (const txn of inOrder) {
      let seen = lastSeen.get(txn.process);
      if (seen === undefined) lastSeen.set(txn.process, (seen = new Map<TxnKey, unknown>()));
      // What the transaction leaves of each key: its last write, else what it read.
      const after = new Map<TxnKey, unknown>();
      for (const op of txn.ops) if (op.f === 'r' && !after.has(op.key)) after.set(op.key, op.value ?? null);
      for (const op of txn.ops) if (op.f === 'w') after.set(op.key, op.value);
      for (const [key, value] of after) {
        const before = seen.get(key);
        if (before !== undefined && value !== null && before !== value) precedes(key, before, value);
        seen.set(key, value);
      }
    }
  }

  // The initial value precedes every write: readers of nil precede every writer.
  for (const [key, byValue] of readersOf) {
    const nilReaders = byValue.get(null);
    if (nilReaders === undefined) continue;
    for (const [value, write] of writes.get(key) ?? []) {
      if (!live(write.txn) || !write.final) continue;
      for (const reader of nilReaders) graph.add(reader.txn.id, write.txn.id, RW, { key, after: value });
    }
  }

  for (const [key, byValue] of readersOf) {
    for (const [value, readers] of byValue) {
      const writers = readers.filter((read) => read.thenWrote !== undefined).map((read) => read.txn.id);
      if (writers.length < 2) continue;
      findings.push({
        type: 'lost-update',
        transactions: writers,
        key,
        description: `${writers.map((id) => `T${id}`).join(', ')} all read key ${String(key)} = ${describeValue(value)} and all wrote it: each update was made without seeing the others`,
      });
    }
  }
  return findings;
}
