/**
 * Where a model comes from when it must be built in several threads: functions cannot cross a
 * thread boundary, so each worker imports the model's module and builds the model itself.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import { defineModel, type Model } from './model.js';

/**
 * A module that exports a model, and how to get it:
 * - `module`: a file URL or a path to the module (TypeScript is fine: workers load it through
 *   tsx when needed);
 * - `export`: the export's name (default: `default`);
 * - `params`: passed to the builder.
 *
 * The export may be a {@link Model}, a function `(params) => Model`, or a scenario object
 * `{ kind: 'model', params, build(params) }`, whose own `params` are the default.
 */
export interface ModelSource {
  readonly module: string | URL;
  readonly export?: string;
  readonly params?: unknown;
}

/** The module's URL as a string. */
export function moduleUrl(source: ModelSource): string {
  const { module } = source;
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
    ? module
    : pathToFileURL(module).href;
}

/**
 * Imports and builds the model a source describes.
 *
 * @throws TypeError if the export is missing or is not a model, a builder or a scenario.
 */
export async function loadModel(source: ModelSource): Promise<Model<unknown, unknown>> {
  const url = moduleUrl(source);
  const name = source.export ?? 'default';
  const loaded = (await import(url)) as Record<string, unknown>;
  const exported = loaded[name];
  if (exported === undefined) throw new TypeError(`loadModel: ${url} has no export named "${name}"`);
  let model: unknown = exported;
  if (typeof exported === 'function') {
    model = (exported as (params: unknown) => unknown)(source.params);
  } else if (
    typeof exported === 'object' &&
    exported !== null &&
    typeof (exported as { model?: unknown }).model === 'function'
  ) {
    // A scenario (defineScenario from fairlink/sim): its `model(params)` is what to explore.
    const scenario = exported as { model: (params: unknown) => unknown; params?: unknown };
    model = scenario.model(source.params ?? scenario.params);
  } else if (typeof exported === 'object' && exported !== null && 'build' in exported) {
    const scenario = exported as { build: unknown; params?: unknown };
    if (typeof scenario.build !== 'function')
      throw new TypeError(`loadModel: ${name}.build must be a function`);
    model = (scenario.build as (params: unknown) => unknown)(source.params ?? scenario.params);
  }
  return defineModel(model as Model<unknown, unknown>);
}
