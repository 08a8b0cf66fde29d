import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './files.js';

describe('writeFileAtomic', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fairlink-files-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes text and bytes, creating missing parent folders', async () => {
    const path = join(folder, 'a', 'b', 'trace.jsonl');
    await writeFileAtomic(path, 'line\n');
    expect(await readFile(path, 'utf8')).toBe('line\n');
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    expect(await readFile(path, 'utf8')).toBe('hi');
    expect(await readdir(join(folder, 'a', 'b'))).toEqual(['trace.jsonl']);
  });

  it('replaces an existing file whole and leaves no temporary file', async () => {
    const path = join(folder, 'out.html');
    await writeFile(path, 'old');
    await Promise.all([
      writeFileAtomic(path, 'x'.repeat(100_000)),
      writeFileAtomic(path, 'y'.repeat(100_000)),
    ]);
    expect(await readFile(path, 'utf8')).toMatch(/^(x{100000}|y{100000})$/);
    expect(await readdir(folder)).toEqual(['out.html']);
  });

  it('on failure leaves the target untouched and removes its temporary file', async () => {
    // A folder where the file should go: the final rename fails.
    const path = join(folder, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'keep');
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow();
    expect(await readdir(folder)).toEqual(['taken']);
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('keep');
  });

  it('fails with the system error when a parent is a file', async () => {
    await writeFile(join(folder, 'file'), 'x');
    await expect(writeFileAtomic(join(folder, 'file', 'child.txt'), 'y')).rejects.toThrow(/EEXIST|ENOTDIR/);
    expect(await readdir(folder)).toEqual(['file']);
  });
});
