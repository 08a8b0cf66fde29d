/**
 * What a command may touch of the process: its output streams and its exit
 * code. Commands receive it rather than reaching for `process`, so tests can
 * run them in-process.
 */

import type { ExitCodeValue } from './usage.js';

/** An output stream of the CLI. */
export interface CliStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
}

/** Shared by every subcommand. */
export interface CliContext {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  /** Records the command's exit code (the last call wins). */
  readonly setExitCode: (code: ExitCodeValue) => void;
}
