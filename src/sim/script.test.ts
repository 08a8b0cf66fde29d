import { describe, expect, it } from 'vitest';
import retransmitScenario from '../../examples/retransmit.js';
import twoGeneralsScenario from '../../examples/two-generals.js';
import { check } from '../check/index.js';
import type { ActorAction, ActorModelExtras, ActorState } from '../check/index.js';
import type { Model } from '../check/index.js';
import type { Path } from '../check/index.js';
import { InputError } from '../core/index.js';
import type { Trace, TraceHeader } from '../trace/index.js';
import { checkScheduleFits, scriptFromTrace, type ScheduleTarget } from './script.js';
import { ScriptStepError, simulate, type ScriptedAction, type SimulationConfig } from './simulator.js';

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
      const { actions: script, lines } = scriptFromTrace(trace, 'check.trace.jsonl');
      expect(script).toHaveLength(result.path?.actions.length ?? -1);
      // Each action keeps the line of its event: the header is line 1, events follow.
      expect(lines).toHaveLength(script.length);
      lines.forEach((line, index) => {
        const event = trace.events[line - 2];
        expect(event?.type, `action ${index}`).toMatch(/^(deliver|drop|timer-fire|crash|recover)$/);
      });

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

  it.each([
    [
      { type: 'timer', node: 'alice', name: 'no-such-timer' },
      "timer 'no-such-timer' is not pending at alice",
    ],
    [{ type: 'timer', node: 'carol', name: 'deadline' }, 'carol is not a node of this system'],
    [
      { type: 'deliver', from: 'bob', to: 'alice', message: { type: 'chain', index: 7 } },
      'bob never sent {"type":"chain","index":7} to alice',
    ],
    [
      { type: 'drop', from: 'alice', to: 'bob', message: { type: 'chain', index: 1 } },
      'no copy of {"type":"chain","index":1} from alice to bob to drop',
    ],
    [{ type: 'recover', node: 'bob' }, 'bob is not down to recover'],
  ] as const)('refuses a step that cannot happen as bad input, not a verdict: %j', (action, reason) => {
    const build = (): ReturnType<typeof twoGeneralsScenario.build> =>
      twoGeneralsScenario.build(twoGeneralsScenario.params);
    const run = (): unknown => simulate(build(), { seed: 0, script: [action] });
    expect(run).toThrow(ScriptStepError);
    expect(run).toThrow(InputError);
    expect(run).toThrow(`script step 1: ${reason}`);
  });

  it('delivers again a message that was sent, its copies gone: a duplicate the network made', () => {
    const message = { type: 'chain', index: 0 };
    const replay = simulate(twoGeneralsScenario.build(twoGeneralsScenario.params), {
      seed: 0,
      script: [
        { type: 'deliver', from: 'alice', to: 'bob', message },
        { type: 'deliver', from: 'alice', to: 'bob', message },
      ],
    });
    expect(replay.stats.deliveries).toBe(2);
  });
});

