/**
 * A simulation campaign: one scenario, many seeds, on worker threads.
 *
 * Seeds are handed out in small chunks to a pool of workers (both cores are
 * busy when there are many seeds) and the campaign stops at the first
 * failure, yet the seed it reports does not depend on scheduling: once a seed
 * fails, only lower seeds still run, and the lowest failing seed wins. The
 * failure is then shrunk (fewer faults, fewer losses, an earlier end) and the
 * reported run (the shrunk failing run, or the first seed of a passing
 * campaign) is run once more with its trace recorded.
 *
 * A watchdog in this thread reads each worker's shared watch array: when the
 * step counter stands still for `stepTimeoutMs`, the worker is terminated and
 * the run is reported as a finding, naming the node and handler that never
 * returned.
 */

import { availableParallelism } from 'node:os';
import { InputError } from '../core/index.js';
import type { HandlerName } from '../core/index.js';
import type { Trace } from '../trace/index.js';
import { WorkerPool, type Slot } from './campaign-pool.js';
import {
  CONTROL_STOP_ABOVE,
  type ScenarioInfo,
  type SeedOutcome,
  type ShrunkReport,
  type WorkerReply,
} from './campaign-messages.js';
import { checkScenarioFile } from './load-scenario.js';
import type { Params } from './scenario.js';
import type { Failure, RunStats } from './simulator.js';

/** An inclusive range of seeds. */
export interface SeedRange {
  readonly from: number;
  readonly to: number;
}

/** The `index`-th (1-based) of `count` interleaved shares of a seed range, for many machines. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Why a seed failed: the simulator's failures, plus what only a campaign can see. */
export type CampaignFailure =
  | Failure
  /** The watchdog saw no step for `stepTimeoutMs`. */
  | {
      readonly kind: 'timeout';
      readonly node?: string;
      readonly handler?: HandlerName;
      readonly detail: string;
    }
  /** The run threw outside any handler, or the worker died (out of memory, say). */
  | {
      readonly kind: 'crashed';
      readonly node?: string;
      readonly handler?: HandlerName;
      readonly detail: string;
    }
  /** Two runs of the same seed gave different traces. */
  | { readonly kind: 'nondeterminism'; readonly detail: string };

/** What a campaign reports as it goes. */
export type CampaignProgress =
  | { readonly phase: 'seeds'; readonly done: number; readonly total: number; readonly failed: number }
  /** `steps`: the smallest failing schedule's handler steps so far, once the schedule is cut. */
  | { readonly phase: 'shrink'; readonly attempts: number; readonly steps?: number }
  | { readonly phase: 'trace' };

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  /** The scenario file, as the user wrote it (relative to the working directory). */
  readonly scenarioPath: string;
  /** `--param` overrides, NAME=VALUE. */
  readonly params?: readonly string[];
  /** Seeds to run; default 1..(the scenario's `seeds`, or 1). */
  readonly seeds?: SeedRange;
  readonly shard?: Shard;
  /** Replays a shrunk run: every seed runs with the token's directives, and nothing is shrunk again. */
  readonly shrunk?: string;
  /** Runs every seed and collects all failures instead of stopping at the first. */
  readonly keepGoing?: boolean;
  /** Shrinks the failure (default true). */
  readonly shrink?: boolean;
  /** A bound on the runs the seed-level shrink may make. */
  readonly shrinkRunsMax?: number;
  /** Time guard on cutting the failing run's schedule, ms (default 120 s; 0: do not cut it). */
  readonly shrinkTimeMs?: number;
  /** Candidate runs to cut the failing run's schedule (default 2,000): the budget, the same on any machine. */
  readonly shrinkScheduleRunsMax?: number;
  /** Runs each seed twice and compares the traces. */
  readonly checkDeterminism?: boolean;
  /** Records the trace of a passing campaign's first seed (a failure's trace is always recorded). */
  readonly tracePassing?: boolean;
  /** How long a handler may run without a step finishing, ms (default 5000). */
  readonly stepTimeoutMs?: number;
  /** Worker threads (default min(2, available cores)). */
  readonly workers?: number;
  /**
   * Stops handing out seeds this long after the campaign started (starting workers included), ms:
   * the verdict is then 'unknown' unless a seed failed.
   */
  readonly timeLimitMs?: number;
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** Where the workers' console output goes (default: this process's stderr, keeping stdout for results). */
  readonly onWorkerOutput?: (chunk: string) => void;
}

