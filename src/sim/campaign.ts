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

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import type { HandlerName } from '../core/protocol.js';
import type { Trace } from '../trace/events.js';
import {
  CONTROL_STOP_ABOVE,
  PHASE,
  WATCH,
  WATCH_LENGTH,
  type ScenarioInfo,
  type SeedOutcome,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './campaign-worker.js';
import type { Params } from './scenario.js';
import { HANDLER_BY_CODE, type Failure, type RunStats } from './simulator.js';

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
  | { readonly kind: 'timeout'; readonly node?: string; readonly handler?: HandlerName; readonly detail: string }
  /** The run threw outside any handler, or the worker died (out of memory, say). */
  | { readonly kind: 'crashed'; readonly node?: string; readonly handler?: HandlerName; readonly detail: string }
  /** Two runs of the same seed gave different traces. */
  | { readonly kind: 'nondeterminism'; readonly detail: string };

/** What a campaign reports as it goes. */
export type CampaignProgress =
  | { readonly phase: 'seeds'; readonly done: number; readonly total: number; readonly failed: number }
  | { readonly phase: 'shrink'; readonly attempts: number }
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
  /** A bound on the runs shrinking may make. */
  readonly shrinkRunsMax?: number;
  /** Runs each seed twice and compares the traces. */
  readonly checkDeterminism?: boolean;
  /** Records the trace of a passing campaign's first seed (a failure's trace is always recorded). */
  readonly tracePassing?: boolean;
  /** How long a handler may run without a step finishing, ms (default 5000). */
  readonly stepTimeoutMs?: number;
  /** Worker threads (default min(2, available cores)). */
  readonly workers?: number;
  /** Stops handing out seeds after this much wall time, ms: the verdict is then 'unknown' unless a seed failed. */
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
  /** How the failure was shrunk; replay with `--seed <failure.seed> --shrunk <token>`. */
  readonly shrunk?: { readonly token: string; readonly summary: string; readonly attempts: number };
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

type Job =
  | { readonly kind: 'run'; readonly from: number; readonly count: number; reported: number }
  | { readonly kind: 'shrink'; readonly index: number }
  | { readonly kind: 'trace'; readonly index: number };

interface Slot {
  readonly worker: Worker;
  readonly watch: Int32Array;
  state: 'loading' | 'idle' | 'busy' | 'gone';
  job: Job | undefined;
  heartbeat: string;
  heartbeatAtMs: number;
  /** Called with each reply while a job runs. */
  onReply: ((reply: WorkerReply) => void) | undefined;
  /** Called when the worker stops for good while a job runs. */
  onGone: ((failure: CampaignFailure, index: number) => void) | undefined;
}

/**
 * Runs a campaign. Rejects with an {@link InputError} for bad input (a
 * scenario that does not load, a bad parameter or configuration); protocol
 * bugs are failures in the result.
 */
export function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  return new Campaign(options).run();
}

class Campaign {
  private readonly startedAtMs = performance.now();
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly slots: Slot[] = [];
  private readonly stepTimeoutMs: number;
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
  private watchdog: NodeJS.Timeout | undefined;
  private fatal: ((error: Error) => void) | undefined;
  private seedPhaseDone: (() => void) | undefined;

