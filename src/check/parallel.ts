/**
 * Parallel breadth-first search on worker threads, over one visited set that every worker
 * writes (shared-table.ts): a worker inserts each successor with an atomic compare-and-swap and
 * keeps for itself the states it was first to insert, so no state crosses threads for
 * deduplication.
 *
 * The search is level-synchronous, so it keeps breadth-first guarantees (exact depths, shortest
 * counterexamples):
 * 1. every worker expands its share of level d, binary-encoded in chunks (frontier.ts); the
 *    states it inserts first go to its share of level d+1;
 * 2. a worker that runs dry while another still holds enough of level d tells the coordinator
 *    (this thread), which raises a shared flag; the workers stop at the next state boundary,
 *    and the coordinator moves whole chunks from the fullest to the emptiest before they go on;
 * 3. workers also stop when the shared table reaches its growth mark: the coordinator rehashes
 *    it into a table twice as large, and they go on with that one;
 * 4. once level d is done, level d+1 becomes the level to expand, balanced the same way; the
 *    coordinator stops on a violation, when a budget is spent, or when level d+1 is empty.
 *
 * Budgets (states, time, memory) are watched by every thread through shared words: the first to
 * see one spent says which, and every worker stops at its next state boundary, mid-level.
 *
 * Which worker is first to insert a state found by two in the same level depends on timing, so
 * state ids do too; the report does not (canonical.ts): a violation stops the search only once
 * its level is done, each property's find is the least by fingerprint in its level, and each
 * state keeps the parent with the least fingerprint (shared-table.ts). The counterexample is the
 * one the search on one thread reports.
 *
 * Liveness needs the whole graph and is checked on one thread instead.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CanonicalFinds } from './canonical.js';
import { check, judge, type SearchSummary, validateOptions } from './check.js';
import type { Model } from './model.js';
import { loadModel, moduleUrl, type ModelSource } from './model-source.js';
import { EncodedQueue } from './frontier.js';
import { guardedModel, ModelError } from './guarded-model.js';
import {
  countedBytes,
  defaultMemoryLimitMb,
  MemoryGauge,
  memoryStop,
  megabytes,
  workerHeapLimitMb,
} from './memory-budget.js';
import { Coordination, WORKER_CHUNK_BYTES } from './parallel-coordination.js';
import {
  type Chunks,
  type FromWorker,
  type ToWorker,
  transferList,
  type WorkerSetup,
} from './parallel-protocol.js';
import { stepsThrough } from './path.js';
import { nextReportMs } from './progress.js';
import { PropertyTracker } from './properties.js';
import type { CheckOptions, CheckResult, StopReason } from './result.js';
import { SharedStateTable } from './shared-table.js';
import { NO_PARENT } from './state-table.js';
import { type StateFingerprinter, stateFingerprinter } from './symmetry.js';
import { workerModule } from './worker-module.js';

/**
 * Young-generation size per worker. Measured on 2PC with 8 RMs, 2 workers: 32, 64 and 128 MB
 * cost the same time (12.0 to 12.9 CPU seconds, within the noise); 32 MB peaks about 50 MB lower.
 */
const YOUNG_GENERATION_MB = 32;

/**
 * Explores a model on `options.workers` worker threads (default 2) by breadth-first search and
 * judges its properties. The model is given by its module, since every worker builds its own
 * copy. Falls back to {@link check} on this thread for one worker, for strategies other than
 * `bfs`, and for models with `eventually` properties (the result's notes say so).
 *
 * @throws TypeError on a malformed source, model or options.
 */
export async function checkInWorkers<State = unknown, Action = unknown>(
  source: ModelSource,
  options: CheckOptions = {},
): Promise<CheckResult<State, Action>> {
  validateOptions(options);
  const loaded = (await loadModel(source)) as Model<State, Action>;
  const model = options.guardModel === true ? guardedModel(loaded) : loaded;
  const workers = options.workers ?? 2;
  const tracker = new PropertyTracker(model);
  const strategy = options.strategy ?? 'bfs';
  if (workers === 1 || strategy !== 'bfs' || tracker.livenesses.length > 0) {
    const result = check(model, { ...options, workers: 1 });
    const why =
      workers === 1
        ? undefined
        : strategy !== 'bfs'
          ? `the ${strategy} strategy runs on one thread`
          : 'eventually properties are checked on one thread';
    return why === undefined ? result : { ...result, notes: [...result.notes, why] };
  }
  return new ParallelSearch<State, Action>(source, model, tracker, options, workers).run();
}

