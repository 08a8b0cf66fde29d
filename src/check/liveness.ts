/**
 * Liveness: deciding `eventually P` on the explored graph, under fairness.
 *
 * A counterexample is a behaviour on which P never holds: it starts in an initial state, stays
 * in states where P is false, and either stops in a dead end (a state with no enabled action;
 * with the model's `stopsWhenOwedNothing`, also a state where no enabled action belongs to a
 * task, since stopping there owes nothing) or loops forever in a cycle. A cycle counts only if
 * it is fair. With tasks as the model's `fairness` hook defines them (see
 * {@link FairnessRequirement}), a behaviour that eventually stays in a set of states C and visits
 * all of it infinitely often is fair iff, for every task:
 * - weak: if the task is enabled in every state of C, some transition inside C takes it;
 * - strong: if the task is enabled in some state of C, some transition inside C takes it.
 *
 * This is decided exactly (a Streett emptiness check, after Emerson and Lei): compute the
 * strongly connected components (SCCs) of the graph of reachable P-false states; a component
 * that violates a weak requirement cannot contain a fair cycle at all (every sub-cycle has the
 * same defect) and is dropped; a component that violates a strong requirement for task t may
 * still contain a fair cycle that avoids the states enabling t, so those states are removed and
 * the SCCs of what remains are examined in turn. A component passing every requirement yields a
 * fair lasso, built so that the cycle itself takes every task it must.
 *
 * Enabledness is read off the graph: a task is enabled in a state if some action of the state
 * (one whose `next` is defined) belongs to it, whatever its target. States that were reached but
 * not expanded (outside `within`, beyond `maxDepth`, or left when a budget ran out) have unknown
 * successors: they are neither dead ends nor part of any cycle, so a counterexample found is
 * always genuine, but finding none is conclusive only if the search was complete.
 *
 * @module
 */
import type { FairnessTasks, StateGraph } from './graph.js';
import type { StateTable } from './state-table.js';

/** A liveness counterexample as steps: the path's action indices, and where its cycle starts. */
export interface LivenessCounterexample {
  /** The initial state's position in `init()`, then one action index per step. */
  readonly steps: number[];
  /** Index of the state (in the replayed path) where the cycle starts; absent for a dead end. */
  readonly cycleStart?: number;
  /** The path ends where actions are enabled but none is owed anything (`stopsWhenOwedNothing`). */
  readonly stopsOwedNothing?: true;
}

/**
 * Looks for a fair behaviour along which goal `goalBit` never holds. Returns the first one found
 * (a dead end or fair cycle with a shortest prefix among the candidates examined), or undefined.
 */