  constructor(private readonly options: CampaignOptions) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? 5000;
    Atomics.store(this.control, CONTROL_STOP_ABOVE, SEED_INDEX_MAX);
    if (options.shrunk !== undefined && options.seeds !== undefined && options.seeds.from !== options.seeds.to) {
      throw new InputError('--shrunk replays one run: give it with --seed N');
    }
  }

  async run(): Promise<CampaignResult> {
    const failed = new Promise<never>((_, reject) => {
      this.fatal = reject;
    });
    // Keep the rejection from counting as unhandled when nothing fails.
    failed.catch(() => undefined);
    this.watchdog = setInterval(() => this.checkWatchdog(), Math.max(20, Math.min(250, this.stepTimeoutMs / 4)));
    try {
      return await Promise.race([this.campaign(), failed]);
    } finally {
      clearInterval(this.watchdog);
      await Promise.all(this.slots.map((slot) => slot.worker.terminate().catch(() => undefined)));
    }
  }

  private async campaign(): Promise<CampaignResult> {
    // The first worker loads the scenario; what it tells decides the default seeds and the pool size.
    // When the seeds are given, the pool is known already: start it at once, so workers load in parallel.
    const given = this.options.seeds;
    const early = given === undefined ? 1 : Math.min(this.workersOption(), Math.max(1, this.count(given)));
    const firstSlot = this.spawn();
    for (let count = 1; count < early; count++) this.addWorker();
    this.scenario = await this.ready(firstSlot);
    this.plan();
    const timer =
      this.options.timeLimitMs === undefined
        ? undefined
        : setTimeout(() => {
            this.outOfTime = true;
            Atomics.store(this.control, CONTROL_STOP_ABOVE, -1);
          }, this.options.timeLimitMs);
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
    const defaultCount = Number.isSafeInteger(scenario.seeds) && (scenario.seeds as number) >= 1 ? (scenario.seeds as number) : 1;
    this.range = this.options.seeds ?? { from: 1, to: defaultCount };
    const shard = this.options.shard;
    this.first = this.range.from + (shard ? shard.index - 1 : 0);
    this.stride = shard ? shard.count : 1;
    this.planned = this.count(this.range);
    if (this.planned > SEED_INDEX_MAX) {
      throw new InputError(`--seeds ${this.range.from}..${this.range.to}: at most ${SEED_INDEX_MAX} seeds in one campaign`);
    }
    if (this.planned > 0) this.pending.push({ from: 0, count: this.planned });
    this.workersWanted = Math.max(1, Math.min(this.workersOption(), this.planned));
  }

  // --- Workers. ---

  private spawn(): Slot {
    const watchBuffer = new SharedArrayBuffer(WATCH_LENGTH * 4);
    const setup: WorkerSetup = {
      scenarioPath: this.options.scenarioPath,
      params: this.options.params ?? [],
      watch: watchBuffer,
      control: this.control.buffer as SharedArrayBuffer,
      ...(this.options.shrunk === undefined ? {} : { shrunk: this.options.shrunk }),
      checkDeterminism: this.options.checkDeterminism ?? false,
      keepGoing: this.options.keepGoing ?? false,
    };
    const worker = createWorker(setup);
    const slot: Slot = {
      worker,
      watch: new Int32Array(watchBuffer),
      state: 'loading',
      job: undefined,
      heartbeat: '',
      heartbeatAtMs: performance.now(),
      onReply: undefined,
      onGone: undefined,
    };
    this.slots.push(slot);
    const forward = this.options.onWorkerOutput ?? ((chunk: string) => process.stderr.write(chunk));
    worker.stdout.setEncoding('utf8').on('data', forward);
    worker.stderr.setEncoding('utf8').on('data', forward);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'internal-error') {
        this.fatal?.(new Error(`a campaign worker failed: ${reply.message}`));
        return;
      }
      if (reply.type === 'input-error') {
        this.fatal?.(new InputError(reply.message));
        return;
      }
      slot.onReply?.(reply);
    });
    worker.on('error', (error) => this.lose(slot, 'crashed', `the worker died: ${error.message}`));
    worker.on('exit', () => this.lose(slot, 'crashed', 'the worker exited'));
    return slot;
  }

  /** Waits for a worker to load the scenario. */
  private ready(slot: Slot): Promise<ScenarioInfo> {
    return new Promise((resolve, reject) => {
      slot.onReply = (reply) => {
        if (reply.type !== 'ready') return;
        slot.state = 'idle';
        slot.onReply = undefined;
        slot.onGone = undefined;
        resolve(reply.scenario);
      };
      slot.onGone = (failure) => reject(new Error(`a campaign worker stopped while loading the scenario: ${failure.detail}`));
    });
  }

  /** A worker is gone (terminated, crashed, exited): its job's callback decides what that means. */
  private lose(slot: Slot, kind: 'timeout' | 'crashed', detail: string, index = Atomics.load(slot.watch, WATCH.index)): void {
    if (slot.state === 'gone') return;
    const nodeSlot = Atomics.load(slot.watch, WATCH.node);
    const handler = nodeSlot === 0 ? undefined : HANDLER_BY_CODE[Atomics.load(slot.watch, WATCH.handler)];
    const node = nodeSlot === 0 ? undefined : this.scenario?.nodes[nodeSlot - 1];
    slot.state = 'gone';
    const failure: CampaignFailure = {
      kind,
      ...(node === undefined ? {} : { node }),
      ...(handler === undefined ? {} : { handler }),
      detail,
    };
    const onGone = slot.onGone;
    slot.onGone = undefined;
    slot.onReply = undefined;
    onGone?.(failure, index);
  }

  /** Terminates workers whose step counter has stood still for the step timeout. */
  private checkWatchdog(): void {
    const nowMs = performance.now();
    for (const slot of this.slots) {
      if (slot.state !== 'busy') continue;
      const phase = Atomics.load(slot.watch, WATCH.phase);
      const heartbeat = `${phase}:${Atomics.load(slot.watch, WATCH.index)}:${Atomics.load(slot.watch, WATCH.steps)}`;
      if (heartbeat !== slot.heartbeat || phase === PHASE.idle || phase === PHASE.loading) {
        slot.heartbeat = heartbeat;
        slot.heartbeatAtMs = nowMs;
        continue;
      }
      if (nowMs - slot.heartbeatAtMs < this.stepTimeoutMs) continue;
      const seconds = formatSeconds(this.stepTimeoutMs);
      const nodeSlot = Atomics.load(slot.watch, WATCH.node);
      const handler = HANDLER_BY_CODE[Atomics.load(slot.watch, WATCH.handler)];
      const node = this.scenario?.nodes[nodeSlot - 1];
      const detail =
        nodeSlot !== 0 && node !== undefined && handler !== undefined
          ? `${node}.${handler} did not return within ${seconds} (an infinite loop?)`
          : `no step finished within ${seconds}, outside any handler (an invariant, eventually or stopWhen function that loops?)`;
      this.lose(slot, 'timeout', detail);
      void slot.worker.terminate();
    }
  }

  private send(slot: Slot, request: WorkerRequest): void {
    slot.state = 'busy';
    slot.heartbeat = '';
    slot.heartbeatAtMs = performance.now();
    slot.worker.postMessage(request);
  }

  // --- Seeds. ---

  private seedPhase(): Promise<void> {
    return new Promise((resolve) => {
      this.seedPhaseDone = resolve;
      for (let count = this.liveSlots(); count < this.workersWanted; count++) this.addWorker();
      for (const slot of this.slots) this.pump(slot);
      this.maybeFinishSeeds();
    });
  }

  private addWorker(): void {
    const slot = this.spawn();
    // A worker that is ready before the seeds are planned waits idle until the seed phase pumps it.
    this.ready(slot).then(
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
    const job: Job = { kind: 'run', from: next.from, count: next.count, reported: next.from - 1 };
    slot.job = job;
    slot.onReply = (reply) => {
      if (reply.type === 'seed') {
        job.reported = reply.outcome.index;
        this.record(reply.outcome);
      } else if (reply.type === 'chunk-done') {
        slot.state = 'idle';
        slot.job = undefined;
        slot.onReply = undefined;
        slot.onGone = undefined;
        this.pump(slot);
      }
    };
    slot.onGone = (failure, stuckIndex) => {
      // The run in progress is the finding; the rest of the chunk goes back to the queue.
      const end = job.from + job.count;
      const index = stuckIndex >= job.from && stuckIndex < end ? stuckIndex : job.reported + 1;
      if (index < end) {
        this.record({ index, seed: this.seedOf(index), failure, endMs: 0, stats: emptyStats() });
      }
      this.requeue(job.reported + 1, index);
      this.requeue(index + 1, end);
      if (this.liveSlots() < this.workersWanted && this.takeChunkAvailable()) this.addWorker();
      this.maybeFinishSeeds();
    };
    this.send(slot, {
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
    const size = Math.max(1, Math.min(CHUNK_SEEDS_MAX, head.count, Math.floor(remaining / (this.workersWanted * 8))));
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

  private liveSlots(): number {
    return this.slots.filter((slot) => slot.state !== 'gone').length;
  }

  private maybeFinishSeeds(): void {
    if (this.seedPhaseDone === undefined) return;
    const working = this.slots.some((slot) => slot.state === 'busy');
    if (working) return;
    if (this.takeChunkAvailable()) {
      // Work is left but every worker is gone or still loading: make sure one is coming.
      if (!this.slots.some((slot) => slot.state === 'loading' || slot.state === 'idle')) this.addWorker();
      for (const slot of this.slots) if (slot.state === 'idle') this.pump(slot);
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
      if (this.lowestFailure === undefined || outcome.index < this.lowestFailure.index) this.lowestFailure = outcome;
      // Workers lower the stop index themselves; this covers failures found here (the watchdog's).
      if (!this.options.keepGoing && outcome.index < this.stopAbove()) {
        Atomics.store(this.control, CONTROL_STOP_ABOVE, outcome.index);
      }
    }
    this.options.onProgress?.({ phase: 'seeds', done: this.run_, total: this.planned, failed: this.failing.length });
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
          if (result.shrunk) {
            shrunk = result.shrunk;
            reportedToken = result.shrunk.token;
          } else {
            this.notes.push('nothing to shrink: the run has no fault or loss to leave out, and ends at its failure');
          }
        }
      }
      if (reported === undefined && rerunnable) reported = failure.trace ? failure : await this.trace(failure.index);
    } else if (this.options.tracePassing && this.planned > 0 && this.run_ > 0) {
      reported = this.firstOutcome?.trace ? this.firstOutcome : await this.trace(0);
    }
    if (reported && failure && reported.failure === undefined) {
      this.notes.push(`the recorded run of seed ${failure.seed} passed: the failure did not reproduce`);
    }
    const failingSeeds = [...this.failing].sort((a, b) => a - b);
    const verdict = failure ? 'fail' : this.run_ < this.planned ? 'unknown' : 'pass';
    if (verdict === 'unknown') this.notes.push(`time limit reached after ${this.run_} of ${this.planned} seeds`);
    const scenario = this.scenario as ScenarioInfo;
    return {
      verdict,
      scenario: { name: scenario.name, ...(scenario.description === undefined ? {} : { description: scenario.description }) },
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

  /** An idle worker for a follow-up job, spawning one if none is left. */
  private async idleSlot(): Promise<Slot> {
    const idle = this.slots.find((slot) => slot.state === 'idle');
    if (idle) return idle;
    const slot = this.spawn();
    await this.ready(slot);
    return slot;
  }

  private async shrink(index: number): Promise<Extract<WorkerReply, { type: 'shrunk' }> | undefined> {
    const slot = await this.idleSlot();
    this.options.onProgress?.({ phase: 'shrink', attempts: 0 });
    return new Promise((resolve) => {
      slot.job = { kind: 'shrink', index };
      slot.onReply = (reply) => {
        if (reply.type === 'shrink-progress') {
          this.options.onProgress?.({ phase: 'shrink', attempts: reply.attempts });
        } else if (reply.type === 'shrunk') {
          this.release(slot);
          resolve(reply);
        } else if (reply.type === 'shrink-failed') {
          this.release(slot);
          this.notes.push(`not shrunk: ${reply.message}`);
          resolve(undefined);
        }
      };
      slot.onGone = (failure) => {
        this.notes.push(`shrinking stopped: ${failure.detail}`);
        resolve(undefined);
      };
      this.send(slot, {
        type: 'shrink',
        index,
        seed: this.seedOf(index),
        ...(this.options.shrinkRunsMax === undefined ? {} : { runsMax: this.options.shrinkRunsMax }),
      });
    });
  }

  private async trace(index: number): Promise<SeedOutcome | undefined> {
    const slot = await this.idleSlot();
    this.options.onProgress?.({ phase: 'trace' });
    return new Promise((resolve) => {
      slot.job = { kind: 'trace', index };
      slot.onReply = (reply) => {
        if (reply.type !== 'traced') return;
        this.release(slot);
        resolve(reply.outcome);
      };
      slot.onGone = (failure) => {
        this.notes.push(`no trace: the recorded run stopped: ${failure.detail}`);
        resolve(undefined);
      };
      this.send(slot, {
        type: 'trace',
        index,
        seed: this.seedOf(index),
        ...(this.options.shrunk === undefined ? {} : { shrunk: this.options.shrunk }),
      });
    });
  }

  private release(slot: Slot): void {
    slot.state = 'idle';
    slot.job = undefined;
    slot.onReply = undefined;
    slot.onGone = undefined;
  }
}

/**
 * Starts a campaign worker. From the build, the worker is `campaign-worker.js`
 * beside this file; from the sources (tests), tsx is started in the worker
 * first so that it can run `campaign-worker.ts`.
 */
function createWorker(setup: WorkerSetup): Worker {
  const here = import.meta.url;
  const options = { workerData: setup, stdout: true, stderr: true };
  if (!here.endsWith('.ts')) return new Worker(new URL('./campaign-worker.js', here), options);
  // tsx's ESM API, found through its package.json (require.resolve would give the CommonJS build).
  const tsxPackage = createRequire(here).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { exports: Record<string, { import: { default: string } }> })
    .exports;
  const tsx = pathToFileURL(join(dirname(tsxPackage), exports['./esm/api']?.import.default ?? '')).href;
  const workerUrl = new URL('./campaign-worker.ts', here).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); })`;
  return new Worker(code, { ...options, eval: true });
}

function emptyStats(): RunStats {
  return { steps: 0, sends: 0, deliveries: 0, drops: 0, duplicates: 0, timersFired: 0, faults: 0 };
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
