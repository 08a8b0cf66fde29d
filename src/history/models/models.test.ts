import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ops, type OpSpec } from '../testing/builders.js';
import type { Operation } from '../types.js';
import { counterModel, queueModel, setModel } from './collections.js';
import { keyValueModel, type KeyValueState } from './key-value.js';
import type { Model, StepResult } from './model.js';
import { partitionByKey } from './model.js';
import { casRegisterModel, registerModel } from './register.js';
import { builtinModelNames, createModel, parseModelName, parseModelSpec } from './registry.js';
import { findShapeProblem } from './shapes.js';

/** Runs `operations` in order and returns the final state, or 'illegal' at the first illegal one. */
function run<S>(model: Model<S>, operations: readonly Operation[]): S | 'illegal' {
  let state = model.init();
  for (const op of operations) {
    const result: StepResult<S> = model.step(state, op);
    if (Array.isArray(result)) throw new Error('built-in models are deterministic');
    const single = result as { ok: boolean; state?: S };
    if (!single.ok) return 'illegal';
    state = single.state as S;
  }
  return state;
}

const seq = (...specs: Omit<OpSpec, 'call' | 'ret'>[]): Operation[] =>
  ops(...specs.map((spec, i) => ({ ...spec, call: 2 * i, ret: 2 * i + 1 })));

