/**
 * A lab's handout folder, as `fairlink lab test` finds it: `lab.json` marks it (written by
 * `fairlink lab init`), `tests/` holds the suite's scenarios, which import the student's
 * protocol.ts.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/index.js';
import { labFolderUrl } from './suite.js';

/** The marker file of a handout folder. */
export const HANDOUT_MARKER = 'lab.json';

/** Where the tests live in a handout; `fairlink lab test` writes them afresh before each run. */
export const HANDOUT_TESTS = 'tests';

/** Every file under `folder`, as paths relative to it (with `/`), sorted. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** The package's handout files of lab `lab`: path relative to the handout, and content. */
export function shippedHandoutFiles(lab: number): [string, string][] {
  const folder = fileURLToPath(new URL('handout/', labFolderUrl(lab)));
  return filesUnder(folder).map((path) => [path, readFileSync(join(folder, path), 'utf8')]);
}

/** The marker's content. */
export function handoutMarker(lab: number, title: string): string {
  return `${JSON.stringify({ lab, title }, null, 2)}\n`;
}

/**
 * Checks that `folder` holds lab `expected`'s handout: bad input when it holds none, or another
 * lab's.
 */
export function requireHandout(folder: string, expected: number): void {
  const marker = join(folder, HANDOUT_MARKER);
  if (!existsSync(marker)) {
    throw new InputError(
      `${folder}: not a lab handout folder (no ${HANDOUT_MARKER}): run fairlink lab init ${expected} first, or cd into the handout`,
    );
  }
  let lab: unknown;
  try {
    lab = (JSON.parse(readFileSync(marker, 'utf8')) as { lab?: unknown }).lab;
  } catch (error) {
    throw new InputError(`${marker}: not JSON: ${(error as Error).message}`);
  }
  if (typeof lab !== 'number') throw new InputError(`${marker}: field 'lab' must be a number`);
  if (lab !== expected) {
    throw new InputError(`${marker}: this folder holds lab ${lab}'s handout, not lab ${expected}'s`);
  }
}

/**
 * Writes the lab's test scenarios into the handout as the package ships them, so that the tests
 * run are the suite's own whatever happened to the copies (the student edits protocol.ts only).
 */
export function refreshHandoutTests(folder: string, lab: number): void {
  for (const [path, content] of shippedHandoutFiles(lab)) {
    if (!path.startsWith(`${HANDOUT_TESTS}/`)) continue;
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
}
