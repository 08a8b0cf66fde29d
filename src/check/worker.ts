/**
 * A search worker of the parallel breadth-first search: owns the states whose fingerprints fall
 * in its partition, expands them level by level, sets aside the successors it does not own, and
 * ships those their owner has not found itself, in batches. The algorithm is described in
 * parallel.ts.
 *
 * @module
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Decoder, Encoder } from './codec.js';
import { EncodedQueue } from './frontier.js';
import { loadModel } from './model-source.js';
import type { Model } from './model.js';
import {
  type FromWorker,
  globalId,
  ownerOf,
  type ToWorker,
  type WorkerFigures,
  type WorkerSetup,
} from './parallel-protocol.js';
import { PropertyTracker } from './properties.js';
import { NO_PARENT, peekSlots, StateTable } from './state-table.js';
import { stateFingerprinter } from './symmetry.js';

/** A batch is shipped once its encoding reaches this size. */
const BATCH_BYTES = 1 << 18;
/** Incoming batches are polled every this many expanded states. */
const POLL_EVERY = 128;
/** What workers send each other: a batch of states, or the new slots of a grown table. */
type PeerMessage =
  | { readonly kind: 'batch'; readonly bytes: Uint8Array }
  | { readonly kind: 'table'; readonly slots: Int32Array };

/** Most strings in the string table of set-aside entries, which heads every batch shipped. */
const ASIDE_STRINGS_MAX = 1 << 10;

/** Slots of the per-peer cache of fingerprints recently set aside (a power of two). */
const SENT_CACHE_SLOTS = 1 << 18;

