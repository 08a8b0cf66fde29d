/**
 * Start-up (issue 15): a small `fairlink sim` or `fairlink check` loads only what it uses. Each
 * heavy package is a measured cost on every run, so the test names the modules that must not
 * load, rather than timing anything: zod (55 ms of CPU to load, needed only to read a trace),
 * esbuild (only to compile a scenario that is not in the compiled-module cache yet) and
 * typescript (only for --typecheck). fairlink's own code comes from the build's bundle
 * (scripts/bundle.ts): a few chunk files rather than one file per module, and one copy of each
 * module per thread, shared by the CLI and the scenario's `import ... from 'fairlink/sim'`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

/** Packages a plain run must not load. */
const NOT_ON_A_PLAIN_RUN = ['zod', 'esbuild', 'typescript', 'cli-progress'];

/**
 * Runs the command twice (the first run fills the compiled-module cache, kept in the scratch
 * folder) with a module hook that lists every module loaded, in the main thread and in workers;
 * returns what the second run loaded.
 */
async function modulesLoaded(args: readonly string[]): Promise<string[]> {
  const folder = scratchFolder();
  const list = join(folder, 'loaded.txt');
  const hooks = join(folder, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(list)}, url + '\\n');
  return next(url, context);
}
`,
  );
  const register = join(folder, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const env = { TMPDIR: folder, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` };
  const first = await runFairlink(args, { cwd: repositoryRoot, env });
  expect(first.stderr).toBe('');
  writeFileSync(list, '');
  const second = await runFairlink(args, { cwd: repositoryRoot, env });
  expect(second.stderr).toBe('');
  return readFileSync(list, 'utf8')
    .split('\n')
    .filter((url) => url !== '');
}

/**
 * fairlink's files among `urls` (paths under the repository's dist/) that are not the bundle's:
 * only the modules of `core` that stay files for the stack frames (core/stack.ts) may be.
 */
function outsideTheBundle(urls: readonly string[]): string[] {
  const dist = pathToFileURL(join(repositoryRoot, 'dist')).href;
  return urls
    .filter((url) => url.startsWith(`${dist}/`))
    .map((url) => url.slice(dist.length + 1))
    .filter((path) => !path.startsWith('bundle/') && !/^core\/[\w-]+\.js$/.test(path));
}

/** The packages among `urls`, by name. */
function packagesOf(urls: readonly string[]): Set<string> {
  return new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
}

describe('start-up: what a small command loads', () => {
  it('fairlink sim --seed 1 loads the bundle, and neither zod, esbuild (cache hit) nor typescript', async () => {
    const cwd = scratchFolder();
    const loaded = await modulesLoaded([
      'sim',
      'examples/retransmit.ts',
      '--seed',
      '1',
      '--html',
      join(cwd, 'r.html'),
    ]);
    expect(loaded.some((url) => url.endsWith('/dist/bundle/sim-campaign-worker.js'))).toBe(true);
    expect(outsideTheBundle(loaded)).toEqual([]);
    const packages = packagesOf(loaded);
    for (const name of NOT_ON_A_PLAIN_RUN) expect(packages).not.toContain(name);
  });

  it('fairlink check loads the bundle, and neither zod, esbuild (cache hit) nor typescript', async () => {
    const cwd = scratchFolder();
    const loaded = await modulesLoaded([
      'check',
      'examples/two-generals.ts',
      '--trace',
      join(cwd, 't.jsonl'),
      '--html',
      join(cwd, 't.html'),
    ]);
    expect(loaded.some((url) => url.endsWith('/dist/bundle/cli.js'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('/dist/bundle/check.js'))).toBe(true);
    expect(outsideTheBundle(loaded)).toEqual([]);
    const packages = packagesOf(loaded);
    for (const name of NOT_ON_A_PLAIN_RUN) expect(packages).not.toContain(name);
  });

  it("the bundle's files name only files that exist: its workers, and tsc's files for the stack frames", () => {
    const bundle = join(repositoryRoot, 'dist', 'bundle');
    const named: string[] = [];
    for (const file of readdirSync(bundle).filter((name) => name.endsWith('.js'))) {
      const code = readFileSync(join(bundle, file), 'utf8');
      // A worker's file, and the modules outside the bundle (core's frame modules).
      for (const [, path] of code.matchAll(/new URL\("(\.\/[^"]+\.js)", import\.meta\.url\)/g))
        named.push(path as string);
      for (const [, path] of code.matchAll(/from "(\.\.\/[^"]+)"/g)) named.push(path as string);
    }
    expect(named).toContain('./sim-campaign-worker.js');
    expect(named).toContain('./check-worker.js');
    expect(named).toContain('./history-linearizability-worker.js');
    for (const path of new Set(named)) {
      expect(path).toMatch(/^\.\/|^\.\.\/core\//);
      expect(existsSync(join(bundle, path)), path).toBe(true);
    }
  });
});
