/**
 * Model-checker benchmark: two-phase commit (Lamport's TwoPhase) with 3, 7 and 8 resource
 * managers (288, 296,448 and 1,745,408 distinct states), on 1 and 2 workers, side by side with
 * TLC on the same spec and with Stateright's two-phase commit (`bench/anchors/`): in the same
 * run, alternated, every side a whole process (start-up included), medians of both and the ratio
 * of the medians. A comparison whose state counts disagree is an error, not a ratio; an anchor
 * that cannot run here (no `java`, no anchors folder) is reported as unavailable, with no ratio.
 * Single-decree Paxos (`examples/paxos.ts`, 2 and 3 clients) runs the same way beside
 * Stateright's `examples/paxos.rs` (`stateright-paxos bfs CLIENTS THREADS`), the same state space.
 * Also a naive checker (structuredClone + JSON-string dedup) beside fairlink, in-process, and an
 * actor system (the perfect link with 3 messages) as `fairlink check` runs it.
 *
 * Run: `npx tsx bench/check.ts [repetitions]` (default 3, or $BENCH_REPETITIONS; $BENCH_ONLY, a
 * regular expression, keeps the entries whose name matches), after
 * `npm run build`: fairlink's side is the built CLI, as a user runs it:
 * `node bin/fairlink.js check examples/two-phase-commit.ts --param rms=N --workers W --json`.
 * Prints ONE JSON object on stdout; progress goes to stderr.
 *
 * What is measured (`anchors/measure.ts`): `seconds` is the wall time of the whole process,
 * spawn to exit; `cpuSeconds` the user + system time of its process tree; `peakRssMiB` the peak
 * resident set size of its largest process (for TLC, the JVM, with the JVM's default heap
 * sizing). `figures.searchSeconds` is each tool's own report of its search time, start-up
 * excluded (fairlink's `elapsedMs`, Stateright's `secs`), for information: no ratio uses it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { twoPhaseCommit, type TwoPhaseState } from '../examples/two-phase-commit.js';
// The shipped build: what `fairlink check` runs (its workers then start without tsx).
import { check, checkInWorkers } from '../dist/check/index.js';
import { measurementMethod } from './anchors/measure.js';
import {
  compareSideBySide,
  median,
  round,
  type Comparison,
  type Counts,
  type Side,
} from './anchors/side-by-side.js';
import { anchorsFolder, staterightModel, tlcTwoPhase } from './anchors/tools.js';

/** Published counts (state-counts.md): a measurement of a different state space is refused. */
const EXPECTED_STATES: Readonly<Record<number, number>> = { 3: 288, 7: 296_448, 8: 1_745_408 };

const cli = fileURLToPath(new URL('../bin/fairlink.js', import.meta.url));
const example = fileURLToPath(new URL('../examples/two-phase-commit.ts', import.meta.url));
const paxos = fileURLToPath(new URL('../examples/paxos.ts', import.meta.url));
const exampleModule = new URL('../examples/two-phase-commit.ts', import.meta.url);

/** fairlink's side: the built CLI on the TwoPhase scenario (no symmetry, as TLC's spec has none). */
function fairlinkCli(rms: number, workers: number): Side {
  return fairlinkCheck(example, `rms=${rms}`, workers);
}

/** fairlink's side: `fairlink check FILE --param PARAM --workers W --json`, as a user runs it. */
function fairlinkCheck(file: string, param: string, workers: number): Side {
  return {
    tool: 'fairlink',
    command: {
      program: process.execPath,
      args: [cli, 'check', file, '--param', param, '--workers', String(workers), '--json'],
    },
    read: (run) => {
      if (run.exitCode !== 0)
        throw new Error(`exited with ${String(run.exitCode ?? run.signal)}: ${run.stderr.slice(-400)}`);
      const report = JSON.parse(run.stdout) as {
        verdict: string;
        complete: boolean;
        distinctStates: number;
        generatedStates: number;
        depth: number;
        elapsedMs: number;
      };
      if (!report.complete) throw new Error('the search did not complete');
      return {
        counts: {
          verdict: report.verdict,
          distinctStates: report.distinctStates,
          generatedStates: report.generatedStates,
          depth: report.depth,
        },
        figures: { searchSeconds: report.elapsedMs / 1000 },
      };
    },
  };
}

/** In-process measurement of one checker on TwoPhase, run in a child of this very file. */
type Configuration =
  | { readonly kind: 'fairlink'; readonly rms: number; readonly workers: number }
  | { readonly kind: 'naive'; readonly rms: number };

interface Measurement {
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly visitedBytes: number;
}

/** A side that runs `configuration` in a child of this file (with tsx, as this file runs). */
function childSide(tool: string, configuration: Configuration): Side {
  return {
    tool,
    command: {
      program: process.execPath,
      args: [...process.execArgv, fileURLToPath(import.meta.url), '--child', JSON.stringify(configuration)],
    },
    read: (run) => {
      if (run.exitCode !== 0)
        throw new Error(`exited with ${String(run.exitCode ?? run.signal)}: ${run.stderr.slice(-400)}`);
      const measurement = JSON.parse(run.stdout) as Measurement;
      const figures: Record<string, number> = {
        searchSeconds: measurement.seconds,
        searchCpuSeconds: measurement.cpuSeconds,
      };
      if (measurement.visitedBytes > 0) {
        figures['visitedBytesPerState'] = measurement.visitedBytes / measurement.distinctStates;
      }
      const counts: Counts = {
        distinctStates: measurement.distinctStates,
        generatedStates: measurement.generatedStates,
      };
      return { counts, figures };
    },
  };
}