/** A failure with the seed it happened at. */
export type SeedFailure = CampaignFailure & { readonly seed: number };

/** Counters summed over the seeds run. */
export interface CampaignStats extends RunStats {
  /** Virtual time simulated, summed over seeds, ms. */
  virtualMs: number;
}

/** The outcome of a campaign. */
export interface CampaignResult {
  /** `unknown`: the time limit stopped the campaign before every seed ran, and none failed. */
  readonly verdict: 'pass' | 'fail' | 'unknown';
  readonly scenario: { readonly name: string; readonly description?: string };
  readonly params: Params;
  readonly seeds: {
    readonly from: number;
    readonly to: number;
    readonly shard?: Shard;
    /** Seeds the campaign meant to run (after sharding). */
    readonly planned: number;
    readonly run: number;
    readonly failed: number;
    /** The failing seeds, ascending (all of them with keepGoing; otherwise the reported one). */
    readonly failing: readonly number[];
  };
  /** The reported failure: the lowest failing seed's. */
  readonly failure?: SeedFailure;
  /**
   * How the failure was shrunk. With `schedule`, the reported run is its schedule cut down
   * (replay with `--schedule TRACE`); `--seed <failure.seed> --shrunk <token>` replays the
   * seed-level shrink either way.
   */
  readonly shrunk?: ShrunkReport;
  /** The run whose trace is recorded (the shrunk failing run, or the first seed of a pass). */
  readonly reported?: { readonly seed: number; readonly shrunk?: string; readonly failure?: CampaignFailure };
  readonly trace?: Trace;
  readonly stats: CampaignStats;
  readonly wallMs: number;
  /** Things the user should know that are not the verdict (shrinking stopped early, and so on). */
  readonly notes: readonly string[];
}

/** Seeds in one chunk at most: small enough that a failure stops the others soon. */
const CHUNK_SEEDS_MAX = 64;
/** Seed indices live in Int32 slots of the shared arrays. */
const SEED_INDEX_MAX = 0x7fffffff;

interface Pending {
  from: number;
  count: number;
}

