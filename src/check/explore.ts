/**
 * Exhaustive search on one thread: breadth-first (a FIFO frontier: the first path found to a
 * state is a shortest one, so counterexamples are shortest) or depth-first (a LIFO frontier:
 * the frontier stays small on deep, narrow state spaces).
 *
 * Breadth-first, the search reports what canonical.ts says, as the parallel search does: it
 * finishes the level where it found a violation, keeps for each state the parent with the least
 * fingerprint, and leaves the property finds in the tracker once done.
 *
 * No state object outlives its expansion: the visited set holds fingerprints and parent records,
 * and the breadth-first frontier holds its states binary-encoded (see frontier.ts).
 *
 * @module
 */
import { CanonicalFinds } from './canonical.js';
import { EncodedQueue, type Frontier, ObjectStack } from './frontier.js';
import { InternedQueue, PartFingerprinter } from './interned-frontier.js';
import { FairnessTasks, StateGraph } from './graph.js';
import type { Model } from './model.js';
import { meterFor } from './progress.js';
import { PropertyTracker } from './properties.js';
import type { CheckOptions, StopReason } from './result.js';
import { NO_PARENT, StateTable } from './state-table.js';
import type { StateFingerprinter } from './symmetry.js';

/** What a search leaves for the report. */
export interface Exploration {
  readonly table: StateTable;
  readonly graph: StateGraph | undefined;
  readonly tasks: FairnessTasks<unknown> | undefined;
  readonly generatedStates: number;
  /** Depth of the deepest state found; initial states have depth 1 (as in TLC). */
  readonly maxDepth: number;
  /** True if every reachable state within the boundary was expanded. */
  readonly complete: boolean;
  readonly stopReason: StopReason | undefined;
  readonly elapsedMs: number;
  readonly memoryLimitMb: number;
  readonly memoryPeakBytes: number;
}

