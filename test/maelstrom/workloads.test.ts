/**
 * Every workload against third-party-style nodes (plain Node.js scripts speaking the protocol):
 * a correct node passes, a broken one is caught by the workload's checker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { earnedFloor, fixture, expectNothingLeft, problems, runShort } from './helpers.js';

afterAll(expectNothingLeft);

const TIMEOUT_MS = 150_000;

describe.concurrent('echo', () => {
  it('passes a correct echo node', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'echo', command: fixture('echo') });
    expect(problems(run)).toEqual([]);
    expect(run.verdict).toBe('valid');
    expect(run.operations.all.ok).toBeGreaterThanOrEqual(earnedFloor());
    expect(run.check?.summary['wrong']).toBe(0);
    expect(run.latencies['echo']?.['0.5']).toBeGreaterThan(0);
  });
});

describe.concurrent('unique-ids', () => {
  it('passes ids made of node id and counter', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'unique-ids', command: fixture('unique-ids'), rate: 100 });
    expect(run.verdict).toBe('valid');
    expect(run.check?.summary['duplicated']).toBe(0);
    expect(run.check?.summary['acknowledged']).toBeGreaterThanOrEqual(earnedFloor(100));
  });

  it('catches nodes that hand out the same ids', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'unique-ids',
      command: fixture('unique-ids'),
      args: ['--duplicates'],
      rate: 100,
    });
    expect(problems(run)).toEqual([]);
    expect(run.verdict).toBe('invalid');
    expect(run.check?.summary['duplicated']).toBeGreaterThan(0);
    expect(run.reasons).toContain('the unique-ids check says invalid');
  });
});

describe.concurrent('broadcast and g-set', () => {
  it('passes a flooding broadcast that retries, through partitions', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'broadcast',
      command: fixture('set'),
      nodeCount: 5,
      timeLimitMs: 3_000,
      nemesis: ['partition'],
      nemesisIntervalMs: 400,
      seed: 3,
    });
    expect(run.nemesis.filter((event) => event.type === 'partition').length).toBeGreaterThan(0);
    expect(run.network.all.dropCount).toBeGreaterThan(0);
    expect(run.check?.summary['lost']).toBe(0);
    expect(run.verdict).toBe('valid');
  });

  it(
    'catches the same node without retries losing writes to the same partitions',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await runShort({
        workload: 'broadcast',
        command: fixture('set'),
        args: ['--no-retry'],
        nodeCount: 5,
        timeLimitMs: 3_000,
        nemesis: ['partition'],
        nemesisIntervalMs: 400,
        seed: 3,
      });
      expect(run.verdict).toBe('invalid');
      expect(run.check?.summary['lost']).toBeGreaterThan(0);
    },
  );

  it('catches a broadcast that never passes some messages on', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'broadcast', command: fixture('set'), args: ['--lossy'] });
    expect(run.verdict).toBe('invalid');
    const lost = run.check?.summary['lostExamples'] as string[];
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((element) => Number(element) % 3 === 0)).toBe(true);
  });

  it('sends the topology first, and runs g-set on the same node', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'g-set', command: fixture('set') });
    expect(run.verdict).toBe('valid');
    expect(run.operations.byF['add']?.ok).toBeGreaterThan(5);
    expect(run.check?.summary['nodesWithoutFinalRead']).toEqual([]);
  });
});

describe.concurrent('g-counter and pn-counter', () => {
  it('passes counters kept in seq-kv (reads that sync first)', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'g-counter', command: fixture('counter') });
    expect(run.verdict).toBe('valid');
    expect(run.network.services.sendCount).toBeGreaterThan(0);
    const finals = run.check?.summary['finalReads'] as { value: number }[];
    expect(finals).toHaveLength(3);
    expect(new Set(finals.map((read) => read.value)).size).toBe(1);
  });

  it('passes a pn-counter with negative deltas', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'pn-counter', command: fixture('counter') });
    expect(run.verdict).toBe('valid');
    expect(run.history.operations.some((record) => record.f === 'add' && (record.input as number) < 0)).toBe(
      true,
    );
  });
});

describe.concurrent('lin-kv', () => {
  it('passes a proxy to the lin-kv service', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'lin-kv', command: fixture('lin-kv'), rate: 40 });
    expect(run.verdict).toBe('valid');
    expect(run.check?.summary['verdict']).toBe('linearizable');
    expect(run.operations.byF['cas']?.ok).toBeGreaterThan(0);
  });

  it('catches stale reads', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'lin-kv',
      command: fixture('lin-kv'),
      args: ['--stale-reads'],
      rate: 40,
    });
    expect(run.verdict).toBe('invalid');
    expect(run.check?.summary['verdict']).toBe('not-linearizable');
    expect(run.check?.lines.join('\n')).toMatch(/none of these can come next: read/);
  });
});

describe.concurrent('kafka', () => {
  it('passes logs kept on one node', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'kafka', command: fixture('kafka') });
    expect(run.verdict).toBe('valid');
    expect(run.check?.summary['acknowledgedSends']).toBeGreaterThan(5);
    for (const anomaly of [
      'lost',
      'inconsistent',
      'duplicates',
      'nonmonotonicSends',
      'nonmonotonicPolls',
      'skips',
    ]) {
      expect(run.check?.summary[anomaly], anomaly).toBe(0);
    }
  });

  it(
    'catches nodes that each keep their own logs (one offset, two messages)',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await runShort({ workload: 'kafka', command: fixture('kafka'), args: ['--local'] });
      expect(run.verdict).toBe('invalid');
      expect(run.check?.summary['inconsistent']).toBeGreaterThan(0);
    },
  );
});
