/**
 * Workload generators: the operations simulated clients run, and the model that judges the
 * history they produce. One generator per kind of object: a register, a compare-and-set
 * register, a key-value store (get, put, append, cas), a queue, a set and a counter.
 *
 * A generator is a pure function of the client's number, how many operations it issued before
 * and a random source (the client node's seeded stream; whole draws are made as the node's
 * choices, see `WorkloadInput.pick`): no memory of its own, so that one workload object serves
 * every seed of a campaign and every client of a run.
 *
 * Written values come from a small domain (Jepsen's registers use 0 to 4) where a checker
 * benefits from collisions being possible (compare-and-set succeeds often enough to matter);
 * elements of queues and sets are unique per client and operation, so that every element can be
 * traced to the operation that added it.
 *
 * @module
 */
import { CHOICE_OPTIONS_MAX, InputError } from '../../core/index.js';
import { keyValueModel } from '../models/key-value.js';
import type { Model } from '../models/model.js';
import { casRegisterModel, registerModel } from '../models/register.js';
import { counterModel, queueModel, setModel } from '../models/collections.js';
import type { HistoryKey } from '../types.js';
import type { WorkloadOperation } from './operation.js';

/** What a generator is given to draw a client's next operation. */
export interface WorkloadInput {
  /** The client's number, from 1: it makes the client's unique elements distinct from others'. */
  readonly client: number;
  /** How many operations this client issued before (its final operations not counted). */
  readonly issued: number;
  /** Uniform in [0, 1), from the client node's seeded stream. */
  readonly random: () => number;
  /**
   * An index in [0, count), as `Math.floor(random() * count)` draws it, made as the node's
   * choice (`randomInt`) where there is one: the trace then records it, so that a replay of a
   * shrunk schedule repeats each operation's draws even when an earlier operation is left out,
   * and the model checker explores it. Absent: drawn from `random`.
   */
  readonly pick?: (count: number) => number;
}

/** A workload: the operations clients run and the sequential model of the object they run them on. */
export interface Workload {
  /** Short name, such as `kv` (reports). */
  readonly name: string;
  /** A fresh model to check the history against (fresh: some models keep per-history tables). */
  readonly model: () => Model<unknown>;
  /** The next operation of a client. */
  readonly next: (input: WorkloadInput) => WorkloadOperation;
  /** Operations a client runs once faults have healed, such as a final read of every key. */
  readonly final: (input: WorkloadInput) => readonly WorkloadOperation[];
}

/** A share of each function, such as `{ read: 0.5, write: 0.5 }`; shares need not sum to 1. */
export type Mix<F extends string> = Readonly<Record<F, number>>;

/** Checks a mix at the public boundary: shares are finite, >= 0, and not all 0. */
function checkMix(where: string, mix: Readonly<Record<string, number>>): void {
  let total = 0;
  for (const [f, share] of Object.entries(mix)) {
    if (!(Number.isFinite(share) && share >= 0)) {
      throw new InputError(`${where}: mix.${f} must be a finite share >= 0, got ${String(share)}`);
    }
    total += share;
  }
  if (total <= 0) throw new InputError(`${where}: the mix gives every function a share of 0`);
}

/**
 * An index in [0, count): the client's choice when it makes one (`WorkloadInput.pick`; at most
 * the checker's bound of outcomes), else a draw. Both take one draw of the node's stream, and
 * the same index from it, so a seeded run is the same either way.
 */
function drawIndex(count: number, input: WorkloadInput): number {
  if (input.pick !== undefined && count <= CHOICE_OPTIONS_MAX) return input.pick(count);
  return Math.floor(input.random() * count);
}

/** Draws a function name with probability proportional to its share. */
function choose<F extends string>(mix: Mix<F>, input: WorkloadInput): F {
  const entries = Object.entries(mix) as [F, number][];
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  // Whole shares are a choice among `total` units (the same function for the same draw: a
  // share boundary is a whole number, which rounding never crosses); others are drawn.
  const whole = entries.every(([, share]) => Number.isInteger(share));
  let draw = whole ? drawIndex(total, input) : input.random() * total;
  for (const [f, share] of entries) {
    if (draw < share) return f;
    draw -= share;
  }
  // Rounding can leave `draw` a hair above the last share: the last function with a share takes it.
  return (entries.filter(([, share]) => share > 0).pop() as [F, number])[0];
}

/** Checks a domain size or bound: a whole number >= 1. */
function checkCount(where: string, name: string, count: number): void {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new InputError(`${where}: ${name} must be a whole number >= 1, got ${String(count)}`);
  }
}

function drawValue(values: number, input: WorkloadInput): number {
  return drawIndex(values, input);
}

/** A value unique to (client, issued): `client * 1,000,000 + issued`. */
function uniqueValue(input: WorkloadInput): number {
  return input.client * 1_000_000 + input.issued;
}

/** Options of {@link registerWorkload}. */
export interface RegisterWorkloadOptions {
  /** Shares of reads and writes (default 1:1). */
  readonly mix?: Mix<'read' | 'write'>;
  /** Written values are drawn from 0 to `values - 1` (default 5). */
  readonly values?: number;
}

/** Reads and writes of one register, initially `null`; checked with `registerModel`. */
export function registerWorkload(options: RegisterWorkloadOptions = {}): Workload {
  const mix = options.mix ?? { read: 1, write: 1 };
  const values = options.values ?? 5;
  checkMix('registerWorkload', mix);
  checkCount('registerWorkload', 'values', values);
  return {
    name: 'register',
    model: () => registerModel(),
    next: (input) =>
      choose(mix, input) === 'read'
        ? { f: 'read', value: null }
        : { f: 'write', value: drawValue(values, input) },
    final: () => [{ f: 'read', value: null }],
  };
}

