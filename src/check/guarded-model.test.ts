import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { guardedModel, ModelError } from './guarded-model.js';
import { always } from '../core/index.js';
import { defineModel, type Model } from './model.js';

function counter(next: (count: number) => number | undefined): Model<number, 'step'> {
  return defineModel<number, 'step'>({
    init: () => [0],
    actions: (_state, out) => out.push('step'),
    next: (count) => next(count),
    properties: [always('small', (count) => count < 5)],
  });
}

describe('a guarded model reports its own bugs with the state and action', () => {
  it('an exception in next names the state and the action', () => {
    const model = guardedModel(counter((count) => (count === 2 ? (JSON.parse('{') as number) : count + 1)));
    let error: unknown;
    try {
      check(model);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ problem: 'threw', where: 'next', state: 2, action: 'step' });
  });

  it('a next that is not a function of its inputs is caught by running it again', () => {
    let calls = 0;
    const model = guardedModel(counter((count) => (count < 3 ? count + 1 + (calls++ % 2) : undefined)));
    expect(() => check(model)).toThrow(/gave two different results for the same state and action/);
  });

  it('a deterministic model passes through unchanged: same verdict and counts', () => {
    const plain = counter((count) => (count < 3 ? count + 1 : undefined));
    expect(check(guardedModel(plain))).toMatchObject({
      verdict: 'ok',
      distinctStates: check(plain).distinctStates,
    });
  });
});
