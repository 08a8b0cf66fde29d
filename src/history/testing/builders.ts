/**
 * Helpers for the history tests: building operations by hand, and a brute-force
 * linearizability checker to compare the fast one against.
 *
 * @module
 */
import type { Model } from '../models/model.js';
import type { Operation } from '../types.js';

/** Fields of a test operation; `output: undefined` with `ret: Infinity` makes it unknown. */
export interface OpSpec {
  readonly process?: number | string;
  readonly f: string;
  readonly key?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly call: number;
  readonly ret: number;
}

/** Builds operations with ids in the given order. */
export function ops(...specs: readonly OpSpec[]): Operation[] {
  return specs.map((spec, id) => ({
    id,
    process: spec.process ?? id,
    f: spec.f,
    ...(spec.key === undefined ? {} : { key: spec.key }),
    input: spec.input ?? null,
    output: Number.isFinite(spec.ret) ? (spec.output ?? null) : undefined,
    status: Number.isFinite(spec.ret) ? 'ok' : 'unknown',
    call: spec.call,
    ret: spec.ret,
    callIndex: id,
  }));
}

function nextStates<S>(model: Model<S>, state: S, op: Operation): S[] {
  const result = model.step(state, op);
  if (Array.isArray(result)) return result as S[];
  const single = result as { ok: boolean; state?: S };
  return single.ok ? [single.state as S] : [];
}

/**
 * Linearizability by exhaustive enumeration of orders (tiny histories only): some order of a
 * subset of the operations that contains every `ok` one, respects real time, and the model
 * accepts.
 */
export function bruteForceLinearizable<S>(operations: readonly Operation[], model: Model<S>): boolean {
  const n = operations.length;
  const used = new Array<boolean>(n).fill(false);
  const search = (states: readonly S[], placed: number): boolean => {
    if (operations.every((op, i) => used[i] === true || op.status === 'unknown')) return true;
    for (let i = 0; i < n; i++) {
      if (used[i] === true) continue;
      const op = operations[i] as Operation;
      // Real time: no unplaced operation (other than skippable unknown ones, which may be
      // dropped entirely) may have returned before this one was called.
      const blocked = operations.some(
        (other, j) => j !== i && used[j] !== true && other.ret < op.call && other.status === 'ok',
      );
      if (blocked) continue;
      const next = states.flatMap((state) => nextStates(model, state, op));
      if (next.length === 0) continue;
      used[i] = true;
      const ok = search(next, placed + 1);
      used[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return search([model.init()], 0);
}