/** Runs a breadth-first or depth-first search over the model. */
export function explore<State, Action>(
  model: Model<State, Action>,
  fingerprinter: StateFingerprinter<State>,
  tracker: PropertyTracker<State>,
  options: CheckOptions & { readonly strategy: 'bfs' | 'dfs'; readonly recordGraph: boolean },
): Exploration {
  const meter = meterFor(options);
  const table = new StateTable(
    options.expectedStates === undefined ? {} : { expectedStates: options.expectedStates },
  );
  const graph = options.recordGraph ? new StateGraph() : undefined;
  const tasks = options.recordGraph ? new FairnessTasks<Action>(model as Model<unknown, Action>) : undefined;
  // Breadth-first with plain fingerprints: the frontier holds part ids and fingerprints too.
  const parts =
    options.strategy === 'bfs' && fingerprinter.plain
      ? new PartFingerprinter<State>(options.partsMax === undefined ? {} : { compactAt: options.partsMax })
      : undefined;
  const interned = parts === undefined ? undefined : new InternedQueue(parts);
  const frontier: Frontier<State> =
    interned ?? (options.strategy === 'bfs' ? new EncodedQueue<State>() : new ObjectStack<State>());
  const hasher: StateFingerprinter<State> = parts ?? fingerprinter;
  const depthMax = options.maxDepth ?? Infinity;
  const statesMax = options.maxStates ?? Infinity;
  const stopOnViolation = options.stopOnViolation ?? true;
  const breadthFirst = options.strategy === 'bfs';
  const finds = new CanonicalFinds(tracker);
  /** Judges a new state: true if it violates an invariant. */
  const violates = (state: State, index: number, depth: number): boolean =>
    breadthFirst ? finds.observe(state, index, depth, hasher.high, hasher.low) : tracker.check(state, index);
  // Breadth-first, after a violation: the depth whose expansion is the last (initial states: 0).
  let lastDepth = Infinity;
  // States from this index on were found by expanding the current depth (ids are dense, in order).
  let levelStart = 0;
  let expandingDepth = 0;
  const bounded = model.within !== undefined;
  const figures = { generatedStates: 0, distinctStates: 0, depth: 0 };
  let generated = 0;
  let depthSeen = 0;
  let truncated = false;
  let stopReason: StopReason | undefined;

  const initial = model.init();
  for (let i = 0; i < initial.length && stopReason === undefined; i++) {
    const state = initial[i] as State;
    generated++;
    hasher.hash(state);
    const index = table.insert(hasher.high, hasher.low, NO_PARENT, i);
    if (index < 0) continue;
    if (graph !== undefined) {
      graph.initial.push(index);
      graph.found(index, tracker.goals(state));
    }
    if (violates(state, index, 1) && stopOnViolation) {
      if (breadthFirst) lastDepth = 0;
      else stopReason = 'violation';
    }
    if (table.size >= statesMax) stopReason ??= 'maxStates';
    depthSeen = 1;
    if (!bounded || model.within?.(state) === true) frontier.push(state, index, 1);
  }

  const listed: Action[] = [];
  search: while (stopReason === undefined && frontier.size > 0) {
    // Taking a state from the interned frontier makes it the base of the next hashes.
    const state = frontier.take();
    const index = frontier.index;
    const depth = frontier.depth;
    if (depth !== expandingDepth) {
      if (depth > lastDepth) break; // the level of the violation is done
      expandingDepth = depth;
      levelStart = table.size;
    }
    if (depth >= depthMax) {
      // Beyond the depth bound: the search is incomplete only if this state has a successor.
      listed.length = 0;
      model.actions(state, listed);
      if (listed.some((action) => model.next(state, action) !== undefined)) truncated = true;
      continue;
    }
    graph?.expanding(index);
    if (interned === undefined) hasher.expanding(state);
    listed.length = 0;
    model.actions(state, listed);
    for (let i = 0; i < listed.length; i++) {
      const action = listed[i] as Action;
      const after = model.next(state, action);
      if (after === undefined) continue;
      generated++;
      if (after === state) {
        // A step that changes nothing (a duplicate receipt): the state itself, already visited.
        if (graph !== undefined) graph.edge(index, index, i, tasks?.idOf(action) ?? -1);
        continue;
      }
      hasher.hash(after);
      const found = table.insert(hasher.high, hasher.low, index, i);
      if (graph !== undefined) graph.edge(index, found < 0 ? ~found : found, i, tasks?.idOf(action) ?? -1);
      if (found < 0) {
        if (breadthFirst && ~found >= levelStart) table.offerParent(~found, index, i);
        continue;
      }
      if (depth + 1 > depthSeen) depthSeen = depth + 1;
      if (graph !== undefined) graph.found(found, tracker.goals(after));
      if (violates(after, found, depth + 1) && stopOnViolation) {
        if (!breadthFirst) {
          stopReason = 'violation';
          graph?.abandon(index); // its edge list is partial: liveness must not trust it
          break search;
        }
        if (lastDepth > depth) lastDepth = depth;
      }
      if (!bounded || model.within?.(after) === true) frontier.push(after, found, depth + 1);
      if (table.size >= statesMax) {
        stopReason = 'maxStates';
        graph?.abandon(index);
        break search;
      }
    }
    if (interned !== undefined) parts?.compactIfDue([interned]);
    figures.generatedStates = generated;
    figures.distinctStates = table.size;
    figures.depth = depthSeen;
    // A budget spent on the last state to expand leaves nothing unexplored.
    if (meter.tick(figures) && frontier.size > 0) stopReason = meter.stopReason;
  }
  if (stopReason === undefined && lastDepth < Infinity) stopReason = 'violation';
  if (stopReason === undefined && truncated) stopReason = 'maxDepth';
  if (breadthFirst) finds.publish(tracker);
  figures.generatedStates = generated;
  figures.distinctStates = table.size;
  figures.depth = depthSeen;
  meter.report(figures);
  return {
    table,
    graph,
    tasks: tasks as FairnessTasks<unknown> | undefined,
    generatedStates: generated,
    maxDepth: depthSeen,
    complete: stopReason === undefined,
    stopReason,
    elapsedMs: meter.elapsedMs(),
    memoryLimitMb: meter.memoryLimitMb,
    memoryPeakBytes: meter.peakBytes,
  };
}
