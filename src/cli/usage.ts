/**
 * Usage errors and exit codes: what every `fairlink` command shares.
 *
 * DESIGN.md section 7 fixes the exit codes. A usage error is bad input from
 * the command line; it is reported on one line as `fairlink: <what is wrong>`
 * and exits with code 2, exactly like bad input from a file.
 */

import { InputError } from '../core/index.js';

/** Exit codes, as DESIGN.md section 7 defines them. */
export const ExitCode = {
  /** No violation. */
  pass: 0,
  /** A violation (or a protocol fault) was found. */
  violation: 1,
  /** Bad input or usage. */
  input: 2,
  /** Unknown: a budget ran out before the question was settled. */
  unknown: 3,
  /** A bug in fairlink itself (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad command-line usage: exit code 2, one line. */
export class UsageError extends InputError {}

/**
 * Whether `error` is bad input. Checked by name as well as by class: a scenario
 * may import a second copy of fairlink (a global CLI with a local library),
 * whose `InputError` is a different class with the same name.
 */
export function isInputError(error: unknown): error is Error {
  return error instanceof InputError || (error instanceof Error && error.name === 'InputError');
}

/** Folds a possibly multi-line message into one line. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}
