/**
 * Client histories kept in the explored state, so that history properties (linearizable,
 * sequentially consistent) are properties of every reachable state, with shortest
 * counterexamples, as Stateright keeps its linearizability tester in the state.
 *
 * What is kept is what the consistency models need and nothing more: per client (a node that
 * calls `invoke` / `complete`), its completed operations in order and the one in flight, each
 * with the real-time order it must respect: how many operations every other client had completed
 * when it was invoked. Two runs that reach the same node states with histories that differ only
 * in the interleaving of events that real time does not order are one state. This is exactly
 * the information of Stateright's `LinearizabilityTester` (its per-thread histories of
 * "last completed op of each peer", op, return), so a model keeps the same states apart as
 * Stateright does, and reproduces its state counts.
 *
 * `historyOperations` turns a kept history back into the `Operation`s the checkers of
 * `src/history` judge, with call and return positions that order operations exactly as real
 * time did.
 *
 * @module
 */
import type { NodeId } from '../core/index.js';
import type { ClientEvent } from '../core/index.js';
import type { OperationOutcome } from '../core/index.js';

/**
 * How many operations each other client had completed when an operation was invoked, by client;
 * clients that had completed none are absent.
 */
export type CompletedBefore = Readonly<Record<string, number>>;

/** A completed operation of one client. */
export interface CompletedOperation {
  readonly before: CompletedBefore;
  readonly f: string;
  readonly input: unknown;
  readonly outcome: OperationOutcome;
  readonly output: unknown;
}

/** The operation a client has invoked and not completed. */
export interface PendingOperation {
  readonly before: CompletedBefore;
  readonly f: string;
  readonly input: unknown;
}

/** One client's operations. */
export interface ClientOperations {
  readonly completed: readonly CompletedOperation[];
  readonly pending?: PendingOperation;
}

/**
 * The client history of an actor state: per client, in order of first invocation. A client
 * that breaks the one-operation-at-a-time rule (Jepsen's) makes the history `invalid`, which no
 * consistency property accepts.
 */
export interface ClientHistory {
  readonly clients: Readonly<Record<string, ClientOperations>>;
  readonly invalid?: InvalidHistory;
}

/** Why a history broke the rules, and the event that broke them (nothing is recorded after it). */
export interface InvalidHistory {
  readonly reason: string;
  readonly event: Pick<ClientEvent, 'process' | 'type' | 'f' | 'value'>;
}

/** What a step asked for, in the order asked. */
export type ClientRecord =
  | { readonly type: 'invoke'; readonly f: string; readonly value: unknown }
  | { readonly type: OperationOutcome; readonly value: unknown };

/** Operations `client` has invoked so far: the next one's number is this plus one. */
export function invokedCount(history: ClientHistory | undefined, client: string): number {
  const operations = history?.clients[client];
  if (operations === undefined) return 0;
  return operations.completed.length + (operations.pending === undefined ? 0 : 1);
}

/** The history after `client` recorded `records` (one step's `invoke` / `complete` calls). */
export function recordClientStep(
  history: ClientHistory | undefined,
  client: string,
  records: readonly ClientRecord[],
): ClientHistory {
  let next: ClientHistory = history ?? { clients: {} };
  for (const record of records) {
    if (next.invalid !== undefined) return next;
    next = record.type === 'invoke' ? invoke(next, client, record) : complete(next, client, record);
  }
  return next;
}

function invoke(
  history: ClientHistory,
  client: string,
  record: { readonly f: string; readonly value: unknown },
): ClientHistory {
  const own = history.clients[client];
  if (own?.pending !== undefined) {
    return {
      ...history,
      invalid: {
        reason: `${client} invoked ${record.f} while ${own.pending.f} was in flight`,
        event: { process: client as NodeId, type: 'invoke', f: record.f, value: record.value },
      },
    };
  }
  const before: Record<string, number> = {};
  for (const other of Object.keys(history.clients).sort()) {
    const count = (history.clients[other] as ClientOperations).completed.length;
    if (other !== client && count > 0) before[other] = count;
  }
  const pending: PendingOperation = { before, f: record.f, input: record.value };
  return withClient(history, client, { completed: own?.completed ?? [], pending });
}

function complete(
  history: ClientHistory,
  client: string,
  record: { readonly type: OperationOutcome; readonly value: unknown },
): ClientHistory {
  const own = history.clients[client];
  if (own?.pending === undefined) {
    return {
      ...history,
      invalid: {
        reason: `${client} completed an operation it had not invoked`,
        event: { process: client as NodeId, type: record.type, f: '?', value: record.value },
      },
    };
  }
  const { before, f, input } = own.pending;
  const done: CompletedOperation = { before, f, input, outcome: record.type, output: record.value };
  return withClient(history, client, { completed: [...own.completed, done] });
}

