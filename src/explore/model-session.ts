/**
 * The state space of a scenario's `check` model, browsed one state at a time as in Stateright's
 * Explorer: from a state, every action the model lists, with its successor and the properties
 * there; follow any; or start from the checker's counterexample. States are reached by
 * replaying a path of indices (the initial state's, then each action's in `actions()` order)
 * with the checker's own `replay`, so a path in a URL always means the same state.
 */

import { InputError } from '../core/index.js';
import { encodePlain, plainToJson } from '../core/index.js';
import type { PropertyKind } from '../core/index.js';
import { check } from '../check/index.js';
import { guardedModel } from '../check/index.js';
import { defineModel, type Model } from '../check/index.js';
import { replay } from '../check/index.js';
import { describeAction } from '../report/index.js';
import { loadScenario } from '../sim/index.js';
import { resolveParams } from '../sim/index.js';

/** A property's verdict in one state. */
export interface ModelVerdict {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly verdict: boolean | string;
}

/** One state of the model, and where each enabled action leads. */
export interface ModelStateView {
  readonly steps: readonly number[];
  /** The actions along the path, described as `fairlink check` prints them. */
  readonly pathActions: readonly string[];
  readonly state: unknown;
  readonly properties: readonly ModelVerdict[];
  readonly actions: readonly {
    readonly index: number;
    readonly label: string;
    /** The successor (`encodePlain`), or null when the listed action turns out disabled. */
    readonly next: unknown;
    /** `always` properties that fail in the successor. */
    readonly violates: readonly string[];
  }[];
}

/** Successors kept in a state view at most (a state with more lists only these). */
const ACTIONS_SHOWN_MAX = 500;

export class ModelSession {
  private constructor(
    readonly scenarioPath: string,
    private readonly model: Model<unknown, unknown>,
  ) {}

  /** Loads the scenario's model as `fairlink check` does. */
  static async open(scenarioPath: string, params: readonly string[]): Promise<ModelSession> {
    const scenario = await loadScenario(scenarioPath);
    if (scenario.model === undefined) {
      throw new InputError(`${scenarioPath}: scenario '${scenario.name}' defines no model to check`);
    }
    const resolved = resolveParams(scenario, params);
    try {
      return new ModelSession(
        scenarioPath,
        guardedModel(defineModel(scenario.model(resolved) as Model<unknown, unknown>)),
      );
    } catch (thrown) {
      throw new InputError(`${scenarioPath}: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
  }

  /** The state at the end of `steps` (`[]`: the first initial state). */
  state(steps: readonly number[]): ModelStateView {
    const model = this.model;
    const path = steps.length === 0 ? [0] : steps;
    let replayed;
    try {
      replayed = replay(model, path);
    } catch (thrown) {
      throw new InputError(
        `steps ${path.join('.')}: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      );
    }
    const state = replayed.states[replayed.states.length - 1];
    const listed: unknown[] = [];
    model.actions(state, listed);
    return {
      steps: path,
      pathActions: replayed.actions.map(describeAction),
      state: encodePlain(state),
      properties: this.verdicts(state),
      actions: listed.slice(0, ACTIONS_SHOWN_MAX).map((action, index) => {
        const next = model.next(state, action);
        return {
          index,
          label: describeAction(action),
          next: next === undefined ? null : encodePlain(next),
          violates:
            next === undefined
              ? []
              : this.verdicts(next)
                  .filter((verdict) => verdict.kind === 'always' && verdict.verdict !== true)
                  .map((verdict) => verdict.name),
        };
      }),
    };
  }

  /**
   * The path (as steps) of the checker's counterexample to the first violated property, found
   * by a breadth-first search of at most `maxStates` states; null when none is found.
   */
  counterexample(maxStates = 200_000): readonly number[] | null {
    const result = check(this.model, { strategy: 'bfs', maxStates });
    const violated = result.properties.find(
      (outcome) => outcome.status === 'violation' && outcome.kind !== 'sometimes' && outcome.path,
    );
    const path = violated?.path ?? result.path;
    if (path === undefined) return null;
    // The checker's path holds states and actions; the explorer's, the indices that replay them.
    const initial = this.model
      .init()
      .findIndex((state) => plainToJson(state) === plainToJson(path.states[0]));
    const steps = [Math.max(0, initial)];
    path.actions.forEach((action, position) => {
      const listed: unknown[] = [];
      this.model.actions(path.states[position], listed);
      const wanted = plainToJson(action);
      steps.push(listed.findIndex((candidate) => plainToJson(candidate) === wanted));
    });
    return steps.every((index) => index >= 0) ? steps : null;
  }

  private verdicts(state: unknown): readonly ModelVerdict[] {
    return this.model.properties.map((property) => {
      let verdict: boolean | string;
      try {
        verdict = property.holds(state);
      } catch (thrown) {
        verdict = `the property itself threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      }
      return { name: property.name, kind: property.kind, verdict };
    });
  }
}
