/**
 * Loading a user's scenario file without a build step.
 *
 * A scenario is a `.ts`, `.mts`, `.js` or `.mjs` module whose default export is
 * `defineScenario({...})`. A TypeScript file is bundled into one JavaScript
 * module and cached (compiled-module.ts): no loader hooks, and after the first
 * run no compiler either. JavaScript files are imported as they are, unless
 * they import TypeScript.
 *
 * Every failure is an {@link InputError} whose one-line message starts with
 * the path as the user wrote it, so the CLI can print it as it is.
 */

import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildFailure, TransformFailure } from 'esbuild';
import { describeThrown, InputError } from '../core/index.js';
import { compiledModuleUrl } from './compiled-module.js';
import { isScenario, resolveParams, type Params, type Scenario } from './scenario.js';
import { validateConfig, type SimulationConfig } from './simulator.js';

/** File extensions a scenario may have. */
export const SCENARIO_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts']);

/** A scenario ready to run: its parameters resolved and its configuration built and checked. */
export interface PreparedScenario {
  readonly scenario: Scenario;
  readonly params: Params;
  readonly config: SimulationConfig;
}

/**
 * Checks that `path` names a file with a scenario's extension, without
 * loading it: cheap enough to run before starting any worker.
 */
export function checkScenarioFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(resolve(path)).isFile();
  } catch {
    throw new InputError(`${path}: no such file`);
  }
  if (!isFile) throw new InputError(`${path}: not a file (expected a scenario module)`);
  if (!SCENARIO_EXTENSIONS.includes(extname(path).toLowerCase())) {
    throw new InputError(`${path}: not a scenario module (expected a .ts, .mts, .js or .mjs file)`);
  }
}

/**
 * Imports the scenario module at `path` (relative to the working directory)
 * and returns its default export, checked to be a scenario.
 */
export async function loadScenario(path: string): Promise<Scenario> {
  return scenarioExport(await importScenarioModule(path), path);
}

/**
 * The URL to import for the scenario at `path`: the file itself for
 * JavaScript, its compiled bundle for TypeScript (see compiled-module.ts).
 * Workers import this URL, so that they compile nothing.
 */
export async function scenarioModuleUrl(path: string): Promise<string> {
  checkScenarioFile(path);
  const absolute = resolve(path);
  if (!TYPESCRIPT_EXTENSIONS.has(extname(absolute).toLowerCase())) return pathToFileURL(absolute).href;
  return await compileScenario(path, absolute);
}

/** Imports the scenario module at `path`, or the module at `url` compiled from it. */
async function importScenarioModule(path: string, url?: string): Promise<unknown> {
  const moduleUrl = url ?? (await scenarioModuleUrl(path));
  const absolute = resolve(path);
  // Stacks of a handler's errors in the scenario's own source: the bundle's inline source map,
  // or a compiled JavaScript file's own.
  process.setSourceMapsEnabled(true);
  try {
    return await import(moduleUrl);
  } catch (thrown) {
    if (
      moduleUrl.startsWith('file:') &&
      !TYPESCRIPT_EXTENSIONS.has(extname(absolute).toLowerCase()) &&
      codeOf(thrown) === 'ERR_UNKNOWN_FILE_EXTENSION'
    ) {
      // A JavaScript scenario that imports TypeScript: bundle it as a TypeScript one is.
      try {
        return await import(await compileScenario(path, absolute));
      } catch (again) {
        throw explainLoadError(again, path, absolute);
      }
    }
    throw explainLoadError(thrown, path, absolute);
  }
}

/** The compiled bundle's URL, or an input error naming the file, line and column of a compile error. */
async function compileScenario(path: string, absolute: string): Promise<string> {
  try {
    return await compiledModuleUrl(absolute);
  } catch (thrown) {
    const first = (thrown as Partial<BuildFailure>).errors?.[0];
    if (first === undefined) throw thrown;
    const unresolved = /^Could not resolve "([^"]+)"/.exec(first.text)?.[1];
    if (unresolved !== undefined) throw cannotImport(path, unresolved);
    const location = first.location;
    if (location === null || location === undefined) {
      throw new InputError(`${path}: cannot compile: ${oneLine(first.text)}`);
    }
    const file = resolve(location.file);
    const where = file === absolute ? '' : ` in ${location.file}`;
    // esbuild counts columns from 0; editors count from 1.
    throw new InputError(
      `${path}: syntax error${where} at line ${location.line}, column ${location.column + 1}: ${oneLine(first.text)}`,
    );
  }
}

