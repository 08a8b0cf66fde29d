/**
 * A search worker of the parallel breadth-first search: expands its share of the current
 * level, inserting successors into the visited set that all workers share, and keeps the new
 * ones for the next level. The algorithm is described in parallel.ts.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EncodedQueue } from './frontier.js';
import { guardedModel, ModelError } from './guarded-model.js';
import { loadModel } from './model-source.js';
import type { Model } from './model.js';
import type { FromWorker, ToWorker, WorkerFigures, WorkerSetup } from './parallel-protocol.js';
import { Coordination, WORKER_CHUNK_BYTES } from './parallel-coordination.js';
import { PropertyTracker } from './properties.js';
import { SharedStateTable } from './shared-table.js';
import { stateFingerprinter } from './symmetry.js';

/** Deadlines and progress are looked at every this many expanded states. */
const CLOCK_EVERY = 256;
/**
 * The size of the level left is published every this many expanded states: a shared word
 * written after every state would bounce between the cores' caches.
 */
const PUBLISH_EVERY = 32;

/** Milliseconds since the epoch, with sub-millisecond precision, comparable across threads. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

async function main(): Promise<void> {
  const setup = workerData as WorkerSetup;
  const port = parentPort;
  if (port === null) throw new Error('worker: not started as a worker thread');
  const post = (message: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);
  const fail = (error: unknown): void => {
    if (error instanceof ModelError) {
      const { problem, where, detail, state, action } = error;
      try {
        post({ type: 'modelError', problem, where, detail, state, action });
        return;
      } catch {
        // The state or action cannot be copied to the coordinator: report the message alone.
      }
    }
    post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  };
  try {
    const loaded = await loadModel(setup.source);
    const model = setup.guardModel ? guardedModel(loaded) : loaded;
    const search = new WorkerSearch(setup, model, post);
    port.on('message', (message: ToWorker) => {
      if (message.type === 'stop') {
        port.close();
        return;
      }
      try {
        search.handle(message);
      } catch (error) {
        fail(error);
      }
    });
    post({ type: 'ready', ...search.figures() });
  } catch (error) {
    fail(error);
  }
}

class WorkerSearch<State, Action> {
  readonly #setup: WorkerSetup;
  readonly #model: Model<State, Action>;
  readonly #post: (message: FromWorker, transfer?: ArrayBuffer[]) => void;
  readonly #tracker: PropertyTracker<State>;
  readonly #coordination: Coordination;
  readonly #fingerprinter;
  #table: SharedStateTable;
  // The level being expanded and the next one, encoded (frontier.ts); `index` is a state id.
  #level = new EncodedQueue<State>(WORKER_CHUNK_BYTES);
  #next = new EncodedQueue<State>(WORKER_CHUNK_BYTES);
  #generated = 0;
  #cut = false;
  readonly #violations: [number, number][] = [];
  readonly #reached: [number, number][] = [];
  #nextProgressMs = nowMs() + 1000;

  constructor(
    setup: WorkerSetup,
    model: Model<unknown, unknown>,
    post: (message: FromWorker, transfer?: ArrayBuffer[]) => void,
  ) {
    this.#setup = setup;
    this.#model = model as Model<State, Action>;
    this.#post = post;
    this.#tracker = new PropertyTracker(this.#model);
    this.#table = new SharedStateTable(setup.table);
    this.#coordination = new Coordination(setup.coordination);
    this.#fingerprinter = stateFingerprinter<State>(setup.symmetry ? this.#model.symmetry : undefined);
  }

  handle(message: Exclude<ToWorker, { type: 'stop' }>): void {
    switch (message.type) {
      case 'expand':
        if (message.table !== undefined) {
          const grown = new SharedStateTable(message.table);
          grown.continueFrom(this.#table);
          this.#table = grown;
        }
        this.#expand();
        this.#post({ type: 'expanded', ...this.figures() });
        return;
      case 'advance':
        this.#next.seal();
        this.#level = this.#next;
        this.#next = new EncodedQueue<State>(WORKER_CHUNK_BYTES);
        this.#post({ type: 'advanced', ...this.figures() });
        return;
      case 'give': {
        const { chunks, sizes } = this.#level.giveChunks(message.states);
        this.#post(
          { type: 'given', chunks, sizes, ...this.figures() },
          chunks.map((chunk) => chunk.buffer as ArrayBuffer),
        );
        return;
      }
      case 'take':
        this.#level.takeChunks(message.chunks, message.sizes);
        this.#post({ type: 'taken', ...this.figures() });
        return;
    }
  }

  figures(): WorkerFigures {
    return {
      generatedStates: this.#generated,
      distinctStates: this.#table.inserted,
      frontier: this.#level.size,
      violations: this.#violations,
      reached: this.#reached,
      cut: this.#cut,
    };
  }

  /** A new state this worker inserted: checks its properties and keeps it for the next level. */
  #accept(id: number, state: State): void {
    const tracker = this.#tracker;
    const before = tracker.violationOrder.length;
    tracker.check(state, id);
    for (let i = before; i < tracker.violationOrder.length; i++) {
      this.#violations.push([tracker.violationOrder[i] ?? 0, id]);
    }
    const reachedAt = tracker.reachedAt;
    for (let i = 0; i < reachedAt.length; i++) {
      if (reachedAt[i] === id) this.#reached.push([i, id]);
    }
    if (this.#model.within !== undefined && !this.#model.within(state)) return;
    this.#next.push(state, id, 0);
  }

  /**
   * Expands states of the level until none is left, the shared table must grow, the
   * coordinator asks for work to hand to an idle worker, or a budget is spent.
   */
  #expand(): void {
    const { deadline, statesMax, workerId } = this.#setup;
    const model = this.#model;
    const fingerprinter = this.#fingerprinter;
    const table = this.#table;
    const coordination = this.#coordination;
    const listed: Action[] = [];
    const level = this.#level;
    // Without symmetry, a state is recorded as the hashing base while it is decoded.
    const baseHasher = fingerprinter.baseHasher;
    for (let k = 1; level.size > 0 && !this.#cut; k++) {
      const state = baseHasher === undefined ? level.take() : level.takeAsBase(baseHasher);
      const parent = level.index;
      if (baseHasher === undefined) fingerprinter.expanding(state);
      listed.length = 0;
      model.actions(state, listed);
      for (let i = 0; i < listed.length; i++) {
        const after = model.next(state, listed[i] as Action);
        if (after === undefined) continue;
        this.#generated++;
        if (after === state) continue; // a step that changes nothing: already visited
        fingerprinter.hash(after);
        const id = table.insert(fingerprinter.high, fingerprinter.low, parent, i);
        if (id >= 0) this.#accept(id, after);
      }
      if (statesMax !== undefined) {
        coordination.setInserted(workerId, table.inserted);
        if (coordination.insertedTotal() >= statesMax) this.#cut = true;
      }
      if (table.full || coordination.hungry) break;
      if (k % PUBLISH_EVERY === 0) coordination.setRemaining(workerId, level.size);
      if (k % CLOCK_EVERY === 0) {
        const now = nowMs();
        if (deadline !== undefined && now >= deadline) this.#cut = true;
        if (now >= this.#nextProgressMs) {
          this.#nextProgressMs = now + 1000;
          this.#post({
            type: 'progress',
            generatedStates: this.#generated,
            distinctStates: this.#table.inserted,
          });
        }
      }
    }
  }
}

void main();
