import { describe, expect, it } from 'vitest';
import { nodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { actorModel, ActorStepError, type ActorAction, type ActorState } from './actors.js';
import { check } from './check.js';
import { ChoiceScript, describeChoices, enumerateChoices } from './choices.js';
import lotteryScenario from '../../examples/lottery.js';
import { describeAction } from '../report/index.js';
import type { Model } from './model.js';
import { always, type SystemView } from '../core/index.js';
import { guardedModel, ModelError } from './guarded-model.js';

describe('enumerateChoices', () => {
  /** A step with a choice of 2, then, after option 1 only, a choice of 3. */
  const dependent = (script: readonly number[]): { made: number[]; options: number[]; value: string } => {
    const choices = new ChoiceScript();
    choices.reset(script);
    const first = choices.next(2);
    const second = first === 1 ? choices.next(3) : undefined;
    return { made: choices.made, options: choices.options, value: `${first}${second ?? ''}` };
  };

  it('lists every leaf of the tree of choices, all zeros first, with counts read from each run', () => {
    const combinations = enumerateChoices(dependent, () => new Error('too many'));
    expect(combinations.map((combination) => combination.choices)).toEqual([[0], [1, 0], [1, 1], [1, 2]]);
    expect(combinations.map((combination) => combination.value)).toEqual(['0', '10', '11', '12']);
  });

  it('lists one combination, with no choice, for a step that makes none', () => {
    expect(
      enumerateChoices(
        () => ({ made: [], options: [], value: 1 }),
        () => new Error('too many'),
      ),
    ).toEqual([{ choices: [], options: [], value: 1 }]);
  });

  it('refuses more combinations than the limit', () => {
    expect(() => enumerateChoices(dependent, () => new Error('too many'), 3)).toThrow('too many');
  });

  it('says whether a run followed its script', () => {
    const choices = new ChoiceScript();
    choices.reset([5]);
    expect(choices.next(2)).toBe(0); // Out of range: the handler gets a valid option all the same.
    expect(choices.followed([5])).toBe(false);
    choices.reset([1]);
    choices.next(2);
    expect(choices.followed([1])).toBe(true);
    expect(choices.followed([])).toBe(false);
    expect(describeChoices([1, 0])).toBe(' [choose 1, 0]');
    expect(describeAction({ type: 'timer', node: 'q', name: 't', choices: [2] })).toBe(
      "timer 't' fires at q [choose 2]",
    );
    expect(describeAction({ type: 'recover', node: 'q' })).toBe('q recovers');
    expect(describeChoices([])).toBe('');
  });
});

const q = nodeId('q');

/**
 * `p` draws a bit at boot and sends it to `q`; `q` chooses a letter when it arrives, then a
 * number when its timer fires. Only one of the 2 x 3 x 3 combinations is "bad".
 */
const drawer = defineProtocol<{ bit: number }, { bit: number }>({
  name: 'drawer',
  init: () => ({ bit: -1 }),
  onBoot(context) {
    context.state.bit = context.randomInt(0, 1);
    context.send(q, { bit: context.state.bit });
  },
});
const chooser = defineProtocol<{ bit: number; letter: string; number: number }, { bit: number }>({
  name: 'chooser',
  init: () => ({ bit: -1, letter: '', number: -1 }),
  onMessage(context, _from, message) {
    context.state.bit = message.bit;
    context.state.letter = context.choose(['a', 'b', 'c'] as const);
    context.setTimer('t', 1);
  },
  onTimer(context) {
    context.state.number = context.randomInt(10, 12);
  },
});

type Chooser = { bit: number; letter: string; number: number };
const bad = (view: SystemView): boolean => {
  const node = view.state<Chooser>('q');
  return node?.bit === 1 && node.letter === 'c' && node.number === 12;
};

describe('choices in the model checker', () => {
  it('explores every outcome: 2 initial states, 3 letters each, 3 numbers each', () => {
    const model = actorModel({
      nodes: { p: drawer, q: chooser },
      properties: [always('anything', () => true)],
    });
    expect(model.init()).toHaveLength(2);
    const result = check(model);
    expect(result.verdict).toBe('ok');
    // 2 initial states, 2 x 3 after the delivery, 2 x 3 x 3 after the timer.
    expect(result.distinctStates).toBe(2 + 6 + 18);
  });

  it('finds the one bad combination, and its path names the choices made', () => {
    const model = actorModel({
      nodes: { p: drawer, q: chooser },
      properties: [always('not bad', (s) => !bad(s))],
    });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    const actions = result.path?.actions as readonly ActorAction[];
    expect(actions).toEqual([
      { type: 'deliver', from: 'p', to: 'q', message: { bit: 1 }, choices: [2] },
      { type: 'timer', node: 'q', name: 't', choices: [2] },
    ]);
    // The trace records each choice as the simulator does, boot choices after their boot.
    const trace = model.trace(result.path as NonNullable<typeof result.path>, { scenario: 's', params: {} });
    const chosen = trace.events.filter((event) => event.type === 'choose');
    expect(chosen).toEqual([
      { t: 0, type: 'choose', node: 'p', index: 1, of: 2 },
      { t: 1, type: 'choose', node: 'q', index: 2, of: 3 },
      { t: 2, type: 'choose', node: 'q', index: 2, of: 3 },
    ]);
  });

  it('refuses a choice with more outcomes than it explores, naming the node and handler', () => {
    const wide = defineProtocol<{ n: number }>({
      name: 'wide',
      init: () => ({ n: 0 }),
      onBoot(context) {
        context.state.n = context.randomInt(0, 1000);
      },
    });
    expect(() => actorModel({ nodes: { w: wide }, properties: [] }).init()).toThrow(
      /w\.onBoot: randomInt\(0, 1000\) has 1001 outcomes; the model checker explores every outcome of a choice and allows at most 64/,
    );
  });

  it('refuses a step with more than 1,024 combinations of choices, naming the node and handler', () => {
    const many = defineProtocol<{ n: number }, string>({
      name: 'many',
      init: () => ({ n: 0 }),
      onBoot(context) {
        context.send(context.id, 'go');
      },
      onMessage(context) {
        // 2^11 = 2,048 combinations.
        for (let bit = 0; bit < 11; bit++) context.state.n = context.state.n * 2 + context.randomInt(0, 1);
      },
    });
    const model = actorModel({ nodes: { m: many }, properties: [always('anything', () => true)] });
    const thrown = (() => {
      try {
        check(model);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const cause = (thrown as { cause?: unknown }).cause ?? thrown;
    expect(String((cause as Error).message ?? thrown)).toMatch(
      /m\.onMessage: makes more than 1024 combinations of choices/,
    );
    expect(thrown instanceof ActorStepError || cause instanceof ActorStepError).toBe(true);
  });
});

describe('the lottery example in the checker', () => {
  const modelOf = (strict: boolean): Model<ActorState, ActorAction> =>
    lotteryScenario.model?.({ ...lotteryScenario.params, strict }) as Model<ActorState, ActorAction>;

  it('always finds the tie that makes two leaders, whatever the seed would draw', () => {
    const result = check(modelOf(false));
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('at most one leader');
    // 4 x 4 initial states: every pair of tickets.
    expect(modelOf(false).init()).toHaveLength(16);
  });

  it('passes once a tie draws again on a timer (a choice in onTimer)', () => {
    const result = check(modelOf(true));
    expect(result.verdict).toBe('ok');
  });
});

describe('the global guard, now installed where a handler runs', () => {
  it('still makes Math.random in onBoot and Date.now in onMessage findings of the checker', () => {
    const randomAtBoot = defineProtocol<null>({
      name: 'random-at-boot',
      init: () => null,
      onBoot() {
        Math.random();
      },
    });
    expect(() => actorModel({ nodes: { r: randomAtBoot }, properties: [] }).init()).toThrow(/Math\.random/);
    const clockOnMessage = defineProtocol<null, string>({
      name: 'clock-on-message',
      init: () => null,
      onBoot(context) {
        context.send(context.id, 'tick');
      },
      onMessage() {
        Date.now();
      },
    });
    const model = actorModel({ nodes: { c: clockOnMessage }, properties: [always('anything', () => true)] });
    expect(() => check(model)).toThrow(/Date\.now/);
    // And nothing stays installed once the checker is done.
    expect(typeof Math.random()).toBe('number');
  });
});

describe('the determinism recheck, with handlers run while listing', () => {
  it('still catches a timer handler that keeps state outside its context', () => {
    let calls = 0; // Outside the context: the bug.
    const leaky = defineProtocol<{ n: number }>({
      name: 'leaky',
      init: () => ({ n: 0 }),
      onBoot(context) {
        context.setTimer('t', 1);
      },
      onTimer(context) {
        context.state.n = ++calls;
      },
    });
    const model = guardedModel(
      actorModel({ nodes: { l: leaky }, properties: [always('anything', () => true)] }),
    );
    expect(() => check(model)).toThrow(ModelError);
    expect(() => check(model)).toThrow(/gave two different results for the same state and action/);
  });
});
