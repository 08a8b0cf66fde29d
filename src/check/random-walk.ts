/**
 * Random walks: seeded walks from the initial states, each up to a length bound, checking the
 * invariants and reachability goals along the way. They reach deep states that an exhaustive
 * search would take long to get to, but prove nothing: without a violation the verdict is
 * `unknown`. Every walk is replayable from the seed.
 *
 * @module
 */
import { randomStream } from '../core/index.js';
import type { Model } from './model.js';
import { meterFor } from './progress.js';
import { PropertyTracker } from './properties.js';
import type { CheckOptions, CheckResult, Path, PropertyOutcome, StopReason } from './result.js';
import { NO_PARENT, StateTable } from './state-table.js';
import { stateFingerprinter } from './symmetry.js';

/** Runs seeded random walks over the model (the `random` strategy of {@link check}). */
export function randomWalks<State, Action>(
  model: Model<State, Action>,
  options: CheckOptions,
): CheckResult<State, Action> {
  // The walks draw from core's seeded source, like every other seeded choice in fairlink.
  const random = randomStream(options.seed ?? 0, 'walks');
  const walks = options.walks ?? 1000;
  const walkLength = options.maxDepth ?? options.walkLength ?? 1000;
  const statesMax = options.maxStates ?? Infinity;
  const stopOnViolation = options.stopOnViolation ?? true;
  const meter = meterFor(options);
  const tracker = new PropertyTracker(model);
  // The table only counts distinct states here: walks keep their own path.
  const table = new StateTable();
  const fingerprinter = stateFingerprinter(options.symmetry === false ? undefined : model.symmetry);
  const initial = model.init();
  const examples = new Map<string, Path<State, Action>>();
  const figures = { generatedStates: 0, distinctStates: 0, depth: 0 };
  let stopReason: StopReason = 'walks';
  const listed: Action[] = [];

  walking: for (let walk = 0; walk < walks; walk++) {
    const start = random.int(0, initial.length - 1);
    let state = initial[start] as State;
    const states: State[] = [state];
    const actions: Action[] = [];
    for (let step = 0; ; step++) {
      figures.generatedStates++;
      fingerprinter.hash(state);
      const index = table.insert(fingerprinter.high, fingerprinter.low, NO_PARENT, 0);
      if (index >= 0) {
        const before = tracker.violationOrder.length;
        tracker.check(state, index);
        // Record paths for what was found here, before the walk moves on.
        for (let i = before; i < tracker.violationOrder.length; i++) {
          const name = tracker.invariants[tracker.violationOrder[i] ?? 0]?.name ?? '';
          examples.set(name, { states: [...states], actions: [...actions] });
        }
        tracker.reachabilities.forEach((property, i) => {
          if (tracker.reachedAt[i] === index && !examples.has(property.name)) {
            examples.set(property.name, { states: [...states], actions: [...actions] });
          }
        });
        if (tracker.violationOrder.length > before && stopOnViolation) {
          stopReason = 'violation';
          break walking;
        }
        if (table.size >= statesMax) {
          stopReason = 'maxStates';
          break walking;
        }
      }
      if (step > figures.depth) figures.depth = step;
      figures.distinctStates = table.size;
      if (meter.tick(figures)) {
        stopReason = meter.stopReason ?? 'maxMs';
        break walking;
      }
      if (step >= walkLength || (model.within !== undefined && !model.within(state))) break;
      listed.length = 0;
      model.actions(state, listed);
      fingerprinter.expanding(state);
      // Draw actions without replacement until one is enabled.
      let next: State | undefined;
      let chosen: Action | undefined;
      for (let remaining = listed.length; remaining > 0 && next === undefined; remaining--) {
        const pick = random.int(0, remaining - 1);
        const candidate = listed[pick] as Action;
        chosen = candidate;
        listed[pick] = listed[remaining - 1] as Action;
        next = model.next(state, candidate);
      }
      if (next === undefined || chosen === undefined) break; // a dead end
      actions.push(chosen);
      states.push(next);
      state = next;
    }
  }
  meter.report(figures);

  const outcomes: PropertyOutcome<State, Action>[] = model.properties.map((property) => {
    const base = { name: property.name, kind: property.kind };
    const path = examples.get(property.name);
    switch (property.kind) {
      case 'always':
        return path === undefined
          ? { ...base, status: 'unknown', reason: 'random walks prove no invariant' }
          : { ...base, status: 'violation', path };
      case 'sometimes':
        return path === undefined
          ? { ...base, status: 'unknown', reason: 'not reached by the walks' }
          : { ...base, status: 'ok', path };
      case 'eventually':
        return { ...base, status: 'unknown', reason: 'random walks do not check liveness' };
    }
  });
  const firstName = tracker.invariants[tracker.violationOrder[0] ?? -1]?.name;
  const first = outcomes.find((outcome) => outcome.name === firstName);
  return {
    verdict: first === undefined ? 'unknown' : 'violation',
    ...(first === undefined ? {} : { property: { name: first.name, kind: first.kind } }),
    ...(first?.path === undefined ? {} : { path: first.path }),
    properties: outcomes,
    distinctStates: table.size,
    generatedStates: figures.generatedStates,
    maxDepth: figures.depth,
    elapsedMs: meter.elapsedMs(),
    strategy: 'random',
    workers: 1,
    complete: false,
    stopReason,
    visitedBytes: table.bytes,
    memoryLimitMb: meter.memoryLimitMb,
    memoryPeakBytes: meter.peakBytes,
    notes: [],
  };
}