/** A started worker and the replies it owes. */
class WorkerHandle {
  readonly worker: Worker;
  readonly #waiting: ((message: FromWorker) => void)[] = [];
  #failure: Error | undefined;
  readonly #onFailure: (error: Error) => void;

  constructor(worker: Worker, onProgress: (message: FromWorker) => void, onFailure: (error: Error) => void) {
    this.worker = worker;
    this.#onFailure = onFailure;
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') return onProgress(message);
      if (message.type === 'error') return this.#fail(new Error(`check worker: ${message.message}`));
      if (message.type === 'modelError') {
        const { problem, where, state, action, detail } = message;
        return this.#fail(new ModelError(problem, where, state, action, detail));
      }
      this.#waiting.shift()?.(message);
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (code !== 0) this.#fail(new Error(`check worker exited with code ${code}`));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#onFailure(error);
  }

  /** Sends a request and resolves with the next reply. */
  request(message: ToWorker | undefined, transfer?: readonly ArrayBuffer[]): Promise<FromWorker> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const reply = new Promise<FromWorker>((resolve) => this.#waiting.push(resolve));
    if (message !== undefined) this.worker.postMessage(message, transfer === undefined ? [] : [...transfer]);
    return reply;
  }
}

/** Workers post their figures at least this often, so that progress reports are never late by more. */
const WORKER_POST_MAX_MS = 500;

/** Below this many states left in a worker's level, an idle worker does not stop the others. */
const SHARE_MIN_STATES = 2048;
/** Between levels, frontiers are evened out once they differ by more than this many states. */
const BALANCE_MIN_STATES = 1024;

class ParallelSearch<State, Action> {
  readonly #source: ModelSource;
  readonly #model: Model<State, Action>;
  readonly #tracker: PropertyTracker<State>;
  readonly #finds: CanonicalFinds<State>;
  readonly #fingerprinter: StateFingerprinter<State>;
  readonly #options: CheckOptions;
  readonly #workers: number;
  readonly #startMs = performance.now();
  readonly #coordination: Coordination;
  #table: SharedStateTable;
  /** Bumped each time the table grows; each worker's copy says which table it has. */
  #tableVersion = 0;
  readonly #workerTableVersion: number[];
  #handles: WorkerHandle[] = [];
  readonly #generated: number[];
  readonly #distinct: number[];
  readonly #frontier: number[];
  #initialGenerated = 0;
  #depth = 0;
  readonly #memoryLimitMb: number;
  readonly #memory = new MemoryGauge();
  #memoryPeakBytes = 0;
  #nextReportMs: number;
  #disposeModule: () => Promise<void> = () => Promise.resolve();
  #failure: ((error: Error) => void) | undefined;

  constructor(
    source: ModelSource,
    model: Model<State, Action>,
    tracker: PropertyTracker<State>,
    options: CheckOptions,
    workers: number,
  ) {
    this.#source = source;
    this.#model = model;
    this.#tracker = tracker;
    this.#finds = new CanonicalFinds(tracker);
    this.#fingerprinter = stateFingerprinter<State>(options.symmetry === true ? model.symmetry : undefined);
    this.#options = options;
    this.#workers = workers;
    this.#table = SharedStateTable.create(options.expectedStates ?? 0);
    this.#coordination = new Coordination(Coordination.allocate(workers));
    this.#workerTableVersion = Array.from({ length: workers }, () => 0);
    this.#generated = Array.from({ length: workers }, () => 0);
    this.#distinct = Array.from({ length: workers }, () => 0);
    this.#frontier = Array.from({ length: workers }, () => 0);
    this.#nextReportMs = this.#startMs + (options.progressIntervalMs ?? 1000);
    this.#memoryLimitMb = options.maxMemoryMb ?? defaultMemoryLimitMb();
    this.#watchBudgets();
  }

