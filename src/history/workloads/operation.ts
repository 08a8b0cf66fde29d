/**
 * What a workload asks a client to run, and how a client records it in the history.
 *
 * Recording conventions (Jepsen's, as fairlink's simulator clients follow them):
 * - one operation at a time per client process; the client records `invoke`, then exactly one of
 *   `ok` (it happened; the value is its result), `fail` (it definitely did not happen) or `info`
 *   (unknown: it may take effect at any later time, or never). `info` repeats the invocation's
 *   value, as Jepsen does.
 * - an operation on a key of a key-value store records its value as `{ key, value }` (Jepsen's
 *   `independent` tuple `[k v]`, as an object), on the invocation and on the completion alike;
 *   an operation without a key records its value as it is.
 * - values per function: `read`/`get` invoke with `null` and complete with the value read;
 *   `write`/`put` and `append` with the value written; `cas` invokes with `[from, to]` and
 *   completes with `true` or `false` (whether the comparison held); `enqueue` and `add` with the
 *   element (or delta); `dequeue` invokes with `null` and completes with the element or `null`.
 *
 * @module
 */
import type { HistoryKey } from '../types.js';

/** One operation a workload asks for: Jepsen's `f` and `value`, plus the key for keyed stores. */
export interface WorkloadOperation {
  readonly f: string;
  /** The key addressed, for key-value workloads; absent for single-object workloads. */
  readonly key?: HistoryKey;
  /** The invocation's argument (`null` for reads). */
  readonly value: unknown;
}

/** How a keyed operation's value is recorded: `{ key, value }`. */
export interface KeyedValue {
  readonly key: HistoryKey;
  readonly value: unknown;
}

/** The value a client records for `value` of an operation on `key` (see the module's conventions). */
export function recordedValue(key: HistoryKey | undefined, value: unknown): unknown {
  return key === undefined ? value : ({ key, value } satisfies KeyedValue);
}

/**
 * Whether a recorded value is a keyed one: a plain object whose only properties are `key` (a
 * string or a number) and `value`.
 */
export function isKeyedValue(recorded: unknown): recorded is KeyedValue {
  if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) return false;
  if (Object.getPrototypeOf(recorded) !== Object.prototype) return false;
  const names = Object.keys(recorded);
  if (names.length !== 2 || !('key' in recorded) || !('value' in recorded)) return false;
  const key = (recorded as { key: unknown }).key;
  return typeof key === 'string' || typeof key === 'number';
}

/** Splits a recorded value into its key (if keyed) and the value proper: the inverse of {@link recordedValue}. */
export function splitRecordedValue(recorded: unknown): {
  readonly key?: HistoryKey;
  readonly value: unknown;
} {
  return isKeyedValue(recorded) ? { key: recorded.key, value: recorded.value } : { value: recorded };
}
