/**
 * Which counterexample and which example the breadth-first search reports, chosen so that the
 * choice is a function of the model alone: the same on one thread and on any number of workers,
 * whatever the threads' timing (DESIGN §4: same input, same output).
 *
 * On worker threads, which worker first inserts a state found by two, and so the state's id and
 * the order in which states are found, depend on timing. What does not is the search's shape: it
 * is level-synchronous (parallel.ts), so the set of states at each depth, and the set of edges
 * from each depth to the next, are the model's. The report is therefore built from those sets
 * only:
 * - a property's find is, among the states of the least depth where it is violated (`always`)
 *   or holds (`sometimes`), the one with the least fingerprint; the search stops on a violation
 *   only once the whole level that holds it is done (counts are then exact too);
 * - the property reported first is the violated one of least depth, then of least position in
 *   the model;
 * - the path to a state follows parents, and each state's parent is, among its predecessors one
 *   level up, the one with the least fingerprint: a search that finds a state of the level being
 *   built again offers the table the parent it came from (state-table.ts, shared-table.ts);
 * - the path is replayed from fingerprints, not from action indices: each step takes the first
 *   action, in the model's order, that leads to the next fingerprint. Under symmetry, the state a
 *   search expanded is whichever member of its orbit was found first, and its action indices are
 *   that member's; the replay's are those of the states along the path (path.ts).
 * Fingerprints are 64-bit hashes of the states: a fixed, arbitrary but deterministic order.
 *
 * What may still vary between runs on workers: the counts when the search stops mid-level on a
 * budget (time, memory, states), and which states it had reached then.
 *
 * @module
 */
import { holdsOn, type Property } from '../core/index.js';
import type { PropertyTracker } from './properties.js';
import { fingerprintBelow } from './state-table.js';

/** A property's find: its position among the invariants or goals, depth, fingerprint, state id. */
export type Find = readonly [property: number, depth: number, high: number, low: number, id: number];

/** True if `a` is the better find: shallower, or as deep with a smaller fingerprint. */
function better(a: Find, b: Find): boolean {
  if (a[1] !== b[1]) return a[1] < b[1];
  return fingerprintBelow(a[2], a[3], b[2], b[3]);
}

/** Keeps `find` if it is better than what `finds` holds for its property. */
function keep(finds: (Find | undefined)[], find: Find): void {
  const held = finds[find[0]];
  if (held === undefined || better(find, held)) finds[find[0]] = find;
}

/**
 * The canonical find of each invariant and each reachability goal, over the states a
 * breadth-first search reports to it. Finds from several searchers merge in any order.
 */
export class CanonicalFinds<State> {
  readonly #invariants: readonly Property<State>[];
  readonly #goals: readonly Property<State>[];
  readonly #violations: (Find | undefined)[];
  readonly #examples: (Find | undefined)[];

  constructor(tracker: PropertyTracker<State>) {
    this.#invariants = tracker.invariants;
    this.#goals = tracker.reachabilities;
    this.#violations = this.#invariants.map(() => undefined);
    this.#examples = this.#goals.map(() => undefined);
  }

  /**
   * Judges a newly found state at `depth` with fingerprint (high, low), as stored in the tables
   * (a 0 lane as 1). Returns true if it violates an invariant. A property found at a lesser
   * depth is not evaluated again.
   */
  observe(state: State, id: number, depth: number, high: number, low: number): boolean {
    if (high === 0) high = 1;
    if (low === 0) low = 1;
    let failed = false;
    const invariants = this.#invariants;
    for (let i = 0; i < invariants.length; i++) {
      const held = this.#violations[i];
      if (held !== undefined && held[1] < depth) continue;
      if (!holdsOn(invariants[i] as Property<State>, state)) {
        failed = true;
        keep(this.#violations, [i, depth, high, low, id]);
      }
    }
    const goals = this.#goals;
    for (let i = 0; i < goals.length; i++) {
      const held = this.#examples[i];
      if (held !== undefined && held[1] < depth) continue;
      if (holdsOn(goals[i] as Property<State>, state)) keep(this.#examples, [i, depth, high, low, id]);
    }
    return failed;
  }

  /** True once some invariant is violated. */
  get violated(): boolean {
    return this.#violations.some((find) => find !== undefined);
  }

  /** The finds so far, to send to the coordinator: violations, then examples. */
  finds(): { readonly violations: Find[]; readonly examples: Find[] } {
    const present = (finds: (Find | undefined)[]): Find[] =>
      finds.flatMap((f) => (f === undefined ? [] : [f]));
    return { violations: present(this.#violations), examples: present(this.#examples) };
  }

  /** Folds in another searcher's finds. */
  merge(violations: readonly Find[], examples: readonly Find[]): void {
    for (const find of violations) keep(this.#violations, find);
    for (const find of examples) keep(this.#examples, find);
  }

  /**
   * Writes the finds into the tracker that judges the result: state ids, and the violated
   * invariants by depth, then position.
   */
  publish(tracker: PropertyTracker<State>): void {
    const violated: Find[] = [];
    this.#violations.forEach((find, i) => {
      if (find === undefined) return;
      tracker.violatedAt[i] = find[4];
      violated.push(find);
    });
    violated.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    tracker.violationOrder.length = 0;
    tracker.violationOrder.push(...violated.map((find) => find[0]));
    this.#examples.forEach((find, i) => {
      if (find !== undefined) tracker.reachedAt[i] = find[4];
    });
  }
}
