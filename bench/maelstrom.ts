/**
 * The Maelstrom workbench benchmark: fairlink's broadcast node on the Gossip Glomers 3e
 * settings (25 nodes, rate 100, latency 100 ms, 20 s), its figures against the challenge's
 * targets, and the workbench's own overhead: the CPU time the fairlink process used per
 * message it routed (parsing the node's line, the network's bookkeeping and delay, the trace,
 * writing it to the receiver), measured with `process.cpuUsage()` from the first node started
 * to the last one stopped. The node processes' own CPU is not counted.
 *
 * The nodes run from a bundle of the sources (test/maelstrom/fairlink-node-bundle.ts), so no
 * build is needed. Run with `npx tsx bench/maelstrom.ts`; `BENCH_TIME_LIMIT_S` shortens the
 * run (default 20, as the challenge). Prints one JSON object on stdout; progress goes to stderr.
 */

import { loadavg } from 'node:os';
import { runMaelstromTest, type MaelstromRun } from '../src/maelstrom/run.js';
import { fairlinkNodeProgram } from '../test/maelstrom/fairlink-node-bundle.js';

const TIME_LIMIT_S = Number(process.env['BENCH_TIME_LIMIT_S'] ?? 20);

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function runBroadcast(nemesis: boolean): Promise<MaelstromRun> {
  const program = await fairlinkNodeProgram();
  return runMaelstromTest({
    workload: 'broadcast',
    command: program.command,
    args: program.args('broadcast'),
    ...(nemesis
      ? { nodeCount: 5, rate: 10, nemesis: ['partition'] as const, nemesisIntervalMs: 2_000 }
      : { nodeCount: 25, rate: 100, latencyMs: 100 }),
    timeLimitMs: TIME_LIMIT_S * 1000,
    recoveryMs: 5_000,
    seed: 1,
    onProgress: (message) => process.stderr.write(`maelstrom: ${message}\n`),
  });
}

async function main(): Promise<void> {
  const startedLoad = loadavg()[0] ?? 0;
  const efficient = await runBroadcast(false);
  const stable = efficient.check?.summary['stableLatencies'] as Record<string, number> | undefined;
  const medianMs = stable?.['0.5'] ?? NaN;
  const maxMs = stable?.['1'] ?? NaN;
  const partitioned = await runBroadcast(true);
  const results = [
    {
      name: `broadcast 3e: fairlink broadcast node, 25 nodes, rate 100, latency 100 ms, ${TIME_LIMIT_S} s`,
      verdict: efficient.verdict,
      operations: efficient.operations.all.count,
      msgsPerOp: round(efficient.network.msgsPerOp),
      stableLatencyMedianMs: round(medianMs, 0),
      stableLatencyMaxMs: round(maxMs, 0),
      target3e: 'msgs-per-op < 20, median < 1000 ms, max < 2000 ms',
      met3e: efficient.network.msgsPerOp < 20 && medianMs < 1_000 && maxMs < 2_000,
      target3d: 'msgs-per-op < 30, median < 400 ms, max < 600 ms',
      met3d: efficient.network.msgsPerOp < 30 && medianMs < 400 && maxMs < 600,
    },
    {
      name: 'workbench overhead on the 3e run: CPU time of the fairlink process per message routed',
      messagesRouted: efficient.overhead.messagesRouted,
      messagesPerSecond: round(efficient.overhead.messagesRouted / (efficient.durationMs / 1000), 0),
      workbenchCpuMs: round(efficient.overhead.cpuMs, 0),
      cpuMicrosecondsPerMessage: round(efficient.overhead.cpuMicrosecondsPerMessage, 1),
      runWallMs: round(efficient.durationMs, 0),
    },
    {
      name: `broadcast 3c: 5 nodes, rate 10, partitions every ~2 s, ${TIME_LIMIT_S} s`,
      verdict: partitioned.verdict,
      partitions: partitioned.nemesis.filter((event) => event.type === 'partition').length,
      messagesDropped: partitioned.network.all.dropCount,
      acknowledgedBroadcasts: partitioned.check?.summary['acknowledged'],
      lostBroadcasts: partitioned.check?.summary['lost'],
      met3c: partitioned.check?.summary['lost'] === 0,
      cpuMicrosecondsPerMessage: round(partitioned.overhead.cpuMicrosecondsPerMessage, 1),
    },
  ];
  const report = {
    method:
      'one run each, real time; node processes are the bundled fairlink broadcast node; overhead is ' +
      'process.cpuUsage() of the workbench from the first node started to the last stopped, over all messages routed ' +
      '(clients, servers, services)',
    results,
    loadAverage1MinuteAtStart: round(startedLoad),
    loadAverage1MinuteAtEnd: round(loadavg()[0] ?? 0),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
