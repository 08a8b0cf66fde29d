/**
 * Shrinking: from a failing run to a small run that fails the same way.
 *
 * A failing seed usually carries far more than its bug needs: a dozen faults
 * and hundreds of lost messages, of which one partition and one loss matter.
 * The shrinker re-runs the seed with directives that leave faults out, cancel
 * losses and end the run early, and keeps a change only when the re-run
 * still fails the same way (same property; same protocol-fault kind and
 * node; or a livelock again) and is no larger than the best run so far on
 * any measure (faults, losses, end time, steps, messages, client
 * operations) and smaller on one. Cancelling a loss can make a run larger
 * (the delivered copy is answered, a retry is not needed, so clients do
 * more): such a run is refused, so the reported run is never larger than the
 * one shrinking started from. Every accepted run is a real run of the
 * configured system, replayable from the seed and the token.
 *
 * Strategy, repeated to a fixpoint or until the budget runs out:
 * 1. end the run at the failure, when it fails at a moment (an invariant, a
 *    protocol fault, a livelock; an `eventually` or `at-end` property is
 *    judged on the whole run): runs that no longer fail then stop early;
 * 2. delta-debug the faults that happened: leave out all, then halves,
 *    quarters, ... and finally single faults;
 * 3. the same for the losses: they are kept by send key (send-keys.ts), and
 *    every loss not kept is cancelled, so changes never add losses (a kept
 *    send is lost even if its own draw would now deliver it: any copy on a
 *    lossy link may be lost, so the run stays one the network allows);
 * 4. end at the (possibly earlier) failure again.
 *
 * Why send keys (sender, receiver, content hash, occurrence) rather than send
 * indices: after a change, indices shift and a kept loss lands on another
 * message. Measured over failing seeds of three buggy protocols (a retry-once
 * replicator, send-once gossip, a 5-node heartbeat detector over 30 s), the
 * shrunk runs kept on average 2.0, 1.0 and 2.3 faults plus losses with send
 * keys, against 3.6, 1.35 and 3.3 when cancelling losses by send index, in
 * fewer runs (14, 14 and 24 against 28, 16 and 31). (Measured when a run
 * could be accepted with more messages; refusing those keeps more cuts on
 * some seeds: see the replicator's seed 20 in shrink.test.ts.)
 *
 * The shrinker is deterministic: the same configuration, failing run and
 * options give the same outcome. The default budget is a number of runs
 * (`runsMax`), not wall time, for that reason: a time budget makes the result
 * depend on the machine's speed, so it is opt-in (`timeBudgetMs`).
 */

import { formatCount, InputError } from '../core/index.js';
import { formatShrinkToken } from './replay-token.js';
import {
  simulate,
  type Failure,
  type ShrinkDirectives,
  type SimulationConfig,
  type SimulationResult,
} from './simulator.js';

/** Runs a shrink may try by default. */
export const SHRINK_RUNS_MAX_DEFAULT = 500;

/** The measures of a run's size; shrinking lowers them and never raises any. */
export interface RunSize {
  /** Faults that happened before the run ended. */
  readonly faults: number;
  /** Copies lost to the drop probability. */
  readonly losses: number;
  /** Virtual time at which the run ended, ms. */
  readonly endMs: number;
  /** Handler steps. */
  readonly steps: number;
  /** Messages sent. */
  readonly messages: number;
  /** Client operations invoked. */
  readonly operations: number;
}

/** The sizes shrinking reduces, for progress reports. */
export interface ShrinkProgress extends RunSize {
  readonly directives: ShrinkDirectives;
}

/** Options of a shrink. */
export interface ShrinkOptions {
  /** The seed of the failing run. */
  readonly seed: number;
  /** At most this many candidate runs (default 500); the outcome does not depend on the machine. */
  readonly runsMax?: number;
  /** Also stop after this much wall time, ms (off by default: it makes the outcome machine-dependent). */
  readonly timeBudgetMs?: number;
  /** For the trace header of the shrunk run. */
  readonly scenario?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Called after every candidate run with the number of runs so far and the smallest failing run yet. */
  readonly onProgress?: (attempt: number, best: ShrinkProgress) => void;
}

/** What shrinking found. */
export interface ShrinkOutcome {
  /**
   * Whether a smaller run fails the same way. When not, report the failing run as it was
   * (`summary` says why it was kept); `result` is then no smaller than it.
   */
  readonly reduced: boolean;
  /** Replay the shrunk run with the seed and these (or `token`). */
  readonly directives: ShrinkDirectives;
  /** The shrunk run, re-run with its trace; its header's `shrunk` is `token`. */
  readonly result: SimulationResult;
  /** `directives` for `--shrunk` (replay-token.ts). */
  readonly token: string;
  /**
   * One line. When reduced, only the measures that changed, such as "1 of 7 faults kept, 1 of 40
   * losses kept, ends at 1.25 s instead of 9.6 s, 86 messages instead of 2,341 (14 runs)"; when
   * not, why, such as "no smaller run fails the same way (9 runs)".
   */
  readonly summary: string;
  /** Candidate runs tried (besides the first re-run that reproduces the failure and the final traced run). */
  readonly attempts: number;
}

