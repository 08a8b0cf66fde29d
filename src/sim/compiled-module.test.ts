/**
 * The compiled-module cache: a TypeScript module is bundled once, reused while
 * its files are unchanged, and bundled again when any of them changes.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledModuleUrl } from './compiled-module.js';

function scratchFolder(): string {
  return mkdtempSync(join(tmpdir(), 'fairlink-compiled-'));
}

describe('compiledModuleUrl', () => {
  it('bundles once and reuses the bundle while no input changes', async () => {
    const folder = scratchFolder();
    const entry = join(folder, 'entry.ts');
    const helper = join(folder, 'helper.ts');
    writeFileSync(helper, 'export const answer: number = 41;\n');
    writeFileSync(entry, "import { answer } from './helper.js';\nexport default answer + 1;\n");
    const first = await compiledModuleUrl(entry);
    expect(first).toMatch(/^file:.*\.mjs$/);
    expect(await compiledModuleUrl(entry)).toBe(first);
    // An imported file changes: a new bundle, under a new name (a process may hold the old one).
    writeFileSync(helper, 'export const answer: number = 1;\n');
    const second = await compiledModuleUrl(entry);
    expect(second).not.toBe(first);
    expect(((await import(second)) as { default: number }).default).toBe(2);
  });

  it('leaves package imports as imports by absolute URL, and keeps the source file in import.meta.url', async () => {
    const folder = scratchFolder();
    const entry = join(folder, 'entry.ts');
    writeFileSync(
      entry,
      "import { sep } from 'node:path';\nexport const here: string = import.meta.url;\nexport const separator = sep;\n",
    );
    const url = await compiledModuleUrl(entry);
    const code = readFileSync(fileURLToPath(url), 'utf8');
    expect(code).toContain('from "node:path"');
    expect(code).toContain('sourceMappingURL=data:application/json;base64,');
    expect(((await import(url)) as { here: string }).here).toBe(pathToFileURL(entry).href);
  });

  it('bundles again when an imported package moves its entry point (a cached bundle would import the old file)', async () => {
    const folder = scratchFolder();
    const dependency = join(folder, 'node_modules', 'dependency');
    mkdirSync(dependency, { recursive: true });
    const packageJson = (main: string): string =>
      JSON.stringify({ name: 'dependency', exports: `./${main}` });
    writeFileSync(join(dependency, 'old.js'), 'export const which = "old";\n');
    writeFileSync(join(dependency, 'new.js'), 'export const which = "new";\n');
    writeFileSync(join(dependency, 'package.json'), packageJson('old.js'));
    const entry = join(folder, 'entry.ts');
    writeFileSync(entry, "export { which } from 'dependency';\n");
    const first = await compiledModuleUrl(entry);
    expect(((await import(first)) as { which: string }).which).toBe('old');
    // Only the package changes, not the module's own files.
    writeFileSync(join(dependency, 'package.json'), packageJson('new.js'));
    const second = await compiledModuleUrl(entry);
    expect(second).not.toBe(first);
    expect(((await import(second)) as { which: string }).which).toBe('new');
  });

  it('rejects with esbuild errors naming the line of a syntax error', async () => {
    const folder = scratchFolder();
    const entry = join(folder, 'broken.ts');
    writeFileSync(entry, 'export const x = {;\n');
    await expect(compiledModuleUrl(entry)).rejects.toMatchObject({
      errors: [expect.objectContaining({ location: expect.objectContaining({ line: 1 }) as unknown })],
    });
  });
});