/** One measurement, in this process (the child side): the search alone, start-up excluded. */
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
    ({ distinctStates, generatedStates, visitedBytes } = result);
  }
  const expected = EXPECTED_STATES[configuration.rms];
  if (expected !== undefined && distinctStates !== expected) {
    throw new Error(
      `bench: ${distinctStates} distinct states for ${configuration.rms} RMs, expected ${expected}`,
    );
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    distinctStates,
    generatedStates,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
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

/**
 * An actor system, as `fairlink check` runs it from this repository: the perfect link over
 * retransmission with 3 messages each way (20,736 states, with the fair liveness check). The
 * handlers, the network and the liveness graph cost more per state than a plain model. No tool
 * beside it: fairlink's own figure.
 */
function actorSystemEntry(repetitions: number): Record<string, number | string> {
  const perfectLink = fileURLToPath(new URL('../examples/perfect-link.ts', import.meta.url));
  const reports = Array.from({ length: repetitions }, () => {
    const output = execFileSync(
      process.execPath,
      [cli, 'check', perfectLink, '--param', 'messages=3', '--json'],
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
    name: 'perfect link, 3 messages each way (actor system, fairlink alone)',
    distinctStates: first.distinctStates,
    runs: reports.length,
    searchSeconds: round(seconds, 3),
    statesPerSecond: Math.round(first.distinctStates / seconds),
    searchSecondsAll: reports.map((report) => round(report.elapsedMs / 1000, 3)).join(' '),
  };
}

/** The side-by-side comparisons, cheapest first. */
function comparisons(repetitions: number): Comparison[] {
  const twoPhase = (rms: number, workers: number): Comparison => ({
    name: `TwoPhase ${rms} RMs, ${workers} worker${workers === 1 ? '' : 's'}: fairlink check against TLC`,
    repetitions,
    fairlink: fairlinkCli(rms, workers),
    anchor: tlcTwoPhase(rms, workers),
  });
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const paxosAgainstStateright = (clients: number, workers: number): Comparison => ({
    name: `Paxos ${plural(clients, 'client')}, ${plural(workers, 'thread')}, breadth-first: fairlink check against Stateright`,
    repetitions,
    fairlink: fairlinkCheck(paxos, `clients=${clients}`, workers),
    anchor: staterightModel('paxos', 'bfs', clients, workers),
  });
  return [
    // 288 states: start-up (Node and the scenario's bundling against the JVM and TLA+ parsing).
    twoPhase(3, 1),
    twoPhase(7, 1),
    twoPhase(7, 2),
    {
      name: 'TwoPhase 7 RMs, 2 threads, breadth-first: fairlink check against Stateright',
      repetitions,
      fairlink: fairlinkCli(7, 2),
      anchor: staterightModel('2pc', 'bfs', 7, 2),
    },
    twoPhase(8, 1),
    twoPhase(8, 2),
    // Stateright's single-decree Paxos (its examples/paxos.rs) as a fairlink actor system, the
    // same state space (1,194,428 distinct states with 3 clients): the speed target.
    paxosAgainstStateright(2, 1),
    paxosAgainstStateright(3, 2),
    // 6 RMs (about 50,000 states): with 7, the naive checker's three runs took 5 minutes of a busy
    // machine for a figure that is only there for scale.
    {
      name: 'TwoPhase 6 RMs, 1 thread, in-process search: fairlink against a naive checker',
      repetitions,
      fairlink: childSide('fairlink', { kind: 'fairlink', rms: 6, workers: 1 }),
      anchor: childSide('naive checker', { kind: 'naive', rms: 6 }),
    },
  ];
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const configuration = JSON.parse(process.argv[childAt + 1] ?? '{}') as Configuration;
    process.stdout.write(JSON.stringify(await measure(configuration)));
    return;
  }
  if (!existsSync(cli) || !existsSync(fileURLToPath(new URL('../dist/bundle/cli.js', import.meta.url)))) {
    throw new Error('bench: dist/ is missing: run `npm run build` first');
  }
  const repetitions = Number(process.argv[2] ?? process.env['BENCH_REPETITIONS'] ?? 3);
  const started = performance.now();
  const loadAverageBefore = round(loadavg()[0] ?? 0, 2);
  const entries: Record<string, unknown>[] = [];
  // $BENCH_ONLY (a regular expression) keeps the entries whose name matches, to run a few.
  const only = new RegExp(process.env['BENCH_ONLY'] ?? '');
  for (const comparison of comparisons(repetitions).filter((c) => only.test(c.name))) {
    entries.push({ ...(await compareSideBySide(comparison)) });
  }
  if (only.test('perfect link')) entries.push(actorSystemEntry(repetitions));
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'check',
        node: process.version,
        cpus: cpus().length,
        repetitions,
        order: 'each comparison alternates fairlink and its anchor: fairlink, anchor, fairlink, anchor, ...',
        measurement: measurementMethod(),
        anchors: anchorsFolder(),
        loadAverage1Minute: { before: loadAverageBefore, after: round(loadavg()[0] ?? 0, 2) },
        benchmarkSeconds: round((performance.now() - started) / 1000, 1),
        errors: entries.filter((entry) => 'error' in entry).map((entry) => entry['name']),
        entries,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
