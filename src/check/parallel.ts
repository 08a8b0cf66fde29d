/**
 * Parallel breadth-first search on worker threads, with the visited set partitioned by
 * fingerprint: worker `w` owns the states whose fingerprint's high lane is `w` modulo the
 * number of workers, keeps their fingerprints and parent records, and is the only one to
 * expand them. That same partitioning is the path to a search over several machines.
 *
 * The search is level-synchronous, so it keeps breadth-first guarantees (exact depths, shortest
 * counterexamples):
 * 1. every worker expands its share of level d. A successor it owns is checked against its own
 *    table at once. One owned by another worker is dropped if the owner's table already has it
 *    (worker tables live in shared memory, readable by all, written by their owner only) or if
 *    a small cache says it was set aside already; otherwise it is set aside, binary-encoded
 *    (codec.ts) so that it holds no objects in the heap;
 * 2. once every worker has expanded its share, each looks again in the owners' tables and ships
 *    only the successors their owner has still not found itself, in batches. Most successors
 *    of a level are found by several workers: waiting until the owner has expanded its own
 *    share avoids shipping those it found itself (on 2PC with 7 RMs, 2 workers: about 1 in 9
 *    set aside is shipped, and 1 state in 19 crosses between workers);
 * 3. each worker reports how many batches it sent to whom; the coordinator (this thread) tells
 *    each worker how many to expect, and workers report their level d+1 once all arrived;
 * 4. the coordinator stops on a violation, when a budget is spent, or when level d+1 is empty.
 *
 * A counterexample is rebuilt by asking each state's owner for its parent record, then replayed
 * on the coordinator's own copy of the model. Liveness needs the whole graph and is checked on
 * one thread instead.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { check, judge, type SearchSummary, validateOptions } from './check.js';
import type { Model } from './model.js';
import { loadModel, moduleUrl, type ModelSource } from './model-source.js';
import type { FromWorker, ToWorker, WorkerFigures, WorkerSetup } from './parallel-protocol.js';
import { PropertyTracker } from './properties.js';
import type { CheckOptions, CheckResult, StopReason } from './result.js';
import { NO_PARENT } from './state-table.js';

/**
 * Young-generation size per worker. Measured on 2PC with 7 RMs: 16, 64 and 128 MB cost the same
 * CPU time; with 8 RMs, 64 MB against 16 MB saved about 6% of wall-clock and CPU time (fewer
 * scavenges of the states a level keeps alive) for about 60 MB more peak memory.
 */
const YOUNG_GENERATION_MB = 64;

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
  const model = (await loadModel(source)) as Model<State, Action>;
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
  request(message: ToWorker | undefined): Promise<FromWorker> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const reply = new Promise<FromWorker>((resolve) => this.#waiting.push(resolve));
    if (message !== undefined) this.worker.postMessage(message);
    return reply;
  }
}

