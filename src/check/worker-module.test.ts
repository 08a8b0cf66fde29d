import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerModule } from './worker-module.js';

const example = new URL('../../examples/two-phase-commit.ts', import.meta.url).href;

describe('workerModule', () => {
  it('leaves a JavaScript module as it is', async () => {
    const url = new URL('./model.js', import.meta.url).href;
    expect((await workerModule(url))?.url).toBe(url);
  });

  it('bundles a TypeScript model into plain JavaScript whose package imports point at the installed package', async () => {
    const bundled = await workerModule(example);
    expect(bundled).toBeDefined();
    const module = bundled as NonNullable<typeof bundled>;
    const { url } = module;
    expect(url).toMatch(/^file:.*\/fairlink-check-[^/]+\/model\.mjs$/);
    const code = readFileSync(fileURLToPath(url), 'utf8');
    // fairlink/sim is the package's build, not the TypeScript source tsconfig's paths name.
    expect(code).toContain(`from "${new URL('../../dist/bundle/sim.js', import.meta.url).href}"`);
    expect(code).not.toMatch(/src\/sim/);
    const loaded = (await import(url)) as { twoPhaseCommit: (params: { rms: number }) => unknown };
    expect(typeof loaded.twoPhaseCommit).toBe('function');
    await module.dispose();
    expect(existsSync(dirname(fileURLToPath(url)))).toBe(false);
  });

  it('gives up on a module esbuild cannot bundle, leaving the error to the loader', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fairlink-worker-module-'));
    const file = join(folder, 'broken.ts');
    writeFileSync(file, 'export const model = {;\n');
    expect(await workerModule(pathToFileURL(file).href)).toBeUndefined();
    rmSync(folder, { recursive: true, force: true });
  });
});
