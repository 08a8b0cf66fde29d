/**
 * One run of a scenario, recorded for the explorer: its trace, and the moments (after each step
 * or fault the simulator carried out) at which the system's state can be shown.
 *
 * A run is kept as the options that make it, not as its states: the simulator is
 * deterministic, so the state at any moment is the state of a run of the same options stopped
 * there. That costs one run per look and no memory per step, which keeps a 100,000-event run
 * cheap to hold.
 */

import { InputError } from '../core/index.js';
import {
  ScriptStepError,
  simulate,
  type RunOptions,
  type SimSnapshot,
  type SimulationConfig,
  type SimulationResult,
} from '../sim/index.js';
import type { Trace } from '../trace/index.js';

/** A recorded run: what made it, its result with trace, and where its moments end. */
export interface RecordedRun {
  readonly options: RunOptions;
  readonly result: SimulationResult & { readonly trace: Trace };
  /** `moments[k]`: how many trace events the run had recorded at the end of moment k (increasing). */
  readonly moments: readonly number[];
}

/** Thrown by an observer to stop a run once it has seen the moment it wanted. */
class SeenEnough extends Error {}

/** Runs `options` with its trace and its moments; a script that does not fit is bad input named by `source`. */
export function recordRun(config: SimulationConfig, options: RunOptions, source: string): RecordedRun {
  const moments: number[] = [];
  const result = runOrExplain(config, source, {
    ...options,
    trace: true,
    observe: (moment) => {
      if (moments[moments.length - 1] !== moment.eventCount) moments.push(moment.eventCount);
    },
  });
  const trace = result.trace;
  if (trace === undefined) throw new Error('a traced run has a trace');
  return { options, result: { ...result, trace }, moments };
}

/** The moment that holds event `index` (the last moment for events recorded after it). */
export function momentOf(run: RecordedRun, index: number): number {
  const moments = run.moments;
  let low = 0;
  let high = moments.length - 1;
  // The first moment whose end is past `index`.
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((moments[middle] as number) > index) high = middle;
    else low = middle + 1;
  }
  return Math.max(0, low);
}

/** The system at the end of moment `k` and at the end of the moment before (null before the first). */
export function snapshotsAt(
  config: SimulationConfig,
  run: RecordedRun,
  k: number,
): { readonly now: SimSnapshot; readonly before: SimSnapshot | null } {
  let seen = 0;
  let before: SimSnapshot | null = null;
  let now: SimSnapshot | undefined;
  let last = 0;
  try {
    simulate(config, {
      ...run.options,
      trace: true,
      observe: (moment) => {
        if (moment.eventCount === last && seen > 0) return;
        last = moment.eventCount;
        if (seen === k - 1) before = moment.snapshot();
        if (seen === k) {
          now = moment.snapshot();
          throw new SeenEnough();
        }
        seen++;
      },
    });
  } catch (thrown) {
    if (!(thrown instanceof SeenEnough)) throw thrown;
  }
  if (now === undefined) throw new Error(`the run has no moment ${k}`);
  return { now, before };
}

function runOrExplain(config: SimulationConfig, source: string, options: RunOptions): SimulationResult {
  try {
    return simulate(config, options);
  } catch (thrown) {
    if (thrown instanceof ScriptStepError)
      throw new InputError(`${source}: cannot replay step ${thrown.step}: ${thrown.reason}`);
    throw thrown;
  }
}
