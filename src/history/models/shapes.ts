/**
 * What a model accepts: the operations it knows and the shape of their values. A history is
 * held against these declarations before any search, so that a history written for another
 * model (an etcd log checked as a queue, a key-value history checked as a register) is reported
 * as bad input instead of being judged "not linearizable".
 *
 * @module
 */
import { describeValue } from '../hash.js';
import type { Operation } from '../types.js';
import type { Model } from './model.js';

/** A kind of value, with the words that name it in error messages. */
export interface ValueShape {
  /** What the value must be, as a noun phrase: `a number`, `[from, to]`. */
  readonly description: string;
  readonly accepts: (value: unknown) => boolean;
}

/** The values an operation takes (its invocation's value) and returns (its `ok` completion's). */
export interface OperationShape {
  readonly input: ValueShape;
  readonly output: ValueShape;
}

/** A model's operations by their `f`. */
export type OperationShapes = Readonly<Record<string, OperationShape>>;

/** Any value at all: one the model ignores, or one it compares with the state. */
export const anyValue: ValueShape = { description: 'any value', accepts: () => true };

/** A finite number. */
export const finiteNumber: ValueShape = {
  description: 'a number',
  accepts: (value) => typeof value === 'number' && Number.isFinite(value),
};

/** A list (an EDN vector, list or set; a JSON array). */
export const list: ValueShape = { description: 'a list', accepts: (value) => Array.isArray(value) };

/** A string. */
export const text: ValueShape = { description: 'a string', accepts: (value) => typeof value === 'string' };

/** `shape`, or nothing (nil, null). */
export function orNothing(shape: ValueShape): ValueShape {
  return {
    description: `${shape.description} or nil`,
    accepts: (value) => value === null || value === undefined || shape.accepts(value),
  };
}

/** An operation that does not fit its model, and why. */
export interface ShapeProblem {
  readonly operation: Operation;
  /** Which part does not fit: the operation's name, its input, or its known output. */
  readonly part: 'f' | 'input' | 'output';
  /** What is wrong, in one sentence without the location. */
  readonly problem: string;
}

/**
 * The first operation that `model` does not accept, or undefined when all fit (or the model
 * declares no {@link Model.operations}). The output of an operation of unknown outcome is not
 * looked at: there is none.
 */
export function findShapeProblem(
  model: Model<unknown>,
  operations: readonly Operation[],
): ShapeProblem | undefined {
  const shapes = model.operations;
  if (shapes === undefined) return undefined;
  for (const operation of operations) {
    const shape = Object.hasOwn(shapes, operation.f) ? shapes[operation.f] : undefined;
    if (shape === undefined) {
      return {
        operation,
        part: 'f',
        problem: `operation "${operation.f}" is not known to the ${model.name} model (it knows ${Object.keys(shapes).join(', ')})`,
      };
    }
    if (!shape.input.accepts(operation.input)) {
      return {
        operation,
        part: 'input',
        problem: `${operation.f} takes ${shape.input.description} in the ${model.name} model, got ${describeValue(operation.input)}`,
      };
    }
    if (operation.status === 'ok' && !shape.output.accepts(operation.output)) {
      return {
        operation,
        part: 'output',
        problem: `${operation.f} returns ${shape.output.description} in the ${model.name} model, got ${describeValue(operation.output)}`,
      };
    }
  }
  return undefined;
}