/**
 * Whether `candidate` fails the way `target` does: the same property, the
 * same protocol-fault kind on the same node, or a livelock again.
 */
export function sameFailure(target: Failure, candidate: Failure | undefined): boolean {
  if (candidate === undefined || candidate.kind !== target.kind) return false;
  if (target.kind === 'protocol-fault') {
    return (
      candidate.kind === 'protocol-fault' &&
      candidate.node === target.node &&
      candidate.fault === target.fault
    );
  }
  if ('property' in target) return 'property' in candidate && candidate.property === target.property;
  return true;
}

/**
 * Whether a failure happens at a moment of the run, so that the run may end
 * there. An `eventually` or `at-end` property is judged at the end: a shorter
 * run would fail it for want of time, not because of the bug.
 */
function failsAtAMoment(failure: Failure): boolean {
  return failure.kind === 'invariant' || failure.kind === 'protocol-fault' || failure.kind === 'livelock';
}

/** One set of directives and the run they gave. */
interface Tried {
  readonly removedFaults: ReadonlySet<number>;
  /** The keys of the run's own losses: keeping exactly these reproduces it. */
  readonly keptLosses: ReadonlySet<string>;
  readonly endMs: number | undefined;
  readonly result: SimulationResult;
}

/**
 * Shrinks the failing run `failing` of `config` (run with `options.seed`).
 * Throws an `InputError` when `failing` passed, or when the seed does not
 * fail the same way again (protocol code that is not deterministic: see
 * `checkDeterminism`).
 */
export function shrinkFailure(
  config: SimulationConfig,
  failing: SimulationResult,
  options: ShrinkOptions,
): ShrinkOutcome {
  const target = failing.failure;
  if (failing.ok || target === undefined)
    throw new InputError('shrinkFailure: the run passed; there is nothing to shrink');
  const runsMax = options.runsMax ?? SHRINK_RUNS_MAX_DEFAULT;
  if (!(Number.isInteger(runsMax) && runsMax >= 0)) {
    throw new InputError(`shrinkFailure: runsMax must be a whole number >= 0, got ${String(runsMax)}`);
  }
  const deadline = options.timeBudgetMs === undefined ? Infinity : performance.now() + options.timeBudgetMs;
  const cutsEnd = failsAtAMoment(target);
  let attempts = 0;

  /** The directives of a run as the token will say them, pruned of what cannot matter. */
  const directivesOf = (tried: Omit<Tried, 'result'>): ShrinkDirectives => {
    const endMs = tried.endMs;
    // A fault after the end never happens: leaving it out is implied.
    const removed = [...tried.removedFaults].filter(
      (index) => endMs === undefined || (failing.schedule[index]?.atMs ?? Infinity) <= endMs,
    );
    return {
      ...(endMs === undefined ? {} : { endMs }),
      ...(removed.length > 0 ? { removedFaults: new Set(removed) } : {}),
      keptLosses: tried.keptLosses,
    };
  };

  /** Runs `directives`; returns the run as a `Tried` (ended at its failure) when it fails like the target. */
  const run = (directives: ShrinkDirectives): Tried | undefined => {
    const result = simulate(config, { seed: options.seed, shrink: directives });
    if (!sameFailure(target, result.failure)) return undefined;
    return {
      removedFaults: directives.removedFaults ?? new Set(),
      keptLosses: new Set(result.lossKeys ?? []),
      // The run stopped at its failure, so ending it there changes nothing before.
      endMs: cutsEnd ? result.endMs : directives.endMs,
      result,
    };
  };

  // The first re-run reproduces the failure (the draws decide the losses) and names its losses.
  const reproduced = run({});
  if (reproduced === undefined) {
    throw new InputError(
      `shrinkFailure: seed ${options.seed} does not fail the same way when run again ` +
        `(${describeFailure(target)}); is the protocol deterministic? (see checkDeterminism)`,
    );
  }
  let best: Tried = reproduced;
  let reduced = false;
  const progress = (): ShrinkProgress => ({ directives: directivesOf(best), ...sizeOf(best.result) });

  /** Tries a candidate; adopts it when it fails the same way and is smaller. */
  const attempt = (candidate: Omit<Tried, 'result'>): boolean => {
    attempts++;
    const tried = run(directivesOf(candidate));
    const accepted = tried !== undefined && smaller(sizeOf(tried.result), sizeOf(best.result));
    if (accepted) {
      best = tried;
      reduced = true;
    }
    options.onProgress?.(attempts, progress());
    return accepted;
  };
  const budgetLeft = (): boolean => attempts < runsMax && performance.now() < deadline;

  /**
   * Delta debugging by complements: tries leaving out all of `items()`, then
   * each half, each quarter, ... down to single items. After a success the
   * list is re-read from the new best run (its faults or losses changed).
   */
  const reduce = <T>(
    items: () => readonly T[],
    without: (leftOut: ReadonlySet<T>) => Omit<Tried, 'result'>,
  ): boolean => {
    let changed = false;
    let list = items();
    let chunk = list.length;
    while (list.length > 0 && budgetLeft()) {
      let progressed = false;
      for (let start = 0; start < list.length && budgetLeft();) {
        if (attempt(without(new Set(list.slice(start, start + chunk))))) {
          changed = progressed = true;
          list = items();
        } else {
          start += chunk;
        }
      }
      if (progressed) chunk = Math.min(chunk, list.length);
      else if (chunk === 1) break;
      else chunk = Math.ceil(chunk / 2);
    }
    return changed;
  };

  const faultsHappened = (): number[] =>
    best.result.schedule.flatMap((entry, index) =>
      !best.removedFaults.has(index) && entry.atMs <= best.result.endMs ? [index] : [],
    );
  for (let changed = true; changed && budgetLeft();) {
    // The end is cut on adoption (see `run`), which covers steps 1 and 4.
    const fewerFaults = reduce(faultsHappened, (leftOut) => ({
      ...best,
      removedFaults: new Set([...best.removedFaults, ...leftOut]),
    }));
    const fewerLosses = reduce(
      () => [...best.keptLosses],
      (leftOut) => ({
        ...best,
        keptLosses: new Set([...best.keptLosses].filter((key) => !leftOut.has(key))),
      }),
    );
    changed = fewerFaults || fewerLosses;
  }

  const directives = directivesOf(best);
  const token = formatShrinkToken(directives);
  const result = simulate(config, {
    seed: options.seed,
    trace: true,
    shrink: directives,
    shrunk: token,
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
    ...(options.params === undefined ? {} : { params: options.params }),
  });
  if (!sameFailure(target, result.failure) || !sameSize(sizeOf(result), sizeOf(best.result))) {
    // Tracing must not change a run; if it did, the simulator is at fault, not the protocol.
    throw new Error(`shrinkFailure: the traced re-run of ${token} differs from the run it repeats`);
  }
  const before = sizeOf(failing);
  // Measured against the run as the caller saw it: the first re-run is compared with it only
  // by its failure, and a report must never show a run larger than the original.
  const shrunk = reduced && smaller(sizeOf(result), before);
  return {
    reduced: shrunk,
    directives,
    result,
    token,
    summary: shrunk ? summarize(before, sizeOf(result), attempts) : notShrunk(before, attempts, budgetLeft()),
    attempts,
  };
}