  /** The coordination's line for this thread: after the workers'. */
  get #line(): number {
    return this.#workers;
  }

  /**
   * Publishes the memory this thread holds, and stops the search if the threads hold more than
   * the budget together or the time is up. Called at each message from a worker and between
   * rounds: this thread allocates only between rounds (the grown table, initial states).
   */
  #watchBudgets(): void {
    const now = performance.now();
    const coordination = this.#coordination;
    const sample = this.#memory.read(now);
    coordination.setMemory(this.#line, countedBytes(sample));
    const total = coordination.memoryTotal();
    if (total > this.#memoryPeakBytes) this.#memoryPeakBytes = total;
    const stop = memoryStop(total, megabytes(this.#memoryLimitMb), sample);
    if (stop !== undefined) coordination.stop(stop);
    if (now - this.#startMs >= (this.#options.maxMs ?? Infinity)) coordination.stop('maxMs');
  }

  async run(): Promise<CheckResult<State, Action>> {
    const failed = new Promise<never>((_, reject) => (this.#failure = reject));
    try {
      return await Promise.race([this.#search(), failed]);
    } finally {
      await Promise.all(this.#handles.map((handle) => handle.worker.terminate()));
      await this.#disposeModule();
    }
  }

  async #start(): Promise<void> {
    const here = import.meta.url;
    // `new URL('./worker.js', import.meta.url)` as written: the build's bundle points it at the worker's entry.
    const workerUrl = /\.ts$/.test(here)
      ? new URL('./worker.ts', import.meta.url)
      : new URL('./worker.js', import.meta.url);
    const typescript = /\.[cm]?tsx?$/;
    // Compiled, the checker's workers start without a TypeScript loader when the model is
    // bundled (worker-module.ts); from TypeScript sources (tests, tsx runs) they need one anyway.
    let moduleForWorkers: string | undefined;
    if (!typescript.test(workerUrl.pathname)) {
      const bundled = await workerModule(moduleUrl(this.#source));
      if (bundled !== undefined) {
        this.#disposeModule = () => bundled.dispose();
        moduleForWorkers = bundled.url;
      }
    }
    const needsTsx = moduleForWorkers === undefined;
    const deadline =
      this.#options.maxMs === undefined
        ? undefined
        : performance.timeOrigin + this.#startMs + this.#options.maxMs;
    const statesMax = this.#options.maxStates;
    for (let w = 0; w < this.#workers; w++) {
      const setup: WorkerSetup = {
        source: { ...this.#source, module: moduleForWorkers ?? moduleUrl(this.#source) },
        workerId: w,
        symmetry: this.#options.symmetry === true,
        guardModel: this.#options.guardModel ?? false,
        table: this.#table.buffers,
        coordination: this.#coordination.buffer,
        ...(deadline === undefined ? {} : { deadline }),
        ...(statesMax === undefined ? {} : { statesMax }),
        ...(this.#options.partsMax === undefined ? {} : { partsMax: this.#options.partsMax }),
        memoryLimitBytes: megabytes(this.#memoryLimitMb),
        // Reports here are at most this late: they wait for the workers' figures.
        progressIntervalMs: Math.min(this.#options.progressIntervalMs ?? 1000, WORKER_POST_MAX_MS),
      };
      const worker = new Worker(needsTsx ? typescriptBootstrap(workerUrl) : workerUrl, {
        workerData: setup,
        resourceLimits: {
          maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
          // The budget counts this worker's heap: it must be able to hold the whole budget.
          maxOldGenerationSizeMb: workerHeapLimitMb(this.#memoryLimitMb),
        },
      });
      this.#handles.push(
        new WorkerHandle(
          worker,
          (message) => this.#onProgress(w, message),
          (error) => this.#failure?.(error),
        ),
      );
    }
  }

  #onProgress(worker: number, message: FromWorker): void {
    if (message.type !== 'progress') return;
    this.#generated[worker] = message.generatedStates;
    this.#distinct[worker] = message.distinctStates;
    this.#watchBudgets();
    this.#maybeReport();
  }

  #maybeReport(): void {
    const now = performance.now();
    if (this.#options.onProgress === undefined || now < this.#nextReportMs) return;
    this.#nextReportMs = nextReportMs(this.#startMs, now, this.#options.progressIntervalMs ?? 1000);
    this.#report(now);
  }

  #generatedStates(): number {
    return this.#generated.reduce((sum, g) => sum + g, this.#initialGenerated);
  }

  #distinctStates(): number {
    return this.#distinct.reduce((sum, d) => sum + d, this.#table.inserted);
  }

  #report(now: number): void {
    const distinctStates = this.#distinctStates();
    const elapsedMs = now - this.#startMs;
    this.#options.onProgress?.({
      generatedStates: this.#generatedStates(),
      distinctStates,
      depth: this.#depth,
      statesPerSecond: elapsedMs > 0 ? (distinctStates * 1000) / elapsedMs : 0,
      memoryBytes: this.#coordination.memoryTotal(),
      memoryLimitBytes: megabytes(this.#memoryLimitMb),
      elapsedMs,
    });
  }

  /** Sends one worker a request; folds its reply's figures in. */
  async #ask(worker: number, message: ToWorker, transfer?: readonly ArrayBuffer[]): Promise<FromWorker> {
    const handle = this.#handles[worker];
    if (handle === undefined) throw new Error(`check: no worker ${worker}`);
    const reply = await handle.request(message, transfer);
    this.#absorb(worker, reply);
    return reply;
  }

  /** Folds a worker's figures into the coordinator's tracker and counters. */
  #absorb(worker: number, reply: FromWorker): void {
    if (reply.type === 'progress' || reply.type === 'error' || reply.type === 'modelError') {
      throw new Error(`check: unexpected reply ${reply.type} from a worker`);
    }
    this.#generated[worker] = reply.generatedStates;
    this.#distinct[worker] = reply.distinctStates;
    this.#frontier[worker] = reply.frontier;
    this.#watchBudgets();
    this.#finds.merge(reply.violations, reply.examples);
  }

  /** Inserts the initial states here, and hands them to the workers. */
  async #seed(): Promise<void> {
    const model = this.#model;
    const fingerprinter = this.#fingerprinter;
    const queue = new EncodedQueue<State>(WORKER_CHUNK_BYTES);
    const initial = model.init();
    for (let i = 0; i < initial.length; i++) {
      const state = initial[i] as State;
      this.#initialGenerated++;
      fingerprinter.hash(state);
      const id = this.#table.insert(fingerprinter.high, fingerprinter.low, NO_PARENT);
      if (id < 0) continue;
      this.#depth = 1;
      this.#finds.observe(state, id, 1, fingerprinter.high, fingerprinter.low);
      if (model.within === undefined || model.within(state)) queue.push(state, id, 0);
    }
    this.#coordination.setInserted(this.#workers, this.#table.inserted);
    const load: Chunks = { encoding: 'bytes', ...queue.giveChunks(queue.size) };
    await this.#ask(0, { type: 'take', load }, transferList(load));
    await this.#balance();
  }

  async #search(): Promise<CheckResult<State, Action>> {
    await this.#start();
    await Promise.all(
      this.#handles.map((handle, w) => handle.request(undefined).then((r) => this.#absorb(w, r))),
    );
    await this.#seed();
    const options = this.#options;
    const stopOnViolation = options.stopOnViolation ?? true;
    const depthMax = options.maxDepth ?? Infinity;
    let stopReason: StopReason | undefined;
    for (;;) {
      if (stopOnViolation && this.#finds.violated) {
        stopReason = 'violation';
        break;
      }
      this.#watchBudgets();
      stopReason = this.#coordination.stopped;
      if (stopReason !== undefined) break;
      if (this.#frontier.every((states) => states === 0)) break;
      if (this.#distinctStates() >= (options.maxStates ?? Infinity)) {
        stopReason = 'maxStates';
        break;
      }
      if (this.#depth >= depthMax) {
        stopReason = 'maxDepth';
        break;
      }
      await this.#expandLevel();
      if (this.#coordination.stopped !== undefined) continue;
      const advanced = await Promise.all(this.#handles.map((_, w) => this.#ask(w, { type: 'advance' })));
      await this.#forgetCompacted(advanced);
      if (this.#frontier.some((states) => states > 0)) this.#depth++;
      await this.#balance();
      this.#maybeReport();
    }
    this.#report(performance.now());
    this.#finds.publish(this.#tracker);
    const table = this.#table;
    const model = this.#model;
    const fingerprinter = this.#fingerprinter;
    const summary: SearchSummary = {
      distinctStates: this.#distinctStates(),
      generatedStates: this.#generatedStates(),
      maxDepth: this.#depth,
      complete: stopReason === undefined,
      stopReason,
      elapsedMs: performance.now() - this.#startMs,
      visitedBytes: table.bytes,
      memoryLimitMb: this.#memoryLimitMb,
      memoryPeakBytes: this.#memoryPeakBytes,
      pathTo: (id) => stepsThrough(model, fingerprinter, table.fingerprintsTo(id)),
    };
    const notes =
      stopReason === 'maxStates'
        ? ['the state limit is checked after each expanded state: counts may exceed it by its successors']
        : [];
    return judge(this.#model, this.#tracker, summary, 'bfs', notes, this.#workers);
  }

  /** Expands the current level on every worker that holds some of it, until none does. */
  async #expandLevel(): Promise<void> {
    for (;;) {
      const active = this.#frontier.flatMap((states, w) => (states > 0 ? [w] : []));
      if (active.length === 0) return;
      this.#coordination.hungry = false;
      let running = active.length;
      await Promise.all(
        active.map(async (w) => {
          const table = this.#workerTableVersion[w] === this.#tableVersion ? undefined : this.#table.buffers;
          this.#workerTableVersion[w] = this.#tableVersion;
          const level = this.#depth + 1;
          const reply = await this.#ask(w, {
            type: 'expand',
            level,
            ...(table === undefined ? {} : { table }),
          });
          running--;
          // Ran dry while others still run: stop them if one of them has enough to share.
          if (running > 0 && reply.type === 'expanded' && reply.frontier === 0) {
            const rich = this.#frontier.some(
              (_, other) => other !== w && this.#coordination.remaining(other) >= SHARE_MIN_STATES,
            );
            if (rich) this.#coordination.hungry = true;
          }
        }),
      );
      if (this.#coordination.stopped !== undefined) return;
      if (this.#table.full) {
        this.#table = this.#table.grown(); // keeps this thread's count and block of ids
        this.#tableVersion++;
        this.#watchBudgets();
      }
      await this.#balance();
    }
  }

  /** Tells every worker to forget the part ids of the workers that renumbered theirs. */
  async #forgetCompacted(replies: readonly FromWorker[]): Promise<void> {
    for (let peer = 0; peer < replies.length; peer++) {
      const reply = replies[peer];
      if (reply?.type !== 'advanced' || !reply.compacted) continue;
      await Promise.all(
        this.#handles.flatMap((_, w) => (w === peer ? [] : [this.#ask(w, { type: 'forget', peer })])),
      );
    }
  }

  /** Moves whole chunks of the current level from the fullest workers to the emptiest. */
  async #balance(): Promise<void> {
    for (let moves = 0; moves < this.#workers; moves++) {
      const frontier = this.#frontier;
      let rich = 0;
      let poor = 0;
      frontier.forEach((states, w) => {
        if (states > (frontier[rich] ?? 0)) rich = w;
        if (states < (frontier[poor] ?? 0)) poor = w;
      });
      const gap = (frontier[rich] ?? 0) - (frontier[poor] ?? 0);
      if (gap < BALANCE_MIN_STATES) return;
      const given = await this.#ask(rich, { type: 'give', states: Math.floor(gap / 2), to: poor });
      if (given.type !== 'given' || given.load.chunks.length === 0) return;
      await this.#ask(poor, { type: 'take', load: given.load }, transferList(given.load));
    }
  }
}

/**
 * A worker entry that first registers tsx, then imports the real entry: workers then load
 * TypeScript sources (tests, `tsx` runs, scenario files). Node 20 does not apply a loader given
 * in a worker's `execArgv` to the worker's own entry, hence the bootstrap module.
 */
function typescriptBootstrap(entry: URL): URL {
  const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx')));
  const code =
    `const { register } = await import(${JSON.stringify(tsxApi.href)});\n` +
    `register();\n` +
    `await import(${JSON.stringify(entry.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
