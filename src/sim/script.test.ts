import { describe, expect, it } from 'vitest';
import twoGeneralsScenario from '../../examples/two-generals.js';
import { check } from '../check/check.js';
import type { ActorAction, ActorModelExtras, ActorState } from '../check/actors.js';
import type { Model } from '../check/model.js';
import type { Path } from '../check/result.js';
import { scriptFromTrace } from './script.js';
import { simulate } from './simulator.js';

describe('a model checker counterexample, replayed in the simulator', () => {
  it.each([1, 2, 3])(
    'two generals, %i round(s): the simulator reproduces the violation step for step',
    (rounds) => {
      const params = { ...twoGeneralsScenario.params, rounds };
      const model = twoGeneralsScenario.model?.(params) as Model<ActorState, ActorAction> & ActorModelExtras;
      const result = check(model);
      expect(result.verdict).toBe('violation');
      const trace = model.trace(result.path as Path<ActorState, ActorAction>, {
        scenario: 'two-generals',
        params,
      });
      const script = scriptFromTrace(trace, 'check.trace.jsonl');
      expect(script).toHaveLength(result.path?.actions.length ?? -1);

      const replay = simulate(twoGeneralsScenario.build(params), { seed: 0, script, trace: true });
      expect(replay.failure).toMatchObject({
        kind: 'invariant',
        property: 'both attack or neither',
        timeMs: script.length,
      });
      const delivered = replay.trace?.events.filter((event) => event.type === 'deliver').length;
      expect(delivered).toBe(rounds);
    },
  );

  it('refuses a script that does not fit the system, naming the step', () => {
    const params = twoGeneralsScenario.params;
    const replay = simulate(twoGeneralsScenario.build(params), {
      seed: 0,
      script: [{ type: 'timer', node: 'alice', name: 'no-such-timer' }],
    });
    expect(replay.failure).toMatchObject({
      kind: 'script',
      detail: "script step 1: timer 'no-such-timer' is not pending at alice",
    });
  });
});
