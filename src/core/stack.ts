/**
 * The protocol's own frames of an error's stack, for reports.
 *
 * A handler that throws is a finding, and the message alone rarely says where:
 * reports carry the frames of the protocol's code, with file, line and column
 * in the user's `.ts` source (tsx compiles scenarios with source maps and turns
 * Node's source-map support on, in every thread that loads one). fairlink's
 * engine frames (the step runner, the simulator, the checker) above and below
 * them say nothing to the user and are left out, and so is whatever called the
 * engine; its bundled protocols
 * (`fairlink/protocols`) are protocol code and stay.
 *
 * Paths are relative to the working directory when inside it, so that a trace
 * written from a project's root is the same on every machine.
 */

/** The package's root directory (this file is in `src/core` or `dist/core`), with a trailing slash. */
const PACKAGE_ROOT = decodeURIComponent(new URL('../../', import.meta.url).pathname);

/** Folders of the package whose code is the engine's, not a protocol's. */
const ENGINE_FOLDERS = ['dist/', 'src/'].map((folder) => PACKAGE_ROOT + folder);
const PROTOCOL_FOLDERS = ['dist/protocols/', 'src/protocols/'].map((folder) => PACKAGE_ROOT + folder);

/** More frames than this are cut: a report needs the top of a deep recursion, not all of it. */
const FRAMES_MAX = 12;

/**
 * The protocol's frames of `thrown`'s stack, innermost first, each as V8
 * writes it after `at ` (`onMessage (examples/echo.ts:12:7)`); `undefined`
 * when there is no stack or no frame outside fairlink's engine.
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
    if (match) frames.push(shortenPaths(match[1] as string));
  }
  // The protocol's frames are the first run outside the engine: above it, the context method
  // that refused a call; below it, the step runner and whoever called the engine.
  let first = 0;
  while (first < frames.length && isEngineFrame(frames[first] as string)) first++;
  let last = first;
  while (last < frames.length && last < first + FRAMES_MAX && !isEngineFrame(frames[last] as string)) last++;
  return first === last ? undefined : frames.slice(first, last);
}

/** Whether a frame is fairlink's engine or Node's own code. */
function isEngineFrame(frame: string): boolean {
  const location = frameLocation(frame);
  if (location.startsWith('node:') || location === 'native' || location.startsWith('<anonymous>'))
    return true;
  const absolute = location.startsWith('/') ? location : `${currentDirectory()}/${location}`;
  if (PROTOCOL_FOLDERS.some((folder) => absolute.startsWith(folder))) return false;
  return ENGINE_FOLDERS.some((folder) => absolute.startsWith(folder));
}

/** The `file:line:column` part of a frame (inside the last parentheses, or the whole frame). */
function frameLocation(frame: string): string {
  const match = /\(([^()]*)\)$/.exec(frame);
  return match ? (match[1] as string) : frame.replace(/^async /, '');
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
