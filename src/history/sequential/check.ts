/**
 * Sequential consistency (Lamport, 1979): the operations can be put in one order that the model
 * accepts and that keeps each process's own order, while real time between processes does not
 * count. It is weaker than linearizability, and unlike it not compositional: a history whose
 * keys are each sequentially consistent may not be as a whole, so there is no partitioning here.
 *
 * The search places, at each step, the next operation of some process, and backtracks. A
 * configuration is (how far each process has got, model state); configurations already explored
 * are cached as in the linearizability search, and read-only operations that are legal are placed
 * greedily (same argument: one may move such an operation to the front of any completion). An
 * operation with an unknown outcome may be placed, or skipped (it never took effect).
 *
 * @module
 */
import { HistoryUsageError } from '../errors.js';
import { mix32 } from '../hash.js';
import { describeOperation as defaultDescribe } from '../models/describe.js';
import type { Model } from '../models/model.js';
import { ILLEGAL, StateSpace } from '../linearizability/state-space.js';
import { VisitedSet } from '../linearizability/tables.js';
import type { Operation, ProcessId } from '../types.js';

/** Verdict of the sequential consistency check; `unknown` when time ran out. */
export type SequentialVerdict = 'sequentially-consistent' | 'not-sequentially-consistent' | 'unknown';

/** An operation that comes next in its process's order but cannot be placed. */
export interface SequentialBlocked {
  readonly operation: Operation;
  readonly description: string;
  readonly reason: 'illegal' | 'dead-end';
}

/** Result of {@link checkSequentialConsistency}. */
export interface SequentialResult {
  readonly verdict: SequentialVerdict;
  readonly model: string;
  readonly operations: number;
  readonly processes: number;
  /** Configurations cached by the search. */
  readonly configurations: number;
  readonly timeMs: number;
  readonly reason?: string;
  /** For a violation: the longest order found, the state after it, and the blocked next operations. */
  readonly explanation?: {
    readonly ordered: readonly Operation[];
    readonly state: string;
    readonly blocked: readonly SequentialBlocked[];
  };
}

/** Options of {@link checkSequentialConsistency}. */
export interface SequentialOptions {
  /** Give up after this many milliseconds with verdict `unknown`. */
  readonly timeoutMs?: number;
}

const PLACE = 0;
const SKIP = 1;

/**
 * Checks that `operations` are sequentially consistent with respect to `model`. Each process's
 * operations are taken in order of their `call`.
 */
