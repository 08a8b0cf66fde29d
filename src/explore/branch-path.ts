/**
 * A branch path: the choices a user made in the explorer, each at one event of the run before
 * it. `[]` is the run itself (its seed or schedule); `[{ at: 40, choice: 'deliver:m12' }]` is
 * the run cut after the step that holds event 40, with message m12 delivered next.
 *
 * Paths are what the explorer's URL and API carry, so that reopening a URL rebuilds the same
 * runs on the server, deterministically.
 */

import { InputError } from '../core/index.js';

/** One choice: at which event of the previous run, and what happens next (see choices.ts). */
export interface BranchStep {
  readonly at: number;
  readonly choice: string;
}

export type BranchPath = readonly BranchStep[];

/** `40:deliver:m12,55:timer:n1:election` (the choice's own colons are kept: `at` ends at the first). */
export function formatBranchPath(path: BranchPath): string {
  return path.map((step) => `${step.at}:${step.choice}`).join(',');
}

/** The inverse of {@link formatBranchPath}; `''` is the empty path. Throws an InputError naming `source`. */
export function parseBranchPath(text: string, source: string): BranchPath {
  if (text === '') return [];
  return text.split(',').map((part) => {
    const match = /^(\d+):([a-z]+:.+)$/.exec(part);
    if (!match) throw new InputError(`${source}: '${part}' is not a branch step (expected INDEX:CHOICE)`);
    return { at: Number(match[1]), choice: match[2] as string };
  });
}
