/**
 * The build's bundle (dist/bundle/): the CLI, every package entry point and every worker thread's
 * entry, bundled by esbuild into ES modules that share their code through common chunks.
 *
 * Why: Node 20 loads ES modules one file at a time (four thread-pool calls each), and every
 * module barrel (`index.ts`) loads all it re-exports. A `fairlink check` loaded 163 modules; the
 * bundle loads a few chunks holding only the code reachable from what is imported (tree-shaking
 * goes through the barrels). Types still come from tsc (dist/**\/*.d.ts), and tsc's JavaScript
 * stays in dist/ for whoever imports a file of it directly (benchmarks, a few tests).
 *
 * What keeps one copy of each module per thread:
 * - the CLI (`bin/fairlink.js` imports `cli.js`) and the package's entry points (package.json
 *   "exports": a scenario's `import ... from 'fairlink/sim'` resolves to `sim.js`) are entries of
 *   the same build, so they share its chunks;
 * - a worker's file, written in the sources as `new URL('./worker.js', import.meta.url)`, is an
 *   entry too, and that URL is pointed at it;
 * - the modules `core/stack.ts` recognises stack frames by (`FRAME_MODULES`) stay tsc's files,
 *   imported from `dist/core/`, as do the modules they import: a protocol's frames are told
 *   apart from fairlink's by file.
 *
 * Every output is in one folder, one level below dist/, so each source module's
 * `import.meta.url` is given as the URL of tsc's file for it (`dist/<module>/<file>.js`):
 * relative paths to package.json, templates, labs and the explorer's app resolve as they do
 * from tsc's files.
 *
 * Usage: tsx scripts/bundle.ts (run by `npm run build`, after tsc).
 */

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { FRAME_MODULES } from '../src/core/stack.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
/** The bundle's folder; package.json's "exports" and bin/fairlink.js point into it. */
export const BUNDLE = join(DIST, 'bundle');

/** The CLI's entry, imported by bin/fairlink.js as `dist/bundle/cli.js`. */
const CLI_ENTRY = { cli: join(SOURCE, 'cli/main.ts') };

/** `new URL('<relative path>', import.meta.url)`, the one way the sources name a file beside them. */
const URL_OF_FILE = /new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g;

/** The sources that are bundled: TypeScript under src/, but tests and the web app (vite builds it). */
function sourceFiles(folder = SOURCE): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return path === join(SOURCE, 'explore/app') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A source file's entry name in the bundle: its path under src/, '/' as '-' (`sim-campaign-worker`). */
function entryName(source: string): string {
  return relative(SOURCE, source).replace(/\.ts$/, '').split('/').join('-');
}

/** The TypeScript source a `./file.js` URL in `source` names, when there is one. */
function sourceNamed(source: string, path: string): string | undefined {
  if (!path.endsWith('.js')) return undefined;
  const candidate = resolve(dirname(source), path.replace(/\.js$/, '.ts'));
  return existsSync(candidate) ? candidate : undefined;
}

/** Package entry points: each "exports" target's source (from its types) under its bundle name. */
function packageEntries(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types?: string; default?: string }>;
  };
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    const { types, default: file } = target;
    if (types === undefined || file === undefined || !file.startsWith('./dist/bundle/')) {
      throw new Error(`package.json exports ${subpath}: expected types and a default in ./dist/bundle/`);
    }
    entries[basename(file, '.js')] = join(
      ROOT,
      types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'),
    );
  }
  return entries;
}

/** Worker entries: every source file some module names by `new URL('./x.js', import.meta.url)`. */
function workerEntries(sources: readonly string[]): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const source of sources) {
    for (const [, , path] of readFileSync(source, 'utf8').matchAll(URL_OF_FILE)) {
      const target = sourceNamed(source, path as string);
      if (target !== undefined) entries[entryName(target)] = target;
    }
  }
  return entries;
}

/** `FRAME_MODULES` and every module they import: the files the bundle imports from dist/core/. */
async function frameModules(): Promise<Set<string>> {
  const roots = FRAME_MODULES.map((name) => join(SOURCE, 'core', `${name}.ts`));
  const result = await build({
    entryPoints: roots,
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    outdir: join(DIST, '.frame-modules'),
    logLevel: 'silent',
  });
  return new Set(Object.keys(result.metafile.inputs).map((input) => resolve(ROOT, input)));
}

/**
 * Each source's `import.meta.url` as tsc's file's URL, and a `new URL('./x.js', import.meta.url)`
 * naming an entry as that entry's bundle file.
 */
function moduleUrls(entries: Record<string, string>): Plugin {
  const entryOf = new Map(Object.entries(entries).map(([name, source]) => [source, name]));
  return {
    name: 'module-urls',
    setup(context) {
      context.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const ownUrl = `new URL(${JSON.stringify(`../${relative(SOURCE, args.path).replace(/\.ts$/, '.js')}`)}, import.meta.url)`;
        // One pass, so that the URL given to an entry's file is not rewritten again.
        const contents = source.replace(
          new RegExp(`${URL_OF_FILE.source}|\\bimport\\.meta\\.url\\b`, 'g'),
          (whole, _quote: string | undefined, path: string | undefined) => {
            const target = path === undefined ? undefined : sourceNamed(args.path, path);
            if (target === undefined) return whole.replace(/\bimport\.meta\.url\b/, `${ownUrl}.href`);
            const entry = entryOf.get(target);
            if (entry === undefined) throw new Error(`${args.path}: ${path} is not a bundle entry`);
            return `new URL(${JSON.stringify(`./${entry}.js`)}, import.meta.url)`;
          },
        );
        return { contents, loader: 'ts' };
      });
    },
  };
}

/** Imports of the frame modules stay imports, of tsc's files in dist/core/. */
function frameModulesStayFiles(files: ReadonlySet<string>): Plugin {
  return {
    name: 'frame-modules-stay-files',
    setup(context) {
      context.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        if (!files.has(target)) return undefined;
        const distFile = relative(SOURCE, target).replace(/\.ts$/, '.js');
        return { path: `../${distFile}`, external: true };
      });
    },
  };
}

/** Builds dist/bundle/ afresh. */
export async function bundle(): Promise<void> {
  const sources = sourceFiles();
  const entries = { ...CLI_ENTRY, ...packageEntries(), ...workerEntries(sources) };
  const frames = await frameModules();
  rmSync(BUNDLE, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: BUNDLE,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    // Packages (commander, esbuild, zod, ...) stay imports, resolved from node_modules as before.
    packages: 'external',
    // Names as written: reports and errors show class and function names.
    keepNames: true,
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    logLevel: 'warning',
    plugins: [frameModulesStayFiles(frames), moduleUrls(entries)],
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle();
}
