import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { type ClientEvent } from '../../core/index.js';
import reliableSendScenario from '../../../examples/reliable-send.js';
import { median } from '../../lab/index.js';
import { reliableSender } from './reliable-send.js';

type Params = typeof reliableSendScenario.params;

/** Runs the reliable-send example with `overrides` and returns the run and its completions. */
function run(overrides: Partial<Params>, seed: number) {
  const result = simulate(reliableSendScenario.build({ ...reliableSendScenario.params, ...overrides }), {
    seed,
  });
  const completions = result.history.filter((event) => event.type !== 'invoke');
  const tries = completions.map((event) => (event.value as { tries: number }).tries);
  return { result, completions, tries };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe("lab 1's reliableSend", () => {
  it('with 20% drop and 10 ms mean exponential delay, one ping gets through', () => {
    for (const seed of SEEDS) {
      const { result, completions } = run({}, seed);
      expect(result.failure, `seed ${seed}`).toBeUndefined();
      expect(completions.map((event) => event.type)).toEqual(['ok']);
    }
  });

  it('with no faults and a receiver that never acknowledges, a send with a 1 s timeout fails at 1 s', () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const { result, completions, tries } = run({ dropRate: 0, acknowledge: false, timeoutMs: 1_000 }, seed);
      expect(result.failure, `seed ${seed}`).toBeUndefined();
      expect(completions).toHaveLength(1);
      const failure = completions[0] as ClientEvent;
      expect(failure.type).toBe('fail');
      expect(failure.time).toBe(1_000);
      // Copies at 0, 10, ..., 990 ms: the timeout at 1 s was set first, so it fires before the last resend.
      expect(tries).toEqual([100]);
    }
  });

  it('with no loss (and a 1 ms link, as the lab emulator delivers at once) every send takes exactly 1 try', () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const { result, tries } = run({ dropRate: 0, delayKind: 'constant', delayMs: 1, pings: 10 }, seed);
      expect(result.failure).toBeUndefined();
      expect(tries).toEqual(Array.from({ length: 10 }, () => 1));
    }
  });

  it('with 10 ms mean delay and no loss, the median over 10 pings is at most 10', () => {
    const medians = SEEDS.map((seed) => {
      const { result, tries } = run({ dropRate: 0, pings: 10 }, seed);
      expect(result.failure).toBeUndefined();
      expect(tries).toHaveLength(10);
      return median([...tries].sort((a, b) => a - b));
    });
    console.log(
      `reliableSend, 10 ms mean delay, 10 ms resend: median tries over 10 pings, seeds 1..10: ${medians.join(' ')}`,
    );
    for (const value of medians) expect(value).toBeLessThanOrEqual(10);
    // The resend timer (10 ms) is shorter than a typical round trip (20 ms): tries above 1 without loss.
    expect(Math.max(...medians)).toBeGreaterThan(1);
  });

  it('records each send as a client operation: invoke, then ok with its tries', () => {
    const { result } = run({ dropRate: 0, delayKind: 'constant', delayMs: 1, pings: 2 }, 1);
    expect(result.history.map(({ type, f, value, time }) => ({ type, f, value, time }))).toEqual([
      { type: 'invoke', f: 'send', value: { ping: 0 }, time: 0 },
      { type: 'ok', f: 'send', value: { tries: 1 }, time: 2 },
      { type: 'invoke', f: 'send', value: { ping: 1 }, time: 2 },
      { type: 'ok', f: 'send', value: { tries: 1 }, time: 4 },
    ]);
  });

  it('refuses bad options and parameters', () => {
    expect(() => reliableSender({ to: 'receiver', resendMs: 0, timeoutMs: 10 })).toThrow(/resendMs/);
    expect(() => reliableSender({ to: 'receiver', resendMs: 1, timeoutMs: 10, pings: -1 })).toThrow(/pings/);
    expect(() =>
      reliableSendScenario.build({ ...reliableSendScenario.params, delayKind: 'gaussian' }),
    ).toThrow(/delayKind/);
  });
});
