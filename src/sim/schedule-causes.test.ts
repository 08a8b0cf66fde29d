import { describe, expect, it } from 'vitest';
import raftKvScenario from '../../examples/raft-kv.js';
import { operationCone, scheduleCauses } from './schedule-causes.js';
import { actionsForLenientReplay, scriptFromTrace } from './script.js';
import { actingNode, simulate } from './simulator.js';

/** A short run of the Raft store, whose clients start each operation on a timer the last reply set. */
function clientRun() {
  const params = { ...raftKvScenario.params, durationMs: 600 };
  const config = raftKvScenario.build(params);
  const result = simulate(config, { seed: 2, trace: true });
  const trace = result.trace!;
  return { config, result, trace, actions: scriptFromTrace(trace, 'run').actions };
}

describe('schedule causes', () => {
  it('names, for each action, the step that sent its message or set its timer', () => {
    const { trace, actions } = clientRun();
    const causes = scheduleCauses(trace);
    expect(causes.parent).toHaveLength(actions.length);
    causes.parent.forEach((parent, index) => {
      expect(parent).toBeLessThan(index);
      const action = actions[index]!;
      // A message is delivered at its receiver, from the node whose step sent it.
      if (parent >= 0 && 'from' in action) {
        const sender = actions[parent]!;
        expect('to' in sender ? sender.to : 'node' in sender ? sender.node : '').toBe(action.from);
      }
    });
    expect(causes.invokes.filter(Boolean).length).toBeGreaterThan(2);
  });

  it('an operation left out with its cone: the client runs its next operation in its place', () => {
    const { config, result, trace, actions } = clientRun();
    const causes = scheduleCauses(trace);
    // An operation in the middle of the client's run (not its first, nor its last).
    const invoking = causes.invokes.flatMap((invokes, index) => (invokes ? [index] : []));
    const middle = invoking[1]!;
    const root = actions[middle]!;
    const client = 'to' in root ? root.to : 'node' in root ? root.node : '';
    // The client's own part: its request's deliveries, the reply, the retries.
    const cone = operationCone(causes, middle, (index) => {
      const action = actions[index]!;
      return 'to' in action
        ? action.to === client || action.from === client
        : 'node' in action && action.node === client;
    });
    expect([...cone].some((index) => index !== middle && causes.invokes[index])).toBe(false);
    const without = simulate(config, {
      seed: result.seed,
      script: actions.filter((_, index) => !cone.has(index)),
      lenientScript: true,
    });
    const whole = simulate(config, { seed: result.seed, script: actions, lenientScript: true });
    const operationsOf = (run: typeof whole): number =>
      run.history.filter((event) => event.type === 'invoke' && event.process === client).length;
    // The operations the client ran before the one left out (its first one at boot).
    const before = whole.history.filter(
      (event) => event.type === 'invoke' && event.process === client && event.time < (root.atMs ?? 0),
    ).length;
    expect(operationsOf(whole)).toBeGreaterThan(before + 2);
    // Without it, the client goes on to run operations after it (leaving out its reply alone
    // would stop the client there: no timer to start the next one).
    expect(operationsOf(without)).toBeGreaterThan(before);
    expect(operationsOf(without)).toBeLessThan(operationsOf(whole));
  });

  it("an operation left out: the client's later operations keep what they drew (their choices are the trace's)", () => {
    const { config, result, trace } = clientRun();
    const actions = actionsForLenientReplay(scriptFromTrace(trace, 'run'));
    const causes = scheduleCauses(trace);
    const invoking = causes.invokes.flatMap((invokes, index) => (invokes ? [index] : []));
    const middle = invoking[1]!;
    const root = actions[middle]!;
    const client = actingNode(root);
    const cone = operationCone(causes, middle, (index) => {
      const action = actions[index]!;
      return 'to' in action ? action.to === client || action.from === client : actingNode(action) === client;
    });
    const operationsOf = (run: typeof result): string[] =>
      run.history.flatMap((event) =>
        event.type === 'invoke' && event.process === client ? [JSON.stringify([event.f, event.value])] : [],
      );
    const whole = simulate(config, { seed: result.seed, script: actions, lenientScript: true });
    const without = operationsOf(
      simulate(config, {
        seed: result.seed,
        script: actions.filter((_, index) => !cone.has(index)),
        lenientScript: true,
      }),
    );
    // The place of the operation left out in the client's run.
    const left = whole.history.filter(
      (event) => event.type === 'invoke' && event.process === client && event.time < (root.atMs ?? 0),
    ).length;
    expect(without.length).toBeGreaterThan(left + 1);
    // The operations after the one left out are those of the whole run, one place earlier:
    // without their draws in the trace, each would draw what the one before it drew.
    expect(without.slice(left, left + 2)).toEqual(operationsOf(whole).slice(left + 1, left + 3));
  });
});
