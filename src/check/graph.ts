/**
 * The explored state graph, kept only when liveness is checked: per expanded state, its outgoing
 * edges (target state, action index, fairness task) in compressed-row form over typed arrays,
 * and which `eventually` goals hold in it.
 *
 * @module
 */
import { hashLaneHigh, hashValue } from './fingerprint.js';
import type { FairnessKind, Model } from './model.js';
import { StateTable } from './state-table.js';

/** Marks a state that was reached but not expanded (boundary, depth bound, budget). */
export const NOT_EXPANDED = -1;

/** Growable Int32 storage. */
class Int32List {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  /** Sets `data[index]`, growing (new slots hold `fill`) as needed. */
  set(index: number, value: number, fill: number): void {
    if (index >= this.data.length) {
      let capacity = this.data.length * 2;
      while (capacity <= index) capacity *= 2;
      const grown = new Int32Array(capacity).fill(fill);
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    if (index >= this.length) {
      this.data.fill(fill, this.length, index);
      this.length = index + 1;
    }
    this.data[index] = value;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

/** Fairness requirements, interned: actions with structurally equal tasks share one id. */
export class FairnessTasks<Action> {
  readonly #fairness:
    ((action: Action) => FairnessKind | { kind: FairnessKind; task?: unknown } | undefined) | undefined;
  readonly #ids = new StateTable();
  /** Kind of each task id. */
  readonly kinds: FairnessKind[] = [];
  /** The model's `stopsWhenOwedNothing`: a state where no task is enabled may end a behaviour. */
  readonly stopsWhenOwedNothing: boolean;

  constructor(model: Model<unknown, Action>) {
    this.#fairness = model.fairness === undefined ? undefined : (action) => model.fairness?.(action);
    this.stopsWhenOwedNothing = model.stopsWhenOwedNothing === true;
  }

  /** The task id of an action, or -1 if the scheduler owes it nothing. */
  idOf(action: Action): number {
    if (this.#fairness === undefined) return -1;
    const requirement = this.#fairness(action);
    if (requirement === undefined) return -1;
    const kind = typeof requirement === 'string' ? requirement : requirement.kind;
    const task = typeof requirement === 'string' || !('task' in requirement) ? action : requirement.task;
    const low = hashValue(task);
    const high = hashLaneHigh;
    const known = this.#ids.find(high, low);
    if (known >= 0) {
      // One task, two kinds: the stronger requirement wins.
      if (kind === 'strong') this.kinds[known] = 'strong';
      return known;
    }
    const id = this.#ids.insert(high, low, -1, 0);
    this.kinds[id] = kind;
    return id;
  }

  get count(): number {
    return this.kinds.length;
  }
}

/** The explored graph, in the order states were expanded. */
export class StateGraph {
  /** Per state: offset of its first edge, or {@link NOT_EXPANDED}. */
  readonly #edgeStart = new Int32List();
  readonly #edgeCount = new Int32List();
  /** Per state: bit i set if the i-th `eventually` goal holds there. */
  readonly #goals = new Int32List();
  readonly #targets = new Int32List();
  readonly #actions = new Int32List();
  readonly #tasks = new Int32List();
  /** Indices of the initial states. */
  readonly initial: number[] = [];

  /** Records a newly found state's goals. */
  found(state: number, goals: number): void {
    this.#goals.set(state, goals, 0);
    this.#edgeStart.set(state, NOT_EXPANDED, NOT_EXPANDED);
  }

  /** Starts the edge list of `state` (edges of one state are added contiguously). */
  expanding(state: number): void {
    this.#edgeStart.set(state, this.#targets.length, NOT_EXPANDED);
    this.#edgeCount.set(state, 0, 0);
  }

  /** Marks a state whose expansion was cut short as not expanded: its edges are incomplete. */
  abandon(state: number): void {
    this.#edgeStart.set(state, NOT_EXPANDED, NOT_EXPANDED);
  }

  /** Adds an edge out of the state being expanded. */
  edge(source: number, target: number, action: number, task: number): void {
    this.#targets.push(target);
    this.#actions.push(action);
    this.#tasks.push(task);
    this.#edgeCount.data[source] = (this.#edgeCount.data[source] ?? 0) + 1;
  }

  get stateCount(): number {
    return this.#goals.length;
  }

  expanded(state: number): boolean {
    return (this.#edgeStart.data[state] ?? NOT_EXPANDED) !== NOT_EXPANDED;
  }

  goals(state: number): number {
    return this.#goals.data[state] ?? 0;
  }

  edgeStart(state: number): number {
    return this.#edgeStart.data[state] ?? 0;
  }

  edgeCount(state: number): number {
    return this.expanded(state) ? (this.#edgeCount.data[state] ?? 0) : 0;
  }

  target(edge: number): number {
    return this.#targets.data[edge] ?? 0;
  }

  action(edge: number): number {
    return this.#actions.data[edge] ?? 0;
  }

  task(edge: number): number {
    return this.#tasks.data[edge] ?? -1;
  }

  get bytes(): number {
    return (
      this.#edgeStart.bytes +
      this.#edgeCount.bytes +
      this.#goals.bytes +
      this.#targets.bytes +
      this.#actions.bytes +
      this.#tasks.bytes
    );
  }
}
