/**
 * The module search workers import to build their model. A TypeScript model is bundled once,
 * here, into one JavaScript file, so that workers start without a TypeScript loader: registering
 * tsx in a worker and compiling the model's imports there cost about 0.7 s per run, against
 * about 50 ms for one bundle.
 *
 * The bundle holds the model's own files; the packages it imports (fairlink itself included)
 * stay imports, resolved from the model's own folder the way Node would, and pointed at by
 * absolute URL so that the bundle works from a temporary folder. `tsconfig` path aliases are not
 * applied: a package import means the installed package, as it does for Node. One difference
 * remains: `import.meta.url` in the model's own files names the bundle, not the source file.
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A module URL for workers, and how to clean up after them. */
export interface WorkerModule {
  readonly url: string;
  dispose(): Promise<void>;
}

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * The module itself if Node can load it as it is; else a bundle of it in a new temporary
 * folder, or `undefined` when bundling fails (esbuild missing, syntax it refuses): the caller
 * then loads the source through tsx in each worker, which reports such errors clearly.
 */
export async function workerModule(url: string): Promise<WorkerModule | undefined> {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(new URL(url).pathname)) {
    return { url, dispose: () => Promise.resolve() };
  }
  let code: string;
  try {
    code = await bundle(fileURLToPath(url));
  } catch {
    return undefined;
  }
  const folder = await mkdtemp(join(tmpdir(), 'fairlink-check-'));
  const file = join(folder, 'model.mjs');
  await writeFile(file, code);
  return {
    url: pathToFileURL(file).href,
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}

async function bundle(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // No tsconfig: its path aliases would point package imports at TypeScript sources.
    tsconfigRaw: {},
    plugins: [
      {
        name: 'packages-stay-imports',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.kind === 'entry-point' || args.pluginData === PLUGIN_INNER) return undefined;
            if (args.path.startsWith('node:')) return { path: args.path, external: true };
            const found = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              pluginData: PLUGIN_INNER,
            });
            if (found.errors.length > 0) return { errors: found.errors };
            // A built-in module without the `node:` prefix resolves to itself.
            if (found.external) return { path: found.path, external: true };
            return { path: pathToFileURL(found.path).href, external: true };
          });
        },
      },
    ],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}

/** Marks the plugin's own resolution requests, so it does not answer them itself. */
const PLUGIN_INNER = Symbol('packages-stay-imports');
