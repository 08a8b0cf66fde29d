import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { always, sometimes } from '../core/index.js';
import { defaultMemoryLimitMb } from './memory-budget.js';
import { defineModel, type Model } from './model.js';
import type { Progress } from './result.js';

/** A model over a random directed graph: states are node numbers, actions edge indices. */
function graphModel(
  edges: readonly (readonly [number, number])[],
  init: readonly number[],
): Model<number, number> {
  return {
    init: () => init,
    actions: (state, out) => edges.forEach(([from], i) => from === state && out.push(i)),
    next: (_, i) => edges[i]?.[1],
    properties: [],
  };
}

/** Reference: nodes reachable from `init`, with their breadth-first depth (initial states: 1). */
function naiveReachable(
  edges: readonly (readonly [number, number])[],
  init: readonly number[],
): Map<number, number> {
  const depth = new Map<number, number>();
  let level = [...new Set(init)];
  for (const v of level) depth.set(v, 1);
  for (let d = 2; level.length > 0; d++) {
    const next: number[] = [];
    for (const v of level) {
      for (const [from, to] of edges) {
        if (from === v && !depth.has(to)) {
          depth.set(to, d);
          next.push(to);
        }
      }
    }
    level = next;
  }
  return depth;
}

const randomGraphs = fc.record({
  edges: fc.array(fc.tuple(fc.nat(30), fc.nat(30)), { maxLength: 60 }),
  init: fc.array(fc.nat(30), { minLength: 1, maxLength: 3 }),
});

describe('exhaustive search', () => {
  it('counts exactly the reachable states, and their depth, breadth-first and depth-first', () => {
    fc.assert(
      fc.property(randomGraphs, ({ edges, init }) => {
        const reference = naiveReachable(edges, init);
        const depthMax = Math.max(...reference.values());
        const successors = [...reference.keys()].reduce(
          (sum, v) => sum + edges.filter(([from]) => from === v).length,
          0,
        );
        for (const strategy of ['bfs', 'dfs'] as const) {
          const result = check(graphModel(edges, init), { strategy });
          expect(result.distinctStates).toBe(reference.size);
          expect(result.generatedStates).toBe(init.length + successors);
          expect(result.verdict).toBe('ok');
          if (strategy === 'bfs') expect(result.maxDepth).toBe(depthMax);
        }
      }),
    );
  });

  it('finds a shortest path to a violation breadth-first', () => {
    fc.assert(
      fc.property(randomGraphs, fc.nat(30), ({ edges, init }, bad) => {
        const reference = naiveReachable(edges, init);
        const model = {
          ...graphModel(edges, init),
          properties: [always('not bad', (v: number) => v !== bad)],
        };
        const result = check(model);
        const depth = reference.get(bad);
        if (depth === undefined) {
          expect(result.verdict).toBe('ok');
        } else {
          expect(result.verdict).toBe('violation');
          expect(result.path?.states).toHaveLength(depth);
          expect(result.path?.states.at(-1)).toBe(bad);
        }
      }),
    );
  });

  // A counter that runs forever: only bounds stop the search.
  const counter: Model<number, string> = {
    init: () => [0],
    actions: (_, out) => out.push('inc', 'double'),
    next: (n, action) => (action === 'inc' ? n + 1 : n * 2),
    properties: [always('small', (n) => n < 1_000_000), sometimes('reaches 100', (n) => n === 100)],
  };

  it('honours depth, state and time bounds with an unknown verdict', () => {
    const byDepth = check(counter, { maxDepth: 4 });
    expect(byDepth).toMatchObject({
      verdict: 'unknown',
      complete: false,
      stopReason: 'maxDepth',
      maxDepth: 4,
    });
    expect(byDepth.distinctStates).toBe(5); // depth 1: 0; 2: 1; 3: 2; 4: 3, 4
    const byStates = check(counter, { maxStates: 50 });
    expect(byStates).toMatchObject({ verdict: 'unknown', stopReason: 'maxStates', distinctStates: 50 });
    expect(byStates.properties.find((p) => p.kind === 'sometimes')?.status).toBe('unknown');
    const byTime = check({ ...counter, properties: [] }, { maxMs: 30, strategy: 'dfs' });
    expect(byTime).toMatchObject({ verdict: 'unknown', stopReason: 'maxMs' });
  });

  it('stops at the memory budget with an unknown verdict, on the first look at memory', () => {
    // This process holds far more than 1 MB already: the search stops after its first state.
    for (const strategy of ['bfs', 'dfs', 'random'] as const) {
      const result = check(counter, { strategy, maxMemoryMb: 1 });
      expect(result).toMatchObject({
        verdict: 'unknown',
        complete: false,
        stopReason: 'maxMemory',
        memoryLimitMb: 1,
      });
      expect(result.memoryPeakBytes).toBeGreaterThan(2 ** 20);
      expect(result.distinctStates).toBeLessThan(10);
    }
    const stopped = check(counter, { maxMemoryMb: 1 });
    expect(stopped.properties.map((p) => p.reason)).toEqual([
      'the search stopped early: memory limit reached',
      'the search stopped early: memory limit reached',
    ]);
    // The budget is on by default, derived from the heap limit.
    expect(check(counter, { maxStates: 10 }).memoryLimitMb).toBe(defaultMemoryLimitMb());
    expect(() => check(counter, { maxMemoryMb: 0 })).toThrow(
      'check: option maxMemoryMb must be a positive number',
    );
  });

  it('calls a search complete when a budget is spent on its last state', () => {
    const single: Model<number, string> = {
      init: () => [0],
      actions: () => undefined,
      next: () => undefined,
      properties: [],
    };
    expect(check(single, { maxMemoryMb: 1 })).toMatchObject({ verdict: 'ok', complete: true });
  });

  it('counts states outside the boundary but does not expand them', () => {
    const bounded = check({ ...counter, within: (n: number) => n < 10 });
    expect(bounded).toMatchObject({ verdict: 'violation', complete: true });
    // 0..9 are expanded: 0..10 and the even numbers up to 18; 100 is never reached.
    expect(bounded.distinctStates).toBe(15);
    expect(bounded.properties.map((p) => p.status)).toEqual(['ok', 'violation']);
  });

  it('reports progress about once per interval', () => {
    const reports: Progress[] = [];
    const endless = { ...counter, properties: [] };
    check(endless, { maxMs: 250, progressIntervalMs: 50, onProgress: (p) => reports.push(p) });
    expect(reports.length).toBeGreaterThanOrEqual(3);
    const last = reports[reports.length - 1];
    expect(last?.distinctStates).toBeGreaterThan(0);
    expect(last?.memoryBytes).toBeGreaterThan(0);
    expect(last?.memoryLimitBytes).toBe(defaultMemoryLimitMb() * 2 ** 20);
  });
});

