/**
 * A key-value store: a map from keys to values, every key starting at the same initial value.
 * Operations address `op.key`, so the model partitions by key (each key is an independent
 * register, P-compositionality); checking without partitioning judges the whole map at once.
 *
 * States are compared millions of times, so they carry their own hash, kept up to date as keys
 * change: a commutative sum of one term per key. String values are hashed with a polynomial
 * (rolling) hash, so that appending costs time in the length of the suffix, not of the value.
 *
 * @module
 */
import { describeValue, mix32, structuralEqual, structuralHash } from '../hash.js';
import type { HistoryKey, Operation } from '../types.js';
import { describeOperation } from './describe.js';
import { partitionByKey, type Model, type StepResult } from './model.js';
import { casArguments, casInput } from './register.js';
import { anyValue, text, type OperationShapes } from './shapes.js';

const BASE = 0x01000193;
/**
 * Hashes are kept to 30 bits: V8 stores such numbers unboxed, and states live for the whole
 * search, so a boxed number per state would be an allocation per state for the collector to copy.
 */
const HASH_MASK = 0x3fffffff;

/** Polynomial hash of a string, mod 2^30: h(s + t) = h(s) * BASE^|t| + h(t). */
function polynomialHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h & HASH_MASK;
}

/** BASE^exponent mod 2^32. */
function basePower(exponent: number): number {
  let result = 1;
  let base = BASE;
  for (let e = exponent; e > 0; e >>>= 1) {
    if ((e & 1) === 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

function valueHash(value: unknown): number {
  return typeof value === 'string' ? polynomialHash(value) : structuralHash(value) & HASH_MASK;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a !== 'string' && structuralEqual(a, b));
}

/** @internal What the states of one model share: its key numbering and initial value. */
interface KeyTable {
  /** Key number -> key. */
  readonly keys: readonly (HistoryKey | undefined)[];
  readonly initial: unknown;
  readonly initialHash: number;
}

/**
 * A state of the key-value model: an immutable map from keys to values. Read it with
 * {@link KeyValueState.get}; the model builds new states.
 */
export class KeyValueState {
  /**
   * @internal Value and hash of each key by number, interleaved (`[value0, hash0, value1, ...]`),
   * in one array to keep a state small; keys past the end hold the initial value.
   */
  readonly slots: readonly unknown[];
  /** Hash of the whole state, equal for equal states. */
  readonly hash: number;
  /** @internal */
  readonly table: KeyTable;

  /** @internal */
  constructor(slots: readonly unknown[], hash: number, table: KeyTable) {
    this.slots = slots;
    this.hash = hash;
    this.table = table;
  }

  /** The value of `key`. */
  get(key: HistoryKey | undefined): unknown {
    const index = this.table.keys.indexOf(key);
    return index >= 0 && 2 * index < this.slots.length ? this.slots[2 * index] : this.table.initial;
  }

  /** The keys whose value differs from the initial value, with their values. */
  entries(): [HistoryKey | undefined, unknown][] {
    const entries: [HistoryKey | undefined, unknown][] = [];
    for (let index = 0; 2 * index < this.slots.length; index++) {
      const value = this.slots[2 * index];
      if (!sameValue(value, this.table.initial)) entries.push([this.table.keys[index], value]);
    }
    return entries;
  }
}

/** Options of {@link keyValueModel}. */
export interface KeyValueOptions {
  /** The value of a key never written. Default `''` (the Jepsen/Porcupine kv test's strings). */
  readonly initial?: unknown;
}

const illegal = { ok: false } as const;

/**
 * A key-value map. Operations (aliases in brackets): `get` [`read`] with output the value read;
 * `put` [`write`] with input the value; `append` with input a string (or list) appended to the
 * current value; `cas` with input `[from, to]` and output `false` when the comparison failed.
 */
export function keyValueModel(options: KeyValueOptions = {}): Model<KeyValueState> {
  // Not `??`: an initial value of null (`--initial null`) is a choice, not an absence.
  const initial = options.initial === undefined ? '' : options.initial;
  const initialHash = valueHash(initial);
  // Keys get small numbers as they are met, so that a state is an array, cheap to copy.
  const keys: (HistoryKey | undefined)[] = [];
  const table: KeyTable = { keys, initial, initialHash };
  const keyNumbers = new Map<HistoryKey | undefined, number>();
  const keyNumber = (key: HistoryKey | undefined): number => {
    let number = keyNumbers.get(key);
    if (number === undefined) {
      number = keys.length;
      keys.push(key);
      keyNumbers.set(key, number);
    }
    return number;
  };
  // A key holding the initial value contributes nothing, so that a key never written and a key
  // written back to the initial value hash alike.
  const term = (index: number, value: unknown, hash: number): number =>
    sameValue(value, initial) ? 0 : mix32(hash ^ Math.imul(index + 1, 0x9e3779b1)) & HASH_MASK;
  const valueAt = (state: KeyValueState, index: number): unknown =>
    2 * index < state.slots.length ? state.slots[2 * index] : initial;
  const hashAt = (state: KeyValueState, index: number): number =>
    2 * index < state.slots.length ? (state.slots[2 * index + 1] as number) : initialHash;

  const withValue = (state: KeyValueState, index: number, value: unknown, hash: number): KeyValueState => {
    const slots = state.slots.slice();
    while (slots.length < 2 * index + 2) slots.push(initial, initialHash);
    const old = term(index, valueAt(state, index), hashAt(state, index));
    slots[2 * index] = value;
    slots[2 * index + 1] = hash;
    return new KeyValueState(slots, (state.hash - old + term(index, value, hash)) & HASH_MASK, table);
  };

  const append = (state: KeyValueState, index: number, suffix: unknown): KeyValueState | undefined => {
    const current = valueAt(state, index);
    if (typeof current === 'string' && typeof suffix === 'string') {
      const hash =
        (Math.imul(hashAt(state, index), basePower(suffix.length)) + polynomialHash(suffix)) & HASH_MASK;
      return withValue(state, index, current + suffix, hash);
    }
    if (Array.isArray(current)) {
      const next = [...(current as unknown[]), ...(Array.isArray(suffix) ? (suffix as unknown[]) : [suffix])];
      return withValue(state, index, next, valueHash(next));
    }
    return undefined;
  };

  // Appending to a string needs a string; to a list, anything (a list's elements, or one element).
  const appendShape = { input: typeof initial === 'string' ? text : anyValue, output: anyValue };
  const operations: OperationShapes = {
    get: { input: anyValue, output: anyValue },
    read: { input: anyValue, output: anyValue },
    put: { input: anyValue, output: anyValue },
    write: { input: anyValue, output: anyValue },
    append: appendShape,
    cas: { input: casInput, output: anyValue },
  };

  return {
    name: 'kv',
    init: () => new KeyValueState([], 0, table),
    operations,
    step(state, op): StepResult<KeyValueState> {
      const index = keyNumber(op.key);
      switch (op.f) {
        case 'get':
        case 'read':
          return op.status === 'unknown' || sameValue(valueAt(state, index), op.output)
            ? { ok: true, state }
            : illegal;
        case 'put':
        case 'write':
          // Writing the value already there keeps the very same state object, which the
          // checker recognises without hashing.
          return {
            ok: true,
            state: sameValue(valueAt(state, index), op.input)
              ? state
              : withValue(state, index, op.input, valueHash(op.input)),
          };
        case 'append': {
          const next = append(state, index, op.input);
          return next === undefined ? illegal : { ok: true, state: next };
        }
        case 'cas': {
          const args = casArguments(op.input);
          if (args === undefined) return illegal;
          const matches = sameValue(valueAt(state, index), args[0]);
          if (op.status === 'ok' && (op.output !== false) !== matches) return illegal;
          return { ok: true, state: matches ? withValue(state, index, args[1], valueHash(args[1])) : state };
        }
        default:
          return illegal;
      }
    },
    hash: (state) => state.hash,
    equal(a, b) {
      if (a.hash !== b.hash) return false;
      const length = Math.max(a.slots.length, b.slots.length) / 2;
      for (let i = 0; i < length; i++) {
        if (hashAt(a, i) !== hashAt(b, i) || !sameValue(valueAt(a, i), valueAt(b, i))) return false;
      }
      return true;
    },
    partition: partitionByKey,
    component: (op) => op.key,
    componentState: (state, key) => valueAt(state, keyNumber(key as HistoryKey | undefined)),
    readOnly: (op: Operation) =>
      op.f === 'get' || op.f === 'read' || (op.f === 'cas' && op.status === 'ok' && op.output === false),
    describeOperation,
    describeState(state) {
      const entries = state.entries();
      if (entries.length === 0) return '{}';
      return `{${entries.map(([key, value]) => `${describeValue(key)}: ${describeValue(value, 40)}`).join(', ')}}`;
    },
  };
}