/** Options of {@link casRegisterWorkload}. */
export interface CasRegisterWorkloadOptions {
  /** Shares of reads, writes and compare-and-sets (default 2:1:1). */
  readonly mix?: Mix<'read' | 'write' | 'cas'>;
  /** Values are drawn from 0 to `values - 1` (default 5). */
  readonly values?: number;
}

/** Reads, writes and compare-and-sets of one register, initially `null`; checked with `casRegisterModel`. */
export function casRegisterWorkload(options: CasRegisterWorkloadOptions = {}): Workload {
  const mix = options.mix ?? { read: 2, write: 1, cas: 1 };
  const values = options.values ?? 5;
  checkMix('casRegisterWorkload', mix);
  checkCount('casRegisterWorkload', 'values', values);
  return {
    name: 'cas-register',
    model: () => casRegisterModel(),
    next: (input) => {
      switch (choose(mix, input)) {
        case 'read':
          return { f: 'read', value: null };
        case 'write':
          return { f: 'write', value: drawValue(values, input) };
        case 'cas':
          return { f: 'cas', value: [drawValue(values, input), drawValue(values, input)] };
      }
    },
    final: () => [{ f: 'read', value: null }],
  };
}

/** Options of {@link keyValueWorkload}. */
export interface KeyValueWorkloadOptions {
  /** The keys operated on, each drawn uniformly (default `['x', 'y']`). */
  readonly keys?: readonly HistoryKey[];
  /** Shares of get, put, append and cas (default 4:3:1:2). */
  readonly mix?: Mix<'get' | 'put' | 'append' | 'cas'>;
  /** Values are the strings `'0'` to `String(values - 1)` (default 5). */
  readonly values?: number;
}

/**
 * Operations on a key-value store of strings, every key initially `''` (the Jepsen and Porcupine
 * kv tests' convention): `get`, `put`, `append` (of a one-character string) and `cas` with
 * `[from, to]`. Checked with `keyValueModel`, partitioned by key; the final operations get every
 * key.
 */
export function keyValueWorkload(options: KeyValueWorkloadOptions = {}): Workload {
  const keys = options.keys ?? ['x', 'y'];
  const mix = options.mix ?? { get: 4, put: 3, append: 1, cas: 2 };
  const values = options.values ?? 5;
  if (keys.length === 0) throw new InputError('keyValueWorkload: keys must not be empty');
  checkMix('keyValueWorkload', mix);
  checkCount('keyValueWorkload', 'values', values);
  const text = (input: WorkloadInput): string => String(drawValue(values, input));
  return {
    name: 'kv',
    model: () => keyValueModel({ initial: '' }),
    next: (input) => {
      const key = keys[drawIndex(keys.length, input)] as HistoryKey;
      switch (choose(mix, input)) {
        case 'get':
          return { f: 'get', key, value: null };
        case 'put':
          return { f: 'put', key, value: text(input) };
        case 'append':
          return { f: 'append', key, value: text(input) };
        case 'cas':
          return { f: 'cas', key, value: [text(input), text(input)] };
      }
    },
    final: () => keys.map((key) => ({ f: 'get', key, value: null })),
  };
}

/** Options of {@link queueWorkload}. */
export interface QueueWorkloadOptions {
  /** Shares of enqueues and dequeues (default 1:1). */
  readonly mix?: Mix<'enqueue' | 'dequeue'>;
}

/** Enqueues of unique integers and dequeues of a FIFO queue; checked with `queueModel`. */
export function queueWorkload(options: QueueWorkloadOptions = {}): Workload {
  const mix = options.mix ?? { enqueue: 1, dequeue: 1 };
  checkMix('queueWorkload', mix);
  return {
    name: 'queue',
    model: () => queueModel(),
    next: (input) =>
      choose(mix, input) === 'enqueue'
        ? { f: 'enqueue', value: uniqueValue(input) }
        : { f: 'dequeue', value: null },
    final: () => [],
  };
}

/** Options of {@link setWorkload}. */
export interface SetWorkloadOptions {
  /** Shares of adds and reads (default 3:1). */
  readonly mix?: Mix<'add' | 'read'>;
}

/** Adds of unique integers to a grow-only set, and reads of the whole set; checked with `setModel`. */
export function setWorkload(options: SetWorkloadOptions = {}): Workload {
  const mix = options.mix ?? { add: 3, read: 1 };
  checkMix('setWorkload', mix);
  return {
    name: 'set',
    model: () => setModel(),
    next: (input) =>
      choose(mix, input) === 'add' ? { f: 'add', value: uniqueValue(input) } : { f: 'read', value: null },
    final: () => [{ f: 'read', value: null }],
  };
}

/** Options of {@link counterWorkload}. */
export interface CounterWorkloadOptions {
  /** Shares of additions and reads (default 1:1). */
  readonly mix?: Mix<'add' | 'read'>;
  /** Each addition adds 1 to `deltaMax` (default 3). */
  readonly deltaMax?: number;
}

/** Additions of small positive deltas to a counter starting at 0, and reads; checked with `counterModel`. */
export function counterWorkload(options: CounterWorkloadOptions = {}): Workload {
  const mix = options.mix ?? { add: 1, read: 1 };
  const deltaMax = options.deltaMax ?? 3;
  checkMix('counterWorkload', mix);
  checkCount('counterWorkload', 'deltaMax', deltaMax);
  return {
    name: 'counter',
    model: () => counterModel(),
    next: (input) =>
      choose(mix, input) === 'add'
        ? { f: 'add', value: 1 + drawValue(deltaMax, input) }
        : { f: 'read', value: null },
    final: () => [{ f: 'read', value: null }],
  };
}
