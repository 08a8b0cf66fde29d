/**
 * The module search workers import to build their model. A TypeScript model is bundled once,
 * here, into one JavaScript file, so that workers start without a TypeScript loader: registering
 * tsx in a worker and compiling the model's imports there cost about 0.7 s per run, against
 * about 50 ms for one bundle.
 *
 * The bundle is the one the scenario loader makes (sim/compiled-module.ts): the model's own
 * files, with the packages it imports left as imports by absolute URL.
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleModule } from '../sim/index.js';

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
  const folder = await mkdtemp(join(tmpdir(), 'fairlink-check-'));
  const file = join(folder, 'model.mjs');
  try {
    await writeFile(file, (await bundleModule(fileURLToPath(url), file)).code);
  } catch {
    await rm(folder, { recursive: true, force: true });
    return undefined;
  }
  return {
    url: pathToFileURL(file).href,
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}
