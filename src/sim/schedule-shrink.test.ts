import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import perfectLinkScenario from '../../examples/perfect-link.js';
import twoGeneralsScenario from '../../examples/two-generals.js';
import { defineProtocol } from '../core/index.js';
import { traceToJsonl } from '../trace/index.js';
import { actionsForLenientReplay, scriptFromTrace } from './script.js';
import {
  leaveOut,
  noLarger,
  scheduleShrinkable,
  scheduleSizeOf,
  shrinkSchedule,
  summarizeSchedule,
  type ScheduleSize,
} from './schedule-shrink.js';
import { sameFailure, shrinkFailure } from './shrink.js';
import { simulate, type SimulationConfig, type SimulationResult } from './simulator.js';

/** Runs out of a number of candidate runs, not of time: the outcome is the same on every machine. */
const BY_RUNS = { runsMax: 400, timeBudgetMs: Number.POSITIVE_INFINITY } as const;

/** The first failing seed of `config` from 1, traced. */
function firstFailure(config: SimulationConfig, seedsMax = 200): SimulationResult {
  for (let seed = 1; seed <= seedsMax; seed++) {
    if (!simulate(config, { seed }).ok) return simulate(config, { seed, trace: true });
  }
  throw new Error('no failing seed');
}

/** The strict replay of a run's trace, as `fairlink sim --schedule TRACE` does it. */
function replayOfTrace(config: SimulationConfig, run: SimulationResult): SimulationResult {
  const trace = run.trace as NonNullable<SimulationResult['trace']>;
  return simulate(config, {
    seed: trace.header.seed,
    script: scriptFromTrace(trace, 'shrunk').actions,
    trace: true,
    scenario: trace.header.scenario,
    params: trace.header.params,
  });
}

describe('schedule shrinking', () => {
  it('two generals: the first failing seed shrinks to at most 20 steps, and its trace replays it byte for byte', () => {
    const params = twoGeneralsScenario.params;
    const config = twoGeneralsScenario.build(params);
    const failing = firstFailure(config);
    const outcome = shrinkSchedule(config, failing, { ...BY_RUNS, scenario: 'two-generals', params });
    if (!outcome.reduced) throw new Error(outcome.why);
    // Figures (seed 3): 15 steps, 9 messages -> 4 steps, 3 messages.
    expect(scheduleSizeOf(failing)).toEqual({ steps: 15, messages: 9, operations: 0, faults: 0 });
    expect(outcome.after).toEqual({ steps: 4, messages: 3, operations: 0, faults: 0 });
    expect(outcome.after.steps).toBeLessThanOrEqual(20);
    expect(sameFailure(failing.failure!, outcome.result.failure)).toBe(true);
    const replayed = replayOfTrace(config, outcome.result);
    expect(traceToJsonl(replayed.trace!)).toBe(traceToJsonl(outcome.result.trace!));
  });

  it('perfect link: a liveness failure keeps the seed-level shrink (at most 20 steps), its schedule is not cut', () => {
    const params = { ...perfectLinkScenario.params, durationMs: 100 };
    const config = perfectLinkScenario.build(params);
    const failing = firstFailure(config);
    expect(failing.failure?.kind).toBe('eventually');
    expect(scheduleShrinkable(failing.failure!)).toBe(false);
    const outcome = shrinkSchedule(config, failing, BY_RUNS);
    expect(outcome.reduced).toBe(false);
    // A run that stops delivering "fails" an `eventually` for want of events: not cut.
    if (!outcome.reduced) expect(outcome.why).toMatch(/eventually failure is about what a fair run does/);
    const seedLevel = shrinkFailure(config, failing, { seed: failing.seed });
    // Figures (seed 7): 22 steps, 18 messages -> 20 steps, 14 messages.
    expect(scheduleSizeOf(seedLevel.result).steps).toBeLessThanOrEqual(20);
  });

  it('says what was removed in one line, before -> after', () => {
    const before: ScheduleSize = { steps: 1225, messages: 1075, operations: 120, faults: 8 };
    const after: ScheduleSize = { steps: 41, messages: 31, operations: 3, faults: 1 };
    expect(summarizeSchedule(before, after, { attempts: 812, wallMs: 9_840, stoppedBy: 'fixpoint' })).toBe(
      '1,225 steps, 1,075 messages, 120 operations, 8 faults -> 41 steps, 31 messages, 3 operations, 1 fault (812 runs in 9.8 s)',
    );
    expect(summarizeSchedule(before, after, { attempts: 1, wallMs: 10_000, stoppedBy: 'time' })).toMatch(
      /\(1 run in 10\.0 s; stopped by the time limit: the result may vary from run to run\)$/,
    );
    expect(summarizeSchedule(before, after, { attempts: 2_000, wallMs: 10_000, stoppedBy: 'runs' })).toMatch(
      /\(2,000 runs in 10\.0 s; the run budget ran out: the smallest run found within it\)$/,
    );
  });

  it('property: a random failing run shrinks to one that fails the same way, is never larger, and replays identically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 10_000 }), (rounds, seed) => {
        const params = { ...twoGeneralsScenario.params, rounds };
        const config = twoGeneralsScenario.build(params);
        const failing = simulate(config, { seed, trace: true, scenario: 'two-generals', params });
        fc.pre(!failing.ok);
        const outcome = shrinkSchedule(config, failing, {
          runsMax: 100,
          timeBudgetMs: Number.POSITIVE_INFINITY,
          scenario: 'two-generals',
          params,
        });
        const shrunk = outcome.reduced ? outcome.result : failing;
        expect(sameFailure(failing.failure!, shrunk.failure)).toBe(true);
        expect(noLarger(scheduleSizeOf(shrunk), scheduleSizeOf(failing))).toBe(true);
        const replayed = replayOfTrace(config, shrunk);
        expect(sameFailure(failing.failure!, replayed.failure)).toBe(true);
        if (outcome.reduced) expect(traceToJsonl(replayed.trace!)).toBe(traceToJsonl(shrunk.trace!));
      }),
      { numRuns: 15, seed: 16 },
    );
  });
});