describe('register models', () => {
  it('register: reads see the last write, nil before any', () => {
    const model = registerModel();
    expect(
      run(model, seq({ f: 'read', output: null }, { f: 'write', input: 3 }, { f: 'read', output: 3 })),
    ).toBe(3);
    expect(run(model, seq({ f: 'write', input: 3 }, { f: 'read', output: 4 }))).toBe('illegal');
    expect(run(model, seq({ f: 'cas', input: [null, 1], output: true }))).toBe('illegal');
  });

  it('cas-register: a CAS applies when its from matches, and false means it did not match', () => {
    const model = casRegisterModel({ initial: 0 });
    expect(run(model, seq({ f: 'cas', input: [0, 5], output: true }, { f: 'read', output: 5 }))).toBe(5);
    expect(run(model, seq({ f: 'cas', input: [1, 5], output: true }))).toBe('illegal');
    expect(run(model, seq({ f: 'cas', input: [1, 5], output: false }))).toBe(0);
    expect(run(model, seq({ f: 'cas', input: [0, 5], output: false }))).toBe('illegal');
    // Maelstrom's object form, and an unknown outcome: applied if it matches.
    expect(run(model, seq({ f: 'cas', input: { from: 0, to: 7 }, output: true }))).toBe(7);
    expect(model.step(0, ops({ f: 'cas', input: [0, 9], call: 0, ret: Infinity })[0] as Operation)).toEqual({
      ok: true,
      state: 9,
    });
    expect(model.step(0, ops({ f: 'cas', input: 'bad', call: 0, ret: 1 })[0] as Operation)).toEqual({
      ok: false,
    });
  });

  it('marks reads and failed CAS as read-only', () => {
    const model = casRegisterModel();
    const [read, write, failed, applied] = seq(
      { f: 'read' },
      { f: 'write', input: 1 },
      { f: 'cas', input: [1, 2], output: false },
      { f: 'cas', input: [1, 2], output: true },
    );
    expect([read, write, failed, applied].map((op) => model.readOnly?.(op as Operation))).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('partitions by key unless told not to', () => {
    expect(casRegisterModel().partition !== undefined).toBe(true);
    expect(casRegisterModel({ partitionByKey: false }).partition === undefined).toBe(true);
  });
});

describe('key-value model', () => {
  const model = keyValueModel();
  it('gets, puts, appends and compares-and-sets per key', () => {
    const state = run(
      model,
      seq(
        { f: 'get', key: 'a', output: '' },
        { f: 'append', key: 'a', input: 'x' },
        { f: 'append', key: 'a', input: 'y' },
        { f: 'put', key: 'b', input: 'z' },
        { f: 'get', key: 'a', output: 'xy' },
        { f: 'cas', key: 'b', input: ['z', 'w'], output: true },
        { f: 'cas', key: 'b', input: ['z', 'q'], output: false },
      ),
    ) as KeyValueState;
    expect(state.get('a')).toBe('xy');
    expect(state.get('b')).toBe('w');
    expect(state.get('never')).toBe('');
    expect(model.describeState?.(state)).toBe('{"a": "xy", "b": "w"}');
    expect(run(model, seq({ f: 'append', key: 'a', input: 'x' }, { f: 'get', key: 'a', output: 'y' }))).toBe(
      'illegal',
    );
    expect(run(model, seq({ f: 'frobnicate', key: 'a' }))).toBe('illegal');
  });

  it('gives equal maps equal hashes however they were reached', () => {
    const viaAppends = run(
      model,
      seq(
        { f: 'append', key: 'a', input: 'x' },
        { f: 'append', key: 'a', input: 'yz' },
        { f: 'put', key: 'b', input: 'q' },
      ),
    ) as KeyValueState;
    const viaPuts = run(
      model,
      seq({ f: 'put', key: 'b', input: 'q' }, { f: 'put', key: 'a', input: 'xyz' }),
    ) as KeyValueState;
    expect(viaAppends).not.toBe(viaPuts);
    expect(model.hash?.(viaAppends)).toBe(model.hash?.(viaPuts));
    expect(model.equal?.(viaAppends, viaPuts)).toBe(true);
    const backToInitial = run(
      model,
      seq({ f: 'put', key: 'c', input: 'v' }, { f: 'put', key: 'c', input: '' }),
    ) as KeyValueState;
    expect(model.hash?.(backToInitial)).toBe(model.hash?.(model.init()));
    expect(model.equal?.(backToInitial, model.init())).toBe(true);
  });

  it('appends to lists too', () => {
    const listModel = keyValueModel({ initial: [] });
    const state = run(
      listModel,
      seq(
        { f: 'append', key: 'k', input: 1 },
        { f: 'append', key: 'k', input: [2, 3] },
        { f: 'read', key: 'k', output: [1, 2, 3] },
      ),
    );
    expect((state as KeyValueState).get('k')).toEqual([1, 2, 3]);
  });

  it('keeps its declaration of components: an operation reads and changes its own key only', () => {
    // The search without partitioning relies on this (see linearizability/component-search.ts).
    const operation = fc.record({
      f: fc.constantFrom('get', 'put', 'append', 'cas'),
      key: fc.constantFrom('a', 'b', 'c'),
      value: fc.constantFrom('', 'x', 'y', 'xy'),
      to: fc.constantFrom('x', 'y'),
      applied: fc.boolean(),
    });
    const toSpec = (o: { f: string; key: string; value: string; to: string; applied: boolean }): OpSpec => {
      const time = { call: 0, ret: 1 };
      if (o.f === 'get') return { f: 'get', key: o.key, output: o.value, ...time };
      if (o.f === 'cas') return { f: 'cas', key: o.key, input: [o.value, o.to], output: o.applied, ...time };
      return { f: o.f, key: o.key, input: o.value, ...time };
    };
    // States reached by legal steps only: an illegal step is skipped.
    const reach = (model: Model<KeyValueState>, history: readonly Operation[]): KeyValueState => {
      let state = model.init();
      for (const op of history) {
        const result = model.step(state, op) as { ok: boolean; state?: KeyValueState };
        if (result.ok) state = result.state as KeyValueState;
      }
      return state;
    };
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 12 }), operation, (before, last) => {
        const model = keyValueModel();
        const history = ops(...before.map(toSpec));
        const op = ops(toSpec(last))[0] as Operation;
        const state = reach(model, history);
        // A state with the same part for op's key and nothing else: op must fare the same there.
        const alone = reach(
          model,
          history.filter((o) => o.key === op.key),
        );
        expect(model.componentState?.(alone, op.key)).toEqual(model.componentState?.(state, op.key));
        const result = model.step(state, op) as { ok: boolean; state?: KeyValueState };
        const resultAlone = model.step(alone, op) as { ok: boolean; state?: KeyValueState };
        expect(result.ok).toBe(resultAlone.ok);
        if (!result.ok || result.state === undefined || resultAlone.state === undefined) return;
        expect(model.component?.(op)).toBe(op.key);
        expect(model.componentState?.(result.state, op.key)).toEqual(
          model.componentState?.(resultAlone.state, op.key),
        );
        for (const other of ['a', 'b', 'c'].filter((key) => key !== op.key))
          expect(model.componentState?.(result.state, other)).toEqual(model.componentState?.(state, other));
      }),
      { numRuns: 500 },
    );
  });

  it('partitions by key', () => {
    const parts = partitionByKey(seq({ f: 'get', key: 'a' }, { f: 'get', key: 'b' }, { f: 'get', key: 'a' }));
    expect(parts.map((part) => part.map((op) => op.id))).toEqual([[0, 2], [1]]);
  });
});

describe('collection models', () => {
  it('queue: FIFO, null for empty', () => {
    const model = queueModel();
    expect(
      run(
        model,
        seq(
          { f: 'dequeue', output: null },
          { f: 'enqueue', input: 1 },
          { f: 'enqueue', input: 2 },
          { f: 'dequeue', output: 1 },
        ),
      ),
    ).toEqual([2]);
    expect(run(model, seq({ f: 'enqueue', input: 1 }, { f: 'dequeue', output: 2 }))).toBe('illegal');
    expect(run(model, seq({ f: 'dequeue', output: 1 }))).toBe('illegal');
  });

  it('set: reads return the elements in any order', () => {
    const model = setModel();
    expect(
      run(
        model,
        seq(
          { f: 'add', input: 1 },
          { f: 'add', input: 2 },
          { f: 'add', input: 1 },
          { f: 'read', output: [2, 1] },
        ),
      ),
    ).not.toBe('illegal');
    expect(run(model, seq({ f: 'add', input: 1 }, { f: 'read', output: [1, 2] }))).toBe('illegal');
    expect(run(model, seq({ f: 'add', input: 1 }, { f: 'read', output: 'nope' }))).toBe('illegal');
  });

  it('counter: adds and reads', () => {
    const model = counterModel();
    expect(run(model, seq({ f: 'add', input: 2 }, { f: 'increment' }, { f: 'read', output: 3 }))).toBe(3);
    expect(run(model, seq({ f: 'add', input: 2 }, { f: 'read', output: 3 }))).toBe('illegal');
  });
});

