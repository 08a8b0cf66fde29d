/**
 * Schedule shrinking: a failing run as a list of decisions, cut down to the few that matter.
 *
 * The seed-level shrinker (shrink.ts) leaves faults and losses out, but keeps every delivery,
 * timer firing and client operation the seed's clock and network produce: a Raft run stays
 * hundreds of steps long. Here the failing run's trace is read as a schedule (script.ts: which
 * message is delivered or lost next, which timer fires, which node crashes or recovers) and
 * replayed by the scripted adversary in its lenient mode: an action that became impossible
 * (its timer is not pending, no message of its kind is in flight on its link) is skipped, and
 * nothing happens that the schedule does not say (a message it does not deliver stays in
 * flight, a timer it does not fire never fires). Leaving out a write changes the values, terms
 * and counters of the messages after it, which would otherwise all be skipped: a delivery whose
 * exact message is not in flight takes the message of the same kind that the same step sent on
 * the link (`ScriptedAction.sentBy`), else the oldest of that kind there. (Measured on the
 * broken Raft store's stale reads: 373 steps without stand-ins, 152 with the oldest; on its
 * old-term commits, 161 steps with the oldest, which was often a message long stale, and 19
 * with the sending step's.) Each step also replays the choices it made (`ScriptedAction.choices`:
 * a workload client draws each operation's key, kind and values as choices), so that leaving
 * out an operation does not shift the draws of every later one (stale reads: 144 steps before,
 * 40 after).
 *
 * Delta debugging over the schedule, repeated to a fixpoint or until the budget runs out:
 * 1. cut the tail: the shortest prefix that still fails, by bisection;
 * 2. leave out client operations whole, last first: the client's part of one (its request's
 *    deliveries, the reply, the retries), else all it led to (schedule-causes.ts), so that the
 *    client's next operation takes its place instead of the client stopping there;
 * 3. cut each node's tail: all it does, sends or receives from a point on, by bisection;
 * 4. leave out everything a node does (its deliveries, timers, crashes): whole clients go;
 * 5. leave out each node's crashes and recoveries;
 * 6. leave out single timer firings, last first (what they caused goes with them);
 * 7. leave out chunks of the schedule, halves down to single actions, last first.
 * The budget is counted in candidate runs (`runsMax`), so that the shrunk run depends on the
 * seed and the version only; wall time is a guard (`timeBudgetMs`), and the outcome says when
 * it stopped the shrink (`stoppedBy: 'time'`): only then may the result vary from run to run.
 *
 * A candidate is kept only when it fails the same way (`sameFailure`), is no larger than the
 * failing run on any measure (steps, messages, operations, faults) and smaller in total than
 * the best run so far; its schedule is then re-read from its own trace, so actions skipped or
 * after the failure go. (Leaving out each timer firing together with every delivery it led to
 * by messages was tried too: it found nothing the other steps did not, at more runs.)
 *
 * Which failures: those that happen at a moment (an invariant, a protocol fault) and those
 * judged at the end on what clients saw (`at-end`, e.g. a history anomaly): doing less cannot
 * fake either. An `eventually` property or a livelock is about what a fair run does, and a
 * schedule that simply stops delivering would "fail" it for want of events, not for the bug:
 * those keep the seed-level shrink.
 *
 * The shrunk run replays strictly from its trace (`fairlink sim --schedule TRACE`): the last
 * run here is exactly that replay, checked to fail the same way with the same size.
 */

import { formatCount } from '../core/index.js';
import { operationCone, scheduleCauses } from './schedule-causes.js';
import { actionsForLenientReplay, scriptFromTrace } from './script.js';
import { sameFailure } from './shrink.js';
import {
  simulate,
  type Failure,
  type ScriptedAction,
  type SimulationConfig,
  type SimulationResult,
} from './simulator.js';

/**
 * Candidate runs schedule shrinking may make by default. The budget is counted in runs, not
 * time, so that the shrunk run is the same on a busy machine as on an idle one.
 */
export const SCHEDULE_SHRINK_RUNS_DEFAULT = 2_000;