function withClient(history: ClientHistory, client: string, operations: ClientOperations): ClientHistory {
  return { ...history, clients: { ...history.clients, [client]: operations } };
}

/**
 * The client events of a kept history, in an order that respects real time exactly as the run
 * did: what `SystemView.history` shows a property in `fairlink check`, so that the history
 * properties judge the same list in both engines. Events carry no time (the checker's time is
 * abstract): their order is what counts.
 *
 * Positions. For an operation B, let pred(B) be the operations that returned `ok` before B was
 * invoked (what `before` records). Real executions give interval orders, whose pred sets are
 * nested, so B is invoked at 2 |pred(B)| + 1 and an `ok` A returns at 2 min |pred(C)| over the C
 * that A precedes (or after every call): A precedes B exactly when A returns before B is called.
 * A `fail` or `info` completion orders nothing (the operation did not happen, or may take effect
 * at any later time), so it follows its own invocation directly. Ties keep each client's events
 * in its own order.
 */
export function historyEvents(history: ClientHistory): ClientEvent[] {
  interface Entry {
    readonly client: string;
    /** Position of the client, in the sorted client list. */
    readonly clientIndex: number;
    readonly f: string;
    readonly input: unknown;
    readonly output: unknown;
    readonly outcome: OperationOutcome | 'pending';
    readonly before: CompletedBefore;
    /** Position among its client's operations. */
    readonly index: number;
    predecessors: number;
    returnAt: number;
  }
  const clients = Object.keys(history.clients).sort();
  const byClient = new Map<string, Entry[]>();
  clients.forEach((client, clientIndex) => {
    const operations = history.clients[client] as ClientOperations;
    const list: Entry[] = operations.completed.map((operation, index) => ({
      client,
      clientIndex,
      ...operation,
      index,
      predecessors: 0,
      returnAt: Infinity,
    }));
    if (operations.pending !== undefined) {
      const { before, f, input } = operations.pending;
      list.push({
        client,
        clientIndex,
        f,
        input,
        output: undefined,
        outcome: 'pending',
        before,
        index: list.length,
        predecessors: 0,
        returnAt: Infinity,
      });
    }
    byClient.set(client, list);
  });
  const entries = clients.flatMap((client) => byClient.get(client) as Entry[]);
  // Only operations known to have returned (`ok`) order the others in real time.
  const predecessorsOf = (entry: Entry): Entry[] =>
    clients.flatMap((other) =>
      (byClient.get(other) as Entry[])
        .slice(0, other === entry.client ? entry.index : (entry.before[other] ?? 0))
        .filter((predecessor) => predecessor.outcome === 'ok'),
    );
  const predecessorLists = entries.map(predecessorsOf);
  entries.forEach((entry, i) => (entry.predecessors = (predecessorLists[i] as Entry[]).length));
  // Each known operation returns just before the first call that it precedes, or after all.
  for (const entry of entries) if (entry.outcome === 'ok') entry.returnAt = 2 * entries.length + 2;
  entries.forEach((entry, i) => {
    const callAt = 2 * entry.predecessors + 1;
    for (const predecessor of predecessorLists[i] as Entry[])
      predecessor.returnAt = Math.min(predecessor.returnAt, callAt - 1);
  });

  interface Placed {
    readonly at: number;
    readonly entry: Entry;
    /** Order among the client's own events: 2 × operation index, + 1 for a completion. */
    readonly order: number;
    readonly completion: boolean;
  }
  const placed: Placed[] = [];
  for (const entry of entries) {
    const callAt = 2 * entry.predecessors + 1;
    placed.push({ at: callAt, entry, order: 2 * entry.index, completion: false });
    if (entry.outcome === 'pending') continue;
    const at = entry.outcome === 'ok' ? entry.returnAt : callAt;
    placed.push({ at, entry, order: 2 * entry.index + 1, completion: true });
  }
  placed.sort((a, b) => a.at - b.at || a.entry.clientIndex - b.entry.clientIndex || a.order - b.order);
  const operationOf = new Map<Entry, number>();
  const events: ClientEvent[] = placed.map(({ entry, completion }) => {
    if (!completion) operationOf.set(entry, operationOf.size + 1);
    return {
      time: 0,
      process: entry.client as NodeId,
      type: completion ? (entry.outcome as OperationOutcome) : 'invoke',
      operation: operationOf.get(entry) as number,
      f: entry.f,
      value: completion ? entry.output : entry.input,
    };
  });
  // The event that broke the rules, so that the judges reject the history as they would in the
  // simulator.
  const offending = history.invalid?.event;
  if (offending !== undefined) {
    events.push({ ...offending, time: 0, operation: operationOf.size + 1 });
  }
  return events;
}