export function findLivenessCounterexample(
  graph: StateGraph,
  table: StateTable,
  tasks: FairnessTasks<unknown>,
  goalBit: number,
): LivenessCounterexample | undefined {
  const n = graph.stateCount;
  const goal = 1 << goalBit;
  // Breadth-first from the initial states through states where the goal does not hold: the
  // reachable part of the graph that a counterexample can use, with shortest prefixes.
  const parentEdge = new Int32Array(n).fill(-1);
  const parentState = new Int32Array(n).fill(-1);
  const reached = new Uint8Array(n);
  const order: number[] = [];
  for (const s of graph.initial) {
    if ((graph.goals(s) & goal) !== 0 || reached[s] === 1) continue;
    reached[s] = 1;
    order.push(s);
  }
  for (let head = 0; head < order.length; head++) {
    const u = order[head] ?? 0;
    const start = graph.edgeStart(u);
    const end = start + graph.edgeCount(u);
    if (graph.expanded(u) && end === start) {
      return { steps: prefixSteps(graph, table, parentState, parentEdge, u) }; // a dead end
    }
    if (graph.expanded(u) && tasks.stopsWhenOwedNothing && !enablesATask(graph, u)) {
      return { steps: prefixSteps(graph, table, parentState, parentEdge, u), stopsOwedNothing: true };
    }
    for (let e = start; e < end; e++) {
      const v = graph.target(e);
      if (reached[v] === 1 || (graph.goals(v) & goal) !== 0) continue;
      reached[v] = 1;
      parentState[v] = u;
      parentEdge[v] = e;
      order.push(v);
    }
  }

  const inScope = (v: number): boolean => reached[v] === 1;
  const search = new FairCycleSearch(graph, tasks, n);
  // Components are examined in the order of their earliest-reached state, so the prefix of the
  // reported lasso is short (shortest to its component; not necessarily shortest overall).
  const components = search.components(order, inScope);
  const rank = new Int32Array(n);
  order.forEach((s, i) => (rank[s] = i));
  for (const component of components) component.sort((x, y) => (rank[x] ?? 0) - (rank[y] ?? 0));
  components.sort((x, y) => (rank[x[0] ?? 0] ?? 0) - (rank[y[0] ?? 0] ?? 0));
  for (const component of components) {
    const fair = search.fairSubcomponent(component);
    if (fair === undefined) continue;
    fair.sort((x, y) => (rank[x] ?? 0) - (rank[y] ?? 0));
    const entry = fair[0] ?? 0;
    const prefix = prefixSteps(graph, table, parentState, parentEdge, entry);
    const cycle = search.fairCycle(fair, entry);
    return { steps: [...prefix, ...cycle], cycleStart: prefix.length - 1 };
  }
  return undefined;
}

/** Whether some action enabled in `u` belongs to a fairness task (is owed something). */
function enablesATask(graph: StateGraph, u: number): boolean {
  const start = graph.edgeStart(u);
  for (let e = start; e < start + graph.edgeCount(u); e++) if (graph.task(e) >= 0) return true;
  return false;
}

/** Steps from an initial state to `target` along the breadth-first parent edges. */
function prefixSteps(
  graph: StateGraph,
  table: StateTable,
  parentState: Int32Array,
  parentEdge: Int32Array,
  target: number,
): number[] {
  const steps: number[] = [];
  let at = target;
  while ((parentEdge[at] ?? -1) >= 0) {
    steps.push(graph.action(parentEdge[at] ?? 0));
    at = parentState[at] ?? 0;
  }
  steps.push(table.actionOf(at)); // an initial state's record holds its position in init()
  return steps.reverse();
}

/** SCCs, the fairness refinement, and lasso construction, over shared scratch arrays. */
class FairCycleSearch {
  readonly #graph: StateGraph;
  readonly #tasks: FairnessTasks<unknown>;
  // Tarjan's bookkeeping.
  readonly #index: Int32Array;
  readonly #low: Int32Array;
  readonly #onStack: Uint8Array;
  /** Membership stamp: state v belongs to the set being examined iff member[v] === stamp. */
  readonly #member: Int32Array;
  #stamp = 0;

  constructor(graph: StateGraph, tasks: FairnessTasks<unknown>, n: number) {
    this.#graph = graph;
    this.#tasks = tasks;
    this.#index = new Int32Array(n);
    this.#low = new Int32Array(n);
    this.#onStack = new Uint8Array(n);
    this.#member = new Int32Array(n);
  }