describe('checkScheduleFits: the header of a schedule against the scenario it is replayed on', () => {
  const header: TraceHeader = {
    format: 'fairlink-trace',
    version: 1,
    engine: 'check',
    scenario: 'two-generals',
    seed: 0,
    params: { rounds: 2, mode: 'fast' },
    nodes: [
      { id: 'alice', protocol: 'two-generals', group: 'nodes' },
      { id: 'bob', protocol: 'two-generals', group: 'nodes' },
    ],
    config: {},
  };
  const target: ScheduleTarget = {
    scenario: 'two-generals',
    params: { mode: 'fast', rounds: 2 },
    nodes: ['bob', 'alice'],
  };
  const problem = (changes: Partial<ScheduleTarget>): string => {
    try {
      checkScheduleFits(header, { ...target, ...changes }, 'out/s.jsonl');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    return 'fits';
  };

  it('accepts the same scenario, parameters and nodes, in any order', () => {
    expect(problem({})).toBe('fits');
  });

  it('names line 1 and what differs', () => {
    expect(problem({ scenario: 'retransmit' })).toBe(
      "out/s.jsonl:1: the schedule is a trace of scenario 'two-generals', not of 'retransmit'",
    );
    expect(problem({ params: { rounds: 3, mode: 'fast' } })).toBe(
      'out/s.jsonl:1: the schedule was made with rounds=2, this replay has rounds=3 (give --param rounds=2)',
    );
    expect(problem({ params: { rounds: 2, mode: 'slow' } })).toBe(
      'out/s.jsonl:1: the schedule was made with mode=fast, this replay has mode=slow (give --param mode=fast)',
    );
    expect(problem({ params: { rounds: 2, mode: 'fast', extra: 1 } })).toBe(
      "out/s.jsonl:1: the schedule was made without parameter 'extra'",
    );
    expect(problem({ params: { rounds: 2 } })).toBe(
      "out/s.jsonl:1: the schedule was made with parameter 'mode', which the scenario does not have",
    );
    expect(problem({ nodes: ['alice', 'bob', 'carol'] })).toBe(
      "out/s.jsonl:1: the schedule's nodes (alice, bob) are not the scenario's (alice, bob, carol)",
    );
  });
});

describe('a crash for good, replayed with the faults', () => {
  // Retransmit with a crash-recover of the receiver and, later, a crash for good of the sender.
  const config = (): SimulationConfig => ({
    ...retransmitScenario.build(retransmitScenario.params),
    network: { delay: { kind: 'constant', ms: 5 } },
    faults: [
      { atMs: 1, fault: { kind: 'crash-recover', node: 'receiver', downMs: 2 } },
      { atMs: 40, fault: { kind: 'crash', node: 'sender' } },
    ],
  });
  const original = simulate(config(), { seed: 3, trace: true }).trace as Trace;
  const crashes = original.events.filter((event) => event.type === 'crash');

  it('stays crashed: the replay cannot recover the node, as the run could not', () => {
    const { actions, sendFates, choices } = scriptFromTrace(original, 'run', undefined, { faults: true });
    expect(actions.filter((action) => action.type === 'crash')).toEqual([
      { type: 'crash', node: 'receiver', recoverAt: 3, atMs: 1 },
      { type: 'crash', node: 'sender', forGood: true, atMs: 40 },
    ]);
    const replay = (extra: readonly ScriptedAction[]): unknown =>
      simulate(config(), {
        seed: 3,
        script: [...actions, ...extra],
        scriptSendFates: sendFates,
        scriptChoices: choices,
        trace: true,
      });
    expect((replay([]) as { trace: Trace }).trace.events).toEqual(original.events);
    expect(() => replay([{ type: 'recover', node: 'sender' }])).toThrow('sender is not down to recover');
  });

  it('a trace cut short takes the crashed nodes from whoever cut it', () => {
    expect(crashes).toHaveLength(2);
    const { actions } = scriptFromTrace(original, 'cut', undefined, { faults: true, crashedForGood: [] });
    expect(actions.filter((action) => action.type === 'crash' && action.forGood === true)).toEqual([]);
    // Without faults (a checker's counterexample), a crash is one the schedule may recover.
    const plain = scriptFromTrace(original, 'plain');
    expect(plain.actions.filter((action) => action.type === 'crash' && action.forGood === true)).toEqual([]);
  });
});

describe("a simulator run's faults are no steps in its replay either", () => {
  it('a crash that breaks an invariant is judged at the next step, as in the run (here none: no violation)', () => {
    // The receiver crashes for good after the ack: its state is gone, so "acknowledged only after
    // m arrived" reads false, yet no handler runs after it, and the seeded run judges none.
    const config = (): SimulationConfig => ({
      ...retransmitScenario.build(retransmitScenario.params),
      network: { delay: { kind: 'constant', ms: 5 } },
      faults: [{ atMs: 60, fault: { kind: 'crash', node: 'receiver' } }],
    });
    const original = simulate(config(), { seed: 3, trace: true });
    expect(original.failure).toBeUndefined();
    const trace = original.trace as Trace;
    const { actions, sendFates, choices } = scriptFromTrace(trace, 'run', undefined, { faults: true });
    const replay = simulate(config(), {
      seed: 3,
      script: actions,
      scriptSendFates: sendFates,
      scriptChoices: choices,
      trace: true,
    });
    expect(replay.failure).toBeUndefined();
    expect(replay.trace?.events).toEqual(trace.events);
  });
});