/** The sizes of a run. */
function sizeOf(result: SimulationResult): RunSize {
  let operations = 0;
  for (const event of result.history) if (event.type === 'invoke') operations++;
  return {
    faults: result.stats.faults,
    losses: result.losses.length,
    endMs: result.endMs,
    steps: result.stats.steps,
    messages: result.stats.sends,
    operations,
  };
}

const MEASURES: readonly (keyof RunSize)[] = ['faults', 'losses', 'endMs', 'steps', 'messages', 'operations'];

/**
 * Whether `next` is smaller than `best`: no larger on any measure and smaller
 * on one. A strict partial order, so shrinking cannot cycle.
 */
function smaller(next: RunSize, best: RunSize): boolean {
  if (MEASURES.some((measure) => next[measure] > best[measure])) return false;
  return MEASURES.some((measure) => next[measure] < best[measure]);
}

function sameSize(first: RunSize, second: RunSize): boolean {
  return MEASURES.every((measure) => first[measure] === second[measure]);
}

function describeFailure(failure: Failure): string {
  const at = `at ${formatDuration(failure.timeMs)}`;
  if (failure.kind === 'protocol-fault') return `${failure.node}.${failure.handler} ${failure.fault} ${at}`;
  if ('property' in failure) return `${failure.kind} '${failure.property}' ${at}`;
  return `${failure.kind} ${at}`;
}

/** The measures that changed, smallest first in the order a reader looks for them. */
function summarize(before: RunSize, after: RunSize, attempts: number): string {
  const changed: string[] = [];
  const kept = (measure: 'faults' | 'losses', noun: string): void => {
    if (after[measure] !== before[measure])
      changed.push(`${formatCount(after[measure])} of ${formatCount(before[measure])} ${noun} kept`);
  };
  const instead = (measure: 'steps' | 'messages' | 'operations', noun: string): void => {
    if (after[measure] !== before[measure])
      changed.push(`${plural(after[measure], noun)} instead of ${formatCount(before[measure])}`);
  };
  kept('faults', 'faults');
  kept('losses', 'losses');
  if (after.endMs !== before.endMs)
    changed.push(`ends at ${formatDuration(after.endMs)} instead of ${formatDuration(before.endMs)}`);
  instead('steps', 'step');
  instead('messages', 'message');
  instead('operations', 'operation');
  return `${changed.join(', ')} (${plural(attempts, 'run')})`;
}

/** Why the failing run is reported as it is. */
function notShrunk(before: RunSize, attempts: number, budgetLeft: boolean): string {
  if (before.faults === 0 && before.losses === 0) return 'the run has no fault or lost message to leave out';
  if (!budgetLeft) return `no smaller run fails the same way within the budget of ${plural(attempts, 'run')}`;
  return `no smaller run fails the same way (${plural(attempts, 'run')})`;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** `850` as `850 ms`, `1250` as `1.25 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000} ms`;
  return `${Math.round(ms) / 1000} s`;
}
