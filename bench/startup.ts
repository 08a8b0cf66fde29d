/**
 * Start-up: how long a small command takes from a fresh process, beside a bare `node -e 0`
 * measured in the same run (issue 15, item 1: both fairlink commands under 0.3 s wall).
 *
 * Each round runs every command once, in turn (alternating, so a busy spell of the machine
 * falls on all of them alike); the figures are medians over the rounds, after one warm-up round
 * (which also fills the compiled-scenario cache, as any earlier run would have). Wall time is
 * taken here; CPU time (user + system, all threads) from GNU time (anchors/measure.ts), which a
 * busy machine inflates much less than wall time. `npx fairlink` is the same command through
 * npm's launcher: what it adds is reported beside it.
 *
 * `BENCH_STARTUP_BASELINE=<folder>`: another built checkout of fairlink (an older version, say)
 * whose two commands run in the same rounds, from its own folder: before and after, alternated.
 */

import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureProcess, measurementMethod } from './anchors/measure.js';

const repositoryRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 9);
const baseline = process.env.BENCH_STARTUP_BASELINE;

const simArgs = ['sim', 'examples/retransmit.ts', '--seed', '1'];
const checkArgs = ['check', 'examples/two-generals.ts'];

interface Entry {
  readonly label: string;
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

const commands: Record<string, Entry> = {
  bareNode: { label: 'node -e 0', program: process.execPath, args: ['-e', '0'], cwd: repositoryRoot },
  sim: {
    label: `node bin/fairlink.js ${simArgs.join(' ')}`,
    program: process.execPath,
    args: ['bin/fairlink.js', ...simArgs],
    cwd: repositoryRoot,
  },
  check: {
    label: `node bin/fairlink.js ${checkArgs.join(' ')}`,
    program: process.execPath,
    args: ['bin/fairlink.js', ...checkArgs],
    cwd: repositoryRoot,
  },
  ...(baseline === undefined
    ? {}
    : {
        baselineSim: {
          label: `baseline: ${simArgs.join(' ')}`,
          program: process.execPath,
          args: ['bin/fairlink.js', ...simArgs],
          cwd: resolve(baseline),
        },
        baselineCheck: {
          label: `baseline: ${checkArgs.join(' ')}`,
          program: process.execPath,
          args: ['bin/fairlink.js', ...checkArgs],
          cwd: resolve(baseline),
        },
      }),
  npxSim: {
    label: `npx fairlink ${simArgs.join(' ')}`,
    program: 'npx',
    args: ['--no-install', 'fairlink', ...simArgs],
    cwd: repositoryRoot,
  },
  npxCheck: {
    label: `npx fairlink ${checkArgs.join(' ')}`,
    program: 'npx',
    args: ['--no-install', 'fairlink', ...checkArgs],
    cwd: repositoryRoot,
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const wall: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const loadBefore = loadavg()[0] ?? 0;
for (let round = 0; round <= ROUNDS; round++) {
  process.stderr.write(`startup: round ${round}/${ROUNDS}\n`);
  for (const [name, entry] of Object.entries(commands)) {
    const run = await measureProcess(entry);
    // two-generals fails by design (exit 1); anything else but 0 is a broken benchmark.
    if (run.exitCode !== 0 && run.exitCode !== 1) {
      throw new Error(`${entry.label} exited with ${String(run.exitCode)}: ${run.stderr}`);
    }
    if (round === 0) continue;
    wall[name]?.push(run.wallSeconds);
    if (run.cpuSeconds !== null) cpu[name]?.push(run.cpuSeconds);
  }
}

const round3 = (seconds: number): number => Math.round(seconds * 1000) / 1000;
const medianOf = (samples: Record<string, number[]>, name: string): number | null => {
  const values = samples[name] ?? [];
  return values.length === 0 ? null : round3(median(values));
};
const names = Object.keys(commands);
const wallMedians = Object.fromEntries(names.map((name) => [name, medianOf(wall, name)])) as Record<
  string,
  number
>;
const cpuMedians = Object.fromEntries(names.map((name) => [name, medianOf(cpu, name)]));
const loadAverage = Math.round(((loadBefore + (loadavg()[0] ?? 0)) / 2) * 100) / 100;
const bare = wallMedians.bareNode ?? 0;

// A table on stderr for the reader (bench/run.ts passes stderr through); the JSON on stdout.
const width = Math.max(...Object.values(commands).map((entry) => entry.label.length));
const show = (seconds: number | null | undefined): string =>
  seconds === null || seconds === undefined ? '    -  ' : `${seconds.toFixed(3)} s`;
process.stderr.write(
  `startup: medians of ${ROUNDS} alternated rounds, load average ${loadAverage}\n` +
    `  ${''.padEnd(width)}  wall     CPU\n` +
    names
      .map((name) => {
        const times =
          name === 'bareNode' || bare <= 0
            ? ''
            : `  (${((wallMedians[name] ?? 0) / bare).toFixed(1)}x node -e 0)`;
        return `  ${(commands[name]?.label ?? name).padEnd(width)}  ${show(wallMedians[name])}  ${show(cpuMedians[name])}${times}`;
      })
      .join('\n') +
    '\n',
);
const difference = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined ? null : round3(a - b);
process.stdout.write(
  `${JSON.stringify({
    rounds: ROUNDS,
    loadAverage1Minute: loadAverage,
    method: measurementMethod(),
    medianWallSeconds: wallMedians,
    medianCpuSeconds: cpuMedians,
    overBareNodeSeconds: {
      sim: difference(wallMedians.sim, bare),
      check: difference(wallMedians.check, bare),
    },
    // Against bare Node in the same run: steadier than seconds when the machine is busy.
    timesBareNode: {
      sim: bare > 0 ? Math.round(((wallMedians.sim ?? 0) / bare) * 10) / 10 : null,
      check: bare > 0 ? Math.round(((wallMedians.check ?? 0) / bare) * 10) / 10 : null,
    },
    npxAddsSeconds: {
      sim: difference(wallMedians.npxSim, wallMedians.sim),
      check: difference(wallMedians.npxCheck, wallMedians.check),
    },
    target: { simAndCheckWallSecondsMax: 0.3 },
  })}\n`,
);
