import { describe, expect, expectTypeOf, it } from 'vitest';
import { InputError } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { defineScenario, isScenario, oneOf, resolveParams, type OneOf, type Scenario } from './scenario.js';
import { simulate } from './simulator.js';

const idle = defineProtocol({ name: 'idle', init: () => null });

const scenario = defineScenario({
  name: 'demo',
  description: 'A scenario for tests.',
  params: { nodes: 3, lossy: false, mode: 'fast' },
  build: (params) => ({
    nodes: Object.fromEntries(Array.from({ length: params.nodes }, (_, index) => [`n${index + 1}`, idle])),
    network: { drop: params.lossy ? 0.1 : 0 },
    durationMs: params.mode === 'fast' ? 10 : 100,
  }),
});

describe('defineScenario', () => {
  it('returns the scenario, whose build gives a runnable configuration', () => {
    expect(scenario.name).toBe('demo');
    const result = simulate(scenario.build(resolveParams(scenario, ['nodes=2', 'mode=slow'])), { seed: 1 });
    expect(result).toMatchObject({ ok: true, endMs: 0 });
  });

  it.each<[unknown, string]>([
    [null, 'defineScenario: expected an object'],
    [{ name: '', params: {}, build: () => ({}) }, 'defineScenario: `name` must be a non-empty string'],
    [{ name: 'x', params: {}, build: 1 }, "defineScenario('x'): `build` must be a function"],
    [
      { name: 'x', params: null, build: () => ({}) },
      "defineScenario('x'): `params` must be an object of defaults",
    ],
  ])('refuses %j with an InputError', (candidate, message) => {
    expect(() => defineScenario(candidate as Scenario)).toThrow(InputError);
    expect(() => defineScenario(candidate as Scenario)).toThrow(message);
  });
});

describe('isScenario', () => {
  it('recognises a scenario and nothing else', () => {
    expect(isScenario(scenario)).toBe(true);
    expect(isScenario({ name: 'x', params: {}, build: () => null })).toBe(true);
    expect(isScenario(null)).toBe(false);
    expect(isScenario({ name: 'x', build: () => null })).toBe(false);
    expect(isScenario({ default: scenario })).toBe(false);
    expect(isScenario(() => scenario)).toBe(false);
  });
});

describe('resolveParams', () => {
  it('returns the defaults when nothing is overridden, as a copy', () => {
    const resolved = resolveParams(scenario, []);
    expect(resolved).toEqual({ nodes: 3, lossy: false, mode: 'fast' });
    expect(resolved).not.toBe(scenario.params);
  });

  it('parses each value as the type of its default; the last override of a name wins', () => {
    expect(resolveParams(scenario, ['nodes=5', 'lossy=true', 'mode=slow=really', 'nodes=1e1'])).toEqual({
      nodes: 10,
      lossy: true,
      mode: 'slow=really',
    });
    expect(resolveParams(scenario, ['nodes=-2.5', 'mode='])).toMatchObject({ nodes: -2.5, mode: '' });
  });

  it.each([
    ['nodes', "--param 'nodes': expected NAME=VALUE"],
    ['=5', "--param '=5': expected NAME=VALUE"],
    ['nodes=', '--param nodes=: expected a number'],
    ['nodes= ', '--param nodes= : expected a number'],
    ['nodes=three', '--param nodes=three: expected a number'],
    ['nodes=Infinity', '--param nodes=Infinity: expected a number'],
    ['lossy=yes', '--param lossy=yes: expected true or false'],
    ['lossy=1', '--param lossy=1: expected true or false'],
    ['speed=2', "--param speed: scenario 'demo' has no such parameter (it has: nodes, lossy, mode)"],
    ['toString=2', "--param toString: scenario 'demo' has no such parameter (it has: nodes, lossy, mode)"],
    ['__proto__=2', "--param __proto__: scenario 'demo' has no such parameter (it has: nodes, lossy, mode)"],
    ['constructor=x', "--param constructor: scenario 'demo' has no such parameter"],
  ])('refuses %j with a one-line InputError', (override, message) => {
    expect(() => resolveParams(scenario, [override])).toThrow(InputError);
    expect(() => resolveParams(scenario, [override])).toThrow(message);
  });

  it('says when a scenario has no parameters at all', () => {
    const bare = defineScenario({
      name: 'bare',
      params: {},
      build: () => ({ nodes: { n1: idle }, durationMs: 1 }),
    });
    expect(() => resolveParams(bare, ['x=1'])).toThrow(
      "--param x: scenario 'bare' has no such parameter (it has: none)",
    );
  });
});

describe('oneOf parameters', () => {
  const scenario = defineScenario({
    name: 'choices',
    params: { mode: oneOf(['fast', 'safe'], 'safe'), rounds: 2 },
    build: (params) => {
      // build sees the union of the values, not any string.
      expectTypeOf(params.mode).toEqualTypeOf<'fast' | 'safe'>();
      expectTypeOf(params.rounds).toEqualTypeOf<number>();
      return { nodes: {}, durationMs: 10 };
    },
  });

  it('keeps the default in params and the values in paramChoices', () => {
    expect(scenario.params).toEqual({ mode: 'safe', rounds: 2 });
    expect(scenario.paramChoices).toEqual({ mode: ['fast', 'safe'] });
    expect(oneOf(['a', 'b']).default).toBe('a');
  });

  it('accepts a listed value and refuses any other, naming the allowed ones', () => {
    expect(resolveParams(scenario, ['mode=fast'])).toEqual({ mode: 'fast', rounds: 2 });
    expect(() => resolveParams(scenario, ['mode=typo'])).toThrow(
      new InputError('--param mode=typo: expected one of fast, safe'),
    );
  });

  it('refuses a set without values or with a default outside it', () => {
    expect(() => oneOf([])).toThrow('oneOf: expected at least one value');
    expect(() =>
      defineScenario({
        name: 'bad',
        params: { mode: { oneOf: ['a'], default: 'b' } as unknown as OneOf<'a'> },
        build: () => ({ nodes: {}, durationMs: 10 }),
      }),
    ).toThrow("defineScenario('bad'): parameter 'mode' must be a number, boolean, string or oneOf([...])");
  });
});