  /** The non-trivial SCCs (with at least one edge inside) of the subgraph induced by `inSet`. */
  components(nodes: readonly number[], inSet: (v: number) => boolean): number[][] {
    const graph = this.#graph;
    const index = this.#index;
    const low = this.#low;
    const onStack = this.#onStack;
    for (const v of nodes) index[v] = 0;
    let counter = 0;
    const stack: number[] = [];
    const result: number[][] = [];
    // Explicit call stack: (node, next edge offset).
    const callNodes: number[] = [];
    const callEdges: number[] = [];
    for (const root of nodes) {
      if (index[root] !== 0) continue;
      callNodes.push(root);
      callEdges.push(graph.edgeStart(root));
      index[root] = low[root] = ++counter;
      stack.push(root);
      onStack[root] = 1;
      while (callNodes.length > 0) {
        const top = callNodes.length - 1;
        const u = callNodes[top] ?? 0;
        const e = callEdges[top] ?? 0;
        if (e < graph.edgeStart(u) + graph.edgeCount(u)) {
          callEdges[top] = e + 1;
          const v = graph.target(e);
          if (!inSet(v)) continue;
          if (index[v] === 0) {
            index[v] = low[v] = ++counter;
            stack.push(v);
            onStack[v] = 1;
            callNodes.push(v);
            callEdges.push(graph.edgeStart(v));
          } else if (onStack[v] === 1) {
            low[u] = Math.min(low[u] ?? 0, index[v] ?? 0);
          }
          continue;
        }
        callNodes.pop();
        callEdges.pop();
        const parent = callNodes[callNodes.length - 1];
        if (parent !== undefined) low[parent] = Math.min(low[parent] ?? 0, low[u] ?? 0);
        if (low[u] === index[u]) {
          const component: number[] = [];
          let w: number;
          do {
            w = stack.pop() ?? u;
            onStack[w] = 0;
            component.push(w);
          } while (w !== u);
          if (component.length > 1 || this.#hasSelfLoop(u)) result.push(component);
        }
      }
    }
    return result;
  }

  #hasSelfLoop(u: number): boolean {
    const graph = this.#graph;
    const start = graph.edgeStart(u);
    for (let e = start; e < start + graph.edgeCount(u); e++) if (graph.target(e) === u) return true;
    return false;
  }

  /** A fair SCC inside `component` (Streett refinement), or undefined if it has none. */
  fairSubcomponent(component: number[]): number[] | undefined {
    const work: number[][] = [component];
    while (work.length > 0) {
      const current = work.pop() ?? [];
      const stamp = this.#mark(current);
      const verdict = this.#judge(current, stamp);
      if (verdict === 'fair') return current;
      if (verdict === 'unfair') continue;
      // Strong requirements are unmet: drop the states that enable them and split the rest.
      const removed = new Set(verdict);
      const remaining = current.filter((v) => !removed.has(v));
      const keep = this.#mark(remaining);
      const member = this.#member;
      work.push(...this.components(remaining, (v) => member[v] === keep));
    }
    return undefined;
  }