/** A package or file the scenario imports that is not there. */
function cannotImport(path: string, missing: string): InputError {
  const hint =
    missing === 'fairlink' || missing.startsWith('fairlink/')
      ? ' (outside a clone of fairlink, install it in the project that holds the scenario: npm install fairlink, or npm link fairlink)'
      : '';
  return new InputError(`${path}: cannot import '${missing}'${hint}`);
}

/**
 * Resolves `--param` overrides, builds the configuration and validates it.
 * Errors name the path (or the `--param` that is wrong).
 */
export function prepareScenario(
  scenario: Scenario,
  path: string,
  overrides: readonly string[],
): PreparedScenario {
  const params = resolveParams(scenario, overrides);
  let config: SimulationConfig;
  if (scenario.build === undefined) {
    throw new InputError(
      `${path}: scenario '${scenario.name}' defines a model to check but no simulation: run fairlink check`,
    );
  }
  try {
    config = scenario.build(params);
  } catch (thrown) {
    if (isInputErrorLike(thrown)) throw new InputError(`${path}: ${thrown.message}`);
    throw new InputError(`${path}: build() threw ${describeThrown(thrown)}`);
  }
  try {
    validateConfig(config);
  } catch (thrown) {
    if (isInputErrorLike(thrown)) throw new InputError(`${path}: ${thrown.message}`);
    throw thrown;
  }
  return { scenario, params, config };
}

/** The scenario a module exports, or an error saying what the module exports instead. */
function scenarioExport(namespace: unknown, path: string): Scenario {
  const record = namespace as Record<string, unknown>;
  let candidate = record.default;
  // A CommonJS module (a .js file in a CommonJS package) arrives with
  // module.exports as the default; an ES default export compiled to CommonJS is inside it.
  if (
    !isScenario(candidate) &&
    typeof candidate === 'object' &&
    candidate !== null &&
    'default' in candidate
  ) {
    candidate = (candidate as Record<string, unknown>).default;
  }
  if (candidate === undefined) {
    throw new InputError(
      `${path}: no default export (expected export default defineScenario({ name, params, build }))`,
    );
  }
  if (isScenario(candidate)) return candidate;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    (candidate as { kind?: unknown }).kind === 'model'
  ) {
    throw new InputError(
      `${path}: exports a model for the model checker (kind 'model'), not a simulation scenario`,
    );
  }
  const missing = (['name', 'params', 'build'] as const).filter((key) => {
    const value = (candidate as Record<string, unknown> | null)?.[key];
    return key === 'build'
      ? typeof value !== 'function'
      : key === 'name'
        ? typeof value !== 'string'
        : typeof value !== 'object';
  });
  const what =
    typeof candidate === 'object' && candidate !== null
      ? `an object without ${missing.join(', ')}`
      : typeof candidate;
  throw new InputError(
    `${path}: the default export is not a scenario (${what}); use export default defineScenario({...})`,
  );
}

/** Turns an import failure into a one-line input error naming the file. */
function explainLoadError(thrown: unknown, path: string, absolute: string): InputError {
  if (isInputErrorLike(thrown)) return new InputError(`${path}: ${thrown.message}`);
  const code = codeOf(thrown);
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const shorten = (text: string): string => text.split(absolute).join(path);

  // Node reports JavaScript syntax errors without a location: find it with esbuild.
  if (thrown instanceof SyntaxError) {
    const location = locateSyntaxError(absolute);
    const where = location ? ` at line ${location.line}, column ${location.column}` : '';
    return new InputError(`${path}: syntax error${where}: ${oneLine(message)}`);
  }
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1] ?? '?';
    return cannotImport(path, shorten(missing));
  }
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return new InputError(`${path}: ${oneLine(shorten(message))}`);
  }
  return new InputError(`${path}: failed while loading: ${oneLine(shorten(describeThrown(thrown)))}`);
}

/** esbuild's view of a JavaScript file's first syntax error. */
function locateSyntaxError(absolute: string): { line: number; column: number } | undefined {
  try {
    // A synchronous load: this runs while an error is being turned into a message.
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    esbuild.transformSync(readFileSync(absolute, 'utf8'), {
      loader: 'js',
      format: 'esm',
      sourcefile: absolute,
    });
    return undefined;
  } catch (failure) {
    const location = (failure as Partial<TransformFailure>).errors?.[0]?.location;
    return location ? { line: location.line, column: location.column + 1 } : undefined;
  }
}

function isInputErrorLike(thrown: unknown): thrown is Error {
  return thrown instanceof InputError || (thrown instanceof Error && thrown.name === 'InputError');
}

function codeOf(thrown: unknown): unknown {
  return typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}
