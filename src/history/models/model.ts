/**
 * The sequential specification that a history is judged against.
 *
 * A model is a state machine: `init` gives the first state, `step` says whether an operation
 * with its observed result is legal in a state and what state follows. The checkers treat states
 * as values: they intern them with `hash` and `equal`, so `step` must be pure and must not
 * mutate its argument.
 *
 * @module
 */
import type { Operation } from '../types.js';
import type { OperationShapes } from './shapes.js';

/**
 * What `step` returns.
 *
 * - `{ ok: true, state }`: the operation is legal here and leads to `state`.
 * - `{ ok: false }`: it is not legal here.
 * - an array of states: a non-deterministic step that may lead to any of them (empty: illegal).
 */
export type StepResult<S> = { readonly ok: true; readonly state: S } | { readonly ok: false } | readonly S[];

/** A sequential specification. See the built-in models for examples. */
export interface Model<S = unknown> {
  /** Short name for reports, such as `cas-register`. */
  readonly name: string;
  /** The state before any operation. */
  init(): S;
  /**
   * The operations the model knows, by `f`, and the shapes of their values. When present, a
   * history with any other operation, or a value of another shape, is refused as bad input
   * before it is checked (see `findShapeProblem`).
   */
  readonly operations?: OperationShapes;
  /**
   * Applies `op` to `state`. When `op.status` is `unknown`, `op.output` is `undefined`: return
   * the states the operation leads to if it took effect (the checker itself covers the case where
   * it never did).
   */
  step(state: S, op: Operation): StepResult<S>;
  /** Equality of states. Default: structural equality (`structuralEqual`). */
  equal?(a: S, b: S): boolean;
  /** A hash that agrees with `equal`. Default: `structuralHash`. */
  hash?(state: S): number | string;
  /**
   * Splits a history into independent sub-histories (P-compositionality): the history is
   * linearizable exactly when each part is, checked against this same model.
   */
  partition?(operations: readonly Operation[]): readonly (readonly Operation[])[];
  /**
   * True when `op`, wherever it is legal, leaves the state as it was (a read, a failed
   * compare-and-set). The search may then place it as soon as it is legal, without trying
   * alternatives: an important pruning. Return false when in doubt.
   */
  readOnly?(op: Operation): boolean;
  /**
   * Declares the state a product of independent components (a key-value map: one register per
   * key) and names the component `op` acts on. Each operation must act on exactly one component:
   * whether it is legal, and what it does, depend only on that component, and it changes no
   * other. Operations on different components then commute, and the linearizability search uses
   * that to prune (see `component-search.ts`) while still searching the whole history. Components
   * are compared as `Map` keys. Needs {@link Model.componentState}.
   */
  component?(op: Operation): unknown;
  /**
   * With {@link Model.component}: the part of `state` that is `component`, as plain data (equal
   * parts must be structurally equal).
   */
  componentState?(state: S, component: unknown): unknown;
  /** Text of an operation for reports. */
  describeOperation?(op: Operation): string;
  /** Text of a state for reports. */
  describeState?(state: S): string;
}

/** Groups operations by `op.key` (operations without a key form one group), in order of first use. */
export function partitionByKey(operations: readonly Operation[]): Operation[][] {
  const groups = new Map<unknown, Operation[]>();
  for (const op of operations) {
    const group = groups.get(op.key);
    if (group === undefined) groups.set(op.key, [op]);
    else group.push(op);
  }
  return Array.from(groups.values());
}

/** True when `result` (a {@link StepResult}) is a list of possible states. */
export function isNondeterministic<S>(result: StepResult<S>): result is readonly S[] {
  return Array.isArray(result);
}