  #mark(nodes: readonly number[]): number {
    const stamp = ++this.#stamp;
    for (const v of nodes) this.#member[v] = stamp;
    return stamp;
  }

  /**
   * Judges a set that is strongly connected: `'fair'`; `'unfair'` if a weak requirement fails
   * (no sub-cycle can repair it); or the states to remove for the strong requirements that fail.
   */
  #judge(component: readonly number[], stamp: number): 'fair' | 'unfair' | number[] {
    const { enabledIn, taken } = this.#taskUse(component, stamp);
    const kinds = this.#tasks.kinds;
    const failedStrong = new Set<number>();
    for (const [task, count] of enabledIn) {
      if (taken.has(task)) continue;
      if (kinds[task] === 'weak') {
        if (count === component.length) return 'unfair';
      } else {
        failedStrong.add(task);
      }
    }
    if (failedStrong.size === 0) return 'fair';
    const graph = this.#graph;
    const remove: number[] = [];
    for (const u of component) {
      const start = graph.edgeStart(u);
      for (let e = start; e < start + graph.edgeCount(u); e++) {
        if (failedStrong.has(graph.task(e))) {
          remove.push(u);
          break;
        }
      }
    }
    return remove;
  }

  /** For each task: in how many states of the set it is enabled, and whether the set takes it. */
  #taskUse(
    component: readonly number[],
    stamp: number,
  ): { enabledIn: Map<number, number>; taken: Set<number> } {
    const graph = this.#graph;
    const member = this.#member;
    const enabledIn = new Map<number, number>();
    const taken = new Set<number>();
    const seen = new Set<number>();
    for (const u of component) {
      seen.clear();
      const start = graph.edgeStart(u);
      for (let e = start; e < start + graph.edgeCount(u); e++) {
        const task = graph.task(e);
        if (task < 0) continue;
        if (!seen.has(task)) {
          seen.add(task);
          enabledIn.set(task, (enabledIn.get(task) ?? 0) + 1);
        }
        if (member[graph.target(e)] === stamp) taken.add(task);
      }
    }
    return { enabledIn, taken };
  }

  /**
   * A cycle from `entry` through the fair set that is itself fair: it takes one edge of every
   * task the set takes, and for each weak task the set does not take, visits a state where that
   * task is disabled. Returns the cycle's action indices.
   */
  fairCycle(component: readonly number[], entry: number): number[] {
    const graph = this.#graph;
    const stamp = this.#mark(component);
    const member = this.#member;
    const { enabledIn, taken } = this.#taskUse(component, stamp);
    // Waypoints: edges to take, or states to visit.
    const edges = new Map<number, number>(); // task -> an edge inside the set taking it
    for (const u of component) {
      const start = graph.edgeStart(u);
      for (let e = start; e < start + graph.edgeCount(u); e++) {
        const task = graph.task(e);
        if (task >= 0 && !edges.has(task) && member[graph.target(e)] === stamp) edges.set(task, e);
      }
    }
    const sourceOf = new Map<number, number>();
    for (const u of component) {
      const start = graph.edgeStart(u);
      for (let e = start; e < start + graph.edgeCount(u); e++) sourceOf.set(e, u);
    }
    // Walk from waypoint to waypoint, skipping those the walk has already satisfied.
    const steps: number[] = [];
    const takenSoFar = new Set<number>();
    const visited = new Set<number>([entry]);
    let at = entry;
    const traverse = (e: number): void => {
      steps.push(graph.action(e));
      takenSoFar.add(graph.task(e));
      at = graph.target(e);
      visited.add(at);
    };
    const walk = (to: number): void => {
      for (const e of this.#shortestEdges(at, to, stamp)) traverse(e);
    };
    for (const [task, e] of edges) {
      if (takenSoFar.has(task)) continue;
      walk(sourceOf.get(e) ?? at);
      traverse(e);
    }
    for (const task of enabledIn.keys()) {
      if (taken.has(task) || [...visited].some((u) => !this.#enables(u, task))) continue;
      const disabledAt = component.find((u) => !this.#enables(u, task));
      if (disabledAt !== undefined) walk(disabledAt);
    }
    if (steps.length === 0) {
      // No waypoint: any edge inside the set, then back.
      const start = graph.edgeStart(entry);
      for (let e = start; e < start + graph.edgeCount(entry); e++) {
        if (member[graph.target(e)] === stamp) {
          traverse(e);
          break;
        }
      }
    }
    walk(entry);
    return steps;
  }

  #enables(u: number, task: number): boolean {
    const graph = this.#graph;
    const start = graph.edgeStart(u);
    for (let e = start; e < start + graph.edgeCount(u); e++) if (graph.task(e) === task) return true;
    return false;
  }

  /** Edges of a shortest path from `from` to `to` inside the stamped set. */
  #shortestEdges(from: number, to: number, stamp: number): number[] {
    if (from === to) return [];
    const graph = this.#graph;
    const member = this.#member;
    const viaEdge = new Map<number, number>([[from, -1]]); // state -> edge that reached it
    const viaState = new Map<number, number>(); // state -> its predecessor
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head] ?? 0;
      const start = graph.edgeStart(u);
      for (let e = start; e < start + graph.edgeCount(u); e++) {
        const v = graph.target(e);
        if (member[v] !== stamp || viaEdge.has(v)) continue;
        viaEdge.set(v, e);
        viaState.set(v, u);
        if (v === to) {
          const path: number[] = [];
          for (let at = v; at !== from; at = viaState.get(at) ?? from) path.push(viaEdge.get(at) ?? 0);
          return path.reverse();
        }
        queue.push(v);
      }
    }
    throw new Error('liveness: a strongly connected set is not connected (internal error)');
  }
}
