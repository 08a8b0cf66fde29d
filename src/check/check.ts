/**
 * The model checker's front door on one thread: picks the search, then turns what it found into
 * a verdict, per-property outcomes and replayable paths.
 *
 * @module
 */
import { explore, type Exploration } from './explore.js';
import type { FairnessTasks, StateGraph } from './graph.js';
import { findLivenessCounterexample } from './liveness.js';
import { defineModel, type Model } from './model.js';
import { replay, stepsThrough } from './path.js';
import { PropertyTracker } from './properties.js';
import { randomWalks } from './random-walk.js';
import type { CheckOptions, CheckResult, Path, PropertyOutcome, StopReason } from './result.js';
import type { StateTable } from './state-table.js';
import { stateFingerprinter } from './symmetry.js';

/**
 * Explores the model on this thread and judges its properties.
 *
 * - `bfs` (default) finds shortest counterexamples to invariants;
 * - `dfs` explores the same states with a smaller frontier on deep state spaces;
 * - `random` runs seeded random walks: no completeness, but deep states quickly.
 *
 * `eventually` properties need the explored graph: with them, the search records edges, and
 * symmetry is not applied (a quotient graph would relabel the actions that fairness is about).
 * For several worker threads, see {@link checkInWorkers}.
 *
 * @throws TypeError on a malformed model or options (from {@link defineModel}).
 */
export function check<State, Action>(
  model: Model<State, Action>,
  options: CheckOptions = {},
): CheckResult<State, Action> {
  defineModel(model);
  validateOptions(options);
  const strategy = options.strategy ?? 'bfs';
  if ((options.workers ?? 1) > 1) {
    throw new TypeError('check: workers > 1 needs a model source; use checkInWorkers');
  }
  if (strategy === 'random') return randomWalks(model, options);
  const tracker = new PropertyTracker(model);
  const notes: string[] = [];
  const liveness = tracker.livenesses.length > 0;
  let symmetry = options.symmetry === true ? model.symmetry : undefined;
  if (liveness && symmetry !== undefined) {
    notes.push('symmetry not applied: eventually properties are checked on the full state graph');
    symmetry = undefined;
  }
  const fingerprinter = stateFingerprinter(symmetry);
  const exploration = explore(model, fingerprinter, tracker, { ...options, strategy, recordGraph: liveness });
  if (
    'truncated' in fingerprinter &&
    typeof fingerprinter.truncated === 'number' &&
    fingerprinter.truncated > 0
  ) {
    notes.push(
      `symmetry: ${fingerprinter.truncated} canonical forms were cut short; counts may exceed the number of orbits`,
    );
  }
  // Breadth-first paths are rebuilt from fingerprints, as the parallel search's are (canonical.ts).
  const pathTo =
    strategy === 'bfs'
      ? (index: number) => stepsThrough(model, fingerprinter, exploration.table.fingerprintsTo(index))
      : (index: number) => exploration.table.pathTo(index);
  return judge(model, tracker, { ...summarize(exploration), pathTo }, strategy, notes);
}

/** What {@link judge} needs to know about a finished search. */
export interface SearchSummary {
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly maxDepth: number;
  readonly complete: boolean;
  readonly stopReason: StopReason | undefined;
  readonly elapsedMs: number;
  readonly visitedBytes: number;
  readonly memoryLimitMb: number;
  readonly memoryPeakBytes: number;
  /** Steps (initial position, then action indices) to a state the tracker refers to. */
  readonly pathTo: (stateIndex: number) => number[];
  /** The explored graph and table, for liveness. */
  readonly graph?: StateGraph;
  readonly tasks?: FairnessTasks<unknown>;
  readonly table?: StateTable;
}

function summarize(exploration: Exploration): SearchSummary {
  const { table, graph, tasks } = exploration;
  return {
    distinctStates: table.size,
    generatedStates: exploration.generatedStates,
    maxDepth: exploration.maxDepth,
    complete: exploration.complete,
    stopReason: exploration.stopReason,
    elapsedMs: exploration.elapsedMs,
    visitedBytes: table.bytes + (graph?.bytes ?? 0),
    memoryLimitMb: exploration.memoryLimitMb,
    memoryPeakBytes: exploration.memoryPeakBytes,
    pathTo: (index) => table.pathTo(index),
    table,
    ...(graph === undefined ? {} : { graph }),
    ...(tasks === undefined ? {} : { tasks }),
  };
}

/** Validates options at the boundary (shared with the parallel search). */
export function validateOptions(options: CheckOptions): void {
  const positive = (name: keyof CheckOptions, allowZero: boolean): void => {
    const value = options[name];
    if (value === undefined) return;
    if (typeof value !== 'number' || Number.isNaN(value) || value < (allowZero ? 0 : 1)) {
      throw new TypeError(
        `check: option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`,
      );
    }
  };
  positive('maxDepth', true);
  positive('maxStates', false);
  positive('maxMs', true);
  positive('maxMemoryMb', false);
  positive('walks', false);
  positive('walkLength', false);
  positive('workers', false);
  positive('partsMax', false);
  if (options.strategy !== undefined && !['bfs', 'dfs', 'random'].includes(options.strategy)) {
    throw new TypeError(`check: strategy must be 'bfs', 'dfs' or 'random'`);
  }
}

