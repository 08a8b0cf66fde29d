import { describe, expect, it } from 'vitest';
import lotteryScenario from '../../examples/lottery.js';
import { actorModel, type ActorAction, type ActorState } from '../check/index.js';
import { check } from '../check/index.js';
import type { Path } from '../check/index.js';
import { nodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { traceToJsonl } from '../trace/index.js';
import { always } from '../core/index.js';
import { scriptFromTrace } from './script.js';
import { ScriptStepError, simulate, type SimulationConfig } from './simulator.js';

const buggyLottery = (): SimulationConfig => lotteryScenario.build(lotteryScenario.params);

describe('choices in the simulator', () => {
  it('draws them from the seed: the same seed gives the same trace, choose events included', () => {
    const first = simulate(buggyLottery(), { seed: 7, trace: true }).trace;
    const second = simulate(buggyLottery(), { seed: 7, trace: true }).trace;
    expect(traceToJsonl(first as NonNullable<typeof first>)).toBe(
      traceToJsonl(second as NonNullable<typeof second>),
    );
    const chosen = first?.events.filter((event) => event.type === 'choose') ?? [];
    expect(chosen.map((event) => event.node)).toEqual(['a', 'b']);
    for (const event of chosen) expect(event).toMatchObject({ t: 0, of: 4 });
  });

  it('finds a violation that needs one choice on some seeds only', () => {
    const failing = Array.from({ length: 20 }, (_, index) => index + 1).filter(
      (seed) => simulate(buggyLottery(), { seed }).failure !== undefined,
    );
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(20);
  });
});

const q = nodeId('q');

/** `p` draws a bit at boot and sends it; `q` chooses a letter on delivery, then a number on a timer. */
const drawer = defineProtocol<{ bit: number }, { bit: number }>({
  name: 'drawer',
  init: () => ({ bit: -1 }),
  onBoot(context) {
    context.state.bit = context.randomInt(0, 1);
    context.send(q, { bit: context.state.bit });
  },
});
type Chooser = { bit: number; letter: string; number: number };
const chooser = defineProtocol<Chooser, { bit: number }>({
  name: 'chooser',
  init: () => ({ bit: -1, letter: '', number: -1 }),
  onMessage(context, _from, message) {
    context.state.bit = message.bit;
    context.state.letter = context.choose(['a', 'b', 'c']);
    context.setTimer('t', 1);
  },
  onTimer(context) {
    context.state.number = context.randomInt(10, 12);
  },
});
/** One combination in 18 is bad. */
const isBad = (node: Chooser | null | undefined): boolean =>
  node?.bit === 1 && node.letter === 'c' && node.number === 12;

describe('a checker counterexample with choices, replayed in the simulator', () => {
  // One property, judged by both engines.
  const properties = [always('not bad', (view) => !isBad(view.state<Chooser>('q')))];
  const model = actorModel({ nodes: { p: drawer, q: chooser }, properties });
  const config: SimulationConfig = { nodes: { p: drawer, q: chooser }, durationMs: 100, properties };

  it('makes the same choices, and so the same violation, step for step', () => {
    const result = check(model);
    expect(result.verdict).toBe('violation');
    const trace = model.trace(result.path as Path<ActorState, ActorAction>, { scenario: 's', params: {} });
    const { actions: script, choices } = scriptFromTrace(trace, 'check.trace.jsonl');
    expect(choices).toEqual({ p: [1], q: [2, 2] });
    const replay = simulate(config, { seed: 0, script, scriptChoices: choices, trace: true });
    expect(replay.failure).toMatchObject({ kind: 'invariant', property: 'not bad', timeMs: script.length });
    const replayed = replay.trace?.events.filter((event) => event.type === 'choose');
    const checked = trace.events.filter((event) => event.type === 'choose');
    expect(replayed).toEqual(checked);
  });

  it('refuses a scripted choice the handler does not have, as bad input', () => {
    const run = (): unknown =>
      simulate(config, {
        seed: 0,
        script: [{ type: 'deliver', from: 'p', to: 'q', message: { bit: 0 } }],
        scriptChoices: { p: [0], q: [3] },
      });
    expect(run).toThrow(ScriptStepError);
    expect(run).toThrow('script step 1: q chose option 3 of a choice that has 3 options');
  });
});
