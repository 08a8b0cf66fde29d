/**
 * Re-deriving paths. The visited set keeps no states, only, per state, its parent and the index
 * of the action that produced it; a path is rebuilt by replaying those indices from the initial
 * state. The model is deterministic, so replay yields exactly the states the search saw.
 *
 * @module
 */
import type { Model } from './model.js';
import type { Path } from './result.js';
import type { StateFingerprinter } from './symmetry.js';

/**
 * Replays `steps` (the initial state's position in `init()`, then one index per step into the
 * list that `actions` fills) into a path.
 *
 * @throws Error if the model does not replay deterministically.
 */
export function replay<State, Action>(
  model: Model<State, Action>,
  steps: readonly number[],
  cycleStart?: number,
): Path<State, Action> {
  const [first = 0, ...rest] = steps;
  const initial = model.init()[first];
  if (initial === undefined) throw new Error(`replay: no initial state #${first}: is init() deterministic?`);
  const states: State[] = [initial];
  const actions: Action[] = [];
  const listed: Action[] = [];
  let state = initial;
  for (const index of rest) {
    listed.length = 0;
    model.actions(state, listed);
    const action = listed[index];
    const after = action === undefined ? undefined : model.next(state, action);
    if (action === undefined || after === undefined) {
      throw new Error(
        `replay: step ${actions.length + 1} (action #${index}) is not enabled: are actions() and next() deterministic?`,
      );
    }
    actions.push(action);
    states.push(after);
    state = after;
  }
  return cycleStart === undefined ? { states, actions } : { states, actions, cycleStart };
}

/**
 * The steps (as {@link replay} takes them) of the path through `lanes`, the fingerprints of its
 * states (high, low, high, low...; a 0 lane stored as 1): the first initial state with the first
 * fingerprint, then at each step the first action, in the model's order, that leads to the next.
 * The breadth-first search records paths this way so that they do not depend on which member of
 * a symmetry orbit it expanded (canonical.ts).
 *
 * @throws Error if no initial state or action leads to the next fingerprint: the model is not
 * deterministic, or its symmetry is not one.
 */
export function stepsThrough<State, Action>(
  model: Model<State, Action>,
  fingerprinter: StateFingerprinter<State>,
  lanes: readonly number[],
): number[] {
  const matches = (k: number): boolean =>
    (fingerprinter.high || 1) === lanes[k] && (fingerprinter.low || 1) === lanes[k + 1];
  const initial = model.init();
  let first = -1;
  for (let i = 0; i < initial.length && first < 0; i++) {
    fingerprinter.hash(initial[i] as State);
    if (matches(0)) first = i;
  }
  if (first < 0)
    throw new Error('replay: no initial state has the recorded fingerprint: is init() deterministic?');
  const steps = [first];
  let state = initial[first] as State;
  const listed: Action[] = [];
  for (let k = 2; k < lanes.length; k += 2) {
    fingerprinter.expanding(state);
    listed.length = 0;
    model.actions(state, listed);
    let next: State | undefined;
    for (let i = 0; i < listed.length && next === undefined; i++) {
      const after = model.next(state, listed[i] as Action);
      if (after === undefined || after === state) continue;
      fingerprinter.hash(after);
      if (matches(k)) {
        steps.push(i);
        next = after;
      }
    }
    if (next === undefined) {
      throw new Error(
        `replay: no action of step ${k / 2} leads to the recorded state: are actions() and next() deterministic?`,
      );
    }
    state = next;
  }
  return steps;
}
