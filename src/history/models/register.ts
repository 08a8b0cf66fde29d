/**
 * Registers: a single value, read and written (`register`), plus compare-and-set
 * (`cas-register`), as in Jepsen's and Porcupine's etcd tests.
 *
 * @module
 */
import { describeValue, structuralEqual } from '../hash.js';
import type { Operation } from '../types.js';
import { describeOperation } from './describe.js';
import { partitionByKey, type Model, type StepResult } from './model.js';
import { anyValue, type OperationShapes, type ValueShape } from './shapes.js';

/** Options of the register models. */
export interface RegisterOptions {
  /** The value before the first write. Default `null` (Jepsen's `nil`: "nothing written yet"). */
  readonly initial?: unknown;
  /**
   * Treat operations with different `key`s as independent registers (Maelstrom's lin-kv).
   * Default true: histories without keys form one partition anyway.
   */
  readonly partitionByKey?: boolean;
}

/**
 * Reads a `[from, to]` pair; Maelstrom's `{from, to}` object is accepted too.
 * Returns undefined for anything else so that the caller can refuse the operation.
 */
export function casArguments(input: unknown): readonly [unknown, unknown] | undefined {
  if (Array.isArray(input) && input.length === 2) return [input[0], input[1]];
  if (typeof input === 'object' && input !== null && 'from' in input && 'to' in input) {
    const { from, to } = input;
    return [from, to];
  }
  return undefined;
}

/** The input of a compare-and-set: what {@link casArguments} reads. */
export const casInput: ValueShape = {
  description: '[from, to]',
  accepts: (value) => casArguments(value) !== undefined,
};

const readWrite: OperationShapes = {
  read: { input: anyValue, output: anyValue },
  write: { input: anyValue, output: anyValue },
};

// A CAS's output is `false` when the comparison failed and anything else when it applied.
const readWriteCas: OperationShapes = { ...readWrite, cas: { input: casInput, output: anyValue } };

const illegal = { ok: false } as const;

function readStep<S>(state: S, op: Operation): StepResult<S> {
  // An unknown read says nothing; a known one must see the current value.
  if (op.status === 'unknown' || structuralEqual(state, op.output)) return { ok: true, state };
  return illegal;
}

/**
 * A compare-and-set is applied when its `from` equals the state. Its result is `false` when the
 * comparison failed; any other result (`true`, Jepsen's echo of `[from to]`) means it applied.
 */
function casStep(state: unknown, op: Operation): StepResult<unknown> {
  const args = casArguments(op.input);
  if (args === undefined) return illegal;
  const matches = structuralEqual(state, args[0]);
  if (op.status === 'unknown') return { ok: true, state: matches ? args[1] : state };
  const applied = op.output !== false;
  if (applied !== matches) return illegal;
  return { ok: true, state: applied ? args[1] : state };
}

function makeRegister(name: string, withCas: boolean, options: RegisterOptions): Model<unknown> {
  const initial = options.initial ?? null;
  const model: Model<unknown> = {
    name,
    init: () => initial,
    operations: withCas ? readWriteCas : readWrite,
    step(state, op) {
      switch (op.f) {
        case 'read':
          return readStep(state, op);
        case 'write':
          return { ok: true, state: op.input };
        case 'cas':
          return withCas ? casStep(state, op) : illegal;
        default:
          return illegal;
      }
    },
    readOnly: (op) => op.f === 'read' || (op.f === 'cas' && op.status === 'ok' && op.output === false),
    describeOperation,
    describeState: (state) => describeValue(state),
  };
  return options.partitionByKey === false ? model : { ...model, partition: partitionByKey };
}

/** A read/write register. Operations: `read` (output: value), `write` (input: value). */
export function registerModel(options: RegisterOptions = {}): Model<unknown> {
  return makeRegister('register', false, options);
}

/**
 * A read/write/compare-and-set register. Operations: `read`, `write`, and `cas` with input
 * `[from, to]` and output `false` when the comparison failed (anything else: it applied).
 */
export function casRegisterModel(options: RegisterOptions = {}): Model<unknown> {
  return makeRegister('cas-register', true, options);
}
