/**
 * Checks one partition: runs the search and, when it fails, turns its longest partial
 * linearization into an explanation.
 *
 * @module
 */
import { describeOperation as defaultDescribe } from '../models/describe.js';
import type { Model } from '../models/model.js';
import type { HistoryKey, Operation } from '../types.js';
import type { BlockedOperation, PartitionExplanation, PartitionSummary } from './result.js';
import { ComponentSearch } from './component-search.js';
import { hasComponents } from './component-space.js';
import { LinearizationSearch, RUNNING, type Search, type SearchLimits, type SearchResult } from './search.js';
import { ILLEGAL, StateSpace } from './state-space.js';

/** A partition's summary, plus its explanation when it is not linearizable. */
export interface PartitionOutcome {
  readonly summary: PartitionSummary;
  readonly explanation?: PartitionExplanation;
  /** The search's own outcome (`aborted` and `timeout` both summarise as `unknown`). */
  readonly searchOutcome: SearchResult['outcome'];
}

/** The key every operation has in common, if any. */
export function commonKey(operations: readonly Operation[]): HistoryKey | undefined {
  const first = operations[0]?.key;
  return first !== undefined && operations.every((op) => op.key === first) ? first : undefined;
}

/** One partition's search, resumable so that partitions can take turns. */
export class PartitionCheck<S> {
  readonly index: number;
  readonly operations: readonly Operation[];
  private readonly model: Model<S>;
  private readonly space: StateSpace<S>;
  private readonly search: Search;
  private elapsedMs = 0;

  constructor(operations: readonly Operation[], model: Model<S>, index: number) {
    this.index = index;
    this.operations = operations;
    this.model = model;
    this.space = new StateSpace(model, operations);
    this.search = createSearch(operations, model, this.space);
  }

  /** The search's outcome once it has one. */
  get finished(): SearchResult['outcome'] | undefined {
    return this.search.finished;
  }

  /** Advances the search by at most `iterations` steps; true once it has an outcome. */
  run(iterations: number, limits: SearchLimits): boolean {
    const started = performance.now();
    const status = this.search.run(iterations, limits);
    this.elapsedMs += performance.now() - started;
    return status !== RUNNING;
  }

  /** Gives up on an unfinished search. */
  stop(reason: 'timeout' | 'aborted'): void {
    this.search.stop(reason);
  }

  /** The summary, and the explanation when the partition is not linearizable. */
  outcome(): PartitionOutcome {
    const search = this.search.result();
    const key = commonKey(this.operations);
    const summary: PartitionSummary = {
      partition: this.index,
      ...(key === undefined ? {} : { key }),
      operations: this.operations.length,
      outcome:
        search.outcome === 'linearizable' || search.outcome === 'not-linearizable'
          ? search.outcome
          : 'unknown',
      configurations: search.configurations,
      modelStates: this.search.modelStates,
      timeMs: this.elapsedMs,
    };
    if (search.outcome !== 'not-linearizable') return { summary, searchOutcome: search.outcome };
    return {
      summary,
      explanation: explain(this.operations, this.model, this.space, search, this.index),
      searchOutcome: search.outcome,
    };
  }
}

/**
 * The search for `operations`: the component search when the model has components and the
 * operations touch two or more of them (a key-value history checked without partitioning), the
 * plain one otherwise.
 */
export function createSearch<S>(
  operations: readonly Operation[],
  model: Model<S>,
  space: StateSpace<S>,
): Search {
  if (hasComponents(model)) {
    const first = operations.length > 0 ? model.component(operations[0] as Operation) : undefined;
    if (operations.some((op) => model.component(op) !== first))
      return new ComponentSearch(operations, model, space);
  }
  return new LinearizationSearch(operations, model, space);
}

/** Searches one partition to the end (or the limits). `index` is the partition's number. */
export function checkPartition<S>(
  operations: readonly Operation[],
  model: Model<S>,
  index: number,
  limits: SearchLimits,
): PartitionOutcome {
  const check = new PartitionCheck(operations, model, index);
  check.run(Infinity, limits);
  return check.outcome();
}

/**
 * Iterations of a partition's first turn; each round makes it half as long again, up to the
 * maximum (measured on the corpus: doubling overshoots more, smaller first turns gain nothing).
 */
const FIRST_TURN = 1 << 10;
const LONGEST_TURN = 1 << 20;

/**
 * Searches several partitions in turns of growing length (round robin), so that the total work
 * is within a small factor of the cheapest way to the verdict: a violation in an easy partition
 * is found early even when a hard one comes first. Returns one outcome per partition, in order;
 * `undefined` for partitions left unfinished because another was found not linearizable (when
 * `stopAtFirstViolation`).
 */
export function checkPartitionsInTurns<S>(
  parts: readonly (readonly Operation[])[],
  model: Model<S>,
  indexes: readonly number[],
  limits: SearchLimits,
  stopAtFirstViolation: boolean,
): (PartitionOutcome | undefined)[] {
  const checks = parts.map((part, i) => new PartitionCheck(part, model, indexes[i] ?? i));
  let active = checks.slice();
  let turn = FIRST_TURN;
  let violation = false;
  while (active.length > 0 && !(violation && stopAtFirstViolation)) {
    const stillActive: PartitionCheck<S>[] = [];
    for (const check of active) {
      if (violation && stopAtFirstViolation) {
        stillActive.push(check);
        continue;
      }
      // A single partition gets an unlimited turn: there is nobody to take turns with.
      check.run(active.length === 1 ? Infinity : turn, limits);
      const outcome = check.finished;
      if (outcome === undefined) stillActive.push(check);
      else if (outcome === 'not-linearizable') violation = true;
      else if (outcome === 'timeout' || outcome === 'aborted') {
        for (const other of active) other.stop(outcome);
        return checks.map((c) => c.outcome());
      }
    }
    active = stillActive;
    turn = Math.min(Math.round(turn * 1.5), LONGEST_TURN);
  }
  return checks.map((check) => (check.finished === undefined ? undefined : check.outcome()));
}

/**
 * The explanation: the longest partial linearization, the state after it, and every operation
 * that real time would allow next (its call comes before the earliest return among the
 * operations left), with the reason it cannot be placed.
 */
function explain<S>(
  operations: readonly Operation[],
  model: Model<S>,
  space: StateSpace<S>,
  search: SearchResult,
  index: number,
): PartitionExplanation {
  const describe = model.describeOperation?.bind(model) ?? defaultDescribe;
  const placed = new Set(search.order);
  const left = operations.map((_, i) => i).filter((i) => !placed.has(i));
  const earliestReturn = left.reduce((min, i) => Math.min(min, (operations[i] as Operation).ret), Infinity);
  const blocked: BlockedOperation[] = left
    .filter((i) => (operations[i] as Operation).call <= earliestReturn)
    .sort((a, b) => (operations[a] as Operation).call - (operations[b] as Operation).call)
    .map((i) => {
      const operation = operations[i] as Operation;
      const legal = space.transition(search.state, i) !== ILLEGAL;
      return { operation, description: describe(operation), reason: legal ? 'dead-end' : 'illegal' };
    });
  const key = commonKey(operations);
  return {
    partition: index,
    ...(key === undefined ? {} : { key }),
    linearized: search.order.map((i) => operations[i] as Operation),
    state: space.describe(search.state),
    blocked,
  };
}
