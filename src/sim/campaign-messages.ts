/**
 * What the main thread and a campaign worker tell each other: the shared
 * arrays' layout and the messages both ways.
 */

import type { ScheduleShrinkStop, ScheduleSize } from './schedule-shrink.js';
import type { Trace } from '../trace/index.js';
import type { CampaignFailure } from './campaign.js';
import type { Params } from './scenario.js';
import type { RunStats } from './simulator.js';

/** Slots of the shared watch array. The simulator writes the first three (see `RunOptions.watch`). */
export const WATCH = {
  /** Index of the node whose handler is running, plus 1; 0 outside handlers. */
  node: 0,
  /** The running handler's code (`HANDLER_BY_CODE`). */
  handler: 1,
  /** Steps so far, modulo 2^31: the heartbeat the watchdog looks at. */
  steps: 2,
  /** What the worker is doing (a {@link PHASE} value). */
  phase: 3,
  /** The seed index of the run in progress. */
  index: 4,
} as const;
/** Length of the watch array. */
export const WATCH_LENGTH = 5;

/** Values of the watch array's phase slot. */
export const PHASE = { idle: 0, loading: 1, seed: 2, shrink: 3, trace: 4 } as const;

/** Slot of the shared control array: seed indices above this value are skipped. */
export const CONTROL_STOP_ABOVE = 0;

/** What the main thread gives each worker. */
export interface WorkerSetup {
  /** The scenario file as the user wrote it (workers share the process's working directory). */
  readonly scenarioPath: string;
  /** `--param` overrides, NAME=VALUE. */
  readonly params: readonly string[];
  /** Int32 slots, see {@link WATCH}. */
  readonly watch: SharedArrayBuffer;
  /** Int32 slots, see {@link CONTROL_STOP_ABOVE}. */
  readonly control: SharedArrayBuffer;
  /** Replays a shrunk run: every seed runs with these directives. */
  readonly shrunk?: string;
  /** Run each seed twice and compare the traces. */
  readonly checkDeterminism: boolean;
  /** Run past failures; otherwise a failure stops the seeds above it at once. */
  readonly keepGoing: boolean;
}

/** Requests from the main thread. */
export type WorkerRequest =
  /**
   * Runs seed indices from..from+count-1 in order, skipping those above the
   * stop index. The seed of index i is first + i * stride.
   */
  | {
      readonly type: 'run';
      readonly from: number;
      readonly count: number;
      readonly first: number;
      readonly stride: number;
      readonly trace: boolean;
    }
  /** Shrinks the failing run of a seed. */
  | {
      readonly type: 'shrink';
      readonly index: number;
      readonly seed: number;
      readonly runsMax?: number;
      /** The time guard of schedule shrinking, ms (0: no schedule shrinking; default: schedule-shrink.ts's). */
      readonly scheduleTimeMs?: number;
      /** The run budget of schedule shrinking (default: schedule-shrink.ts's). */
      readonly scheduleRunsMax?: number;
    }
  /** Runs a seed again, recording its trace. */
  | { readonly type: 'trace'; readonly index: number; readonly seed: number; readonly shrunk?: string };

/** The outcome of one run, as sent to the main thread. */
export interface SeedOutcome {
  readonly index: number;
  readonly seed: number;
  readonly failure?: CampaignFailure;
  readonly endMs: number;
  readonly stats: RunStats;
  readonly trace?: Trace;
}

/** What the scenario is, as the worker loaded it. */
export interface ScenarioInfo {
  readonly name: string;
  readonly description?: string;
  readonly seeds?: number;
  readonly params: Params;
  /** Node names in the simulator's order: the watch array's node slot indexes this list. */
  readonly nodes: readonly string[];
}

/** How a failure was shrunk. */
export interface ShrunkReport {
  /** Replays the seed-level shrink: `--seed N --shrunk TOKEN`. */
  readonly token: string;
  /** One line: what was removed. */
  readonly summary: string;
  readonly attempts: number;
  /**
   * When the schedule was shrunk too: the reported run is a scripted one, and its trace is its
   * schedule (`fairlink sim --schedule TRACE` replays it).
   */
  readonly schedule?: {
    readonly attempts: number;
    readonly wallMs: number;
    readonly stoppedBy: ScheduleShrinkStop;
  };
  /** The failing run as the seeds found it, and as reported. */
  readonly sizes: { readonly before: ScheduleSize; readonly after: ScheduleSize };
}

/** Replies to the main thread. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly scenario: ScenarioInfo }
  | { readonly type: 'input-error'; readonly message: string }
  | { readonly type: 'internal-error'; readonly message: string }
  | { readonly type: 'seed'; readonly outcome: SeedOutcome }
  | { readonly type: 'chunk-done' }
  /** `steps`: the handler steps of the smallest failing schedule so far, while the schedule is cut. */
  | { readonly type: 'shrink-progress'; readonly attempts: number; readonly steps?: number }
  /** The shrunk run, with its trace; without `shrunk` when no smaller run failed (`notShrunk` says why). */
  | {
      readonly type: 'shrunk';
      readonly shrunk?: ShrunkReport;
      readonly notShrunk?: string;
      /** Why the schedule was not cut, when it was tried and was not. */
      readonly scheduleNotCut?: string;
      readonly outcome: SeedOutcome;
    }
  | { readonly type: 'shrink-failed'; readonly message: string }
  | { readonly type: 'traced'; readonly outcome: SeedOutcome };
