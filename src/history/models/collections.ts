/**
 * Collection models: a FIFO queue, a grow-only set, a counter.
 *
 * @module
 */
import { canonicalString, describeValue, structuralEqual } from '../hash.js';
import { describeOperation } from './describe.js';
import type { Model, StepResult } from './model.js';
import { anyValue, finiteNumber, list, orNothing } from './shapes.js';

const illegal = { ok: false } as const;

/**
 * A FIFO queue. `enqueue` with input the element; `dequeue` with output the element removed, or
 * `null` when the queue was empty.
 */
export function queueModel(): Model<readonly unknown[]> {
  return {
    name: 'queue',
    init: () => [],
    operations: {
      enqueue: { input: anyValue, output: anyValue },
      dequeue: { input: anyValue, output: anyValue },
    },
    step(state, op): StepResult<readonly unknown[]> {
      switch (op.f) {
        case 'enqueue':
          return { ok: true, state: [...state, op.input] };
        case 'dequeue': {
          if (op.status === 'unknown') return { ok: true, state: state.slice(1) };
          if (state.length === 0) return op.output === null ? { ok: true, state } : illegal;
          return structuralEqual(state[0], op.output) ? { ok: true, state: state.slice(1) } : illegal;
        }
        default:
          return illegal;
      }
    },
    // A dequeue of an empty queue reads without changing anything.
    readOnly: (op) => op.f === 'dequeue' && op.status === 'ok' && op.output === null,
    describeOperation,
    describeState: (state) => describeValue(state),
  };
}

/** Set state: elements by their canonical text, so that equal elements collapse. */
export type SetState = ReadonlyMap<string, unknown>;

/**
 * A grow-only set. `add` with input the element; `read` with output the list of elements (in any
 * order).
 */
export function setModel(): Model<SetState> {
  return {
    name: 'set',
    init: () => new Map(),
    operations: {
      add: { input: anyValue, output: anyValue },
      read: { input: anyValue, output: list },
    },
    step(state, op): StepResult<SetState> {
      switch (op.f) {
        case 'add': {
          const key = canonicalString(op.input);
          if (state.has(key)) return { ok: true, state };
          return { ok: true, state: new Map(state).set(key, op.input) };
        }
        case 'read': {
          if (op.status === 'unknown') return { ok: true, state };
          if (!Array.isArray(op.output)) return illegal;
          const seen = new Set((op.output as unknown[]).map(canonicalString));
          if (seen.size !== state.size) return illegal;
          for (const key of seen) if (!state.has(key)) return illegal;
          return { ok: true, state };
        }
        default:
          return illegal;
      }
    },
    hash: (state) => Array.from(state.keys()).sort().join('\u0000'),
    equal: (a, b) => a.size === b.size && Array.from(a.keys()).every((key) => b.has(key)),
    readOnly: (op) => op.f === 'read',
    describeOperation,
    describeState: (state) => `#{${Array.from(state.values(), (v) => describeValue(v, 20)).join(' ')}}`,
  };
}

/**
 * A counter starting at 0. `add` (alias `increment`) with input the delta (default 1); `read` with
 * output the value.
 */
export function counterModel(): Model<number> {
  return {
    name: 'counter',
    init: () => 0,
    operations: {
      add: { input: orNothing(finiteNumber), output: anyValue },
      increment: { input: orNothing(finiteNumber), output: anyValue },
      read: { input: anyValue, output: finiteNumber },
    },
    step(state, op): StepResult<number> {
      switch (op.f) {
        case 'add':
        case 'increment': {
          const delta = op.input === null || op.input === undefined ? 1 : op.input;
          return typeof delta === 'number' ? { ok: true, state: state + delta } : illegal;
        }
        case 'read':
          return op.status === 'unknown' || op.output === state ? { ok: true, state } : illegal;
        default:
          return illegal;
      }
    },
    hash: (state) => state,
    equal: (a, b) => a === b,
    readOnly: (op) => op.f === 'read',
    describeOperation,
    describeState: (state) => String(state),
  };
}
