/**
 * A model whose mistakes are reported, not thrown through the search.
 *
 * User code runs inside `init`, `actions`, `next` and the properties. This wrapper turns an
 * exception there into a {@link ModelError} that names the state and the action, and re-runs
 * transitions to catch a `next` that is not a function of its inputs (it reads a clock, a
 * global counter or `Math.random`): every one of the first `recheckAll` transitions, then one
 * in `recheckEvery`. A non-deterministic model would make the search's verdict meaningless.
 */

import { describeThrown } from '../core/index.js';
import { plainToJson } from '../core/index.js';
import type { Verdict } from '../core/index.js';
import { fingerprint } from './fingerprint.js';
import { structuralEqual } from '../history/index.js';
import type { Model } from './model.js';

/** What went wrong in the model's own code. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly problem: 'threw' | 'nondeterministic' | 'unhashable',
    readonly where: string,
    readonly state: unknown,
    readonly action: unknown,
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

/** How often transitions are re-run to check determinism. */
export interface DeterminismChecks {
  readonly recheckAll: number;
  readonly recheckEvery: number;
}

function describeState(value: unknown): string {
  try {
    return plainToJson(value);
  } catch {
    return String(value);
  }
}

function fingerprintOrThrow(value: unknown, state: unknown, action: unknown): bigint {
  try {
    return fingerprint(value);
  } catch (thrown) {
    throw new ModelError(
      'unhashable',
      'next',
      state,
      action,
      `the next state cannot be hashed: ${describeThrown(thrown)}`,
    );
  }
}

/** Wraps `model` so that its errors carry the state and action that caused them. */
export function guardedModel<State, Action>(
  model: Model<State, Action>,
  checks: DeterminismChecks = { recheckAll: 2_000, recheckEvery: 64 },
): Model<State, Action> {
  let transitions = 0;
  return {
    ...model,
    init() {
      try {
        return model.init();
      } catch (thrown) {
        throw new ModelError('threw', 'init', undefined, undefined, `threw ${describeThrown(thrown)}`);
      }
    },
    actions(state, out) {
      try {
        model.actions(state, out);
      } catch (thrown) {
        throw new ModelError('threw', 'actions', state, undefined, `threw ${describeThrown(thrown)}`);
      }
    },
    next(state, action) {
      let result: State | undefined;
      try {
        result = model.next(state, action);
      } catch (thrown) {
        if (thrown instanceof ModelError) throw thrown;
        throw new ModelError('threw', 'next', state, action, `threw ${describeThrown(thrown)}`);
      }
      transitions++;
      if (transitions <= checks.recheckAll || transitions % checks.recheckEvery === 0) {
        let again: State | undefined;
        try {
          again = model.next(state, action);
        } catch (thrown) {
          throw new ModelError(
            'nondeterministic',
            'next',
            state,
            action,
            `threw only when run again: ${describeThrown(thrown)}`,
          );
        }
        // Equal structures have equal fingerprints: then one fingerprint tells that the state
        // can be hashed (the actor models' two results share all but the node that stepped).
        const same = result !== undefined && again !== undefined && structuralEqual(result, again);
        const first = result === undefined ? undefined : fingerprintOrThrow(result, state, action);
        const second = same
          ? first
          : again === undefined
            ? undefined
            : fingerprintOrThrow(again, state, action);
        if (first !== second) {
          throw new ModelError(
            'nondeterministic',
            'next',
            state,
            action,
            `gave two different results for the same state and action: ${describeState(result)} and then ${describeState(again)}`,
          );
        }
      }
      return result;
    },
    properties: model.properties.map((property) => ({
      ...property,
      holds(state: State): Verdict {
        try {
          return property.holds(state);
        } catch (thrown) {
          throw new ModelError(
            'threw',
            `property '${property.name}'`,
            state,
            undefined,
            `threw ${describeThrown(thrown)}`,
          );
        }
      },
    })),
  };
}
