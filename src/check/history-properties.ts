/**
 * Consistency properties of the client history kept in every explored actor state: invariants,
 * so the checker reports the shortest path to a history the model rejects.
 *
 * The judges are those of `src/history` (the linearizability search, the sequential consistency
 * search) over the operations of the kept history. Many states share one history (it changes
 * only when a client invokes or completes), so verdicts are remembered per history object; a
 * history is a handful of operations, so the search itself is short.
 *
 * @module
 */
import { plainToJson } from '../core/plain.js';
import { checkLinearizability } from '../history/linearizability/check.js';
import type { Model as HistoryModel } from '../history/models/model.js';
import { checkSequentialConsistency } from '../history/sequential/check.js';
import type { Operation } from '../history/types.js';
import type { ActorState } from './actors.js';
import { historyOperations, type ClientHistory } from './client-history.js';
import { always, type Property } from '../core/properties.js';

/** Options of the history properties. */
export interface HistoryPropertyOptions {
  /** The property's name (default `linearizable (<model>)`, `sequentially consistent (<model>)`). */
  readonly name?: string;
}

/** Verdicts remembered by value at most (histories are few; this only bounds memory). */
const VERDICTS_MAX = 1 << 16;

function historyProperty(
  name: string,
  accepts: (operations: readonly Operation[]) => boolean,
): Property<ActorState> {
  // By identity first (states that share the history object), then by value: the checker
  // rebuilds the states it takes from its frontier, so equal histories are often new objects.
  const byObject = new WeakMap<ClientHistory, boolean>();
  const byText = new Map<string, boolean>();
  return always<ActorState>(name, (state) => {
    const history = state.history;
    if (history === undefined) return true;
    let verdict = byObject.get(history);
    if (verdict !== undefined) return verdict;
    const text = plainToJson(history);
    verdict = byText.get(text);
    if (verdict === undefined) {
      verdict = history.invalid === undefined && accepts(historyOperations(history));
      if (byText.size >= VERDICTS_MAX) byText.clear();
      byText.set(text, verdict);
    }
    byObject.set(history, verdict);
    return verdict;
  });
}

/**
 * Always: the client history (the `invoke` / `complete` calls of the nodes) is linearizable with
 * respect to `model`, such as `registerModel()`.
 */
export function linearizableHistory<S>(
  model: HistoryModel<S>,
  options: HistoryPropertyOptions = {},
): Property<ActorState> {
  return historyProperty(
    options.name ?? `linearizable (${model.name})`,
    (operations) => checkLinearizability(operations, model).verdict === 'linearizable',
  );
}

/** Always: the client history is sequentially consistent with respect to `model`. */
export function sequentiallyConsistentHistory<S>(
  model: HistoryModel<S>,
  options: HistoryPropertyOptions = {},
): Property<ActorState> {
  return historyProperty(
    options.name ?? `sequentially consistent (${model.name})`,
    (operations) => checkSequentialConsistency(operations, model).verdict === 'sequentially-consistent',
  );
}