/**
 * Wall time after which schedule shrinking stops by default, ms: a guard against a slow
 * scenario, not the budget. When it stops the shrink, the report says so: the result may then
 * differ from run to run.
 */
export const SCHEDULE_SHRINK_TIME_DEFAULT_MS = 120_000;

/** Why schedule shrinking stopped: a fixpoint (no pass made progress), or a budget. */
export type ScheduleShrinkStop = 'fixpoint' | 'runs' | 'time';

/** The measures of a run's size that schedule shrinking lowers and never raises. */
export interface ScheduleSize {
  /** Handler steps (in a scripted run: the actions carried out). */
  readonly steps: number;
  /** Messages sent. */
  readonly messages: number;
  /** Client operations invoked. */
  readonly operations: number;
  /** Faults (crashes and recoveries; in a seeded run, every fault that happened). */
  readonly faults: number;
}

/** Options of a schedule shrink. */
export interface ScheduleShrinkOptions {
  /** A guard: stop after this much wall time, ms (default 120 s); the best run so far is the outcome. */
  readonly timeBudgetMs?: number;
  /** Stop after this many candidate runs (default {@link SCHEDULE_SHRINK_RUNS_DEFAULT}). */
  readonly runsMax?: number;
  /** The clock the time guard reads, ms (default `performance.now`; tests make time pass). */
  readonly clock?: () => number;
  /**
   * The configuration of the final, traced run, when the candidates run on a wrapped one (the
   * campaign's watchdog wraps every handler; its frames must not show in a fault's stack).
   */
  readonly tracedConfig?: SimulationConfig;
  /** For the trace header of the shrunk run. */
  readonly scenario?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Called after every candidate run with the number of runs so far and the best size yet. */
  readonly onProgress?: (attempts: number, best: ScheduleSize) => void;
}

/** What schedule shrinking found. */
export type ScheduleShrinkOutcome =
  | {
      readonly reduced: true;
      /** The shrunk run, traced; its trace is its schedule (`sim --schedule`). */
      readonly result: SimulationResult;
      readonly before: ScheduleSize;
      readonly after: ScheduleSize;
      /** Candidate runs tried. */
      readonly attempts: number;
      /** Why it stopped: at a fixpoint, or when the run budget or the time guard ran out. */
      readonly stoppedBy: ScheduleShrinkStop;
    }
  | { readonly reduced: false; readonly why: string; readonly attempts: number };

/** Whether schedule shrinking applies to a failure (see the module comment). */
export function scheduleShrinkable(failure: Failure): boolean {
  return failure.kind === 'invariant' || failure.kind === 'protocol-fault' || failure.kind === 'at-end';
}

/** The size of a run. */
export function scheduleSizeOf(result: SimulationResult): ScheduleSize {
  let operations = 0;
  for (const event of result.history) if (event.type === 'invoke') operations++;
  return {
    steps: result.stats.steps,
    messages: result.stats.sends,
    operations,
    faults: result.stats.faults,
  };
}

const MEASURES: readonly (keyof ScheduleSize)[] = ['steps', 'messages', 'operations', 'faults'];

/** No larger on any measure. */
export function noLarger(next: ScheduleSize, than: ScheduleSize): boolean {
  return MEASURES.every((measure) => next[measure] <= than[measure]);
}

/** No larger on any measure and smaller on one: a strict partial order, so shrinking cannot cycle. */
function smaller(next: ScheduleSize, than: ScheduleSize): boolean {
  return noLarger(next, than) && MEASURES.some((measure) => next[measure] < than[measure]);
}

/** The sum of the measures. */
function total(size: ScheduleSize): number {
  return MEASURES.reduce((sum, measure) => sum + size[measure], 0);
}

/**
 * Whether a candidate is progress: smaller than the best so far, or a trade (one step less
 * may cost a message more, a retry no longer answered) that is smaller in total and no larger
 * than the failing run on any measure. Both lower the total, so shrinking cannot cycle. The
 * scripted replay of the failing run may itself count more on a measure than the seeded run
 * did (a fault the script does not model); the first kind of progress walks it down.
 */