/** Turns an exploration into a result (shared with the parallel search). */
export function judge<State, Action>(
  model: Model<State, Action>,
  tracker: PropertyTracker<State>,
  exploration: SearchSummary,
  strategy: 'bfs' | 'dfs',
  notes: string[],
  workers = 1,
): CheckResult<State, Action> {
  const { complete, pathTo } = exploration;
  const outcomes = new Map<string, PropertyOutcome<State, Action>>();
  const incomplete = complete ? undefined : `the search stopped early: ${stopCause(exploration.stopReason)}`;
  tracker.invariants.forEach((property, i) => {
    const at = tracker.violatedAt[i] ?? -1;
    const base = { name: property.name, kind: property.kind };
    outcomes.set(
      property.name,
      at >= 0
        ? { ...base, status: 'violation', path: replay(model, pathTo(at)) }
        : complete
          ? { ...base, status: 'ok' }
          : { ...base, status: 'unknown', reason: incomplete ?? '' },
    );
  });
  tracker.reachabilities.forEach((property, i) => {
    const at = tracker.reachedAt[i] ?? -1;
    const base = { name: property.name, kind: property.kind };
    outcomes.set(
      property.name,
      at >= 0
        ? { ...base, status: 'ok', path: replay(model, pathTo(at)) }
        : complete
          ? { ...base, status: 'violation', reason: 'no reachable state satisfies it' }
          : { ...base, status: 'unknown', reason: incomplete ?? '' },
    );
  });
  tracker.livenesses.forEach((property, i) => {
    const base = { name: property.name, kind: property.kind };
    const { graph, tasks, table } = exploration;
    const found =
      graph === undefined || tasks === undefined || table === undefined
        ? undefined
        : findLivenessCounterexample(graph, table, tasks, i);
    let outcome: PropertyOutcome<State, Action>;
    if (found !== undefined) {
      const path: Path<State, Action> = replay(model, found.steps, found.cycleStart);
      outcome = {
        ...base,
        status: 'violation',
        path,
        reason:
          found.cycleStart !== undefined
            ? 'a fair cycle where the goal never holds'
            : found.stopsOwedNothing === true
              ? 'a behaviour stops where the goal never held: the actions still enabled are owed nothing by fairness'
              : 'a behaviour reaches a dead end where the goal never held',
      };
    } else if (complete) {
      outcome = { ...base, status: 'ok' };
    } else {
      outcome = { ...base, status: 'unknown', reason: incomplete ?? '' };
    }
    outcomes.set(property.name, outcome);
  });

  const properties = model.properties.flatMap((property) => {
    const outcome = outcomes.get(property.name);
    return outcome === undefined ? [] : [outcome];
  });
  // The first invariant that failed during the search comes first; then the others.
  const firstInvariant = tracker.invariants[tracker.violationOrder[0] ?? -1];
  const first =
    (firstInvariant === undefined ? undefined : outcomes.get(firstInvariant.name)) ??
    properties.find((outcome) => outcome.status === 'violation');
  const verdict =
    first !== undefined
      ? 'violation'
      : properties.some((p) => p.status === 'unknown') || !complete
        ? 'unknown'
        : 'ok';
  return {
    verdict,
    ...(first === undefined ? {} : { property: { name: first.name, kind: first.kind } }),
    ...(first?.path === undefined ? {} : { path: first.path }),
    properties,
    distinctStates: exploration.distinctStates,
    generatedStates: exploration.generatedStates,
    maxDepth: exploration.maxDepth,
    elapsedMs: exploration.elapsedMs,
    strategy,
    workers,
    complete,
    ...(exploration.stopReason === undefined ? {} : { stopReason: exploration.stopReason }),
    visitedBytes: exploration.visitedBytes,
    memoryLimitMb: exploration.memoryLimitMb,
    memoryPeakBytes: exploration.memoryPeakBytes,
    notes,
  };
}

/**
 * Why a search stopped, in words that name no option: the library's users set options, the
 * command line's set flags, and each caller says how to raise its own limit.
 */
export function stopCause(reason: StopReason | undefined): string {
  switch (reason) {
    case 'violation':
      return 'at the first violation';
    case 'maxDepth':
      return 'depth limit reached';
    case 'maxStates':
      return 'state limit reached';
    case 'maxMs':
      return 'time limit reached';
    case 'maxMemory':
      return 'memory limit reached';
    case 'heapLimit':
      return "a JavaScript heap is nearly full (Node's heap limit)";
    case 'walks':
      return 'the random walks are done';
    case undefined:
      return 'a budget ran out';
  }
}
