import { describe, expect, it } from 'vitest';
import {
  CHECK_SETTINGS,
  checkSettings,
  raftCheckModel,
  raftCheckSimulation,
  type RaftCheckSettings,
} from '../../../examples/raft-check.js';
import type { ActorAction, ActorState } from '../../check/index.js';
import { check } from '../../check/index.js';
import type { Path } from '../../check/index.js';
import { scriptFromTrace } from '../../sim/index.js';
import { simulate } from '../../sim/index.js';

// Tiny bounds only: the configurations of examples/raft-check.ts are explored in
// raft-check.long.test.ts.

/** Replays a checker path in the simulator, with the same properties. */
function replayInSimulator(
  settings: RaftCheckSettings,
  path: Path<ActorState, ActorAction>,
): ReturnType<typeof simulate> {
  const trace = raftCheckModel(settings).trace(path, { scenario: 'raft-check', params: {} });
  const { actions: script, choices } = scriptFromTrace(trace, 'raft-check.check.trace.jsonl');
  return simulate(raftCheckSimulation(settings), { seed: 0, script, scriptChoices: choices });
}

/** One step of a hand-built path: a timer that fires, or a message (matched on some fields). */
type Step =
  | { readonly timer: string; readonly at: string }
  | { readonly from: string; readonly to: string; readonly message: Readonly<Record<string, unknown>> };

/** The path that takes `steps` from the initial state; throws on a step that matches no enabled action, or two. */
function walk(
  model: ReturnType<typeof raftCheckModel>,
  steps: readonly Step[],
): Path<ActorState, ActorAction> {
  const states = [model.init()[0] as ActorState];
  const actions: ActorAction[] = [];
  for (const step of steps) {
    const state = states[states.length - 1] as ActorState;
    const listed: ActorAction[] = [];
    model.actions(state, listed);
    const matching = listed.filter((action) =>
      'timer' in step
        ? action.type === 'timer' && action.node === step.at && action.name === step.timer
        : action.type === 'deliver' &&
          action.from === step.from &&
          action.to === step.to &&
          Object.entries(step.message).every(
            ([field, value]) => (action.message as Record<string, unknown>)[field] === value,
          ),
    );
    const enabled = matching.filter((action) => model.next(state, action) !== undefined);
    if (enabled.length !== 1) throw new Error(`step ${actions.length + 1}: ${enabled.length} actions match`);
    actions.push(enabled[0] as ActorAction);
    states.push(model.next(state, enabled[0] as ActorAction) as ActorState);
  }
  return { states, actions };
}

/** The names of the properties that `state` violates. */
function violated(model: ReturnType<typeof raftCheckModel>, state: ActorState): string[] {
  return model.properties
    .filter((property) => property.holds(state) !== true)
    .map((property) => property.name);
}

/** Checks `settings`, then replays the counterexample in the simulator, with the same properties. */
function checkAndReplay(settings: RaftCheckSettings): {
  readonly result: ReturnType<typeof check<ActorState, ActorAction>>;
  readonly replay: ReturnType<typeof simulate> | undefined;
} {
  const model = raftCheckModel(settings);
  const result = check(model);
  if (result.verdict !== 'violation') return { result, replay: undefined };
  return { result, replay: replayInSimulator(settings, result.path as Path<ActorState, ActorAction>) };
}

