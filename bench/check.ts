/**
 * Model-checker benchmark: two-phase commit (Lamport's TwoPhase) with 7 and 8 resource managers
 * (296,448 and 1,745,408 distinct states), on 1 and 2 workers, against TLC's published figures
 * for the same model, plus a naive checker (structuredClone + JSON-string dedup) for context,
 * and an actor system (the perfect link with 3 messages) as `fairlink check` runs it.
 *
 * Run: `npx tsx bench/check.ts [repetitions]` (default 3). Each measurement runs in a fresh
 * child process, so that peak memory belongs to that run alone; figures are medians.
 * Prints ONE JSON object on stdout.
 *
 * What is measured, honestly:
 * - `seconds`: wall-clock time of the search (model loading and worker start-up included for
 *   the parallel runs, process start-up excluded), median; `secondsMin` the best run: on a
 *   machine shared with other work the spread is wide, and the best run is the closest to an
 *   idle machine (the load average before and after is printed);
 * - `cpuSeconds`: CPU time of the whole process (all threads, garbage collector included): on a
 *   shared machine the wall clock also measures the neighbours, `cpuSeconds` does not;
 * - `statesPerSecond`: distinct states per wall-clock second;
 * - `bytesPerState`: peak resident set size of the child process over distinct states: the
 *   whole process (Node itself, about 50 MB, included), not only the visited set;
 * - `visitedBytesPerState`: bytes of the visited set's typed arrays per distinct state.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { twoPhaseCommit, type TwoPhaseState } from '../examples/two-phase-commit.js';
// The shipped build: what `fairlink check` runs (its workers then start without tsx).
import { check, checkInWorkers } from '../dist/check/index.js';

/** TLC's figures for this model, as given with the issue (same machine class). */
/** Published counts (state-counts.md): a measurement of a different state space is refused. */
const EXPECTED_STATES: Readonly<Record<number, number>> = { 7: 296_448, 8: 1_745_408 };

const TLC = {
  rms7Seconds: 10,
  rms8Seconds2Workers: 30,
  rms8Seconds1Worker: 49.5,
  peakMemoryBytes: 2.4e9,
};

interface Measurement {
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  readonly visitedBytes: number;
}

type Configuration =
  | { readonly kind: 'fairlink'; readonly rms: number; readonly workers: number }
  | { readonly kind: 'naive'; readonly rms: number };

const exampleModule = new URL('../examples/two-phase-commit.ts', import.meta.url);

/** One measurement, in this process (the child side). */
async function measure(configuration: Configuration): Promise<Measurement> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let distinctStates: number;
  let generatedStates: number;
  let visitedBytes = 0;
  if (configuration.kind === 'naive') {
    ({ distinctStates, generatedStates } = naiveCheck(configuration.rms));
  } else {
    const params = { rms: configuration.rms };
    const result =
      configuration.workers === 1
        ? check(twoPhaseCommit(params))
        : await checkInWorkers(
            // The plain builder (no symmetry), as on one worker: the same state space.
            { module: exampleModule, export: 'twoPhaseCommit', params },
            { workers: configuration.workers },
          );
    if (result.verdict !== 'ok') throw new Error(`bench: unexpected verdict ${result.verdict}`);
    const expected = EXPECTED_STATES[configuration.rms];
    if (expected !== undefined && result.distinctStates !== expected) {
      throw new Error(
        `bench: ${result.distinctStates} distinct states for ${configuration.rms} RMs, expected ${expected}`,
      );
    }
    ({ distinctStates, generatedStates, visitedBytes } = result);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    distinctStates,
    generatedStates,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // maxRSS covers the whole process, worker threads included (kilobytes).
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    visitedBytes,
  };
}

/**
 * The naive checker: successors by `structuredClone` and mutation, visited states as JSON
 * strings (with Sets as sorted arrays) in a `Set`. What one writes first; here for scale.
 */
