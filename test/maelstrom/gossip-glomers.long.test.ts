/**
 * fairlink's broadcast node against the Gossip Glomers targets (fly.io), on the workbench.
 *
 * 3e: 25 nodes, rate 100, latency 100 ms: msgs-per-op under 20 (the challenge's latency targets,
 * median under 1 s and maximum under 2 s, are wall-clock figures: bench/maelstrom.ts measures them). The challenge runs 20 s; this runs 10 s, which is still ~500
 * broadcasts in steady state (the figures are per operation and per message, so they do not
 * grow with the length of the run), and rests 2 s instead of Maelstrom's 10 before the final
 * reads (those only need the cluster quiet, which it is within a second).
 *
 * 3c: 5 nodes, rate 10, partitions: no acknowledged broadcast lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fairlinkNodeProgram, expectNothingLeft, problems, runShort } from './helpers.js';

afterAll(expectNothingLeft);

let program: Awaited<ReturnType<typeof fairlinkNodeProgram>>;

beforeAll(async () => {
  program = await fairlinkNodeProgram();
}, 120_000);

describe('Gossip Glomers broadcast', () => {
  it(
    '3e: 25 nodes, rate 100, latency 100 ms: msgs-per-op < 20 (latencies: bench/maelstrom.ts)',
    { timeout: 180_000 },
    async () => {
      const run = await runShort({
        workload: 'broadcast',
        command: program.command,
        args: program.args('broadcast'),
        nodeCount: 25,
        timeLimitMs: 10_000,
        rate: 100,
        latencyMs: 100,
        recoveryMs: 2_000,
        requestTimeoutMs: 2_000,
      });
      const stable = run.check?.summary['stableLatencies'] as Record<string, number>;
      console.info(
        `3e: msgs-per-op ${run.network.msgsPerOp.toFixed(2)}, stable latency median ${stable['0.5']?.toFixed(0)} ms, ` +
          `max ${stable['1']?.toFixed(0)} ms, ${String(run.check?.summary['acknowledged'])} broadcasts, ` +
          `overhead ${run.overhead.cpuMicrosecondsPerMessage.toFixed(1)} µs per message`,
      );
      expect(problems(run)).toEqual([]);
      expect(run.verdict).toBe('valid');
      // Enough broadcasts for a steady state even when a busy machine slows the clients down.
      expect(run.check?.summary['acknowledged']).toBeGreaterThan(100);
      // A count, not a time: the target holds on any machine.
      expect(run.network.msgsPerOp).toBeLessThan(20);
      // The latency targets (median < 1 s, max < 2 s) are wall-clock figures: a busy machine
      // stretches them, so they are measured in bench/maelstrom.ts, never asserted here.
      expect(stable['0.5']).toBeGreaterThan(0);
    },
  );

  it('3c: 5 nodes, rate 10, partitions: nothing lost', { timeout: 180_000 }, async () => {
    const run = await runShort({
      workload: 'broadcast',
      command: program.command,
      args: program.args('broadcast'),
      nodeCount: 5,
      timeLimitMs: 6_000,
      rate: 10,
      nemesis: ['partition'],
      nemesisIntervalMs: 1_000,
      recoveryMs: 2_000,
      seed: 7,
    });
    const partitions = run.nemesis.filter((event) => event.type === 'partition');
    console.info(
      `3c: ${partitions.length} partitions, ${run.network.all.dropCount} messages dropped, ` +
        `${String(run.check?.summary['acknowledged'])} broadcasts, ${String(run.check?.summary['lost'])} lost`,
    );
    expect(partitions.length).toBeGreaterThan(1);
    expect(run.network.servers.dropCount).toBeGreaterThan(0);
    expect(run.check?.summary['lost']).toBe(0);
    expect(run.verdict).toBe('valid');
  });
});