describe('random walks', () => {
  it('find a deep violation, replayable from the seed, and never claim ok', () => {
    const deep: Model<number, string> = {
      init: () => [0],
      actions: (n, out) => {
        if (n < 60) out.push('up', 'stay');
      },
      next: (n, action) => (action === 'up' ? n + 1 : n),
      properties: [always('below 40', (n) => n < 40)],
    };
    const first = check(deep, { strategy: 'random', seed: 3, walks: 50, walkLength: 200 });
    expect(first.verdict).toBe('violation');
    expect(first.path?.states.at(-1)).toBe(40);
    const again = check(deep, { strategy: 'random', seed: 3, walks: 50, walkLength: 200 });
    expect(again.path?.actions).toEqual(first.path?.actions);
    const safe = check(
      { ...deep, properties: [always('below 100', (n: number) => n < 100)] },
      { strategy: 'random' },
    );
    expect(safe.verdict).toBe('unknown');
  });
});

describe('defineModel and options', () => {
  const minimal = { init: () => [0], actions: () => undefined, next: () => undefined, properties: [] };

  it('names itself and the faulty field', () => {
    expect(() => defineModel({ ...minimal, next: 3 } as never)).toThrow(
      'defineModel: `next` must be a function',
    );
    expect(() =>
      defineModel({
        ...minimal,
        properties: [always<number>('x', () => true), always<number>('x', () => true)],
      }),
    ).toThrow('defineModel: property name "x" is used twice');
    expect(() =>
      defineModel({ ...minimal, properties: [{ kind: 'never', name: 'x', holds: () => true }] } as never),
    ).toThrow(/kind must be 'always', 'sometimes' or 'eventually'/);
    expect(() => defineModel({ ...minimal, symmetry: { interchangeable: [['a', 'a']] } })).toThrow(
      'defineModel: symmetry id "a" appears twice',
    );
    expect(() => check(minimal, { maxStates: 0 })).toThrow(
      'check: option maxStates must be a positive number',
    );
    expect(() => check(minimal, { partsMax: Number.NaN })).toThrow(
      'check: option partsMax must be a positive number',
    );
    expect(() => check(minimal, { workers: 2 })).toThrow(/use checkInWorkers/);
  });

  it('rejects states that are not plain data', () => {
    const withDate: Model<{ at: Date }, never> = { ...minimal, init: () => [{ at: new Date(0) }] };
    expect(() => check(withDate)).toThrow(/plain data only/);
  });
});