function naiveCheck(rms: number): { distinctStates: number; generatedStates: number } {
  const model = twoPhaseCommit({ rms });
  const key = (state: TwoPhaseState): string =>
    JSON.stringify(state, (_, value: unknown) =>
      value instanceof Set ? [...(value as Set<string>)].sort() : value,
    );
  const naiveNext = (state: TwoPhaseState, action: Parameters<typeof model.next>[1]): TwoPhaseState => {
    const copy = structuredClone(state) as {
      rmState: Record<string, string>;
      tmState: string;
      tmPrepared: Set<string>;
      msgs: { prepared: Set<string>; commit: boolean; abort: boolean };
    };
    switch (action.type) {
      case 'TMRcvPrepared':
        copy.tmPrepared.add(action.rm);
        break;
      case 'TMCommit':
        copy.tmState = 'committed';
        copy.msgs.commit = true;
        break;
      case 'TMAbort':
        copy.tmState = 'aborted';
        copy.msgs.abort = true;
        break;
      case 'RMPrepare':
        copy.rmState[action.rm] = 'prepared';
        copy.msgs.prepared.add(action.rm);
        break;
      case 'RMChooseToAbort':
      case 'RMRcvAbortMsg':
        copy.rmState[action.rm] = 'aborted';
        break;
      case 'RMRcvCommitMsg':
      case 'RMCommitAlone':
        copy.rmState[action.rm] = 'committed';
        break;
    }
    return copy as unknown as TwoPhaseState;
  };
  const seen = new Set<string>();
  let frontier = [...model.init()];
  let generatedStates = frontier.length;
  for (const state of frontier) seen.add(key(state));
  const listed: Parameters<typeof model.next>[1][] = [];
  while (frontier.length > 0) {
    const next: TwoPhaseState[] = [];
    for (const state of frontier) {
      listed.length = 0;
      model.actions(state, listed);
      for (const action of listed) {
        const after = naiveNext(state, action);
        generatedStates++;
        const k = key(after);
        if (seen.has(k)) continue;
        seen.add(k);
        next.push(after);
      }
    }
    frontier = next;
  }
  return { distinctStates: seen.size, generatedStates };
}