export function checkSequentialConsistency<S>(
  operations: readonly Operation[],
  model: Model<S>,
  options: SequentialOptions = {},
): SequentialResult {
  const started = performance.now();
  if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0)) {
    throw new HistoryUsageError(
      `checkSequentialConsistency: timeoutMs must be >= 0, got ${options.timeoutMs}`,
    );
  }
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  const byProcess = new Map<ProcessId, number[]>();
  operations.forEach((op, index) => {
    const list = byProcess.get(op.process);
    if (list === undefined) byProcess.set(op.process, [index]);
    else list.push(index);
  });
  const sequences = Array.from(byProcess.values(), (list) =>
    list.sort((a, b) => (operations[a] as Operation).call - (operations[b] as Operation).call),
  );
  const processes = sequences.length;
  const n = operations.length;
  const space = new StateSpace(model, operations);
  const readOnly = operations.map((op) => model.readOnly?.(op) === true);
  const position = new Int32Array(Math.max(1, processes));
  const visited = new VisitedSet(Math.max(1, processes), 4096);
  // Zobrist-style hash of the positions: one key per (process, position), XORed.
  const positionKey = (process: number, at: number): number =>
    mix32(Math.imul(process + 1, 0x9e3779b1) ^ (at * 0x85ebca6b));
  let positionsHash = 0;
  for (let p = 0; p < processes; p++) positionsHash ^= positionKey(p, 0);
  let remaining = operations.filter((op) => op.status === 'ok').length;

  // Stack of moves: which (process, action) was taken, the state before it, and whether forced.
  const stackChoice = new Int32Array(n);
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackForced = new Uint8Array(n);
  let depth = 0;
  let state = space.initial;
  let bestOrder: number[] = [];
  let bestPlaced = -1;
  let bestState = state;
  let placedCount = 0;
  let choice = 0; // next (process * 2 + action) to try at this configuration
  let arrived = true;
  let iterations = 0;
  let verdict: SequentialVerdict | undefined;

  const opAt = (process: number): number | undefined => sequences[process]?.[position[process] as number];
  const move = (process: number, action: number, target: number, forced: boolean): boolean => {
    const op = opAt(process) as number;
    const before = position[process] as number;
    position[process] = before + 1;
    const hash = positionsHash ^ positionKey(process, before) ^ positionKey(process, before + 1);
    if (!visited.add(position, target, mix32(hash ^ Math.imul(target + 1, 0x27d4eb2f)))) {
      position[process] = before;
      return false;
    }
    positionsHash = hash;
    stackChoice[depth] = process * 2 + action;
    stackOp[depth] = op;
    stackState[depth] = state;
    stackForced[depth] = forced ? 1 : 0;
    depth++;
    state = target;
    if ((operations[op] as Operation).status === 'ok') remaining--;
    if (action === PLACE) placedCount++;
    if (placedCount > bestPlaced) {
      bestPlaced = placedCount;
      bestState = state;
      bestOrder = [];
      for (let d = 0; d < depth; d++)
        if (((stackChoice[d] as number) & 1) === PLACE) bestOrder.push(stackOp[d] as number);
    }
    return true;
  };

  for (;;) {
    if ((++iterations & 0x3ff) === 0 && performance.now() > deadline) {
      verdict = 'unknown';
      break;
    }
    if (arrived) {
      arrived = false;
      choice = 0;
      if (remaining === 0) {
        verdict = 'sequentially-consistent';
        break;
      }
      let forced = -1;
      for (let p = 0; p < processes; p++) {
        const op = opAt(p);
        if (op !== undefined && readOnly[op] === true && space.transition(state, op) === state) {
          forced = p;
          break;
        }
      }
      if (forced >= 0) {
        if (move(forced, PLACE, state, true)) {
          arrived = true;
          continue;
        }
        choice = 2 * processes; // the configuration after the forced move failed: so does this one
      }
    }
    let moved = false;
    while (choice < 2 * processes) {
      const process = choice >> 1;
      const action = choice & 1;
      choice++;
      const op = opAt(process);
      if (op === undefined) continue;
      if (action === SKIP) {
        if ((operations[op] as Operation).status === 'unknown' && move(process, SKIP, state, false)) {
          moved = true;
          break;
        }
        continue;
      }
      const target = space.transition(state, op);
      if (target !== ILLEGAL && move(process, PLACE, target, false)) {
        moved = true;
        break;
      }
    }
    if (moved) {
      arrived = true;
      continue;
    }
    // Backtrack to the last real choice.
    let exhausted = false;
    for (;;) {
      if (depth === 0) {
        exhausted = true;
        break;
      }
      depth--;
      const c = stackChoice[depth] as number;
      const process = c >> 1;
      const at = (position[process] as number) - 1;
      position[process] = at;
      positionsHash ^= positionKey(process, at + 1) ^ positionKey(process, at);
      state = stackState[depth] as number;
      const op = sequences[process]?.[at] as number;
      if ((operations[op] as Operation).status === 'ok') remaining++;
      if ((c & 1) === PLACE) placedCount--;
      if (stackForced[depth] === 0) {
        choice = c + 1;
        break;
      }
    }
    if (exhausted) {
      verdict = 'not-sequentially-consistent';
      break;
    }
  }

  const base = {
    model: model.name,
    operations: n,
    processes,
    configurations: visited.size,
    timeMs: performance.now() - started,
  };
  if (verdict === 'sequentially-consistent') return { verdict, ...base };
  if (verdict === 'unknown') return { verdict, ...base, reason: 'time budget exhausted' };
  // Explain: replay the best order to find each process's next operation.
  const describe = model.describeOperation?.bind(model) ?? defaultDescribe;
  const placed = new Set(bestOrder);
  const blocked: SequentialBlocked[] = [];
  for (const sequence of sequences) {
    const next = sequence.find((op) => !placed.has(op));
    if (next === undefined) continue;
    const operation = operations[next] as Operation;
    const legal = space.transition(bestState, next) !== ILLEGAL;
    blocked.push({ operation, description: describe(operation), reason: legal ? 'dead-end' : 'illegal' });
  }
  return {
    verdict: 'not-sequentially-consistent',
    ...base,
    explanation: {
      ordered: bestOrder.map((op) => operations[op] as Operation),
      state: space.describe(bestState),
      blocked,
    },
  };
}
