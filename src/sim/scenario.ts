/**
 * Scenarios: what `fairlink sim` and `fairlink check` run.
 *
 * A scenario is a module whose default export is `defineScenario({...})`: a
 * name, parameters with default values (which `--param NAME=VALUE` overrides,
 * parsed by the type of the default), and a `build` function that turns the
 * parameters into a system configuration. Building is pure, so every seed of a
 * campaign starts from the same configuration.
 */

import { InputError } from '../core/index.js';
import type { SimulationConfig } from './simulator.js';

/** A parameter value: what `--param` can express. */
export type ParamValue = number | boolean | string;

/** Parameters by name. */
export type Params = Readonly<Record<string, ParamValue>>;

/** A string parameter that takes one of a fixed set of values (see {@link oneOf}). */
export interface OneOf<T extends string = string> {
  readonly oneOf: readonly T[];
  readonly default: T;
}

/** A parameter as `defineScenario` takes it: a default value, or a fixed set of values. */
export type ParamSpec = ParamValue | OneOf;

/** Parameters as `defineScenario` takes them. */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/**
 * A parameter that takes one of `values` (default: `defaultValue`, else the
 * first): `build` sees the union of their types, `--param` refuses any other
 * value, naming the allowed ones, and `fairlink sim FILE --list-params` lists them.
 */
export function oneOf<const T extends string>(values: readonly T[], defaultValue?: T): OneOf<T> {
  const fallback = defaultValue ?? values[0];
  if (values.length === 0 || fallback === undefined)
    throw new InputError('oneOf: expected at least one value');
  return { oneOf: values, default: fallback };
}

/** A runnable scenario: a simulation (`build`), a model to check (`model`), or both. */
export interface Scenario<P extends Params = Params> {
  /** A short name for traces and reports (the example file's name, usually). */
  readonly name: string;
  /** One sentence: what the scenario shows. */
  readonly description?: string;
  /** Parameters with their defaults. */
  readonly params: P;
  /** For the parameters declared with {@link oneOf}: the values each takes. */
  readonly paramChoices?: Readonly<Record<string, readonly string[]>>;
  /** The system to simulate for these parameters (`fairlink sim`). */
  readonly build?: (params: P) => SimulationConfig;
  /**
   * The model to explore for these parameters (`fairlink check`): a `Model` from
   * `fairlink/check`, such as `actorModel({...})` over the same protocols, or a plain
   * TLA+-style model. Typed loosely here because the simulator does not depend on the
   * model checker; `fairlink check` validates it.
   */
  readonly model?: (params: P) => unknown;
  /** How many seeds `fairlink sim` runs when none are given (default 1). */
  readonly seeds?: number;
}

/**
 * Parameter types as `--param` can set them: `true` as a default means any
 * boolean; a {@link oneOf} parameter is the union of its values.
 */
export type WidenParams<P> = {
  readonly [K in keyof P]: P[K] extends OneOf<infer T>
    ? T
    : P[K] extends boolean
      ? boolean
      : P[K] extends number
        ? number
        : P[K] extends string
          ? string
          : never;
};

/** What `defineScenario` takes: a scenario whose `params` may declare {@link oneOf} sets. */
type ScenarioInput<P extends ParamSpecs> = Omit<Scenario<WidenParams<P>>, 'params' | 'paramChoices'> & {
  readonly params: P;
};

/** A scenario that can be simulated. */
export type SimulationScenario<P extends Params = Params> = Scenario<P> & {
  readonly build: (params: P) => SimulationConfig;
};

/** A scenario that can be model-checked. */
export type ModelScenario<P extends Params = Params> = Scenario<P> & {
  readonly model: (params: P) => unknown;
};

/**
 * Marks a scenario object, checking its shape at the boundary. Parameters
 * declared with {@link oneOf} become their default value in `params`, their
 * sets in `paramChoices`.
 */