/** Runs one measurement in a fresh child process and parses its report. */
function inChild(configuration: Configuration): Measurement {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', JSON.stringify(configuration)],
    { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output) as Measurement;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function summarize(name: string, runs: readonly Measurement[]): Record<string, number | string> {
  const first = runs[0];
  if (first === undefined) throw new Error('bench: no runs');
  const seconds = median(runs.map((r) => r.seconds));
  const peakRssBytes = median(runs.map((r) => r.peakRssBytes));
  return {
    name,
    distinctStates: first.distinctStates,
    generatedStates: first.generatedStates,
    runs: runs.length,
    seconds: round(seconds),
    cpuSeconds: round(median(runs.map((r) => r.cpuSeconds))),
    statesPerSecond: Math.round(first.distinctStates / seconds),
    peakRssBytes,
    bytesPerState: Math.round(peakRssBytes / first.distinctStates),
    visitedBytesPerState: round(first.visitedBytes / first.distinctStates),
    secondsMin: round(Math.min(...runs.map((r) => r.seconds))),
    secondsAll: runs.map((r) => round(r.seconds)).join(' '),
  };
}

/**
 * An actor system, as `fairlink check` runs it from this repository: the perfect link over
 * retransmission with 3 messages each way (20,736 states, with the fair liveness check). The
 * handlers, the network and the liveness graph cost more per state than a plain model.
 */
function actorSystemEntry(repetitions: number): Record<string, number | string> {
  const cli = fileURLToPath(new URL('../bin/fairlink.js', import.meta.url));
  const example = fileURLToPath(new URL('../examples/perfect-link.ts', import.meta.url));
  const reports = Array.from({ length: repetitions }, () => {
    const output = execFileSync(
      process.execPath,
      [cli, 'check', example, '--param', 'messages=3', '--json'],
      { encoding: 'utf8', maxBuffer: 1 << 22, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(output) as { verdict: string; distinctStates: number; elapsedMs: number };
  });
  const first = reports[0];
  if (
    first === undefined ||
    reports.some((report) => report.verdict !== 'ok' || report.distinctStates !== 20_736)
  ) {
    throw new Error('bench: the perfect link with 3 messages must pass with 20,736 states');
  }
  const seconds = median(reports.map((report) => report.elapsedMs / 1000));
  return {
    name: 'perfect-link-3msgs-cli',
    distinctStates: first.distinctStates,
    runs: reports.length,
    seconds: round(seconds),
    statesPerSecond: Math.round(first.distinctStates / seconds),
    secondsAll: reports.map((report) => round(report.elapsedMs / 1000)).join(' '),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const configuration = JSON.parse(process.argv[childAt + 1] ?? '{}') as Configuration;
    process.stdout.write(JSON.stringify(await measure(configuration)));
    return;
  }
  const repetitions = Number(process.argv[2] ?? 3);
  const loadAverageBefore = loadavg()[0] ?? 0;
  const runs = (configuration: Configuration): Measurement[] =>
    Array.from({ length: repetitions }, () => inChild(configuration));

  const rms7Workers1 = summarize('2pc-7rms-1worker', runs({ kind: 'fairlink', rms: 7, workers: 1 }));
  const rms7Workers2 = summarize('2pc-7rms-2workers', runs({ kind: 'fairlink', rms: 7, workers: 2 }));
  const rms8Workers1 = summarize('2pc-8rms-1worker', runs({ kind: 'fairlink', rms: 8, workers: 1 }));
  const rms8Workers2 = summarize('2pc-8rms-2workers', runs({ kind: 'fairlink', rms: 8, workers: 2 }));
  const naive7 = summarize('naive-2pc-7rms-1worker', runs({ kind: 'naive', rms: 7 }));
  const actors = actorSystemEntry(repetitions);

  const seconds = (entry: Record<string, number | string>): number => Number(entry['seconds']);
  // On one worker, CPU time is what the wall clock would show on an idle machine.
  const cpuSeconds = (entry: Record<string, number | string>): number => Number(entry['cpuSeconds']);
  const entries = [
    {
      ...rms7Workers1,
      ratio: round(TLC.rms7Seconds / seconds(rms7Workers1)),
      ratioOf: 'TLC 7 RMs seconds / seconds',
      ratioCpu: round(TLC.rms7Seconds / cpuSeconds(rms7Workers1)),
      ratioCpuOf: 'TLC 7 RMs seconds / cpuSeconds',
    },
    {
      ...rms7Workers2,
      ratio: round(TLC.rms7Seconds / seconds(rms7Workers2)),
      ratioOf: 'TLC 7 RMs seconds / seconds',
    },
    {
      ...rms8Workers1,
      ratio: round(TLC.rms8Seconds1Worker / seconds(rms8Workers1)),
      ratioOf: 'TLC 8 RMs 1 worker seconds / seconds',
      ratioCpu: round(TLC.rms8Seconds1Worker / cpuSeconds(rms8Workers1)),
      ratioCpuOf: 'TLC 8 RMs 1 worker seconds / cpuSeconds',
      memoryRatio: round(Number(rms8Workers1['peakRssBytes']) / TLC.peakMemoryBytes),
      memoryRatioOf: 'peak RSS / TLC peak memory',
    },
    {
      ...rms8Workers2,
      ratio: round(TLC.rms8Seconds2Workers / seconds(rms8Workers2)),
      ratioOf: 'TLC 8 RMs 2 workers seconds / seconds',
      ratioBest: round(TLC.rms8Seconds2Workers / Number(rms8Workers2['secondsMin'])),
      ratioBestOf: 'TLC 8 RMs 2 workers seconds / secondsMin',
      memoryRatio: round(Number(rms8Workers2['peakRssBytes']) / TLC.peakMemoryBytes),
      memoryRatioOf: 'peak RSS / TLC peak memory',
    },
    {
      ...naive7,
      ratio: round(seconds(naive7) / seconds(rms7Workers1)),
      ratioOf: 'naive seconds / fairlink 1 worker seconds',
    },
    actors,
  ];
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'check',
        node: process.version,
        cpus: cpus().length,
        loadAverageBefore: round(loadAverageBefore),
        loadAverageAfter: round(loadavg()[0] ?? 0),
        tlc: TLC,
        entries,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