function progress(next: ScheduleSize, best: ScheduleSize, start: ScheduleSize): boolean {
  return smaller(next, best) || (noLarger(next, start) && total(next) < total(best));
}

/**
 * One line: the run before and after, such as "1,225 steps, 1,075 messages, 120 operations,
 * 8 faults -> 41 steps, 38 messages, 4 operations, 0 faults (812 runs in 9.8 s)".
 */
export function summarizeSchedule(
  before: ScheduleSize,
  after: ScheduleSize,
  how: { readonly attempts: number; readonly wallMs: number; readonly stoppedBy: ScheduleShrinkStop },
): string {
  const sizes = (size: ScheduleSize): string =>
    MEASURES.map((measure) => {
      const count = size[measure];
      const noun = measure === 'steps' ? 'step' : measure === 'messages' ? 'message' : measure.slice(0, -1);
      return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
    }).join(', ');
  const runs = `${formatCount(how.attempts)} run${how.attempts === 1 ? '' : 's'}`;
  const time = `${(how.wallMs / 1000).toFixed(1)} s`;
  const stopped =
    how.stoppedBy === 'runs'
      ? '; the run budget ran out: the smallest run found within it'
      : how.stoppedBy === 'time'
        ? '; stopped by the time limit: the result may vary from run to run'
        : '';
  return `${sizes(before)} -> ${sizes(after)} (${runs} in ${time}${stopped})`;
}

/** The node an action happens at ('' for a partition or a heal, which happen at no node). */
function nodeOf(action: ScriptedAction): string {
  return 'to' in action ? action.to : 'node' in action ? action.node : '';
}

/** Whether an action happens at `node` or delivers (or loses) a message `node` sent. */
function involves(action: ScriptedAction, node: string): boolean {
  return 'to' in action ? action.to === node || action.from === node : nodeOf(action) === node;
}

/**
 * The schedule without the actions at `leftOut` (indices). A message's sending step is named
 * by its index, which moves: it is renumbered, and dropped when that step is left out.
 */
export function leaveOut(actions: readonly ScriptedAction[], leftOut: ReadonlySet<number>): ScriptedAction[] {
  const renumbered: number[] = [];
  let kept = 0;
  for (let index = 0; index < actions.length; index++) renumbered.push(leftOut.has(index) ? -1 : kept++);
  const result: ScriptedAction[] = [];
  actions.forEach((action, index) => {
    if (leftOut.has(index)) return;
    const sentBy = action.sentBy;
    if (sentBy === undefined || sentBy.action < 0) {
      result.push(action);
      return;
    }
    const { sentBy: _left, ...rest } = action;
    const step = renumbered[sentBy.action] ?? -1;
    result.push(step < 0 ? rest : { ...rest, sentBy: { action: step, nth: sentBy.nth } });
  });
  return result;
}

interface Best {
  readonly actions: readonly ScriptedAction[];
  readonly result: SimulationResult;
  readonly size: ScheduleSize;
}

/**
 * Shrinks the schedule of `failing`, a traced failing run of `config` with seed `seed` (the
 * nodes' own random draws come from it). `failing` is the run as reported so far (possibly
 * already shrunk by shrink.ts): the outcome is never larger than it.
 */
