import { describe, expect, it } from 'vitest';
import { defineProtocol } from '../../core/index.js';
import { exponential, simulate } from '../../sim/index.js';
import { invariant } from '../../core/index.js';
import clockSyncScenario from '../../../examples/clock-sync.js';
import {
  clockSyncRelativeError,
  cristianClient,
  localClockAt,
  timeServer,
  type ClockSyncClientState,
} from './clock-sync.js';

const CLOCK = { skewMs: 5_000, drift: 0.001 };
const TRUE_TIME_MS = 20_000;
const BOUND = 0.003;
const SEEDS = 20;

/**
 * Runs Cristian's client for exactly 20 s of true time and returns the relative error there:
 * |localClockAt(20 s) + offset - 20 s| / 20 s, with the offset the protocol holds at 20 s.
 */
function errorAt20s(dropRate: number, delayMeanMs: number, seed: number): number {
  let offsetMs = 0;
  const result = simulate(
    {
      nodes: { server: timeServer, client: { protocol: cristianClient({ server: 'server' }), clock: CLOCK } },
      network: { drop: dropRate, delay: exponential(delayMeanMs) },
      durationMs: TRUE_TIME_MS,
      properties: [
        // The run stops at 20 s; the last step's offset is the one in force then.
        invariant('probe', (view) => {
          offsetMs = view.state<ClockSyncClientState>('client')?.offsetMs ?? offsetMs;
          return true;
        }),
      ],
    },
    { seed },
  );
  expect(result.failure).toBeUndefined();
  expect(result.endMs).toBe(TRUE_TIME_MS);
  return clockSyncRelativeError(CLOCK, offsetMs, TRUE_TIME_MS);
}

describe("Cristian's clock synchronisation", () => {
  it('localClockAt is what context.now() reads on a skewed, drifting node', () => {
    const seen: { trueMs: number; localMs: number }[] = [];
    const recorder = defineProtocol<{ localMs: number }>({
      name: 'recorder',
      init: () => ({ localMs: -1 }),
      onBoot: (context) => context.setTimer('tick', 777),
      onTimer: (context) => {
        context.state.localMs = context.now();
        context.setTimer('tick', 777);
      },
    });
    simulate(
      {
        nodes: { node: { protocol: recorder, clock: CLOCK } },
        durationMs: 5_000,
        properties: [
          invariant('probe', (view) => {
            seen.push({ trueMs: view.now, localMs: view.state<{ localMs: number }>('node')?.localMs ?? -1 });
            return true;
          }),
        ],
      },
      { seed: 1 },
    );
    const ticks = seen.filter((sample) => sample.localMs >= 0);
    expect(ticks.length).toBeGreaterThan(3);
    for (const { trueMs, localMs } of ticks) expect(localClockAt(CLOCK, trueMs)).toBeCloseTo(localMs, 2);
  });

  it('without synchronisation the error at 20 s is far above the bound (skew / t + drift)', () => {
    expect(clockSyncRelativeError(CLOCK, 0, TRUE_TIME_MS)).toBeCloseTo(5_000 / 20_000 + 0.001, 9);
  });

  for (const [label, dropRate, delayMeanMs] of [
    ['10 ms mean delay', 0, 10],
    ['5% drop and 100 ms mean delay', 0.05, 100],
  ] as const) {
    it(`relative error at 20 s is at most ${BOUND} under ${label} (seeds 1..${SEEDS})`, () => {
      const errors = Array.from({ length: SEEDS }, (_, index) =>
        errorAt20s(dropRate, delayMeanMs, index + 1),
      );
      console.log(`clock sync, ${label}: worst relative error at 20 s ${Math.max(...errors).toFixed(5)}`);
      for (const error of errors) expect(error).toBeLessThanOrEqual(BOUND);
    });
  }

  it('ignores duplicate and unknown answers, and keeps at most windowSize samples', () => {
    let state: ClockSyncClientState | undefined;
    simulate(
      {
        nodes: {
          server: timeServer,
          client: { protocol: cristianClient({ server: 'server', windowSize: 3 }), clock: CLOCK },
        },
        network: { duplicate: 0.5, delay: exponential(5) },
        durationMs: 3_000,
        properties: [
          invariant('at most windowSize samples', (view) => {
            state = view.state<ClockSyncClientState>('client') ?? state;
            return (state?.samples.length ?? 0) <= 3 && (state?.outstanding.size ?? 0) <= 3;
          }),
        ],
      },
      { seed: 3 },
    );
    expect(state?.samples).toHaveLength(3);
  });

  it('refuses bad options', () => {
    expect(() => cristianClient({ server: 'server', roundMs: 0 })).toThrow(/roundMs/);
    expect(() => cristianClient({ server: 'server', windowSize: 0 })).toThrow(/windowSize/);
  });

  it('the clock-sync example holds its bound from 20 s on, in both lab conditions (seeds 1..5)', () => {
    for (const overrides of [{}, { dropRate: 0.05, delayMeanMs: 100 }]) {
      for (let seed = 1; seed <= 5; seed++) {
        const result = simulate(clockSyncScenario.build({ ...clockSyncScenario.params, ...overrides }), {
          seed,
        });
        expect(result.failure, `seed ${seed} ${JSON.stringify(overrides)}`).toBeUndefined();
        expect(result.endMs).toBe(clockSyncScenario.params.durationMs);
      }
    }
  });
});
