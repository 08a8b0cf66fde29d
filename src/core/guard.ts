/**
 * Catching protocol code that reaches for the real world while simulated.
 *
 * Inside a simulated step, time and randomness belong to the engine. While a
 * guard is installed, `Math.random`, `Date`, `performance.now`, `setTimeout`,
 * `setInterval`, `setImmediate` and `queueMicrotask` throw an error that names
 * the global and the handler that was running. The engine installs the guard
 * once around its synchronous run loop (not around each step: that would cost
 * a dozen property writes per step), and its own code in that loop uses none
 * of these globals.
 */

/** Thrown by a guarded global; the engine turns it into a finding. */
export class ForbiddenGlobalError extends Error {
  override readonly name = 'ForbiddenGlobalError';
  constructor(readonly global: string) {
    super(
      `called ${global}, which is forbidden in protocol code: use the context's now(), random() and setTimer()`,
    );
  }
}

interface Saved {
  random: typeof Math.random;
  date: DateConstructor;
  performanceNowOwn: boolean;
  performanceNow: typeof performance.now;
  setTimeout: typeof setTimeout;
  setInterval: typeof setInterval;
  setImmediate: typeof setImmediate;
  queueMicrotask: typeof queueMicrotask;
}

let installed = 0;
let saved: Saved | undefined;

function thrower(global: string): () => never {
  return () => {
    throw new ForbiddenGlobalError(global);
  };
}

/**
 * Replaces the real-world globals with throwing stand-ins until the returned
 * function is called. Nested installs are counted; the outermost restores.
 */
export function installGlobalGuard(): () => void {
  installed++;
  if (installed === 1) {
    saved = {
      random: Math.random,
      date: globalThis.Date,
      performanceNowOwn: Object.hasOwn(performance, 'now'),
      // Saved to be put back as it was, never called unbound.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      performanceNow: performance.now,
      setTimeout: globalThis.setTimeout,
      setInterval: globalThis.setInterval,
      setImmediate: globalThis.setImmediate,
      queueMicrotask: globalThis.queueMicrotask,
    };
    const RealDate = saved.date;
    const GuardedDate = function Date(): never {
      throw new ForbiddenGlobalError('Date');
    } as unknown as DateConstructor;
    GuardedDate.now = thrower('Date.now');
    GuardedDate.parse = RealDate.parse;
    GuardedDate.UTC = RealDate.UTC;
    Math.random = thrower('Math.random');
    globalThis.Date = GuardedDate;
    performance.now = thrower('performance.now');
    globalThis.setTimeout = thrower('setTimeout') as unknown as typeof setTimeout;
    globalThis.setInterval = thrower('setInterval');
    globalThis.setImmediate = thrower('setImmediate') as unknown as typeof setImmediate;
    globalThis.queueMicrotask = thrower('queueMicrotask');
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    installed--;
    if (installed === 0) putGlobalsBack();
  };
}

/** Puts the saved real globals back. */
function putGlobalsBack(): void {
  if (!saved) return;
  Math.random = saved.random;
  globalThis.Date = saved.date;
  if (saved.performanceNowOwn) performance.now = saved.performanceNow;
  else delete (performance as { now?: unknown }).now;
  globalThis.setTimeout = saved.setTimeout;
  globalThis.setInterval = saved.setInterval;
  globalThis.setImmediate = saved.setImmediate;
  globalThis.queueMicrotask = saved.queueMicrotask;
  saved = undefined;
}

/**
 * Runs `action` with the real globals, inside a guarded run: for a tool that looks at the run
 * between steps (the explorer's snapshots judge history properties, whose checkers may time
 * themselves), never for protocol code. The guard is back, as deep as it was, when it returns.
 */
export function withoutGlobalGuard<T>(action: () => T): T {
  if (installed === 0) return action();
  const depth = installed;
  installed = 0;
  putGlobalsBack();
  try {
    return action();
  } finally {
    installGlobalGuard();
    installed = depth;
  }
}
