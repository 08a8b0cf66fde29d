import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCampaign } from './campaign.js';
import { traceToJsonl } from '../trace/index.js';
import { scriptFromTrace } from './script.js';
import { simulate } from './simulator.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

describe('runCampaign', () => {
  it('reports the lowest failing seed, with one worker or two', async () => {
    // Seed 12 fails slowly and seed 13 quickly: the second worker finds 13 first.
    const options = {
      scenarioPath: fixture('lottery.ts'),
      seeds: { from: 12, to: 20 },
      shrink: false,
    } as const;
    // One worker runs the seeds in order and stops at the first failure: the lowest, by construction.
    const one = await runCampaign({ ...options, workers: 1 });
    expect(one.verdict).toBe('fail');
    const lowest = one.failure?.seed as number;
    expect(one.seeds.run).toBe(lowest - 12 + 1);
    const two = await runCampaign({ ...options, workers: 2 });
    expect(two.failure?.seed).toBe(lowest);
    expect(two.seeds.failing[0]).toBe(lowest);
  });

  it('collects every failing seed with keepGoing', async () => {
    const options = {
      scenarioPath: fixture('lottery.ts'),
      seeds: { from: 1, to: 30 },
      params: ['stepsMax=300'],
    };
    const all = await runCampaign({ ...options, keepGoing: true, shrink: false });
    expect(all.seeds.run).toBe(30);
    expect(all.seeds.failing.length).toBeGreaterThan(2);
    expect([...all.seeds.failing].sort((a, b) => a - b)).toEqual(all.seeds.failing);
    const first = await runCampaign({ ...options, shrink: false });
    expect(first.failure?.seed).toBe(all.seeds.failing[0]);
    expect(all.failure?.seed).toBe(all.seeds.failing[0]);
  });

  it('passes when every seed passes (twice more each, identically), and records the first seed when asked', async () => {
    const result = await runCampaign({
      scenarioPath: fixture('pass.ts'),
      tracePassing: true,
      checkDeterminism: true,
    });
    expect(result.verdict).toBe('pass');
    // The scenario's `seeds: 8` is the default range.
    expect(result.seeds).toMatchObject({ from: 1, to: 8, run: 8, failed: 0 });
    expect(result.trace?.header.seed).toBe(1);
    expect(result.failure).toBeUndefined();
  });

  it('runs only its shard of the seeds', async () => {
    const result = await runCampaign({
      scenarioPath: fixture('lottery.ts'),
      seeds: { from: 1, to: 40 },
      params: ['stepsMax=100'],
      shard: { index: 2, count: 3 },
      keepGoing: true,
      shrink: false,
    });
    expect(result.seeds.planned).toBe(13);
    expect(result.seeds.failing.every((seed) => (seed - 1) % 3 === 1)).toBe(true);
  });

  it('shrinks a failure into a token that replays to the same trace', async () => {
    const found = await runCampaign({
      scenarioPath: fixture('in-order.ts'),
      seeds: { from: 1, to: 30 },
      shrinkTimeMs: 0,
    });
    expect(found.verdict).toBe('fail');
    expect(found.shrunk?.token).toMatch(/^e/);
    expect(found.reported?.shrunk).toBe(found.shrunk?.token);
    const seed = found.failure?.seed as number;
    const replayed = await runCampaign({
      scenarioPath: fixture('in-order.ts'),
      seeds: { from: seed, to: seed },
      shrunk: found.shrunk?.token as string,
    });
    expect(replayed.verdict).toBe('fail');
    expect(replayed.shrunk).toBeUndefined();
    expect(traceToJsonl(replayed.trace!)).toBe(traceToJsonl(found.trace!));
  });

  it('cuts the schedule of a failure: the reported run is scripted, smaller, and its trace replays it', async () => {
    const found = await runCampaign({ scenarioPath: fixture('in-order.ts'), seeds: { from: 1, to: 30 } });
    expect(found.verdict).toBe('fail');
    expect(found.shrunk?.schedule).toBeDefined();
    // The reported run is the cut schedule, not the token's run.
    expect(found.reported?.shrunk).toBeUndefined();
    expect(found.shrunk?.summary).toMatch(/^\d+ steps?, .* -> \d+ steps?, .* \(\d+ runs? in \d+\.\d s\)$/);
    const trace = found.trace as NonNullable<typeof found.trace>;
    const scenario = (await import('../../test/fixtures/in-order.js')).default;
    const replayed = simulate(scenario.build(scenario.params), {
      seed: trace.header.seed,
      script: scriptFromTrace(trace, 'reported').actions,
      trace: true,
      scenario: trace.header.scenario,
      params: trace.header.params,
    });
    expect(replayed.failure?.kind).toBe(found.failure?.kind);
    expect(traceToJsonl(replayed.trace!)).toBe(traceToJsonl(trace));
  });

  it('reports the failing run as it is when no smaller one is found, and says why in one note', async () => {
    const found = await runCampaign({
      scenarioPath: fixture('in-order.ts'),
      seeds: { from: 1, to: 30 },
      shrinkRunsMax: 0,
      shrinkTimeMs: 0,
    });
    expect(found.verdict).toBe('fail');
    expect(found.shrunk).toBeUndefined();
    expect(found.reported?.shrunk).toBeUndefined();
    expect(found.trace?.header.shrunk).toBeUndefined();
    // The run has faults to leave out: the note must not claim it has none.
    expect(found.trace?.events.some((event) => event.type === 'pause' || event.type === 'clog')).toBe(true);
    expect(found.notes).toEqual([
      'not shrunk: no smaller run fails the same way within the budget of 0 runs',
    ]);
  });

  // The step timeouts below are a second or so: the fixtures' other steps take microseconds, and a
  // busy machine may hold a worker thread off the CPU for a good part of a second.
  it('names a handler that never returns, and stops it', async () => {
    const result = await runCampaign({ scenarioPath: fixture('infinite-loop.ts'), stepTimeoutMs: 1500 });
    expect(result.verdict).toBe('fail');
    expect(result.failure).toMatchObject({ kind: 'timeout', seed: 1, node: 'n2', handler: 'onMessage' });
    expect(result.failure?.detail).toBe('n2.onMessage did not return within 1.5 s (an infinite loop?)');
  });

  it('keeps going past a handler that never returns', async () => {
    const result = await runCampaign({
      scenarioPath: fixture('infinite-loop.ts'),
      seeds: { from: 1, to: 2 },
      keepGoing: true,
      stepTimeoutMs: 1000,
      workers: 1,
    });
    expect(result.seeds.failing).toEqual([1, 2]);
    expect(result.seeds.run).toBe(2);
  });

  it('stops a shrink whose candidate run never returns, and reports the failure as found', async () => {
    const result = await runCampaign({ scenarioPath: fixture('loops-when-healed.ts'), stepTimeoutMs: 1200 });
    expect(result.failure).toMatchObject({ kind: 'invariant', property: 'not late', seed: 1 });
    expect(result.shrunk).toBeUndefined();
    expect(result.notes).toEqual([
      'shrinking stopped: n2.onMessage did not return within 1.2 s (an infinite loop?)',
    ]);
    // The reported run is the unshrunk failing seed, with its trace.
    expect(result.reported?.failure).toMatchObject({ kind: 'invariant', property: 'not late' });
    expect(result.reported?.shrunk).toBeUndefined();
    expect(result.trace?.header).toMatchObject({ scenario: 'loops-when-healed', seed: 1 });
    expect(result.trace?.header.shrunk).toBeUndefined();
  });

  it('rejects bad input with the path in the message', async () => {
    await expect(runCampaign({ scenarioPath: fixture('drop-above-one.ts') })).rejects.toThrow(
      /drop-above-one\.ts: network\.drop must be a probability in \[0, 1\), got 1\.5/,
    );
    await expect(runCampaign({ scenarioPath: fixture('pass.ts'), params: ['drop=2'] })).rejects.toThrow(
      /pass\.ts: network\.drop/,
    );
  });
});