class ParallelSearch<State, Action> {
  readonly #source: ModelSource;
  readonly #model: Model<State, Action>;
  readonly #tracker: PropertyTracker<State>;
  readonly #options: CheckOptions;
  readonly #workers: number;
  readonly #startMs = performance.now();
  #handles: WorkerHandle[] = [];
  readonly #progress: { generatedStates: number; distinctStates: number }[] = [];
  #depth = 1;
  #nextReportMs: number;
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
    this.#options = options;
    this.#workers = workers;
    this.#nextReportMs = this.#startMs + (options.progressIntervalMs ?? 1000);
  }

  async run(): Promise<CheckResult<State, Action>> {
    const failed = new Promise<never>((_, reject) => (this.#failure = reject));
    try {
      return await Promise.race([this.#search(), failed]);
    } finally {
      await Promise.all(this.#handles.map((handle) => handle.worker.terminate()));
    }
  }

  #start(): void {
    const workers = this.#workers;
    const ports: (MessagePort | undefined)[][] = Array.from({ length: workers }, () =>
      Array.from<MessagePort | undefined>({ length: workers }),
    );
    for (let i = 0; i < workers; i++) {
      for (let j = i + 1; j < workers; j++) {
        const channel = new MessageChannel();
        (ports[i] as (MessagePort | undefined)[])[j] = channel.port1;
        (ports[j] as (MessagePort | undefined)[])[i] = channel.port2;
      }
    }
    const here = import.meta.url;
    const workerUrl = new URL(/\.ts$/.test(here) ? './worker.ts' : './worker.js', here);
    const typescript = /\.[cm]?tsx?$/;
    const needsTsx = typescript.test(workerUrl.pathname) || typescript.test(moduleUrl(this.#source));
    const deadline =
      this.#options.maxMs === undefined
        ? undefined
        : performance.timeOrigin + this.#startMs + this.#options.maxMs;
    const statesMax = this.#options.maxStates;
    for (let w = 0; w < workers; w++) {
      const peers = ports[w] ?? [];
      const setup: WorkerSetup = {
        source: { ...this.#source, module: moduleUrl(this.#source) },
        workerId: w,
        workers,
        peers,
        symmetry: this.#options.symmetry !== false,
        ...(this.#options.expectedStates === undefined
          ? {}
          : { expectedStates: this.#options.expectedStates }),
        ...(deadline === undefined ? {} : { deadline }),
        ...(statesMax === undefined ? {} : { statesPerWorkerMax: Math.ceil(statesMax / workers) }),
      };
      const worker = new Worker(needsTsx ? typescriptBootstrap(workerUrl) : workerUrl, {
        workerData: setup,
        transferList: peers.filter((port): port is MessagePort => port !== undefined),
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      this.#progress.push({ generatedStates: 0, distinctStates: 0 });
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
    this.#progress[worker] = {
      generatedStates: message.generatedStates,
      distinctStates: message.distinctStates,
    };
    const now = performance.now();
    if (this.#options.onProgress === undefined || now < this.#nextReportMs) return;
    this.#nextReportMs = now + (this.#options.progressIntervalMs ?? 1000);
    this.#report(now);
  }

  #report(now: number): void {
    const generatedStates = this.#progress.reduce((sum, p) => sum + p.generatedStates, 0);
    const distinctStates = this.#progress.reduce((sum, p) => sum + p.distinctStates, 0);
    const elapsedMs = now - this.#startMs;
    this.#options.onProgress?.({
      generatedStates,
      distinctStates,
      depth: this.#depth,
      statesPerSecond: elapsedMs > 0 ? (distinctStates * 1000) / elapsedMs : 0,
      memoryBytes: process.memoryUsage.rss(),
      elapsedMs,
    });
  }

  async #all(message: ToWorker | ((worker: number) => ToWorker) | undefined): Promise<FromWorker[]> {
    return Promise.all(
      this.#handles.map((handle, w) => handle.request(typeof message === 'function' ? message(w) : message)),
    );
  }

  /** Folds worker reports into the coordinator's tracker and progress. */
  #absorb(replies: readonly FromWorker[]): WorkerFigures[] {
    const figures = replies.map((reply) => {
      if (
        reply.type !== 'ready' &&
        reply.type !== 'expanded' &&
        reply.type !== 'exchanged' &&
        reply.type !== 'drained'
      ) {
        throw new Error(`check: unexpected reply ${reply.type} from a worker`);
      }
      return reply;
    });
    const tracker = this.#tracker;
    figures.forEach((f, w) => {
      this.#progress[w] = { generatedStates: f.generatedStates, distinctStates: f.distinctStates };
      // Workers report the same level at once: among violations found in one level, the
      // lowest worker id wins, so runs are reproducible.
      for (const [invariant, id] of f.violations) {
        if (tracker.violatedAt[invariant] === -1) {
          tracker.violatedAt[invariant] = id;
          tracker.violationOrder.push(invariant);
        }
      }
      for (const [goal, id] of f.reached) {
        if (tracker.reachedAt[goal] === -1) tracker.reachedAt[goal] = id;
      }
    });
    return figures;
  }

  async #search(): Promise<CheckResult<State, Action>> {
    this.#start();
    const options = this.#options;
    const stopOnViolation = options.stopOnViolation ?? true;
    const depthMax = options.maxDepth ?? Infinity;
    let figures = this.#absorb(await this.#all(undefined));
    let stopReason: StopReason | undefined;
    for (;;) {
      if (stopOnViolation && this.#tracker.violated) {
        stopReason = 'violation';
        break;
      }
      if (figures.some((f) => f.cut)) {
        stopReason = performance.now() - this.#startMs >= (options.maxMs ?? Infinity) ? 'maxMs' : 'maxStates';
        break;
      }
      if (figures.every((f) => f.frontier === 0)) break;
      if (figures.reduce((sum, f) => sum + f.distinctStates, 0) >= (options.maxStates ?? Infinity)) {
        stopReason = 'maxStates';
        break;
      }
      if (this.#depth >= depthMax) {
        stopReason = 'maxDepth';
        break;
      }
      this.#absorb(await this.#all({ type: 'expand' }));
      const exchanged = await this.#all({ type: 'exchange' });
      this.#absorb(exchanged);
      const sent = exchanged.map((reply) => (reply.type === 'exchanged' ? reply.sent : []));
      figures = this.#absorb(
        await this.#all((w) => ({ type: 'drain', expect: sent.map((counts) => counts[w] ?? 0) })),
      );
      if (figures.some((f) => f.frontier > 0)) this.#depth++;
      if (options.onProgress !== undefined && performance.now() >= this.#nextReportMs) {
        this.#nextReportMs = performance.now() + (options.progressIntervalMs ?? 1000);
        this.#report(performance.now());
      }
    }
    this.#report(performance.now());
    // Paths are fetched from the workers before the result is assembled synchronously.
    const steps = new Map<number, number[]>();
    for (const id of [...this.#tracker.violatedAt, ...this.#tracker.reachedAt]) {
      if (id >= 0 && !steps.has(id)) steps.set(id, await this.#pathTo(id));
    }
    const summary: SearchSummary = {
      distinctStates: figures.reduce((sum, f) => sum + f.distinctStates, 0),
      generatedStates: figures.reduce((sum, f) => sum + f.generatedStates, 0),
      maxDepth: this.#depth,
      complete: stopReason === undefined,
      stopReason,
      elapsedMs: performance.now() - this.#startMs,
      visitedBytes: figures.reduce((sum, f) => sum + f.visitedBytes, 0),
      pathTo: (id) => steps.get(id) ?? [],
    };
    const notes =
      stopReason === 'maxStates'
        ? ['maxStates is checked per worker and between levels: counts may exceed it']
        : [];
    return judge(this.#model, this.#tracker, summary, 'bfs', notes, this.#workers);
  }

  /** Steps to a state, from its owner's parent records, owner by owner. */
  async #pathTo(id: number): Promise<number[]> {
    const steps: number[] = [];
    for (let at = id; ;) {
      const owner = at % this.#workers;
      const handle = this.#handles[owner];
      if (handle === undefined) throw new Error(`check: no worker ${owner}`);
      const reply = await handle.request({ type: 'record', index: Math.floor(at / this.#workers) });
      if (reply.type !== 'record') throw new Error(`check: unexpected reply ${reply.type} from a worker`);
      steps.push(reply.action);
      if (reply.parent === NO_PARENT) break;
      at = reply.parent;
    }
    return steps.reverse();
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