export function shrinkSchedule(
  config: SimulationConfig,
  failing: SimulationResult,
  options: ScheduleShrinkOptions = {},
): ScheduleShrinkOutcome {
  const target = failing.failure;
  if (target === undefined || failing.trace === undefined)
    return { reduced: false, why: 'the run passed or has no trace', attempts: 0 };
  if (!scheduleShrinkable(target)) {
    return {
      reduced: false,
      why: `a ${target.kind} failure is about what a fair run does; its schedule is not cut`,
      attempts: 0,
    };
  }
  const clock = options.clock ?? (() => performance.now());
  const deadline = clock() + (options.timeBudgetMs ?? SCHEDULE_SHRINK_TIME_DEFAULT_MS);
  const runsMax = options.runsMax ?? SCHEDULE_SHRINK_RUNS_DEFAULT;
  const seed = failing.seed;
  const before = scheduleSizeOf(failing);
  let attempts = 0;

  /** Replays `actions` leniently; returns the run and its own schedule when it fails like the target. */
  const run = (actions: readonly ScriptedAction[]): Best | undefined => {
    const result = simulate(config, { seed, script: actions, lenientScript: true, trace: true });
    if (!sameFailure(target, result.failure) || result.trace === undefined) return undefined;
    // Its own schedule: only what happened, up to the failure.
    return {
      actions: actionsForLenientReplay(scriptFromTrace(result.trace, 'shrunk run')),
      result,
      size: scheduleSizeOf(result),
    };
  };

  const reproduced = run(actionsForLenientReplay(scriptFromTrace(failing.trace, 'failing run')));
  if (reproduced === undefined) {
    return {
      reduced: false,
      why: 'the scripted replay of the run does not fail the same way (it depends on timing the schedule does not fix)',
      attempts: 0,
    };
  }
  let best: Best = reproduced;
  let timedOut = false;
  const budgetLeft = (): boolean => {
    if (attempts >= runsMax) return false;
    // The clock is read only as a guard: once it fires, it stays fired.
    timedOut ||= clock() >= deadline;
    return !timedOut;
  };

  /** Tries the best schedule without the actions at `leftOut` (indices); adopts it when smaller. */
  const attempt = (leftOut: ReadonlySet<number>): boolean => {
    attempts++;
    const tried = run(leaveOut(best.actions, leftOut));
    const accepted = tried !== undefined && progress(tried.size, best.size, before);
    if (accepted) best = tried;
    options.onProgress?.(attempts, best.size);
    return accepted;
  };

  /** Leaves out whole groups of actions (a node's, the faults), one group at a time. */
  const dropGroups = (groupOf: (action: ScriptedAction) => string | undefined): boolean => {
    let changed = false;
    const groups = [...new Set(best.actions.map(groupOf).filter((group) => group !== undefined))].sort();
    for (const group of groups) {
      if (!budgetLeft()) break;
      const leftOut = new Set(
        best.actions.flatMap((action, index) => (groupOf(action) === group ? [index] : [])),
      );
      if (leftOut.size > 0 && attempt(leftOut)) changed = true;
    }
    return changed;
  };

  /** Delta debugging by complements: chunks of halves, quarters, ... down to single actions. */
  const dropChunks = (): boolean => {
    let changed = false;
    let chunk = Math.ceil(best.actions.length / 2);
    while (best.actions.length > 0 && budgetLeft()) {
      let progressed = false;
      // From the end: late actions depend on early ones, so they go first and free the early ones.
      for (let end = best.actions.length; end > 0 && budgetLeft();) {
        const start = Math.max(0, end - chunk);
        const leftOut = new Set<number>();
        for (let index = start; index < end; index++) leftOut.add(index);
        if (attempt(leftOut)) {
          changed = progressed = true;
          end = Math.min(start, best.actions.length);
        } else {
          end = start;
        }
      }
      if (progressed) chunk = Math.min(chunk, Math.max(1, Math.ceil(best.actions.length / 2)));
      else if (chunk === 1) break;
      else chunk = Math.ceil(chunk / 2);
    }
    return changed;
  };

  /**
   * Cuts the schedule's tail: the shortest prefix that still fails, by bisection. Not every
   * failure is monotone in the prefix, so a cut is kept only when its run fails (`attempt`).
   */
  const cutTail = (): boolean => {
    let low = 0; // A prefix this long is not known to fail.
    let high = best.actions.length; // A prefix this long fails (the whole schedule).
    let changed = false;
    while (high - low > 1 && budgetLeft()) {
      const middle = Math.floor((low + high) / 2);
      const leftOut = new Set<number>();
      for (let index = middle; index < best.actions.length; index++) leftOut.add(index);
      if (attempt(leftOut)) {
        changed = true;
        high = Math.min(middle, best.actions.length);
      } else {
        low = middle;
      }
    }
    return changed;
  };

  /**
   * Leaves out single actions of a kind, last first. One timer firing left out takes with it
   * everything it caused (the operation a client's timer starts, a heartbeat's messages and
   * their answers): the lenient replay skips what is no longer possible.
   */
  const dropSingles = (kind: (action: ScriptedAction) => boolean): boolean => {
    let changed = false;
    for (let index = best.actions.length - 1; index >= 0 && budgetLeft(); index--) {
      const action = best.actions[index];
      if (action === undefined || !kind(action)) continue;
      if (attempt(new Set([index]))) {
        changed = true;
        index = Math.min(index, best.actions.length);
      }
    }
    return changed;
  };

  /**
   * Leaves out client operations whole, last first: the step that invoked one and all it led
   * to, up to the next operation (schedule-causes.ts). The client's next operation then starts
   * where this one's successor did.
   */
  const dropOperations = (): boolean => {
    let changed = false;
    let causes = scheduleCauses(best.result.trace as NonNullable<SimulationResult['trace']>);
    for (let index = causes.invokes.length - 1; index >= 0 && budgetLeft(); index--) {
      if (!causes.invokes[index]) continue;
      const root = best.actions[index];
      const client = root === undefined ? '' : nodeOf(root);
      // The client's own part first; then with the servers' work on it.
      const own = operationCone(causes, index, (member) => {
        const action = best.actions[member];
        return action !== undefined && involves(action, client);
      });
      if (attempt(own) || attempt(operationCone(causes, index))) {
        changed = true;
        causes = scheduleCauses(best.result.trace as NonNullable<SimulationResult['trace']>);
        index = Math.min(index, causes.invokes.length);
      }
    }
    return changed;
  };

  /**
   * For each node, everything it does, sends or receives from some point on, the point found by
   * bisection: a client that stops early, a server that falls silent (as if cut off).
   */
  const cutNodeTails = (): boolean => {
    let changed = false;
    const nodes = [...new Set(best.actions.map(nodeOf))].sort();
    for (const node of nodes) {
      const positions = (): number[] =>
        best.actions.flatMap((action, index) => (involves(action, node) ? [index] : []));
      let low = -1; // Keeping this many of its actions is not known to fail (-1: none tried).
      let high = positions().length;
      while (high - low > 1 && budgetLeft()) {
        const middle = Math.floor((low + high) / 2);
        const mine = positions();
        if (attempt(new Set(mine.slice(middle)))) {
          changed = true;
          high = Math.min(middle, positions().length);
          low = Math.min(low, high);
        } else {
          low = middle;
        }
      }
    }
    return changed;
  };

  for (let changed = true; changed && budgetLeft();) {
    const shorter = cutTail();
    const fewerOperations = dropOperations();
    const silenced = cutNodeTails();
    const fewerNodes = dropGroups(nodeOf);
    const fewerFaults = dropGroups((action) =>
      action.type === 'crash' || action.type === 'recover' ? `${action.node}` : undefined,
    );
    const fewerTimers = dropSingles((action) => action.type === 'timer');
    const fewerActions = dropChunks();
    changed =
      shorter || fewerOperations || silenced || fewerNodes || fewerFaults || fewerTimers || fewerActions;
  }
  const stoppedBy: ScheduleShrinkStop = timedOut ? 'time' : attempts >= runsMax ? 'runs' : 'fixpoint';

  // The shrunk run as `fairlink sim --schedule TRACE` replays it: strictly, from its own trace
  // (its actions, and each node's choices in order).
  const bestScript = scriptFromTrace(
    best.result.trace as NonNullable<SimulationResult['trace']>,
    'shrunk run',
  );
  const result = simulate(options.tracedConfig ?? config, {
    seed,
    script: bestScript.actions,
    scriptChoices: bestScript.choices,
    trace: true,
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
    ...(options.params === undefined ? {} : { params: options.params }),
  });
  const after = scheduleSizeOf(result);
  if (
    !sameFailure(target, result.failure) ||
    !MEASURES.every((measure) => after[measure] === best.size[measure])
  ) {
    throw new Error(
      'shrinkSchedule: the strict replay of the shrunk schedule differs from the run it repeats',
    );
  }
  if (!smaller(after, before)) {
    return { reduced: false, why: `no smaller schedule fails the same way (${attempts} runs)`, attempts };
  }
  return { reduced: true, result, before, after, attempts, stoppedBy };
}
