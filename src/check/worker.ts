/**
 * A search worker of the parallel breadth-first search: expands its share of the current
 * level, inserting successors into the visited set that all workers share, and keeps the new
 * ones for the next level. The algorithm is described in parallel.ts.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EncodedQueue } from './frontier.js';
import { InternedQueue, PartFingerprinter } from './interned-frontier.js';
import { CanonicalFinds } from './canonical.js';
import { guardedModel, ModelError } from './guarded-model.js';
import { loadModel } from './model-source.js';
import type { Model } from './model.js';
import {
  type Chunks,
  type FromWorker,
  type ToWorker,
  transferList,
  type WorkerFigures,
  type WorkerSetup,
} from './parallel-protocol.js';
import { PartExporter, PartImporter } from './part-transfer.js';
import { Coordination, WORKER_CHUNK_BYTES } from './parallel-coordination.js';
import { countedBytes, MemoryGauge, memoryStop } from './memory-budget.js';
import { PropertyTracker } from './properties.js';
import { SharedStateTable } from './shared-table.js';
import { type StateFingerprinter, stateFingerprinter } from './symmetry.js';

/** What a worker's levels need from a frontier: chunks that can move between workers. */
type WorkerQueue<State> = EncodedQueue<State> | InternedQueue<State>;

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
  readonly #finds: CanonicalFinds<State>;
  readonly #coordination: Coordination;
  readonly #fingerprinter: StateFingerprinter<State>;
  /** Without symmetry: the fingerprinter that interns parts, and the queues hold part ids. */
  readonly #parts: PartFingerprinter<State> | undefined;
  #table: SharedStateTable;
  // The level being expanded and the next one (`index` is a state id): part ids, or encoded
  // under symmetry (whose fingerprints are not the interner's).
  #queue: WorkerQueue<State>;
  #next: WorkerQueue<State>;
  #generated = 0;
  /** The depth of the states this worker finds now. */
  #level = 1;
  #nextProgressMs: number;
  readonly #memory = new MemoryGauge();

  constructor(
    setup: WorkerSetup,
    model: Model<unknown, unknown>,
    post: (message: FromWorker, transfer?: ArrayBuffer[]) => void,
  ) {
    this.#setup = setup;
    this.#model = model as Model<State, Action>;
    this.#post = post;
    this.#finds = new CanonicalFinds(new PropertyTracker(this.#model));
    this.#table = new SharedStateTable(setup.table);
    this.#coordination = new Coordination(setup.coordination);
    const fingerprinter = stateFingerprinter<State>(setup.symmetry ? this.#model.symmetry : undefined);
    this.#parts = fingerprinter.plain
      ? new PartFingerprinter<State>(setup.partsMax === undefined ? {} : { compactAt: setup.partsMax })
      : undefined;
    this.#fingerprinter = this.#parts ?? fingerprinter;
    this.#queue = this.#newQueue();
    this.#next = this.#newQueue();
    this.#nextProgressMs = nowMs() + setup.progressIntervalMs;
    this.#watchMemory(nowMs());
  }

  /**
   * Publishes the memory this worker holds and, if the threads hold more than the budget
   * together (or this worker's heap is nearly full), tells every thread to stop.
   */
  #watchMemory(now: number): void {
    const sample = this.#memory.read(now);
    const coordination = this.#coordination;
    coordination.setMemory(this.#setup.workerId, countedBytes(sample));
    const stop = memoryStop(coordination.memoryTotal(), this.#setup.memoryLimitBytes, sample);
    if (stop !== undefined) coordination.stop(stop);
  }

  /** Moving chunks of part ids to and from other workers (made when first needed). */
  get #transfer(): { readonly exporter: PartExporter; readonly importer: PartImporter } {
    const interner = (this.#parts as PartFingerprinter<State>).interner;
    this.#transferState ??= { exporter: new PartExporter(interner), importer: new PartImporter(interner) };
    return this.#transferState;
  }
  #transferState: { readonly exporter: PartExporter; readonly importer: PartImporter } | undefined;

  #newQueue(): WorkerQueue<State> {
    return this.#parts === undefined
      ? new EncodedQueue<State>(WORKER_CHUNK_BYTES)
      : new InternedQueue<State>(this.#parts, WORKER_CHUNK_BYTES / 4);
  }

  handle(message: Exclude<ToWorker, { type: 'stop' }>): void {
    switch (message.type) {
      case 'expand':
        if (message.table !== undefined) {
          const grown = new SharedStateTable(message.table);
          grown.continueFrom(this.#table);
          this.#table = grown;
        }
        this.#level = message.level;
        this.#table.startLevel(message.level);
        this.#watchMemory(nowMs());
        this.#expand();
        this.#post({ type: 'expanded', ...this.figures() });
        return;
      case 'advance': {
        this.#next.seal();
        this.#queue = this.#next;
        this.#next = this.#newQueue();
        const compacted = this.#compactIfDue();
        this.#post({ type: 'advanced', compacted, ...this.figures() });
        return;
      }
      case 'forget':
        // Only workers that intern parts compact them, and all workers intern or none does.
        if (this.#parts !== undefined) {
          this.#transfer.exporter.forget(message.peer);
          this.#transfer.importer.forget(message.peer);
        }
        this.#post({ type: 'forgotten', ...this.figures() });
        return;
      case 'give': {
        const level = this.#queue;
        const load: Chunks =
          level instanceof InternedQueue
            ? {
                encoding: 'parts',
                from: this.#setup.workerId,
                ...level.giveParts(message.states, message.to, this.#transfer.exporter),
              }
            : { encoding: 'bytes', ...level.giveChunks(message.states) };
        this.#post({ type: 'given', load, ...this.figures() }, transferList(load));
        return;
      }
      case 'take': {
        const { load } = message;
        const level = this.#queue;
        if (load.encoding === 'bytes') level.takeChunks(load.chunks, load.sizes);
        else if (level instanceof InternedQueue) level.takeParts(load.from, load, this.#transfer.importer);
        else throw new Error('worker: part ids given to a worker that keeps encoded states');
        this.#post({ type: 'taken', ...this.figures() });
        return;
      }
    }
  }

  /**
   * Between levels: drops the parts no waiting state uses if they outgrew their budget. The
   * part ids change, so what other workers were sent or learnt of them is forgotten (they are
   * told by the coordinator).
   */
  #compactIfDue(): boolean {
    const parts = this.#parts;
    const level = this.#queue;
    const next = this.#next;
    if (parts === undefined || !(level instanceof InternedQueue) || !(next instanceof InternedQueue))
      return false;
    if (!parts.compactIfDue([level, next])) return false;
    this.#transfer.exporter.forgetAll();
    this.#transfer.importer.forgetAll();
    return true;
  }

  figures(): WorkerFigures {
    return {
      generatedStates: this.#generated,
      distinctStates: this.#table.inserted,
      frontier: this.#queue.size,
      ...this.#finds.finds(),
    };
  }

  /** A new state this worker inserted: checks its properties and keeps it for the next level. */
  #accept(id: number, state: State, high: number, low: number): void {
    this.#finds.observe(state, id, this.#level, high, low);
    if (this.#model.within !== undefined && !this.#model.within(state)) return;
    this.#next.push(state, id, 0);
  }

  /**
   * Expands states of the level until none is left, the shared table must grow, the
   * coordinator asks for work to hand to an idle worker, or a budget is spent (by this worker's
   * count or another thread's: the stop word is looked at after each state).
   */
  #expand(): void {
    const { deadline, statesMax, workerId, progressIntervalMs } = this.#setup;
    const model = this.#model;
    const fingerprinter = this.#fingerprinter;
    const table = this.#table;
    const coordination = this.#coordination;
    const listed: Action[] = [];
    const level = this.#queue;
    // Taking a state from a queue of part ids makes it the base of the next hashes.
    const interned = this.#parts !== undefined;
    for (let k = 1; level.size > 0; k++) {
      if (coordination.stopped !== undefined) break;
      const state = level.take();
      const parent = level.index;
      if (!interned) fingerprinter.expanding(state);
      listed.length = 0;
      model.actions(state, listed);
      for (let i = 0; i < listed.length; i++) {
        const after = model.next(state, listed[i] as Action);
        if (after === undefined) continue;
        this.#generated++;
        if (after === state) continue; // a step that changes nothing: already visited
        fingerprinter.hash(after);
        const id = table.insert(fingerprinter.high, fingerprinter.low, parent);
        if (id >= 0) this.#accept(id, after, fingerprinter.high, fingerprinter.low);
      }
      if (statesMax !== undefined) {
        coordination.setInserted(workerId, table.inserted);
        if (coordination.insertedTotal() >= statesMax) coordination.stop('maxStates');
      }
      if (table.full || coordination.hungry) break;
      if (k % PUBLISH_EVERY === 0) coordination.setRemaining(workerId, level.size);
      if (k % CLOCK_EVERY === 0) {
        const now = nowMs();
        if (deadline !== undefined && now >= deadline) coordination.stop('maxMs');
        this.#watchMemory(now);
        if (now >= this.#nextProgressMs) {
          this.#nextProgressMs = now + progressIntervalMs;
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