/**
 * Runs a campaign. Rejects with an {@link InputError} for bad input (a
 * scenario that does not load, a bad parameter or configuration); protocol
 * bugs are failures in the result.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  return await new Campaign(options).run();
}

class Campaign {
  private readonly startedAtMs = performance.now();
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly pool: WorkerPool;
  private scenario: ScenarioInfo | undefined;
  private first = 0;
  private stride = 1;
  private planned = 0;
  private range: SeedRange = { from: 1, to: 1 };
  private workersWanted = 1;
  private readonly pending: Pending[] = [];
  private firstOutcome: SeedOutcome | undefined;
  private readonly failing: number[] = [];
  private lowestFailure: SeedOutcome | undefined;
  private run_ = 0;
  private readonly stats: CampaignStats = {
    steps: 0,
    sends: 0,
    deliveries: 0,
    drops: 0,
    duplicates: 0,
    timersFired: 0,
    faults: 0,
    virtualMs: 0,
  };
  private readonly notes: string[] = [];
  private outOfTime = false;
  private fatal: ((error: Error) => void) | undefined;
  private seedPhaseDone: (() => void) | undefined;

  constructor(private readonly options: CampaignOptions) {
    Atomics.store(this.control, CONTROL_STOP_ABOVE, SEED_INDEX_MAX);
    if (
      options.shrunk !== undefined &&
      options.seeds !== undefined &&
      options.seeds.from !== options.seeds.to
    ) {
      throw new InputError('--shrunk replays one run: give it with --seed N');
    }
    this.pool = new WorkerPool({
      setup: {
        scenarioPath: options.scenarioPath,
        params: options.params ?? [],
        control: this.control.buffer,
        ...(options.shrunk === undefined ? {} : { shrunk: options.shrunk }),
        checkDeterminism: options.checkDeterminism ?? false,
        keepGoing: options.keepGoing ?? false,
      },
      stepTimeoutMs: options.stepTimeoutMs ?? 5000,
      onOutput: options.onWorkerOutput ?? ((chunk: string) => process.stderr.write(chunk)),
      onFatal: (error) => this.fatal?.(error),
    });
  }

  async run(): Promise<CampaignResult> {
    const failed = new Promise<never>((_, reject) => {
      this.fatal = reject;
    });
    // Keep the rejection from counting as unhandled when nothing fails.
    failed.catch(() => undefined);
    try {
      return await Promise.race([this.campaign(), failed]);
    } finally {
      await this.pool.close();
    }
  }

  private async campaign(): Promise<CampaignResult> {
    checkScenarioFile(this.options.scenarioPath);
    // The first worker loads the scenario; what it tells decides the default seeds and the pool size.
    // When the seeds are given, the pool is known already: start it at once, so workers load in parallel.
    const given = this.options.seeds;
    const early = given === undefined ? 1 : Math.min(this.workersOption(), Math.max(1, this.count(given)));
    const firstSlot = this.pool.spawn();
    for (let count = 1; count < early; count++) this.addWorker();
    this.scenario = await this.pool.ready(firstSlot);
    this.plan();
    // The limit counts from the campaign's start: starting workers and loading the scenario are inside it.
    const limitMs = this.options.timeLimitMs;
    const leftMs = limitMs === undefined ? undefined : limitMs - (performance.now() - this.startedAtMs);
    const outOfTime = (): void => {
      this.outOfTime = true;
      Atomics.store(this.control, CONTROL_STOP_ABOVE, -1);
    };
    if (leftMs !== undefined && leftMs <= 0) outOfTime();
    const timer = leftMs === undefined || leftMs <= 0 ? undefined : setTimeout(outOfTime, leftMs);
    try {
      await this.seedPhase();
    } finally {
      clearTimeout(timer);
    }
    return this.report();
  }

  private workersOption(): number {
    return this.options.workers ?? Math.min(2, availableParallelism());
  }

  /** How many seeds of `range` this shard runs. */
  private count(range: SeedRange): number {
    const shard = this.options.shard;
    const first = range.from + (shard ? shard.index - 1 : 0);
    return first > range.to ? 0 : Math.floor((range.to - first) / (shard ? shard.count : 1)) + 1;
  }

  /** Works out the seeds to run and the number of workers. */
  private plan(): void {
    const scenario = this.scenario as ScenarioInfo;
    const defaultCount =
      Number.isSafeInteger(scenario.seeds) && (scenario.seeds as number) >= 1
        ? (scenario.seeds as number)
        : 1;
    this.range = this.options.seeds ?? { from: 1, to: defaultCount };
    const shard = this.options.shard;
    this.first = this.range.from + (shard ? shard.index - 1 : 0);
    this.stride = shard ? shard.count : 1;
    this.planned = this.count(this.range);
    if (this.planned > SEED_INDEX_MAX) {
      throw new InputError(
        `--seeds ${this.range.from}..${this.range.to}: at most ${SEED_INDEX_MAX} seeds in one campaign`,
      );
    }
    if (this.planned > 0) this.pending.push({ from: 0, count: this.planned });
    this.workersWanted = Math.max(1, Math.min(this.workersOption(), this.planned));
  }

  // --- Seeds. ---

  private seedPhase(): Promise<void> {
    return new Promise((resolve) => {
      this.seedPhaseDone = resolve;
      for (let count = this.pool.live(); count < this.workersWanted; count++) this.addWorker();
      for (const slot of this.pool.slots) this.pump(slot);
      this.maybeFinishSeeds();
    });
  }

  private addWorker(): void {
    const slot = this.pool.spawn();
    // A worker that is ready before the seeds are planned waits idle until the seed phase pumps it.
    this.pool.ready(slot).then(
      () => {
        if (this.seedPhaseDone !== undefined) this.pump(slot);
      },
      () => this.maybeFinishSeeds(),
    );
  }

  /** The seed index above which nothing needs to run. */
  private stopAbove(): number {
    return Atomics.load(this.control, CONTROL_STOP_ABOVE);
  }

  /** Gives an idle worker its next chunk of seeds, if any is left. */
  private pump(slot: Slot): void {
    if (slot.state !== 'idle') return;
    const next = this.takeChunk();
    if (next === undefined) {
      this.maybeFinishSeeds();
      return;
    }
    const end = next.from + next.count;
    // Results come in seed order: everything up to `reported` is recorded.
    let reported = next.from - 1;
    slot.onReply = (reply) => {
      if (reply.type === 'seed') {
        reported = reply.outcome.index;
        this.record(reply.outcome);
      } else if (reply.type === 'chunk-done') {
        this.pool.release(slot);
        this.pump(slot);
      }
    };
    slot.onGone = (failure, stuckIndex) => {
      // The run in progress is the finding; the rest of the chunk goes back to the queue.
      const stuck = stuckIndex !== undefined && stuckIndex > reported && stuckIndex < end;
      const index = stuck ? stuckIndex : end;
      if (stuck) this.record({ index, seed: this.seedOf(index), failure, endMs: 0, stats: emptyStats() });
      this.requeue(reported + 1, index);
      this.requeue(index + 1, end);
      if (this.pool.live() < this.workersWanted && this.takeChunkAvailable()) this.addWorker();
      this.maybeFinishSeeds();
    };
    this.pool.send(slot, {
      type: 'run',
      from: next.from,
      count: next.count,
      first: this.first,
      stride: this.stride,
      trace: this.planned === 1,
    });
  }

  private takeChunk(): Pending | undefined {
    if (this.outOfTime) return undefined;
    this.pending.sort((a, b) => a.from - b.from);
    const head = this.pending[0];
    if (head === undefined || head.from > this.stopAbove()) {
      this.pending.length = 0;
      return undefined;
    }
    const remaining = this.pending.reduce((sum, entry) => sum + entry.count, 0);
    const size = Math.max(
      1,
      Math.min(CHUNK_SEEDS_MAX, head.count, Math.floor(remaining / (this.workersWanted * 8))),
    );
    const chunk = { from: head.from, count: size };
    head.from += size;
    head.count -= size;
    if (head.count === 0) this.pending.shift();
    return chunk;
  }

  private takeChunkAvailable(): boolean {
    return !this.outOfTime && this.pending.some((entry) => entry.count > 0 && entry.from <= this.stopAbove());
  }

  private requeue(from: number, to: number): void {
    if (to > from) this.pending.push({ from, count: to - from });
  }

  private maybeFinishSeeds(): void {
    if (this.seedPhaseDone === undefined) return;
    const slots = this.pool.slots;
    if (slots.some((slot) => slot.state === 'busy')) return;
    if (this.takeChunkAvailable()) {
      // Work is left but every worker is gone or still loading: make sure one is coming.
      if (!slots.some((slot) => slot.state === 'loading' || slot.state === 'idle')) this.addWorker();
      for (const slot of slots) if (slot.state === 'idle') this.pump(slot);
      return;
    }
    const done = this.seedPhaseDone;
    this.seedPhaseDone = undefined;
    done();
  }

  private record(outcome: SeedOutcome): void {
    this.run_++;
    for (const key of Object.keys(outcome.stats) as (keyof RunStats)[]) this.stats[key] += outcome.stats[key];
    this.stats.virtualMs += outcome.endMs;
    // Only the first seed's and the lowest failure's outcomes are needed later: memory stays flat on long campaigns.
    if (outcome.index === 0) this.firstOutcome = outcome;
    if (outcome.failure) {
      this.failing.push(outcome.seed);
      if (this.lowestFailure === undefined || outcome.index < this.lowestFailure.index)
        this.lowestFailure = outcome;
      // Workers lower the stop index themselves; this covers failures found here (the watchdog's).
      if (!this.options.keepGoing && outcome.index < this.stopAbove()) {
        Atomics.store(this.control, CONTROL_STOP_ABOVE, outcome.index);
      }
    }
    this.options.onProgress?.({
      phase: 'seeds',
      done: this.run_,
      total: this.planned,
      failed: this.failing.length,
    });
  }

  private seedOf(index: number): number {
    return this.first + index * this.stride;
  }

  // --- The reported run. ---

  private async report(): Promise<CampaignResult> {
    const failure = this.lowestFailure;
    let shrunk: CampaignResult['shrunk'];
    let reported: SeedOutcome | undefined;
    let reportedToken = this.options.shrunk;
    if (failure?.failure !== undefined) {
      const kind = failure.failure.kind;
      const rerunnable = kind !== 'timeout' && kind !== 'crashed' && kind !== 'nondeterminism';
      if (rerunnable && this.options.shrink !== false && this.options.shrunk === undefined) {
        const result = await this.shrink(failure.index);
        if (result) {
          reported = result.outcome;
          if (result.scheduleNotCut !== undefined)
            this.notes.push(`schedule not cut: ${result.scheduleNotCut}`);
          if (result.shrunk) {
            shrunk = result.shrunk;
            // A cut schedule is a scripted run: the token replays the seed-level shrink, not it.
            reportedToken = result.shrunk.schedule ? undefined : result.shrunk.token;
          } else {
            this.notes.push(`not shrunk: ${result.notShrunk ?? 'no smaller run fails the same way'}`);
          }
        }
      }
      if (!rerunnable) {
        this.notes.push(
          kind === 'nondeterminism'
            ? 'no trace: the seed does not run the same way twice'
            : 'no trace: the run never finished',
        );
      }
      if (reported === undefined && rerunnable)
        reported = failure.trace ? failure : await this.trace(failure.index);
    } else if (this.options.tracePassing && this.planned > 0 && this.run_ > 0) {
      reported = this.firstOutcome?.trace ? this.firstOutcome : await this.trace(0);
    }
    if (reported && failure && reported.failure === undefined) {
      this.notes.push(`the recorded run of seed ${failure.seed} passed: the failure did not reproduce`);
    }
    const failingSeeds = [...this.failing].sort((a, b) => a - b);
    const verdict = failure ? 'fail' : this.run_ < this.planned ? 'unknown' : 'pass';
    const scenario = this.scenario as ScenarioInfo;
    return {
      verdict,
      scenario: {
        name: scenario.name,
        ...(scenario.description === undefined ? {} : { description: scenario.description }),
      },
      params: scenario.params,
      seeds: {
        from: this.range.from,
        to: this.range.to,
        ...(this.options.shard ? { shard: this.options.shard } : {}),
        planned: this.planned,
        run: this.run_,
        failed: failingSeeds.length,
        failing: failingSeeds,
      },
      ...(failure?.failure ? { failure: { ...failure.failure, seed: failure.seed } } : {}),
      ...(shrunk ? { shrunk } : {}),
      ...(reported
        ? {
            reported: {
              seed: reported.seed,
              ...(reportedToken === undefined ? {} : { shrunk: reportedToken }),
              ...(reported.failure ? { failure: reported.failure } : {}),
            },
          }
        : {}),
      ...(reported?.trace ? { trace: reported.trace } : {}),
      stats: this.stats,
      wallMs: Math.round(performance.now() - this.startedAtMs),
      notes: this.notes,
    };
  }

  private async shrink(index: number): Promise<Extract<WorkerReply, { type: 'shrunk' }> | undefined> {
    const slot = await this.pool.idle();
    this.options.onProgress?.({ phase: 'shrink', attempts: 0 });
    return new Promise((resolve) => {
      slot.onReply = (reply) => {
        if (reply.type === 'shrink-progress') {
          this.options.onProgress?.({
            phase: 'shrink',
            attempts: reply.attempts,
            ...(reply.steps === undefined ? {} : { steps: reply.steps }),
          });
        } else if (reply.type === 'shrunk') {
          this.pool.release(slot);
          resolve(reply);
        } else if (reply.type === 'shrink-failed') {
          this.pool.release(slot);
          this.notes.push(`not shrunk: ${reply.message}`);
          resolve(undefined);
        }
      };
      slot.onGone = (failure) => {
        this.notes.push(`shrinking stopped: ${failure.detail}`);
        resolve(undefined);
      };
      this.pool.send(slot, {
        type: 'shrink',
        index,
        seed: this.seedOf(index),
        ...(this.options.shrinkRunsMax === undefined ? {} : { runsMax: this.options.shrinkRunsMax }),
        ...(this.options.shrinkTimeMs === undefined ? {} : { scheduleTimeMs: this.options.shrinkTimeMs }),
        ...(this.options.shrinkScheduleRunsMax === undefined
          ? {}
          : { scheduleRunsMax: this.options.shrinkScheduleRunsMax }),
      });
    });
  }

  private async trace(index: number): Promise<SeedOutcome | undefined> {
    const slot = await this.pool.idle();
    this.options.onProgress?.({ phase: 'trace' });
    return new Promise((resolve) => {
      slot.onReply = (reply) => {
        if (reply.type !== 'traced') return;
        this.pool.release(slot);
        resolve(reply.outcome);
      };
      slot.onGone = (failure) => {
        this.notes.push(`no trace: the recorded run stopped: ${failure.detail}`);
        resolve(undefined);
      };
      this.pool.send(slot, {
        type: 'trace',
        index,
        seed: this.seedOf(index),
        ...(this.options.shrunk === undefined ? {} : { shrunk: this.options.shrunk }),
      });
    });
  }
}

function emptyStats(): RunStats {
  return { steps: 0, sends: 0, deliveries: 0, drops: 0, duplicates: 0, timersFired: 0, faults: 0 };
}
