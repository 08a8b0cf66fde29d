/**
 * Order edges. Process order, for the strong-session models: a client's transactions in the
 * order it ran them. Real-time edges, for strict serializability: T1 precedes T2 when T1 completed before T2 was
 * invoked. All such pairs would be quadratic; the edges kept are a transitive reduction of them,
 * as Elle keeps: a frontier of the transactions completed most recently, none of which follows
 * another. An invocation gets an edge from each transaction of the frontier; a completion removes
 * from the frontier the transactions it has an edge from (they precede it, so reach what it
 * precedes) and joins it. The frontier holds at most as many transactions as ran concurrently,
 * so the cost is the history's length times its concurrency.
 *
 * Only committed transactions complete; one of unknown outcome may have taken effect at any
 * time after its invocation, so it only gets edges in.
 *
 * @module
 */
import { PROCESS, RT, type DependencyGraph } from './graph.js';
import type { Transaction } from './types.js';

/** Adds the real-time edges between `transactions` (ids are their nodes) to `graph`. */
export function addRealtimeEdges(transactions: readonly Transaction[], graph: DependencyGraph): void {
  /** Event positions: invocations as even numbers, completions as odd, so one sort orders both. */
  const events: number[] = [];
  for (const txn of transactions) {
    if (txn.status === 'fail') continue;
    events.push(txn.invokeIndex * 2);
    if (txn.status === 'ok') events.push(txn.completeIndex * 2 + 1);
  }
  const byInvoke = new Map<number, Transaction>();
  const byComplete = new Map<number, Transaction>();
  for (const txn of transactions) {
    if (txn.status === 'fail') continue;
    byInvoke.set(txn.invokeIndex, txn);
    if (txn.status === 'ok') byComplete.set(txn.completeIndex, txn);
  }
  events.sort((a, b) => a - b);
  const frontier = new Set<number>();
  const predecessors = new Map<number, number[]>();
  for (const event of events) {
    if (event % 2 === 0) {
      const txn = byInvoke.get(event / 2) as Transaction;
      const before = [...frontier];
      for (const from of before) graph.add(from, txn.id, RT, {});
      predecessors.set(txn.id, before);
    } else {
      const txn = byComplete.get((event - 1) / 2) as Transaction;
      for (const id of predecessors.get(txn.id) ?? []) frontier.delete(id);
      frontier.add(txn.id);
      predecessors.delete(txn.id);
    }
  }
}

/**
 * Adds process-order edges: each client's committed transaction precedes the client's next one
 * (a failed one is skipped; one of unknown outcome gets an edge in, none out, since it may take
 * effect later). A client runs one transaction at a time, so this is one edge per transaction.
 */
export function addProcessEdges(transactions: readonly Transaction[], graph: DependencyGraph): void {
  const lastCommitted = new Map<Transaction['process'], number>();
  const inOrder = transactions
    .filter((txn) => txn.status !== 'fail')
    .sort((a, b) => a.invokeIndex - b.invokeIndex);
  for (const txn of inOrder) {
    const previous = lastCommitted.get(txn.process);
    if (previous !== undefined) graph.add(previous, txn.id, PROCESS, {});
    if (txn.status === 'ok') lastCommitted.set(txn.process, txn.id);
  }
}
