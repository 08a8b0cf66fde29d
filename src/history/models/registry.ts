/**
 * The built-in models by name, as the command line and the worker threads know them. A model
 * that crosses to a worker thread travels as its {@link ModelSpec} and is rebuilt there, since
 * functions cannot be sent between threads.
 *
 * @module
 */
import { HistoryUsageError } from '../errors.js';
import { counterModel, queueModel, setModel } from './collections.js';
import { keyValueModel } from './key-value.js';
import type { Model } from './model.js';
import { casRegisterModel, registerModel } from './register.js';

/** Names of the built-in models. */
export const builtinModelNames = ['register', 'cas-register', 'kv', 'queue', 'set', 'counter'] as const;

/** A built-in model's name. `key-value` is accepted as an alias of `kv`. */
export type BuiltinModelName = (typeof builtinModelNames)[number];

/** A built-in model and its options: what a worker thread needs to rebuild it. */
export interface ModelSpec {
  readonly name: BuiltinModelName;
  /** The initial value, for the registers and the key-value model. */
  readonly initial?: unknown;
}

/** Resolves a model name (case-insensitive; `key-value` means `kv`). */
export function parseModelName(name: string): BuiltinModelName {
  const lower = name.toLowerCase();
  const canonical = lower === 'key-value' ? 'kv' : lower;
  const found = builtinModelNames.find((known) => known === canonical);
  if (found === undefined) {
    throw new HistoryUsageError(`unknown model "${name}"; known models: ${builtinModelNames.join(', ')}`);
  }
  return found;
}

/** The built-in models that start from a value that can be chosen (`--initial`). */
export const modelsWithInitialValue: readonly BuiltinModelName[] = ['register', 'cas-register', 'kv'];

/**
 * The spec of the built-in model `name`, starting from `initial` when given.
 *
 * @throws `HistoryUsageError` for an unknown name, or an initial value for a model that has none
 *   to choose (a queue starts empty, a counter at 0).
 */
export function parseModelSpec(name: string, initial?: unknown): ModelSpec {
  const canonical = parseModelName(name);
  if (initial === undefined) return { name: canonical };
  if (!modelsWithInitialValue.includes(canonical)) {
    throw new HistoryUsageError(
      `--initial: the ${canonical} model has no initial value to choose (models that have one: ${modelsWithInitialValue.join(', ')})`,
    );
  }
  return { name: canonical, initial };
}

/** Builds a built-in model from its spec. */
export function createModel(spec: ModelSpec): Model<unknown> {
  const initial = spec.initial === undefined ? {} : { initial: spec.initial };
  switch (spec.name) {
    case 'register':
      return registerModel(initial);
    case 'cas-register':
      return casRegisterModel(initial);
    case 'kv':
      return keyValueModel(initial);
    case 'queue':
      return queueModel();
    case 'set':
      return setModel();
    case 'counter':
      return counterModel();
  }
}
