import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { eventually, sometimes } from '../core/index.js';
import { type FairnessKind, type Model } from './model.js';
import type { Path } from './result.js';

/** A model given as a labelled graph over named states. */
function graphModel(
  edges: readonly (readonly [string, string, string])[],
  options: {
    init?: readonly string[];
    goal?: (state: string) => boolean;
    fairness?: Readonly<Record<string, FairnessKind>>;
    stopsWhenOwedNothing?: boolean;
  } = {},
): Model<string, string> {
  const goal = options.goal ?? ((state: string) => state === 'done');
  const fairness = options.fairness;
  return {
    init: () => options.init ?? ['start'],
    actions: (state, out) => {
      for (const [from, label] of edges) if (from === state) out.push(label);
    },
    next: (state, label) => edges.find(([from, l]) => from === state && l === label)?.[2],
    properties: [eventually('done', goal), sometimes('reaches done', goal)],
    ...(fairness === undefined ? {} : { fairness: (label: string) => fairness[label] }),
    ...(options.stopsWhenOwedNothing === undefined
      ? {}
      : { stopsWhenOwedNothing: options.stopsWhenOwedNothing }),
  };
}

/** Checks that a liveness counterexample is a real lasso (or path to a dead end) of the model. */
function expectLasso(
  model: Model<string, string>,
  path: Path<string, string> | undefined,
  cycle: boolean,
): void {
  if (path === undefined) throw new Error('no counterexample');
  path.actions.forEach((action, i) =>
    expect(model.next(path.states[i] ?? '', action)).toBe(path.states[i + 1]),
  );
  if (cycle) {
    expect(path.cycleStart).toBeDefined();
    expect(path.states[path.states.length - 1]).toBe(path.states[path.cycleStart ?? -1]);
    expect(path.states.length - 1).toBeGreaterThan(path.cycleStart ?? 0);
  } else {
    expect(path.cycleStart).toBeUndefined();
    const last = path.states[path.states.length - 1] ?? '';
    const out: string[] = [];
    model.actions(last, out);
    expect(out).toEqual([]);
  }
}

