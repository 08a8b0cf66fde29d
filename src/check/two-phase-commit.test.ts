// Two-phase commit (Lamport's TwoPhase spec), checked against the state-space sizes that TLC and
// Stateright report (shared/reference/state-counts.md).
import { describe, expect, it } from 'vitest';
import scenario, { twoPhaseCommit, type TwoPhaseState } from '../../examples/two-phase-commit.js';
import { check } from './check.js';
import type { Model } from './model.js';
import { checkInWorkers } from './parallel.js';
import type { CheckResult } from './result.js';

const exampleModule = new URL('../../examples/two-phase-commit.ts', import.meta.url);

describe('two-phase commit', () => {
  it('has 288 states at depth 11 with 3 RMs, 1,146 generated (TLC), and is consistent', () => {
    const result = check(twoPhaseCommit({ rms: 3 }));
    expect(result).toMatchObject({
      verdict: 'ok',
      distinctStates: 288,
      generatedStates: 1146,
      maxDepth: 11,
      complete: true,
    });
    expect(result.properties.map((p) => [p.name, p.status])).toEqual([
      ['TypeOK', 'ok'],
      ['Consistent', 'ok'],
    ]);
  });

  it('has 8,832 states with 5 RMs, by breadth-first and depth-first search alike', () => {
    expect(check(twoPhaseCommit({ rms: 5 })).distinctStates).toBe(8832);
    const depthFirst = check(twoPhaseCommit({ rms: 5 }), { strategy: 'dfs' });
    expect(depthFirst).toMatchObject({ verdict: 'ok', distinctStates: 8832, generatedStates: 58146 });
  });

  it('has exactly 80 and 314 orbits under full RM symmetry (declared ids or hand-written canonical form)', () => {
    for (const symmetry of ['ids', 'canonicalize'] as const) {
      expect(check(twoPhaseCommit({ rms: 3, symmetry }), { symmetry: true }).distinctStates).toBe(80);
      expect(check(twoPhaseCommit({ rms: 5, symmetry }), { symmetry: true }).distinctStates).toBe(314);
    }
    // The model declares its symmetry; a run applies it only when asked.
    expect(check(twoPhaseCommit({ rms: 3, symmetry: 'ids' })).distinctStates).toBe(288);
  });

  /** The shortest counterexample to Consistent when a prepared RM may commit alone. */
  function expectShortestCounterexample(result: CheckResult<TwoPhaseState, unknown>): void {
    expect(result.verdict).toBe('violation');
    expect(result.property).toEqual({ name: 'Consistent', kind: 'always' });
    const path = result.path;
    if (path === undefined) throw new Error('no counterexample');
    // Shortest: one RM prepares and commits on its own, another aborts: three steps.
    const types = path.actions.map((a) => (a as { type: string }).type);
    expect(types.sort()).toEqual(['RMChooseToAbort', 'RMCommitAlone', 'RMPrepare']);
    expect(path.states).toHaveLength(4);
    const last = path.states[3];
    expect(Object.values(last?.rmState ?? {}).sort()).toEqual(['aborted', 'committed', 'working']);
    // The path is a real execution of the model.
    const model = twoPhaseCommit({ rms: 3, rmMayCommitAlone: true });
    path.actions.forEach((action, i) => {
      expect(model.next(path.states[i] as TwoPhaseState, action as never)).toEqual(path.states[i + 1]);
    });
  }

  it('finds the shortest counterexample when an RM may commit without the Commit message', () => {
    expectShortestCounterexample(check(twoPhaseCommit({ rms: 3, rmMayCommitAlone: true })));
    expect(
      check(twoPhaseCommit({ rms: 3, rmMayCommitAlone: true }), { strategy: 'random', seed: 7 }).verdict,
    ).toBe('violation');
  });

  it('exports a scenario whose build gives the model', () => {
    expect(scenario.name).toBe('two-phase-commit');
    expect(
      check(scenario.model(scenario.params) as Model<TwoPhaseState, unknown>, { symmetry: false })
        .distinctStates,
    ).toBe(288);
    expect(() => twoPhaseCommit({ rms: 0 })).toThrow(/twoPhaseCommit: rms must be a positive integer/);
  });

  it('agrees with the one-thread search when run on two workers', async () => {
    // The example declares its RMs interchangeable; without --symmetry the search ignores that.
    const parallel = await checkInWorkers(
      { module: exampleModule, params: { rms: 5 } },
      { workers: 2, symmetry: false },
    );
    expect(parallel).toMatchObject({
      verdict: 'ok',
      distinctStates: 8832,
      generatedStates: 58146,
      maxDepth: 17,
      workers: 2,
    });
    const symmetric = await checkInWorkers(
      { module: exampleModule, params: { rms: 5 } },
      { workers: 2, symmetry: true },
    );
    expect(symmetric.distinctStates).toBe(314);
    const buggy = await checkInWorkers<TwoPhaseState>(
      { module: exampleModule, params: { rms: 3, rmMayCommitAlone: true } },
      { workers: 2 },
    );
    expectShortestCounterexample(buggy);
    const bounded = await checkInWorkers(
      { module: exampleModule, params: { rms: 5 } },
      { workers: 2, maxDepth: 5, symmetry: false },
    );
    expect(bounded).toMatchObject({
      verdict: 'unknown',
      stopReason: 'maxDepth',
      maxDepth: 5,
      complete: false,
    });
  });

  it('counts the same on two workers when the shared table grows and work moves between them', async () => {
    // 50,816 states: past the shared table's first growth mark (39,321), and levels wide enough
    // for the workers to hand each other frontier chunks.
    const single = check(twoPhaseCommit({ rms: 6 }));
    const parallel = await checkInWorkers(
      { module: exampleModule, export: 'twoPhaseCommit', params: { rms: 6 } },
      { workers: 2 },
    );
    expect(single).toMatchObject({ distinctStates: 50_816, generatedStates: 402_306, maxDepth: 20 });
    expect(parallel).toMatchObject({
      verdict: 'ok',
      distinctStates: single.distinctStates,
      generatedStates: single.generatedStates,
      maxDepth: single.maxDepth,
      workers: 2,
    });
  });

  it('counts the same when the interned parts are compacted, on one thread and on two workers', async () => {
    // A budget of 40 parts: the searches drop unused parts again and again (two-phase commit
    // with 6 RMs has about 2,000), and the workers relearn each other's parts after each time.
    const compacting = { partsMax: 40 };
    expect(check(twoPhaseCommit({ rms: 6 }), compacting)).toMatchObject({
      distinctStates: 50_816,
      generatedStates: 402_306,
      maxDepth: 20,
    });
    const parallel = await checkInWorkers(
      { module: exampleModule, export: 'twoPhaseCommit', params: { rms: 6 } },
      { workers: 2, ...compacting },
    );
    expect(parallel).toMatchObject({ distinctStates: 50_816, generatedStates: 402_306, maxDepth: 20 });
  });

  it('stops two workers at a state budget, within one expansion of it', async () => {
    const bounded = await checkInWorkers(
      { module: exampleModule, export: 'twoPhaseCommit', params: { rms: 5 } },
      { workers: 2, maxStates: 1000 },
    );
    expect(bounded).toMatchObject({ verdict: 'unknown', stopReason: 'maxStates', complete: false });
    // Each worker may finish the state it was expanding: a few dozen successors at most.
    expect(bounded.distinctStates).toBeGreaterThanOrEqual(1000);
    expect(bounded.distinctStates).toBeLessThan(1100);
  });

  it('stops two workers at the memory budget, and says which budget stopped them', async () => {
    const source = { module: exampleModule, export: 'twoPhaseCommit', params: { rms: 5 } };
    // The threads hold far more than 1 MB from the start: the workers stop at once.
    const byMemory = await checkInWorkers(source, { workers: 2, maxMemoryMb: 1 });
    expect(byMemory).toMatchObject({
      verdict: 'unknown',
      stopReason: 'maxMemory',
      complete: false,
      memoryLimitMb: 1,
      workers: 2,
    });
    expect(byMemory.memoryPeakBytes).toBeGreaterThan(2 ** 20);
    const byTime = await checkInWorkers(source, { workers: 2, maxMs: 0 });
    expect(byTime).toMatchObject({ verdict: 'unknown', stopReason: 'maxMs', complete: false });
  });
});
