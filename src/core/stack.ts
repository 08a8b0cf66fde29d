/**
 * The protocol's own frames of an error's stack, for reports.
 *
 * A handler that throws is a finding, and the message alone rarely says where:
 * reports carry the frames of the protocol's code, with file, line and column
 * in the user's `.ts` source (tsx compiles scenarios with source maps and turns
 * Node's source-map support on, in every thread that loads one). The frames
 * around them say nothing to the user and are left out: above, fairlink's
 * context method that refused a call; below, the step runner, the engine
 * (simulator, checker) and whoever called it.
 *
 * Paths are relative to the working directory when inside it, so that a trace
 * written from a project's root is the same on every machine.
 */

/** The package's root directory (this file is in `src/core` or `dist/core`), with a trailing slash. */
const PACKAGE_ROOT = decodeURIComponent(new URL('../../', import.meta.url).pathname);

/**
 * The modules of `src/core` whose frames are told apart by file: the context's methods (`step`,
 * `plain`, `guard`, `errors`) and the step runner (`step`). The build's bundle keeps them as
 * files of their own beside it (scripts/bundle.ts), so that their frames still name them.
 */
export const FRAME_MODULES: readonly string[] = ['step', 'plain', 'guard', 'errors'];

/** The files of the context's methods, whose frames above a protocol's are the method that refused a call. */
const CONTEXT_FILES = FRAME_MODULES.flatMap((name) => [
  `${PACKAGE_ROOT}dist/core/${name}.js`,
  `${PACKAGE_ROOT}src/core/${name}.ts`,
]);
/** The step runner's files: their last frame is the call of the handler, and below it is the engine. */
const STEP_FILES = ['dist/core/step.js', 'src/core/step.ts'].map((file) => PACKAGE_ROOT + file);

/** More frames than this are cut: a report needs the top of a deep recursion, not all of it. */
const FRAMES_MAX = 12;

/**
 * The protocol's frames of `thrown`'s stack, innermost first, each as V8
 * writes it after `at ` (`onMessage (examples/echo.ts:12:7)`); `undefined`
 * when there is no stack or no frame of the protocol.
 */
export function protocolFrames(thrown: unknown): string[] | undefined {
  let stack: unknown;
  try {
    stack = (thrown as { stack?: unknown } | null)?.stack;
  } catch {
    return undefined; // A getter that throws: no stack to show.
  }
  if (typeof stack !== 'string') return undefined;
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const match = /^\s+at (.*)$/.exec(line);
    if (match) frames.push(match[1] as string);
  }
  const files = frames.map(frameFile);
  // Below the step runner's call of the handler: the engine, and whoever called the engine.
  let last = files.length;
  while (last > 0 && !STEP_FILES.includes(files[last - 1] as string)) last--;
  if (last === 0)
    last = files.length; // No runner: a stack cut short by Error.stackTraceLimit.
  else last--;
  // Above the protocol's frames: the context method that refused a call, or Node's own code.
  let first = 0;
  while (first < last && isContextOrNode(files[first] as string)) first++;
  if (first === last) return undefined;
  return frames.slice(first, Math.min(last, first + FRAMES_MAX)).map(shortenPaths);
}

function isContextOrNode(file: string): boolean {
  return file.startsWith('node:') || CONTEXT_FILES.includes(file);
}

/** The absolute file of a frame (inside its last parentheses, or the whole frame), without line and column. */
function frameFile(frame: string): string {
  const match = /\(([^()]*)\)$/.exec(frame);
  const location = match ? (match[1] as string) : frame.replace(/^async /, '');
  const file = location.replace(/:\d+:\d+$/, '');
  return file.startsWith('file://') ? decodeURIComponent(file.slice('file://'.length)) : file;
}

/** `file:///abs/x.ts` and `/abs/x.ts` as `x.ts` relative to the working directory when inside it. */
function shortenPaths(frame: string): string {
  const directory = currentDirectory();
  return frame
    .replace(/file:\/\/(\/[^:()]*)/g, (_, path: string) => decodeURIComponent(path))
    .split(`${directory}/`)
    .join('');
}

function currentDirectory(): string {
  // Read when a fault is reported, not at load: a test may change directory.
  const process = (globalThis as { process?: { cwd?: () => string } }).process;
  return process?.cwd?.() ?? '/';
}