describe('Raft model-checked with the properties the simulator judges', () => {
  it('volatile-vote: two leaders of term 1, in 8 steps, which replay in the simulator', () => {
    const { result, replay } = checkAndReplay({ ...CHECK_SETTINGS['volatile-vote'], bug: 'volatile-vote' });
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('election safety');
    expect(result.path?.actions.length).toBe(8);
    expect(result.path?.actions.map((action) => action.type)).toEqual(
      expect.arrayContaining(['crash', 'recover', 'timer', 'deliver']),
    );
    expect(replay?.failure).toMatchObject({ kind: 'invariant', property: 'election safety' });
  });

  it('forgetting the messages nobody will act on: the same counterexample, in fewer states', () => {
    const settings: RaftCheckSettings = { ...CHECK_SETTINGS['volatile-vote'], bug: 'volatile-vote' };
    const forgetting = check(raftCheckModel(settings));
    const keeping = check(raftCheckModel({ ...settings, forget: false }));
    expect(keeping.verdict).toBe('violation');
    expect(forgetting.path?.actions.length).toBe(keeping.path?.actions.length);
    expect(forgetting.distinctStates).toBeLessThan(keeping.distinctStates);
    expect(keeping.distinctStates).toBe(4_379);
  });

  it('volatile-vote fixed: no violation as deep as the counterexample', () => {
    const result = check(raftCheckModel({ ...CHECK_SETTINGS['volatile-vote'], bug: 'none' }), {
      maxDepth: 8,
    });
    expect(result.verdict).toBe('unknown');
    expect(result.stopReason).toBe('maxDepth');
    expect(result.properties.every((outcome) => outcome.status !== 'violation')).toBe(true);
  });

  // Figure 8 of the paper with three servers, built by hand: the breadth-first search of the same
  // bounds takes minutes (raft-check.long.test.ts finds a shortest one, also of 16 steps), so this
  // pins one counterexample inside the bounds, and that it replays in the simulator.
  it('commit-old-terms: a leader of term 4 lacks the entry a leader of term 3 committed, in 16 steps', () => {
    const settings: RaftCheckSettings = { ...CHECK_SETTINGS['commit-old-terms'], bug: 'commit-old-terms' };
    const model = raftCheckModel(settings);
    const steps: readonly Step[] = [
      { from: 'c1', to: 'n1', message: { type: 'request' } }, // n1, leader of term 1, logs put(1)
      { timer: 'election', at: 'n2' },
      { from: 'n2', to: 'n3', message: { type: 'request-vote', term: 2 } },
      { from: 'n3', to: 'n2', message: { type: 'vote', term: 2 } }, // n2 leads term 2, logs a no-op
      { from: 'n2', to: 'n1', message: { type: 'request-vote', term: 2 } }, // refused: n1's log is newer
      { timer: 'election', at: 'n1' },
      { from: 'n1', to: 'n3', message: { type: 'request-vote', term: 3 } },
      { from: 'n3', to: 'n1', message: { type: 'vote', term: 3 } }, // n1 leads term 3, logs a no-op
      { from: 'n1', to: 'n3', message: { type: 'append', term: 3, prevIndex: 2 } },
      { from: 'n3', to: 'n1', message: { type: 'append-reply', success: false } },
      { from: 'n1', to: 'n3', message: { type: 'append', term: 3, prevIndex: 0 } }, // put(1) of term 1
      { from: 'n3', to: 'n1', message: { type: 'append-reply', success: true } }, // the bug commits it
      { from: 'n1', to: 'n2', message: { type: 'request-vote', term: 3 } },
      { timer: 'election', at: 'n2' },
      { from: 'n2', to: 'n3', message: { type: 'request-vote', term: 4 } }, // n2's no-op of term 2 is newer
      { from: 'n3', to: 'n2', message: { type: 'vote', term: 4 } },
    ];
    const path = walk(model, steps);
    // Inside the bounds: a breadth-first search of them would find a counterexample this short.
    expect(path.states.every((state) => model.within?.(state) ?? true)).toBe(true);
    expect(path.states.slice(0, -1).map((state) => violated(model, state))).toEqual(
      path.states.slice(0, -1).map(() => []),
    );
    expect(violated(model, path.states[path.states.length - 1] as ActorState)).toEqual([
      'leader completeness',
    ]);
    expect(replayInSimulator(settings, path).failure).toMatchObject({
      kind: 'invariant',
      property: 'leader completeness',
    });
    // Without the bug the same steps are taken, but n1 does not commit the entry of term 1 (not of
    // its own term), so no leader lacks a committed entry.
    const fixedModel = raftCheckModel({ ...settings, bug: 'none' });
    const fixedPath = walk(fixedModel, steps);
    expect(fixedPath.states.map((state) => violated(fixedModel, state))).toEqual(
      fixedPath.states.map(() => []),
    );
  });

  it('commit-old-terms bounds: n1 and n2 stand in turn, n3 never, and no heartbeat fires', () => {
    const model = raftCheckModel({ ...CHECK_SETTINGS['commit-old-terms'], bug: 'commit-old-terms' });
    // n2 stands in term 2; term 3 is n1's, so n2's timer does not fire again.
    expect(() => walk(model, [{ timer: 'election', at: 'n2' }])).not.toThrow();
    expect(() =>
      walk(model, [
        { timer: 'election', at: 'n2' },
        { timer: 'election', at: 'n2' },
      ]),
    ).toThrow('step 2: 0 actions match');
    expect(() => walk(model, [{ timer: 'election', at: 'n3' }])).toThrow('step 1: 0 actions match');
    expect(() => walk(model, [{ timer: 'heartbeat', at: 'n1' }])).toThrow('step 1: 0 actions match');
    const free = raftCheckModel({
      ...CHECK_SETTINGS['commit-old-terms'],
      bug: 'commit-old-terms',
      rotation: false,
      heartbeats: true,
    });
    expect(() =>
      walk(free, [
        { timer: 'election', at: 'n2' },
        { timer: 'election', at: 'n2' },
        { timer: 'heartbeat', at: 'n1' },
      ]),
    ).not.toThrow();
  });

  it('clientsStay: a client does not retry, and one that moved is judged but not expanded', () => {
    const settings: RaftCheckSettings = { ...CHECK_SETTINGS['stale-reads'], bug: 'stale-reads' };
    const staying = raftCheckModel(settings);
    const moving = raftCheckModel({ ...settings, clientsStay: false });
    const [start, moved] = walk(moving, [{ timer: 'retry', at: 'c1' }]).states as [ActorState, ActorState];
    expect(staying.within?.(start)).toBe(true);
    expect(staying.within?.(moved)).toBe(false);
    expect(moving.within?.(moved)).toBe(true);
    expect(() => walk(staying, [{ timer: 'retry', at: 'c1' }])).toThrow('step 1: 0 actions match');
    const params = {
      bug: 'stale-reads',
      fixed: false,
      clients: -1,
      operations: -1,
      termsMax: -1,
      candidates: -1,
      crashes: -1,
      heartbeats: -1,
      rotation: -1,
      forget: -1,
    } as const;
    expect(checkSettings({ ...params, clientsStay: 0 }).clientsStay).toBe(false);
    expect(() => checkSettings({ ...params, clientsStay: 2 })).toThrow(
      '--param clientsStay=2: expected 0 or 1',
    );
  });
});
