/**
 * Dependencies of a list-append history (Elle, section 4). Every read of a key returns a list,
 * and what a transaction saw of the others (its first read of the key, less its own appends
 * before it) is a prefix of the key's history of appends, so the longest of these gives the
 * version order of the key (those that are not prefixes of it are `incompatible-order`).
 * Then, for a key whose order is x1 x2 ... xm:
 *
 * - ww: the writer of x(i) precedes the writer of x(i+1);
 * - wr: a read whose last element is x(i) depends on the writer of x(i);
 * - rw: a read whose last element is x(i) (or the empty list, for i = 0) precedes the writer of
 *   x(i+1), which it did not see.
 *
 * Also found without a cycle: G1a (a read holds an append of an aborted transaction), G1b (a
 * read ends in an append that its transaction followed with another to the same key), internal
 * (a read that disagrees with the transaction's own earlier reads and appends), lost-update (two
 * committed transactions read the same version of a key and both appended to it) and
 * duplicate-elements (a list with one element twice).
 *
 * Cost: linear in the size of the history, read lists included.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import { describeValue } from '../hash.js';
import type { Finding } from './anomalies.js';
import { RW, WR, WW, type DependencyGraph } from './graph.js';
import type { Transaction, TxnKey } from './types.js';
import { indexWrites, type WriteIndex } from './writers.js';

/** An external read: by whom, of which key, what it saw of the other transactions' appends. */
interface Read {
  readonly txn: Transaction;
  readonly key: TxnKey;
  readonly list: readonly unknown[];
  /** Whether the transaction appended to the key after this read (lost update). */
  readonly appendsAfter: boolean;
}

const show = (list: readonly unknown[]): string => describeValue(list, 40);

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads of committed transactions, checked against the transaction's own operations. */
function collectReads(transactions: readonly Transaction[], source: string, findings: Finding[]): Read[] {
  const reads: Read[] = [];
  for (const txn of transactions) {
    if (txn.status !== 'ok') continue;
    /** Per key: what this transaction knows the list to end with, and whether it read it whole. */
    const known = new Map<TxnKey, { list: unknown[]; whole: boolean }>();
    const pending: { key: TxnKey; list: readonly unknown[]; at: number }[] = [];
    txn.ops.forEach((op, at) => {
      const state = known.get(op.key);
      if (op.f === 'append') {
        if (state === undefined) known.set(op.key, { list: [op.value], whole: false });
        else state.list.push(op.value);
        return;
      }
      if (op.f !== 'r') return;
      const value = op.value ?? [];
      if (!Array.isArray(value))
        throw new HistoryFormatError(
          source,
          txn.line,
          `T${txn.id} reads key ${String(op.key)} as ${JSON.stringify(value)}: list-append reads return lists`,
        );
      const list = value as unknown[];
      let fits = true;
      if (state !== undefined) {
        // Internal consistency: the whole list read before plus this transaction's appends, or
        // (nothing read before) a list ending with its appends.
        const expected = state.list;
        fits = state.whole
          ? sameList(list, expected)
          : list.length >= expected.length && sameList(list.slice(list.length - expected.length), expected);
        if (!fits)
          findings.push({
            type: 'internal',
            transactions: [txn.id],
            key: op.key,
            description: `T${txn.id} read key ${String(op.key)} = ${show(list)}, but its own earlier operations imply ${state.whole ? '' : 'a list ending in '}${show(expected)}`,
          });
      }
      known.set(op.key, { list: [...list], whole: true });
      // What the transaction saw of the others: its first read of the key, without its own
      // appends before it (a snapshot with its own writes on top, as snapshot isolation reads).
      // Later reads say nothing more, and are not used for the version order: under weak models
      // a transaction's own appends may land later than it saw them.
      if (state === undefined) pending.push({ key: op.key, list, at });
      else if (!state.whole && fits)
        pending.push({ key: op.key, list: list.slice(0, list.length - state.list.length), at });
    });
    for (const read of pending) {
      const appendsAfter = txn.ops.some((op, at) => at > read.at && op.f === 'append' && op.key === read.key);
      reads.push({ txn, key: read.key, list: read.list, appendsAfter });
    }
  }
  return reads;
}

/** A list with no element twice, else a finding. */
function hasDuplicates(read: Read, findings: Finding[]): boolean {
  const seen = new Set<unknown>();
  for (const element of read.list) {
    if (seen.has(element)) {
      findings.push({
        type: 'duplicate-elements',
        transactions: [read.txn.id],
        key: read.key,
        description: `T${read.txn.id} read key ${String(read.key)} = ${show(read.list)}, which holds ${describeValue(element)} twice`,
      });
      return true;
    }
    seen.add(element);
  }
  return false;
}