/** Milliseconds since the epoch, with sub-millisecond precision, comparable across threads. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

async function main(): Promise<void> {
  const setup = workerData as WorkerSetup;
  const port = parentPort;
  if (port === null) throw new Error('worker: not started as a worker thread');
  const post = (message: FromWorker): void => port.postMessage(message);
  try {
    const search = new WorkerSearch(setup, await loadModel(setup.source), post);
    port.on('message', (message: ToWorker) => {
      try {
        if (message.type === 'stop') {
          port.close();
          for (const peer of setup.peers) peer?.close();
          return;
        }
        search.handle(message);
      } catch (error) {
        post({
          type: 'error',
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    });
    search.start();
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

class WorkerSearch<State, Action> {
  readonly #setup: WorkerSetup;
  readonly #model: Model<State, Action>;
  readonly #post: (message: FromWorker) => void;
  readonly #tracker: PropertyTracker<State>;
  readonly #table: StateTable;
  readonly #fingerprinter;
  readonly #encoders: (Encoder | undefined)[];
  readonly #sentCount: number[];
  readonly #sentCaches: (Int32Array | undefined)[];
  readonly #receivedCount: number[];
  /** Each peer's visited slots (shared memory), peeked before shipping a state there. */
  readonly #peerSlots: (Int32Array | undefined)[];
  #publishedSlots: Int32Array | undefined;
  /**
   * Successors owned by each peer, set aside until the exchange: encoded at once, each entry
   * decodable on its own given the level's string table, so that objects do not pile up in the
   * heap meanwhile and an entry can be shipped by copying its bytes. Records: start, end, high,
   * low, parent, action.
   */
  readonly #aside: { readonly bytes: Encoder; records: number[] }[];
  // The level being expanded and the next one, encoded (frontier.ts); `index` is a global id.
  #level = new EncodedQueue<State>();
  #next = new EncodedQueue<State>();
  #generated = 0;
  #cut = false;
  readonly #violations: [number, number][] = [];
  readonly #reached: [number, number][] = [];
  #nextProgressMs = nowMs() + 1000;

  constructor(setup: WorkerSetup, model: Model<unknown, unknown>, post: (m: FromWorker) => void) {
    this.#setup = setup;
    this.#model = model as Model<State, Action>;
    this.#post = post;
    this.#tracker = new PropertyTracker(this.#model);
    this.#table = new StateTable({
      shared: true,
      ...(setup.expectedStates === undefined ? {} : { expectedStates: setup.expectedStates / setup.workers }),
    });
    this.#fingerprinter = stateFingerprinter<State>(setup.symmetry ? this.#model.symmetry : undefined);
    const others = setup.peers.map((peer) => peer !== undefined);
    this.#encoders = others.map((other) => (other ? new Encoder() : undefined));
    this.#sentCaches = others.map((other) => (other ? new Int32Array(2 * SENT_CACHE_SLOTS) : undefined));
    this.#sentCount = others.map(() => 0);
    this.#receivedCount = others.map(() => 0);
    this.#peerSlots = others.map(() => undefined);
    // Every batch shipped carries the level's string table: a small one.
    this.#aside = others.map(() => ({ bytes: new Encoder({ stringsMax: ASIDE_STRINGS_MAX }), records: [] }));
  }

  /** Tells peers where this worker's visited slots are, after they moved (the table grew). */
  #publishSlots(): void {
    const slots = this.#table.slots;
    if (slots === this.#publishedSlots) return;
    this.#publishedSlots = slots;
    const message: PeerMessage = { kind: 'table', slots };
    for (const peer of this.#setup.peers) peer?.postMessage(message);
  }

  /** Takes this worker's share of the initial states. */
  start(): void {
    const { workerId, workers } = this.#setup;
    const initial = this.#model.init();
    for (let i = 0; i < initial.length; i++) {
      const state = initial[i] as State;
      this.#fingerprinter.hash(state);
      if (ownerOf(this.#fingerprinter.high, workers) !== workerId) continue;
      this.#generated++; // every worker lists the initial states; each counts its own
      this.#accept(this.#fingerprinter.high, this.#fingerprinter.low, NO_PARENT, i, state);
    }
    this.#swapLevels();
    this.#publishSlots();
    this.#post({ type: 'ready', ...this.#figures() });
  }

  handle(message: ToWorker): void {
    switch (message.type) {
      case 'expand':
        this.#expandLevel();
        return;
      case 'exchange':
        this.#exchange();
        return;
      case 'drain':
        this.#drain(message.expect);
        return;
      case 'record':
        this.#post({
          type: 'record',
          parent: this.#table.parentOf(message.index),
          action: this.#table.actionOf(message.index),
        });
        return;
      case 'stop':
        return;
    }
  }

  #figures(): WorkerFigures {
    return {
      generatedStates: this.#generated,
      distinctStates: this.#table.size,
      frontier: this.#level.size,
      visitedBytes: this.#table.bytes,
      violations: this.#violations,
      reached: this.#reached,
      cut: this.#cut,
    };
  }

  #swapLevels(): void {
    this.#level = this.#next;
    this.#next = new EncodedQueue<State>();
  }

  /** Records a state this worker owns; queues it for the next level if new. */
  #accept(high: number, low: number, parent: number, action: number, state: State): void {
    const index = this.#table.insert(high, low, parent, action);
    if (index < 0) return;
    if (this.#table.slots !== this.#publishedSlots) this.#publishSlots();
    const id = globalId(index, this.#setup.workerId, this.#setup.workers);
    const tracker = this.#tracker;
    const before = tracker.violationOrder.length;
    tracker.check(state, index);
    for (let i = before; i < tracker.violationOrder.length; i++) {
      this.#violations.push([tracker.violationOrder[i] ?? 0, id]);
    }
    const reachedAt = tracker.reachedAt;
    for (let i = 0; i < reachedAt.length; i++) {
      if (reachedAt[i] === index) this.#reached.push([i, id]);
    }
    if (this.#model.within !== undefined && !this.#model.within(state)) return;
    this.#next.push(state, id, 0);
  }

  #expandLevel(): void {
    const { workerId, workers, deadline, statesPerWorkerMax } = this.#setup;
    const model = this.#model;
    const fingerprinter = this.#fingerprinter;
    const listed: Action[] = [];
    const level = this.#level;
    for (let k = 0; level.size > 0 && !this.#cut; k++) {
      const state = level.take();
      const parent = level.index;
      fingerprinter.expanding(state);
      listed.length = 0;
      model.actions(state, listed);
      for (let i = 0; i < listed.length; i++) {
        const after = model.next(state, listed[i] as Action);
        if (after === undefined) continue;
        this.#generated++;
        if (after === state) continue; // a step that changes nothing: already visited
        fingerprinter.hash(after);
        const high = fingerprinter.high;
        const low = fingerprinter.low;
        const owner = ownerOf(high, workers);
        if (owner === workerId) {
          this.#accept(high, low, parent, i, after);
        } else {
          this.#send(owner, high, low, parent, i, after);
        }
      }
      if (k % POLL_EVERY === POLL_EVERY - 1) {
        this.#poll();
        const now = nowMs();
        if (
          (deadline !== undefined && now >= deadline) ||
          this.#table.size >= (statesPerWorkerMax ?? Infinity)
        ) {
          this.#cut = true;
        }
        if (now >= this.#nextProgressMs) {
          this.#nextProgressMs = now + 1000;
          this.#post({
            type: 'progress',
            generatedStates: this.#generated,
            distinctStates: this.#table.size,
          });
        }
      }
    }
    this.#poll();
    this.#post({ type: 'expanded', ...this.#figures() });
  }

  /** Sets aside a successor owned by a peer, unless the peer knows it or it was set aside recently. */
  #send(owner: number, high: number, low: number, parent: number, action: number, state: State): void {
    // Found by its owner in an earlier level (one look into its table, in shared memory).
    const slots = this.#peerSlots[owner];
    if (slots !== undefined && peekSlots(slots, high, low)) return;
    // A direct-mapped cache of fingerprints recently set aside for this owner: most repeats
    // among the successors of a level are dropped here, before they take any memory.
    const cache = this.#sentCaches[owner];
    if (cache !== undefined) {
      const slot = ((low ^ (high >>> 7)) & (SENT_CACHE_SLOTS - 1)) * 2;
      if (cache[slot] === high && cache[slot + 1] === low) return;
      cache[slot] = high;
      cache[slot + 1] = low;
    }
    const aside = this.#aside[owner];
    if (aside === undefined) throw new Error(`worker: no channel to worker ${owner}`);
    const start = aside.bytes.length;
    aside.bytes.forgetObjects();
    aside.bytes.value(state);
    aside.records.push(start, aside.bytes.length, high, low, parent, action);
  }

  /**
   * Ships what was set aside, once every owner has expanded its share: a successor the owner
   * found itself (one look into its table, in shared memory) is not shipped at all.
   */
  #exchange(): void {
    this.#poll(); // picks up the peers' latest table locations
    this.#aside.forEach((aside, owner) => {
      const encoder = this.#encoders[owner];
      if (encoder === undefined) return;
      const { records } = aside;
      for (let r = 0; r < records.length; r += 6) {
        const start = records[r] ?? 0;
        const end = records[r + 1] ?? 0;
        const high = records[r + 2] ?? 0;
        const low = records[r + 3] ?? 0;
        const slots = this.#peerSlots[owner];
        if (slots !== undefined && peekSlots(slots, high, low)) continue;
        if (encoder.length === 0) this.#writeStrings(encoder, aside.bytes.strings);
        encoder.int32(high);
        encoder.int32(low);
        encoder.int32(records[r + 4] ?? 0);
        encoder.int32(records[r + 5] ?? 0);
        encoder.int32(end - start);
        aside.bytes.copyTo(encoder, start, end);
        if (encoder.length >= BATCH_BYTES) {
          this.#flush(owner);
          this.#poll();
        }
      }
      if (encoder.length > 0) this.#flush(owner);
      aside.bytes.clear();
      aside.records = [];
    });
    this.#poll();
    this.#post({ type: 'exchanged', sent: this.#sentCount.slice(), ...this.#figures() });
  }

  /**
   * Heads a batch with the strings its entries refer to: set-aside entries share one string
   * table per level, so each string is encoded once per level rather than once per state.
   */
  #writeStrings(encoder: Encoder, strings: readonly string[]): void {
    encoder.int32(strings.length);
    for (const s of strings) encoder.value(s);
  }

  #flush(peer: number): void {
    const encoder = this.#encoders[peer];
    const port = this.#setup.peers[peer];
    if (encoder === undefined || port === undefined) return;
    const bytes = encoder.finish();
    const message: PeerMessage = { kind: 'batch', bytes };
    port.postMessage(message, [bytes.buffer]);
    this.#sentCount[peer] = (this.#sentCount[peer] ?? 0) + 1;
  }

  /** Takes in every batch that has arrived; returns how many. */
  #poll(): number {
    let batches = 0;
    this.#setup.peers.forEach((peer, from) => {
      if (peer === undefined) return;
      for (
        let received = receiveMessageOnPort(peer);
        received !== undefined;
        received = receiveMessageOnPort(peer)
      ) {
        const message = received.message as PeerMessage;
        if (message.kind === 'table') {
          this.#peerSlots[from] = message.slots;
          continue;
        }
        this.#receive(message.bytes);
        this.#receivedCount[from] = (this.#receivedCount[from] ?? 0) + 1;
        batches++;
      }
    });
    return batches;
  }

  #receive(bytes: Uint8Array): void {
    const decoder = new Decoder(bytes);
    // The batch's string table (see #writeStrings): read as strings, they number themselves.
    const strings = decoder.int32();
    for (let i = 0; i < strings; i++) decoder.value();
    while (decoder.more) {
      const high = decoder.int32();
      const low = decoder.int32();
      const parent = decoder.int32();
      const action = decoder.int32();
      const length = decoder.int32();
      // Found meanwhile by this worker (or shipped twice): no need to decode it.
      if (this.#table.find(high, low) >= 0) {
        decoder.skip(length);
        continue;
      }
      decoder.forgetObjects();
      const state = decoder.value() as State;
      this.#accept(high, low, parent, action, state);
    }
  }

  /** Waits until every batch of the level has arrived, then reports the next level. */
  #drain(expect: readonly number[]): void {
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const missing = (): boolean => expect.some((count, peer) => (this.#receivedCount[peer] ?? 0) < count);
    while (missing()) {
      if (this.#poll() === 0) Atomics.wait(sleeper, 0, 0, 1);
    }
    this.#swapLevels();
    this.#post({ type: 'drained', ...this.#figures() });
  }
}

void main();
