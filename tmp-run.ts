import { runMaelstromTest } from './src/maelstrom/run.js';
import { formatRunSummary, writeResults } from './src/maelstrom/results.js';
const [workload, bin, ...args] = process.argv.slice(2);
const run = await runMaelstromTest({
  workload: workload as never, command: bin!, args, timeLimitMs: Number(process.env.T ?? 3000), rate: Number(process.env.RATE ?? 20),
  recoveryMs: 500, requestTimeoutMs: 1000, nodeCount: Number(process.env.N ?? 3), initTimeoutMs: 2000,
  nemesis: process.env.NEMESIS ? ['partition'] : [], nemesisIntervalMs: 500, latencyMs: Number(process.env.LAT ?? 0),
  onProgress: (m) => process.stderr.write(`[${m}]\n`),
});
const folder = '/tmp/mw/' + workload;
await writeResults(run, folder);
process.stdout.write(formatRunSummary(run, folder));
