/**
 * fairlink protocols as Maelstrom nodes (`fairlink maelstrom node MODULE`) pass the workbench:
 * echo, unique-ids, broadcast, g-counter, and lin-kv and txn built from fairlink's Raft.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earnedFloor, fairlinkNodeProgram, expectNothingLeft, problems, runShort } from './helpers.js';

afterAll(expectNothingLeft);

const TIMEOUT_MS = 150_000;
let program: Awaited<ReturnType<typeof fairlinkNodeProgram>>;

beforeAll(async () => {
  program = await fairlinkNodeProgram();
}, 120_000);

describe.concurrent('fairlink nodes under the workbench', () => {
  it('echo', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'echo', command: program.command, args: program.args('echo') });
    expect(problems(run)).toEqual([]);
    expect(run.verdict).toBe('valid');
    // The adapter logs who the node is on stderr, and only messages go to stdout.
    expect(run.nodes[2]?.log).toMatch(/^fairlink: maelstrom-echo is n2 of n0,n1,n2/);
  });

  it('unique-ids, with total availability through partitions', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'unique-ids',
      command: program.command,
      args: program.args('unique-ids'),
      rate: 200,
      nemesis: ['partition'],
      nemesisIntervalMs: 300,
      availability: 'total',
    });
    expect(run.verdict).toBe('valid');
    expect(run.availability).toMatchObject({ fraction: 1, required: 1, met: true });
    expect(run.check?.summary['acknowledged']).toBeGreaterThanOrEqual(earnedFloor(200));
  });

  it('broadcast, through partitions with latency', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'broadcast',
      command: program.command,
      args: program.args('broadcast'),
      nodeCount: 5,
      timeLimitMs: 3_000,
      latencyMs: 20,
      latencyDistribution: 'exponential',
      nemesis: ['partition'],
      nemesisIntervalMs: 400,
      recoveryMs: 1_500,
    });
    expect(run.network.all.dropCount).toBeGreaterThan(0);
    expect(run.check?.summary['lost']).toBe(0);
    expect(run.verdict).toBe('valid');
  });

  it('g-counter, a CRDT, through partitions', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'g-counter',
      command: program.command,
      args: program.args('g-counter'),
      nemesis: ['partition'],
      nemesisIntervalMs: 400,
      recoveryMs: 1_500,
    });
    expect(run.verdict).toBe('valid');
    const finals = run.check?.summary['finalReads'] as { value: number }[];
    expect(finals.map((read) => read.value)).toEqual([finals[0]?.value, finals[0]?.value, finals[0]?.value]);
  });

  it('lin-kv on Raft, linearizable with partitions', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'lin-kv',
      command: program.command,
      args: program.args('lin-kv'),
      timeLimitMs: 4_000,
      rate: 30,
      nemesis: ['partition'],
      nemesisIntervalMs: 800,
    });
    expect(problems(run)).toEqual([]);
    expect(run.check?.summary['verdict']).toBe('linearizable');
    expect(run.verdict).toBe('valid');
    // Raft elected a leader and served requests (some fail while there is none).
    expect((run.operations.byF['write']?.ok ?? 0) + (run.operations.byF['read']?.ok ?? 0)).toBeGreaterThan(
      20,
    );
    expect(run.network.servers.sendCount).toBeGreaterThan(0);
  });

  for (const workload of ['txn-list-append', 'txn-rw-register'] as const) {
    it(`${workload} on Raft, strict serializable with partitions`, { timeout: TIMEOUT_MS }, async () => {
      const run = await runShort({
        workload,
        command: program.command,
        args: program.args('txn'),
        timeLimitMs: 4_000,
        rate: 40,
        concurrency: 6,
        keyCount: 3,
        maxTxnLength: 4,
        nemesis: ['partition'],
        nemesisIntervalMs: 800,
      });
      expect(problems(run)).toEqual([]);
      expect(run.check?.summary).toMatchObject({ verdict: 'valid', anomalyTypes: [] });
      expect(run.verdict).toBe('valid');
      expect(run.check?.summary['committed']).toBeGreaterThan(20);
    });
  }
});
