/**
 * The loader under vitest: vitest runs `import()` through its own module
 * pipeline, so syntax errors (reported by Node's loader and tsx) are tested
 * end to end in test/cli instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { loadScenario, prepareScenario } from './load-scenario.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

function scratchFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fairlink-load-')), name);
  writeFileSync(path, content);
  return path;
}

describe('loadScenario', () => {
  it('loads a TypeScript scenario', async () => {
    const scenario = await loadScenario(fixture('pass.ts'));
    expect(scenario.name).toBe('pass');
    expect(scenario.params).toEqual({ count: 5, drop: 0.2 });
  });

  it('loads a JavaScript scenario', async () => {
    const path = scratchFile(
      'plain.mjs',
      "export default { name: 'plain', params: { n: 1 }, build: () => ({}) };\n",
    );
    expect((await loadScenario(path)).name).toBe('plain');
  });

  it.each([
    ['missing.ts', 'missing.ts: no such file'],
    ['.', '.: not a file (expected a scenario module)'],
    ['package.json', 'package.json: not a scenario module (expected a .ts, .mts, .js or .mjs file)'],
  ])('refuses %s', async (path, message) => {
    await expect(loadScenario(path)).rejects.toThrow(new InputError(message));
  });

  it('names a module without a default export', async () => {
    const path = fixture('no-default-export.ts');
    await expect(loadScenario(path)).rejects.toThrow(
      `${path}: no default export (expected export default defineScenario({ name, params, build }))`,
    );
  });

  it('says what the default export lacks', async () => {
    const path = fixture('not-a-scenario.ts');
    await expect(loadScenario(path)).rejects.toThrow(
      `${path}: the default export is not a scenario (an object without name, params, build); use export default defineScenario({...})`,
    );
    const number = scratchFile('number.mjs', 'export default 42;\n');
    await expect(loadScenario(number)).rejects.toThrow(
      `${number}: the default export is not a scenario (number)`,
    );
  });

  it('sends a model to the model checker', async () => {
    const path = scratchFile(
      'model.mjs',
      "export default { kind: 'model', params: {}, build: () => ({}) };\n",
    );
    await expect(loadScenario(path)).rejects.toThrow(
      `${path}: exports a model for the model checker (kind 'model')`,
    );
  });

  it('reports a module that throws while loading', async () => {
    const path = fixture('throws-on-load.ts');
    await expect(loadScenario(path)).rejects.toThrow(
      new InputError(`${path}: failed while loading: Error: configuration file not found`),
    );
  });

  it('keeps the message of an input error thrown while loading (defineScenario checks)', async () => {
    const path = scratchFile(
      'unnamed.mjs',
      `import { defineScenario } from ${JSON.stringify(new URL('./scenario.ts', import.meta.url).href)};\n` +
        "export default defineScenario({ name: '', params: {}, build: () => ({}) });\n",
    );
    await expect(loadScenario(path)).rejects.toThrow(
      `${path}: defineScenario: \`name\` must be a non-empty string`,
    );
  });
});

describe('prepareScenario', () => {
  it('resolves parameters and builds a valid configuration', async () => {
    const scenario = await loadScenario(fixture('pass.ts'));
    const prepared = prepareScenario(scenario, 'pass.ts', ['count=7']);
    expect(prepared.params).toEqual({ count: 7, drop: 0.2 });
    expect(Object.keys(prepared.config.nodes)).toEqual(['n1', 'n2']);
  });

  it.each([
    [
      'negative-delay.ts',
      [],
      'negative-delay.ts: network.delay: delay must be a finite number of ms >= 0, got -5',
    ],
    ['drop-above-one.ts', [], 'drop-above-one.ts: network.drop must be a probability in [0, 1), got 1.5'],
    [
      'partition-unknown-node.ts',
      [],
      "partition-unknown-node.ts: faults[0]: partition names unknown node 'n9'",
    ],
    ['pass.ts', ['drop=1'], 'pass.ts: network.drop must be a probability in [0, 1), got 1'],
    ['pass.ts', ['speed=3'], "--param speed: scenario 'pass' has no such parameter (it has: count, drop)"],
  ])('refuses %s %j', async (name, params, message) => {
    const scenario = await loadScenario(fixture(name));
    expect(() => prepareScenario(scenario, name, params)).toThrow(message);
  });

  it('reports a build function that throws', () => {
    const scenario = {
      name: 'thrower',
      params: {},
      build: () => {
        throw new TypeError('nodes is not iterable');
      },
    };
    expect(() => prepareScenario(scenario, 'thrower.ts', [])).toThrow(
      new InputError('thrower.ts: build() threw TypeError: nodes is not iterable'),
    );
  });
});