export function defineScenario<const P extends ParamSpecs>(
  scenario: ScenarioInput<P> & { readonly build: (params: WidenParams<P>) => SimulationConfig },
): SimulationScenario<WidenParams<P>>;
export function defineScenario<const P extends ParamSpecs>(
  scenario: ScenarioInput<P> & { readonly model: (params: WidenParams<P>) => unknown },
): ModelScenario<WidenParams<P>>;
export function defineScenario<P extends Params>(scenario: Scenario<P>): Scenario<P>;
export function defineScenario<const P extends ParamSpecs>(
  scenario: ScenarioInput<P>,
): Scenario<WidenParams<P>> {
  if (typeof scenario !== 'object' || scenario === null)
    throw new InputError('defineScenario: expected an object');
  if (typeof scenario.name !== 'string' || scenario.name === '') {
    throw new InputError('defineScenario: `name` must be a non-empty string');
  }
  if (scenario.build !== undefined && typeof scenario.build !== 'function') {
    throw new InputError(`defineScenario('${scenario.name}'): \`build\` must be a function`);
  }
  if (scenario.model !== undefined && typeof scenario.model !== 'function') {
    throw new InputError(`defineScenario('${scenario.name}'): \`model\` must be a function`);
  }
  if (scenario.build === undefined && scenario.model === undefined) {
    throw new InputError(
      `defineScenario('${scenario.name}'): needs \`build\` (to simulate) or \`model\` (to check)`,
    );
  }
  if (typeof scenario.params !== 'object' || scenario.params === null) {
    throw new InputError(`defineScenario('${scenario.name}'): \`params\` must be an object of defaults`);
  }
  const params: Record<string, ParamValue> = {};
  const paramChoices: Record<string, readonly string[]> = {};
  for (const [name, spec] of Object.entries(scenario.params as ParamSpecs)) {
    if (typeof spec !== 'object') {
      params[name] = spec;
      continue;
    }
    const values: unknown = (spec as Partial<OneOf> | null)?.oneOf;
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      !values.every((value) => typeof value === 'string') ||
      !values.includes(spec.default)
    ) {
      throw new InputError(
        `defineScenario('${scenario.name}'): parameter '${name}' must be a number, boolean, string or oneOf([...])`,
      );
    }
    params[name] = spec.default;
    paramChoices[name] = values;
  }
  return {
    ...(scenario as unknown as Scenario<WidenParams<P>>),
    params: params as WidenParams<P>,
    ...(Object.keys(paramChoices).length === 0 ? {} : { paramChoices }),
  };
}

/** Whether a module export looks like a scenario (for loading user files). */
export function isScenario(value: unknown): value is Scenario {
  const candidate = value as Partial<Scenario> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    (typeof candidate.build === 'function' || typeof candidate.model === 'function') &&
    typeof candidate.params === 'object'
  );
}

/**
 * Applies `NAME=VALUE` overrides to a scenario's defaults. Each value is
 * parsed as the type of its default; an unknown name or a value of the wrong
 * type is an input error naming both.
 */
export function resolveParams<P extends Params>(scenario: Scenario<P>, overrides: readonly string[]): P {
  const resolved: Record<string, ParamValue> = { ...scenario.params };
  for (const override of overrides) {
    const equals = override.indexOf('=');
    if (equals <= 0) throw new InputError(`--param '${override}': expected NAME=VALUE`);
    const name = override.slice(0, equals);
    const text = override.slice(equals + 1);
    // Own keys only: `in` would accept inherited names such as `toString` or `__proto__`.
    if (!Object.hasOwn(scenario.params, name)) {
      const known = Object.keys(scenario.params);
      throw new InputError(
        `--param ${name}: scenario '${scenario.name}' has no such parameter (it has: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    const fallback = scenario.params[name];
    switch (typeof fallback) {
      case 'number': {
        const value = Number(text);
        if (text.trim() === '' || !Number.isFinite(value)) {
          throw new InputError(`--param ${name}=${text}: expected a number`);
        }
        resolved[name] = value;
        break;
      }
      case 'boolean':
        if (text !== 'true' && text !== 'false')
          throw new InputError(`--param ${name}=${text}: expected true or false`);
        resolved[name] = text === 'true';
        break;
      default: {
        const choices = scenario.paramChoices?.[name];
        if (choices !== undefined && !choices.includes(text)) {
          throw new InputError(`--param ${name}=${text}: expected one of ${choices.join(', ')}`);
        }
        resolved[name] = text;
      }
    }
  }
  return resolved as P;
}