describe('eventually', () => {
  // A process that may spin forever before finishing.
  const spinning: (readonly [string, string, string])[] = [
    ['start', 'spin', 'start'],
    ['start', 'finish', 'done'],
  ];

  it('fails without fairness: spinning forever is a behaviour', () => {
    const model = graphModel(spinning);
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.property).toEqual({ name: 'done', kind: 'eventually' });
    expectLasso(model, result.path, true);
    expect(result.path?.actions).toEqual(['spin']);
  });

  it('holds under weak fairness: finishing stays enabled, so it must happen', () => {
    const result = check(graphModel(spinning, { fairness: { finish: 'weak' } }));
    expect(result.verdict).toBe('ok');
    expect(result.properties.find((p) => p.name === 'reaches done')?.path?.actions).toEqual(['finish']);
  });

  // Finishing is possible only every other step: weak fairness does not force it, strong does.
  const flickering: (readonly [string, string, string])[] = [
    ['start', 'tick', 'other'],
    ['other', 'tock', 'start'],
    ['start', 'finish', 'done'],
  ];

  it('tells weak from strong fairness on an action enabled infinitely often but not always', () => {
    const weak = graphModel(flickering, { fairness: { tick: 'weak', tock: 'weak', finish: 'weak' } });
    const weakResult = check(weak);
    expect(weakResult.verdict).toBe('violation');
    expectLasso(weak, weakResult.path, true);
    expect(weakResult.path?.actions).toEqual(['tick', 'tock']);
    const strong = check(
      graphModel(flickering, { fairness: { tick: 'weak', tock: 'weak', finish: 'strong' } }),
    );
    expect(strong.verdict).toBe('ok');
  });

  it('refines a component that violates strong fairness to the fair cycle inside it', () => {
    // {start, a, b} is strongly connected; `escape` (enabled only in b) leaves it for done.
    // Under strong fairness for escape, the only fair cycle stays on start <-> a.
    const edges: (readonly [string, string, string])[] = [
      ['start', 'toA', 'a'],
      ['a', 'toStart', 'start'],
      ['a', 'toB', 'b'],
      ['b', 'backToA', 'a'],
      ['b', 'escape', 'done'],
    ];
    const model = graphModel(edges, { fairness: { escape: 'strong' } });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expectLasso(model, result.path, true);
    const cycle = result.path?.states.slice(result.path.cycleStart) ?? [];
    expect(cycle).not.toContain('b');
  });

  it('reports a dead end where the goal never held', () => {
    const model = graphModel([
      ['start', 'go', 'stuck'],
      ['start', 'finish', 'done'],
    ]);
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.properties[0]?.reason).toMatch(/dead end/);
    expectLasso(model, result.path, false);
    expect(result.path?.states).toEqual(['start', 'stuck']);
  });

  // A process that may crash; once down it can only recover (and, in `resending`, a peer keeps
  // resending to it). Working is weakly fair; whether recovering is owed is the question.
  const crashing: (readonly [string, string, string])[] = [
    ['start', 'work', 'done'],
    ['start', 'crash', 'down'],
    ['down', 'recover', 'up'],
    ['up', 'work', 'done'],
  ];
  const resending = [...crashing, ['down', 'resend', 'down'] as const];

  it('may stop where only actions owed nothing are enabled, if the model says so', () => {
    const forced = check(graphModel(crashing, { fairness: { work: 'weak' } }));
    expect(forced.verdict).toBe('ok'); // the only action in `down` is taken: recovery is forced
    const model = graphModel(crashing, { fairness: { work: 'weak' }, stopsWhenOwedNothing: true });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.properties[0]?.reason).toMatch(
      /stops where the goal never held: the actions still enabled are owed nothing/,
    );
    expect(result.path).toMatchObject({ states: ['start', 'down'], actions: ['crash'] });
    expect(result.path?.cycleStart).toBeUndefined();
  });

  it('a weakly fair recovery rules out both staying down where it stops and a cycle that never recovers', () => {
    const fair = { work: 'weak', resend: 'weak', recover: 'weak' } as const;
    for (const edges of [crashing, resending]) {
      expect(check(graphModel(edges, { fairness: fair, stopsWhenOwedNothing: true })).verdict).toBe('ok');
    }
    const unfair = graphModel(resending, {
      fairness: { work: 'weak', resend: 'weak' },
      stopsWhenOwedNothing: true,
    });
    const result = check(unfair);
    expect(result.verdict).toBe('violation');
    expectLasso(unfair, result.path, true);
    expect(result.path?.actions).toEqual(['crash', 'resend']);
  });

  it('holds when every behaviour reaches the goal, and cycles after the goal do not count', () => {
    const result = check(
      graphModel([
        ['start', 'finish', 'done'],
        ['done', 'again', 'done'],
      ]),
    );
    expect(result.verdict).toBe('ok');
  });

  it('does not count a boundary state (outside within) as a dead end', () => {
    const model: Model<number, string> = {
      init: () => [0],
      actions: (_, out) => out.push('inc'),
      next: (n) => n + 1,
      within: (n) => n < 5,
      properties: [eventually('never', () => false)],
    };
    const result = check(model);
    expect(result).toMatchObject({ verdict: 'ok', distinctStates: 6, complete: true });
  });

  it('matches a naive reference on random graphs (no fairness: a reachable cycle or dead end fails)', () => {
    const graphs = fc.record({
      size: fc.integer({ min: 1, max: 8 }),
      edges: fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 16 }),
      goals: fc.array(fc.nat(7), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(graphs, ({ size, edges, goals }) => {
        const inRange = edges.filter(([a, b]) => a < size && b < size);
        const goal = new Set(goals);
        const model: Model<number, number> = {
          init: () => [0],
          actions: (state, out) => inRange.forEach(([from], i) => from === state && out.push(i)),
          next: (_, i) => inRange[i]?.[1],
          properties: [eventually('goal', (state) => goal.has(state))],
        };
        expect(check(model).verdict === 'violation').toBe(naiveLivenessFails(size, inRange, goal));
      }),
    );
  });
});

/** Reference: from 0 through non-goal states, is there a dead end or a cycle? */
function naiveLivenessFails(
  size: number,
  edges: readonly (readonly [number, number])[],
  goal: ReadonlySet<number>,
): boolean {
  if (goal.has(0)) return false;
  const successors = (v: number): number[] => edges.filter(([a]) => a === v).map(([, b]) => b);
  const reachable = new Set<number>([0]);
  for (const v of reachable) for (const w of successors(v)) if (!goal.has(w)) reachable.add(w);
  for (const v of reachable) if (successors(v).length === 0) return true;
  // A cycle among reachable non-goal states: some v reaches itself.
  for (const v of reachable) {
    const seen = new Set<number>();
    const stack = successors(v).filter((w) => reachable.has(w));
    while (stack.length > 0) {
      const w = stack.pop() ?? 0;
      if (w === v) return true;
      if (seen.has(w)) continue;
      seen.add(w);
      for (const x of successors(w)) if (reachable.has(x)) stack.push(x);
    }
  }
  return size < 0;
}

describe('sometimes', () => {
  it('reports an example path, or a failure when a complete search never reaches it', () => {
    const model = graphModel([['start', 'finish', 'done']]);
    const reached = check(model).properties.find((p) => p.kind === 'sometimes');
    expect(reached).toMatchObject({ status: 'ok', path: { states: ['start', 'done'], actions: ['finish'] } });
    const never = check(graphModel([['start', 'spin', 'start']]), { strategy: 'dfs' });
    expect(never.properties.find((p) => p.kind === 'sometimes')).toMatchObject({ status: 'violation' });
  });
});