/** The version order of each key: its longest read, which every other read must be a prefix of. */
function versionOrders(reads: readonly Read[], findings: Finding[]): Map<TxnKey, readonly unknown[]> {
  const longest = new Map<TxnKey, Read>();
  for (const read of reads) {
    const best = longest.get(read.key);
    if (best === undefined || read.list.length > best.list.length) longest.set(read.key, read);
  }
  for (const read of reads) {
    const best = longest.get(read.key) as Read;
    if (best === read) continue;
    let prefix = true;
    for (let i = 0; i < read.list.length; i++) {
      if (read.list[i] !== best.list[i]) {
        prefix = false;
        break;
      }
    }
    if (!prefix)
      findings.push({
        type: 'incompatible-order',
        transactions: [best.txn.id, read.txn.id],
        key: read.key,
        description: `T${read.txn.id} read key ${String(read.key)} = ${show(read.list)} and T${best.txn.id} read ${show(best.list)}: neither is a prefix of the other`,
      });
  }
  return new Map(Array.from(longest, ([key, read]) => [key, read.list]));
}

/**
 * Adds the list-append dependencies of `transactions` to `graph` (whose nodes are their ids) and
 * returns the anomalies found without a cycle.
 *
 * @throws {@link HistoryFormatError} for a read that is not a list, or an element appended twice.
 */
export function inferListAppend(
  transactions: readonly Transaction[],
  graph: DependencyGraph,
  source: string,
): Finding[] {
  const findings: Finding[] = [];
  const writes: WriteIndex = indexWrites(transactions, 'append', source);
  const reads = collectReads(transactions, source, findings).filter((read) => !hasDuplicates(read, findings));
  const orders = versionOrders(reads, findings);
  const writerOf = (key: TxnKey, value: unknown): Transaction | undefined => writes.get(key)?.get(value)?.txn;
  const live = (txn: Transaction | undefined): txn is Transaction =>
    txn !== undefined && txn.status !== 'fail';

  for (const [key, order] of orders) {
    for (let i = 1; i < order.length; i++) {
      const a = writerOf(key, order[i - 1]);
      const b = writerOf(key, order[i]);
      if (live(a) && live(b)) graph.add(a.id, b.id, WW, { key, before: order[i - 1], after: order[i] });
    }
  }

  /** Per key and version read (the last element, or `undefined` for empty): who read it and then appended. */
  const readThenAppended = new Map<TxnKey, Map<unknown, number[]>>();
  for (const read of reads) {
    const { txn, key, list } = read;
    const aborted = list
      .map((element) => writes.get(key)?.get(element))
      .find((w) => w?.txn.status === 'fail');
    if (aborted !== undefined)
      findings.push({
        type: 'G1a',
        transactions: [aborted.txn.id, txn.id],
        key,
        description: `T${txn.id} read key ${String(key)} = ${show(list)}, which holds an append of T${aborted.txn.id}, which failed (aborted read)`,
      });
    const last = list.length === 0 ? undefined : list[list.length - 1];
    if (last !== undefined) {
      const write = writes.get(key)?.get(last);
      if (write !== undefined && write.txn !== txn && write.txn.status !== 'fail') {
        if (!write.final)
          findings.push({
            type: 'G1b',
            transactions: [write.txn.id, txn.id],
            key,
            description: `T${txn.id} read key ${String(key)} = ${show(list)}, ending in ${describeValue(last)}, an intermediate append of T${write.txn.id}, which appended again to the key (intermediate read)`,
          });
        graph.add(write.txn.id, txn.id, WR, { key, after: last });
      }
    }
    const order = orders.get(key) ?? [];
    const next = order[list.length];
    if (list.length < order.length && (last === undefined || order[list.length - 1] === last)) {
      const writer = writerOf(key, next);
      if (live(writer)) graph.add(txn.id, writer.id, RW, { key, before: last, after: next });
    }
    if (read.appendsAfter) {
      let byVersion = readThenAppended.get(key);
      if (byVersion === undefined) readThenAppended.set(key, (byVersion = new Map<unknown, number[]>()));
      const readers = byVersion.get(last);
      if (readers === undefined) byVersion.set(last, [txn.id]);
      else readers.push(txn.id);
    }
  }
  for (const [key, byVersion] of readThenAppended) {
    for (const [version, readers] of byVersion) {
      if (readers.length < 2) continue;
      findings.push({
        type: 'lost-update',
        transactions: readers,
        key,
        description: `${readers.map((id) => `T${id}`).join(', ')} all read key ${String(key)} ${version === undefined ? 'empty' : `ending in ${describeValue(version)}`} and all appended to it: each update was made without seeing the others`,
      });
    }
  }
  return findings;
}