describe('registry', () => {
  it('builds every built-in model by name', () => {
    for (const name of builtinModelNames) expect(createModel({ name }).name).toBe(name);
    expect(parseModelName('Key-Value')).toBe('kv');
    expect(() => parseModelName('bank')).toThrow(
      /unknown model "bank"; known models: register, cas-register/,
    );
  });

  it('gives an initial value to the models that have one, and refuses it to the others', () => {
    expect(parseModelSpec('cas-register', 0)).toEqual({ name: 'cas-register', initial: 0 });
    expect(createModel(parseModelSpec('register', 5)).init()).toBe(5);
    // null is a value to start from, not the absence of one.
    const nullKeys = createModel(parseModelSpec('kv', null));
    expect(nullKeys.componentState?.(nullKeys.init(), 'k')).toBe(null);
    expect(parseModelSpec('queue')).toEqual({ name: 'queue' });
    expect(() => parseModelSpec('queue', 0)).toThrow(
      /^--initial: the queue model has no initial value to choose \(models that have one: register, cas-register, kv\)$/,
    );
  });
});

describe('operation shapes', () => {
  const etcd = seq(
    { f: 'read', output: null },
    { f: 'write', input: 3 },
    { f: 'cas', input: [3, 4], output: false },
  );

  it('accepts the histories each model is for', () => {
    expect(findShapeProblem(casRegisterModel(), etcd)).toBeUndefined();
    expect(
      findShapeProblem(
        keyValueModel(),
        seq({ f: 'append', key: 'x', input: 'ab' }, { f: 'get', key: 'x', output: 'ab' }),
      ),
    ).toBeUndefined();
    expect(
      findShapeProblem(keyValueModel({ initial: [] }), seq({ f: 'append', key: 'x', input: 5 })),
    ).toBeUndefined();
    expect(
      findShapeProblem(queueModel(), seq({ f: 'enqueue', input: 1 }, { f: 'dequeue', output: 1 })),
    ).toBeUndefined();
    expect(
      findShapeProblem(setModel(), seq({ f: 'add', input: 1 }, { f: 'read', output: [1] })),
    ).toBeUndefined();
    expect(
      findShapeProblem(counterModel(), seq({ f: 'add', input: 2 }, { f: 'read', output: 2 })),
    ).toBeUndefined();
  });

  it('names an operation the model does not know', () => {
    expect(findShapeProblem(queueModel(), etcd)).toMatchObject({
      operation: { id: 0 },
      part: 'f',
      problem: 'operation "read" is not known to the queue model (it knows enqueue, dequeue)',
    });
    // A key-value history checked as a register.
    expect(findShapeProblem(registerModel(), seq({ f: 'put', key: 'x', input: 'a' }))?.problem).toMatch(
      /^operation "put" is not known to the register model \(it knows read, write\)$/,
    );
    expect(findShapeProblem(registerModel(), etcd)?.operation.f).toBe('cas');
    // Names inherited from Object are not operations.
    expect(findShapeProblem(registerModel(), seq({ f: 'toString' }))?.part).toBe('f');
  });

  it('names a value of the wrong shape, and leaves alone the output of an unknown outcome', () => {
    expect(findShapeProblem(casRegisterModel(), seq({ f: 'cas', input: 5 }))).toMatchObject({
      part: 'input',
      problem: 'cas takes [from, to] in the cas-register model, got 5',
    });
    expect(findShapeProblem(keyValueModel(), seq({ f: 'append', key: 'k', input: 7 }))?.problem).toBe(
      'append takes a string in the kv model, got 7',
    );
    expect(findShapeProblem(setModel(), seq({ f: 'read', output: 3 }))?.problem).toBe(
      'read returns a list in the set model, got 3',
    );
    expect(findShapeProblem(counterModel(), seq({ f: 'add', input: 'one' }))?.part).toBe('input');
    expect(findShapeProblem(counterModel(), seq({ f: 'read', output: 'x' }))?.part).toBe('output');
    const unknownRead = ops({ f: 'read', call: 0, ret: Infinity });
    expect(findShapeProblem(counterModel(), unknownRead)).toBeUndefined();
  });
});
