/**
 * A user's TypeScript module (a scenario, a model) as one plain JavaScript
 * module that Node imports without a TypeScript loader.
 *
 * Starting a loader (tsx) in a thread took half a second or more of a
 * command's start-up: Node runs loader hooks on a thread of their own, and
 * every file then goes through them. Instead, esbuild bundles the module's own
 * files into one ES module, once, and the result is cached under the temporary
 * folder, named by a hash of the entry's path and of every input's content: a
 * later run reads the inputs, hashes them and imports the cached file, without
 * loading esbuild at all. The inputs include, for each package the module imports,
 * the file the import resolved to and the package's package.json: a package that
 * moved its entry points (a new version, a rebuilt checkout) makes a new bundle,
 * where the cached one would import a file that no longer exports what it did.
 *
 * The bundle holds the module's own files; the packages it imports (fairlink
 * itself included) stay imports, resolved from the importing file's folder the
 * way Node would and pointed at by absolute URL, so that the bundle works from
 * any folder and shares the packages' module instances with the engine.
 * `tsconfig` path aliases are not applied: a package import means the
 * installed package, as it does for Node. `import.meta.url`, `dirname` and
 * `filename` in the module's own files name their source file, not the
 * bundle. The bundle has an inline source map, so stacks name the source files.
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** Bumped when the bundle's shape changes, so that older cached bundles are not used. */
const BUNDLE_FORMAT = 2;

/** A bundle and the files it was made of (absolute paths). */
export interface Bundle {
  readonly code: string;
  readonly inputs: readonly string[];
}

/** What the cache keeps beside a bundle: its inputs and the hash of their contents. */
interface Manifest {
  readonly format: number;
  readonly inputs: readonly string[];
  readonly digest: string;
}

/**
 * Bundles the module at `entry` (an absolute path) as described above, with
 * its inline source map naming sources relative to `outputFile`. Rejects with
 * esbuild's failure (its `errors` say where) when a file does not compile or
 * an import does not resolve.
 */
export async function bundleModule(entry: string, outputFile: string): Promise<Bundle> {
  const esbuild = await import('esbuild');
  const workingDirectory = process.cwd();
  const packageFiles = new Set<string>();
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node's own resolution: no `module` field or condition, which Node ignores.
    mainFields: ['main'],
    conditions: [],
    // Function and class names as written (bundling renames clashing identifiers).
    keepNames: true,
    sourcemap: 'inline',
    outfile: outputFile,
    absWorkingDir: workingDirectory,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // No tsconfig: its path aliases would point package imports at TypeScript sources.
    tsconfigRaw: {},
    plugins: [packagesStayImports(packageFiles), importMetaOfSource],
  });
  const output = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (output === undefined) throw new Error('esbuild produced no output');
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(workingDirectory, input));
  return { code: output.text, inputs: [...inputs, ...[...packageFiles].sort()] };
}

/**
 * The URL of the compiled module for `entry` (an absolute path): a cached
 * bundle when its inputs are unchanged, else a new one. Rejects as
 * {@link bundleModule} does.
 */
export async function compiledModuleUrl(entry: string): Promise<string> {
  const folder = cacheFolder();
  const key = hash([String(BUNDLE_FORMAT), process.version, entry]).slice(0, 24);
  const manifestPath = join(folder, `${key}.json`);
  const cached = readManifest(manifestPath);
  if (cached !== undefined) {
    const digest = digestOf(cached.inputs);
    if (digest === cached.digest) {
      const file = join(folder, `${key}-${digest}.mjs`);
      if (existsSync(file)) return pathToFileURL(file).href;
    }
  }
  // The file's name holds the inputs' digest: a process that imported an older bundle
  // (its module cache is keyed by URL) imports the new one under a new name.
  const draft = join(folder, `${key}.mjs`);
  const bundle = await bundleModule(entry, draft);
  const digest = digestOf(bundle.inputs);
  const file = join(folder, `${key}-${digest}.mjs`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeAtomically(file, bundle.code);
    const manifest: Manifest = { format: BUNDLE_FORMAT, inputs: bundle.inputs, digest };
    writeAtomically(manifestPath, JSON.stringify(manifest));
  } catch {
    // No writable temporary folder: import the bundle from memory (slower next time, same result).
    return `data:text/javascript;base64,${Buffer.from(bundle.code).toString('base64')}`;
  }
  return pathToFileURL(file).href;
}

/** Where bundles are cached: one folder per user under the temporary folder. */
function cacheFolder(): string {
  const user = process.getuid?.() ?? 'user';
  return join(tmpdir(), `fairlink-${user}`, 'modules');
}

function readManifest(path: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    if (
      manifest.format !== BUNDLE_FORMAT ||
      !Array.isArray(manifest.inputs) ||
      typeof manifest.digest !== 'string'
    ) {
      return undefined;
    }
    return manifest as Manifest;
  } catch {
    return undefined; // No manifest yet, or a damaged one: bundle again.
  }
}

/** A hash of the inputs' paths and contents; a missing input gives a digest no manifest holds. */
function digestOf(inputs: readonly string[]): string {
  const parts: string[] = [];
  for (const input of inputs) {
    let content: string;
    try {
      content = readFileSync(input, 'utf8');
    } catch {
      content = '\0missing';
    }
    parts.push(input, content);
  }
  return hash(parts).slice(0, 24);
}

function hash(parts: readonly string[]): string {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex');
}

/** Writes a file under a temporary name and renames it: a reader never sees half of it. */
function writeAtomically(path: string, content: string): void {
  const draft = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(draft, content, { mode: 0o600 });
  renameSync(draft, path);
}

/** Marks the plugin's own resolution requests, so it does not answer them itself. */
const PLUGIN_INNER = Symbol('packages-stay-imports');

/** The package.json of the package holding `file`: the nearest one above it, if any. */
function packageManifestOf(file: string): string | undefined {
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) return manifest;
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * Package imports stay imports, by absolute URL; a package that is TypeScript source is bundled.
 * The files an import resolved to, and their packages' package.json, go into `resolvedFiles`.
 */
const packagesStayImports = (resolvedFiles: Set<string>): Plugin => ({
  name: 'packages-stay-imports',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind === 'entry-point' || args.pluginData === PLUGIN_INNER) return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const found = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: PLUGIN_INNER,
      });
      if (found.errors.length > 0) return { errors: found.errors };
      // A built-in module without the `node:` prefix resolves to itself.
      if (found.external) return { path: found.path, external: true };
      // Node cannot import TypeScript from a package (a workspace's sources): bundle it.
      if (/\.[cm]?tsx?$/.test(found.path)) return { path: found.path };
      resolvedFiles.add(found.path);
      const manifest = packageManifestOf(found.path);
      if (manifest !== undefined) resolvedFiles.add(manifest);
      return { path: pathToFileURL(found.path).href, external: true };
    });
  },
});

/** `import.meta.url`, `.dirname` and `.filename` of each source file, not of the bundle. */
const importMetaOfSource: Plugin = {
  name: 'import-meta-of-source',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const values: Record<string, string> = {
        url: pathToFileURL(args.path).href,
        dirname: dirname(args.path),
        filename: args.path,
      };
      const contents = source.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, name: string) =>
        JSON.stringify(values[name]),
      );
      const extension = /\.([cm]?)([jt]sx?)$/.exec(args.path)?.[2] ?? 'js';
      return { contents, loader: extension as 'js' | 'ts' | 'jsx' | 'tsx' };
    });
  },
};
