import { describe, expect, it } from 'vitest';
import {
  CHECK_SETTINGS,
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

/** Checks `settings`, then replays the counterexample in the simulator, with the same properties. */
function checkAndReplay(settings: RaftCheckSettings): {
  readonly result: ReturnType<typeof check<ActorState, ActorAction>>;
  readonly replay: ReturnType<typeof simulate> | undefined;
} {
  const model = raftCheckModel(settings);
  const result = check(model);
  if (result.verdict !== 'violation') return { result, replay: undefined };
  const trace = model.trace(result.path as Path<ActorState, ActorAction>, {
    scenario: 'raft-check',
    params: {},
  });
  const { actions: script, choices } = scriptFromTrace(trace, 'raft-check.check.trace.jsonl');
  const replay = simulate(raftCheckSimulation(settings), { seed: 0, script, scriptChoices: choices });
  return { result, replay };
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

  it('volatile-vote fixed: no violation as deep as the counterexample', () => {
    const result = check(raftCheckModel({ ...CHECK_SETTINGS['volatile-vote'], bug: 'none' }), {
      maxDepth: 8,
    });
    expect(result.verdict).toBe('unknown');
    expect(result.stopReason).toBe('maxDepth');
    expect(result.properties.every((outcome) => outcome.status !== 'violation')).toBe(true);
  });
});
