/**
 * Start-up: how long a small command takes from a fresh process, beside a bare `node -e 0`
 * measured in the same run (issue 15, item 1: both fairlink commands under 0.3 s wall).
 *
 * Each round runs every command once, in turn (alternating, so a busy spell of the machine
 * falls on all of them alike); the figures are medians over the rounds, after one warm-up round
 * (which also fills the compiled-scenario cache, as any earlier run would have). `npx fairlink`
 * is the same command through npm's launcher: what it adds is reported beside it.
 */

import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const ROUNDS = 9;

const simArgs = ['sim', 'examples/retransmit.ts', '--seed', '1'];
const checkArgs = ['check', 'examples/two-generals.ts'];
const commands: Record<string, readonly string[]> = {
  bareNode: [process.execPath, '-e', '0'],
  sim: [process.execPath, 'bin/fairlink.js', ...simArgs],
  check: [process.execPath, 'bin/fairlink.js', ...checkArgs],
  npxSim: ['npx', '--no-install', 'fairlink', ...simArgs],
  npxCheck: ['npx', '--no-install', 'fairlink', ...checkArgs],
};

/** Wall time of one run, ms; the exit code must be the command's expected one. */
function timeOnce(argv: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd: repositoryRoot, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  // two-generals fails by design (exit 1); anything else but 0 is a broken benchmark.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${argv.join(' ')} exited with ${String(result.status)}: ${result.stderr}`);
  }
  return wallMs;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const loadBefore = loadavg()[0] ?? 0;
for (let round = 0; round <= ROUNDS; round++) {
  process.stderr.write(`startup: round ${round}/${ROUNDS}\n`);
  for (const [name, argv] of Object.entries(commands)) {
    const wallMs = timeOnce(argv);
    if (round > 0) samples[name]?.push(wallMs);
  }
}
const medians = Object.fromEntries(
  Object.entries(samples).map(([name, values]) => [name, Math.round(median(values))]),
) as Record<keyof typeof commands, number>;
const seconds = (ms: number): number => Math.round(ms) / 1000;
const loadAverage = Math.round(((loadBefore + (loadavg()[0] ?? 0)) / 2) * 100) / 100;
const bare = medians.bareNode ?? 0;
// A table on stderr for the reader (bench/run.ts passes stderr through); the JSON on stdout.
const labels: Record<string, string> = {
  bareNode: 'node -e 0',
  sim: `node bin/fairlink.js ${simArgs.join(' ')}`,
  check: `node bin/fairlink.js ${checkArgs.join(' ')}`,
  npxSim: `npx fairlink ${simArgs.join(' ')}`,
  npxCheck: `npx fairlink ${checkArgs.join(' ')}`,
};
const width = Math.max(...Object.values(labels).map((label) => label.length));
process.stderr.write(
  `startup: medians of ${ROUNDS} alternated rounds, load average ${loadAverage}\n` +
    Object.entries(medians)
      .map(([name, ms]) => {
        const times = bare > 0 ? ` (${(ms / bare).toFixed(1)}x node -e 0)` : '';
        return `  ${(labels[name] ?? name).padEnd(width)}  ${seconds(ms).toFixed(3)} s${name === 'bareNode' ? '' : times}`;
      })
      .join('\n') +
    '\n',
);
process.stdout.write(
  `${JSON.stringify({
    rounds: ROUNDS,
    loadAverage1Minute: loadAverage,
    medianWallSeconds: Object.fromEntries(Object.entries(medians).map(([name, ms]) => [name, seconds(ms)])),
    overBareNodeSeconds: {
      sim: seconds((medians.sim ?? 0) - bare),
      check: seconds((medians.check ?? 0) - bare),
    },
    // Against bare Node in the same run: steadier than seconds when the machine is busy.
    timesBareNode: {
      sim: bare > 0 ? Math.round(((medians.sim ?? 0) / bare) * 10) / 10 : null,
      check: bare > 0 ? Math.round(((medians.check ?? 0) / bare) * 10) / 10 : null,
    },
    npxAddsSeconds: {
      sim: seconds((medians.npxSim ?? 0) - (medians.sim ?? 0)),
      check: seconds((medians.npxCheck ?? 0) - (medians.check ?? 0)),
    },
    target: { simAndCheckWallSecondsMax: 0.3 },
  })}\n`,
);