describe('schedule shrinking is deterministic', () => {
  /** A clock that moves `stepMs` every time it is read: a machine slower than this one. */
  const slowClock = (stepMs: number): (() => number) => {
    let now = 0;
    return () => (now += stepMs);
  };

  it('its budget is counted in runs: on a much slower machine, the shrunk trace is the same byte for byte', () => {
    const params = twoGeneralsScenario.params;
    const config = twoGeneralsScenario.build(params);
    const failing = firstFailure(config);
    const options = { scenario: 'two-generals', params } as const;
    // The default budgets. Before, they were 10 s of wall time: at 0.1 s a reading, 100 readings.
    const idle = shrinkSchedule(config, failing, { ...options, clock: slowClock(0.01) });
    const busy = shrinkSchedule(config, failing, { ...options, clock: slowClock(100) });
    if (!idle.reduced || !busy.reduced) throw new Error('not shrunk');
    expect(busy.stoppedBy).toBe(idle.stoppedBy);
    expect(busy.attempts).toBe(idle.attempts);
    expect(traceToJsonl(busy.result.trace!)).toBe(traceToJsonl(idle.result.trace!));
  });

  it('the run budget bounds the work the same way everywhere, and says it ran out', () => {
    const params = twoGeneralsScenario.params;
    const config = twoGeneralsScenario.build(params);
    const failing = firstFailure(config);
    const first = shrinkSchedule(config, failing, { runsMax: 3, clock: slowClock(0.01) });
    const second = shrinkSchedule(config, failing, { runsMax: 3, clock: slowClock(5_000) });
    if (!first.reduced || !second.reduced) throw new Error('not shrunk');
    expect([first.attempts, first.stoppedBy]).toEqual([3, 'runs']);
    expect(traceToJsonl(second.result.trace!)).toBe(traceToJsonl(first.result.trace!));
  });

  it('wall time is only a guard: when it stops the shrink, the outcome says so', () => {
    const params = twoGeneralsScenario.params;
    const config = twoGeneralsScenario.build(params);
    const failing = firstFailure(config);
    const outcome = shrinkSchedule(config, failing, { timeBudgetMs: 10_000, clock: slowClock(4_000) });
    if (!outcome.reduced) throw new Error(outcome.why);
    expect(outcome.stoppedBy).toBe('time');
    expect(summarizeSchedule(outcome.before, outcome.after, { ...outcome, wallMs: 10_000 })).toMatch(
      /stopped by the time limit: the result may vary from run to run\)$/,
    );
  });
});

describe('lenient scripted replay', () => {
  it('skips an action that became impossible instead of refusing the script', () => {
    const config = twoGeneralsScenario.build(twoGeneralsScenario.params);
    const failing = firstFailure(config);
    const actions = scriptFromTrace(failing.trace!, 'failing').actions;
    // Without its first action, later deliveries of what that action caused cannot happen.
    const without = actions.slice(1);
    expect(() => simulate(config, { seed: failing.seed, script: without })).toThrow(/script step/);
    const lenient = simulate(config, { seed: failing.seed, script: without, lenientScript: true });
    expect(lenient.stats.steps).toBeLessThan(without.length);
  });
});

describe('lenient scripted replay of a message whose content changed', () => {
  // `a` numbers its pings: one at boot (never delivered), then one per tick. `b` keeps the last.
  const pinger = defineProtocol<{ count: number }, { type: 'ping'; n: number }>({
    name: 'pinger',
    init: () => ({ count: 0 }),
    onBoot(context) {
      context.send('b', { type: 'ping', n: 0 });
      context.setTimer('tick', 10);
    },
    onTimer(context) {
      context.state.count++;
      context.send('b', { type: 'ping', n: context.state.count });
      context.setTimer('tick', 10);
    },
  });
  const receiver = defineProtocol<{ last: number | null }, { type: 'ping'; n: number }>({
    name: 'receiver',
    init: () => ({ last: null }),
    onMessage(context, _from, message) {
      context.state.last = message.n;
    },
  });
  const config: SimulationConfig = { nodes: { a: pinger, b: receiver }, durationMs: 100 };

  it('takes the message the same step sent, not the oldest of its kind on the link', () => {
    const schedule = [
      { type: 'timer', node: 'a', name: 'tick' },
      { type: 'timer', node: 'a', name: 'tick' },
      { type: 'deliver', from: 'a', to: 'b', message: { type: 'ping', n: 2 } },
    ] as const;
    const run = simulate(config, { seed: 1, script: schedule, trace: true });
    const actions = actionsForLenientReplay(scriptFromTrace(run.trace!, 'run'));
    expect(actions[2]?.sentBy).toEqual({ action: 1, nth: 0 });
    // Without the first tick, the second sends ping 1: that one stands in for ping 2 (the
    // oldest ping on the link, the boot's ping 0, was not what the schedule delivered).
    const shrunk = leaveOut(actions, new Set([0]));
    expect(shrunk[1]?.sentBy).toEqual({ action: 0, nth: 0 });
    const lenient = simulate(config, { seed: 1, script: shrunk, lenientScript: true, trace: true });
    const delivered = lenient.trace!.events.find((event) => event.type === 'deliver');
    const sent = lenient.trace!.events.find(
      (event) => event.type === 'send' && delivered?.type === 'deliver' && event.msg === delivered.msg,
    );
    expect(sent?.type === 'send' ? sent.body : undefined).toEqual({ type: 'ping', n: 1 });
  });
});
