/**
 * Checks of output file names, made before any work so that a long campaign
 * does not end with "cannot write".
 */

import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage.js';

/**
 * An output path must be writable as a file: not a folder, and its nearest
 * existing ancestor a folder (missing folders are created when writing).
 */
export function checkOutputPath(flag: string, path: string): void {
  if (path === '') throw new UsageError(`${flag}: the file name is empty`);
  const absolute = resolve(path);
  if (statOf(absolute)?.isDirectory())
    throw new UsageError(`${flag} ${path}: is a folder, expected a file name`);
  for (let folder = dirname(absolute); ; folder = dirname(folder)) {
    const stats = statOf(folder);
    if (stats !== undefined) {
      if (!stats.isDirectory()) throw new UsageError(`${flag} ${path}: ${folder} is not a folder`);
      return;
    }
    if (dirname(folder) === folder) return;
  }
}

/** The file's stats, or undefined when it does not exist (or a part of its path is a file). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
