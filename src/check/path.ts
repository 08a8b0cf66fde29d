/**
 * Re-deriving paths. The visited set keeps no states, only, per state, its parent and the index
 * of the action that produced it; a path is rebuilt by replaying those indices from the initial
 * state. The model is deterministic, so replay yields exactly the states the search saw.
 *
 * @module
 */
import type { Model } from './model.js';
import type { Path } from './result.js';

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
