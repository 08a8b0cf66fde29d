/**
 * The anchors: runnable builds of the tools fairlink is measured against, in `../shared/anchors`
 * (or `$FAIRLINK_ANCHORS`), each described there in README.md. This module turns each into a
 * `Side` of a side-by-side comparison: the command to run, and how to read what it found.
 *
 * - TLC on Lamport's TwoPhase spec: `tlc/run-twophase.sh RMS WORKERS` (a JVM; needs `java`).
 * - Stateright's two-phase commit and Paxos examples: `bin/stateright-2pc|paxos bfs|dfs N THREADS`.
 * - Porcupine's own tests over the Porcupine corpus: `bin/porcupine.test -test.run REGEX -test.v`
 *   in a folder laid out as `porcupine/run.sh` lays it out.
 *
 * An anchor that cannot run here is returned as `{ unavailable: why }`, never guessed at.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Counts, Side, Unavailable } from './side-by-side.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the anchors are: `$FAIRLINK_ANCHORS`, or `../shared/anchors` beside the repository. */
export function anchorsFolder(): string {
  return process.env['FAIRLINK_ANCHORS'] ?? resolve(repositoryRoot, '..', 'shared', 'anchors');
}

/** Why `files` (relative to the anchors folder) cannot run, or undefined when they all can. */
function missing(files: readonly string[]): string | undefined {
  const folder = anchorsFolder();
  if (!existsSync(folder)) return `no anchors folder at ${folder} (set FAIRLINK_ANCHORS)`;
  for (const file of files) {
    try {
      accessSync(join(folder, file), constants.X_OK);
    } catch {
      return `${join(folder, file)} is missing or not executable`;
    }
  }
  return undefined;
}

let javaAvailable: boolean | undefined;
function hasJava(): boolean {
  javaAvailable ??= spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
  return javaAvailable;
}

/** TLC on TwoPhase with `rms` resource managers (3, 5, 7 or 8) on `workers` workers. */
export function tlcTwoPhase(rms: number, workers: number): Side | Unavailable {
  const why = missing(['tlc/run-twophase.sh']);
  if (why !== undefined) return { unavailable: why };
  if (!existsSync(join(anchorsFolder(), 'tlc', `TwoPhase-${rms}.cfg`))) {
    return { unavailable: `no TLC configuration for ${rms} RMs (tlc/TwoPhase-${rms}.cfg)` };
  }
  if (!hasJava()) return { unavailable: 'java is not on PATH (TLC runs on a JVM)' };
  return {
    tool: 'TLC',
    command: {
      program: join(anchorsFolder(), 'tlc', 'run-twophase.sh'),
      args: [String(rms), String(workers)],
    },
    read: (run) => {
      if (run.exitCode !== 0)
        throw new Error(
          `exited with ${String(run.exitCode ?? run.signal)}: ${tail(run.stdout + run.stderr)}`,
        );
      return { counts: parseTlcOutput(run.stdout) };
    },
  };
}

/**
 * TLC's report: `N states generated, M distinct states found, 0 states left on queue.` and
 * `The depth of the complete state graph search is D.`; the verdict `ok` only when it says it
 * found no error.
 */
export function parseTlcOutput(text: string): Counts {
  const states = /([\d,]+) states generated, ([\d,]+) distinct states found, 0 states left on queue/.exec(
    text,
  );
  const depth = /The depth of the complete state graph search is (\d+)/.exec(text);
  if (states === null || depth === null)
    throw new Error(`no final state counts in TLC's output: ${tail(text)}`);
  if (!text.includes('Model checking completed. No error has been found.')) {
    throw new Error(`TLC did not complete without error: ${tail(text)}`);
  }
  return {
    verdict: 'ok',
    distinctStates: Number((states[2] ?? '').replaceAll(',', '')),
    generatedStates: Number((states[1] ?? '').replaceAll(',', '')),
    depth: Number(depth[1]),
  };
}

/**
 * One of Stateright's examples, with a timing `main`: `stateright-2pc` (RMS) or
 * `stateright-paxos` (CLIENTS), breadth- or depth-first, on `threads` threads.
 */
export function staterightModel(
  model: '2pc' | 'paxos',
  strategy: 'bfs' | 'dfs',
  size: number,
  threads: number,
): Side | Unavailable {
  const binary = `bin/stateright-${model}`;
  const why = missing([binary]);
  if (why !== undefined) return { unavailable: why };
  return {
    tool: 'Stateright',
    command: { program: join(anchorsFolder(), binary), args: [strategy, String(size), String(threads)] },
    read: (run) => {
      if (run.exitCode !== 0)
        throw new Error(
          `exited with ${String(run.exitCode ?? run.signal)}: ${tail(run.stdout + run.stderr)}`,
        );
      return parseStaterightLine(run.stdout);
    },
  };
}

/**
 * Stateright's line `TIMED mode=bfs n=7 threads=2 states=2744706 unique=296448 depth=23
 * secs=5.847 discoveries=[...]`: states are the generated ones, unique the distinct ones; `secs`
 * is its own search time (start-up excluded), reported beside the process's wall time.
 */
export function parseStaterightLine(text: string): { counts: Counts; figures: Record<string, number> } {
  const line = /TIMED .*?states=(\d+) unique=(\d+) depth=(\d+) secs=([\d.]+)/.exec(text);
  if (line === null) throw new Error(`no TIMED line in Stateright's output: ${tail(text)}`);
  return {
    counts: { distinctStates: Number(line[2]), generatedStates: Number(line[1]), depth: Number(line[3]) },
    figures: { searchSeconds: Number(line[4]) },
  };
}

/**
 * Lays out `corpus` (the Porcupine corpus fairlink reads) in `folder` as Porcupine's tests expect
 * it, as `porcupine/run.sh` does: `test_data/kv`, `test_data/jepsen/etcd_NNN.log`, and an empty
 * `etcd_095.log` (empty in Porcupine's own data, absent from the corpus). Done once, before any
 * run is timed: the script forks one `ln` per log, which under load takes longer than the checks.
 */
export function layOutPorcupineCorpus(corpus: string, folder: string): void {
  const jepsen = join(folder, 'test_data', 'jepsen');
  mkdirSync(jepsen, { recursive: true });
  symlinkSync(join(corpus, 'kv'), join(folder, 'test_data', 'kv'));
  for (const log of readdirSync(join(corpus, 'jepsen')))
    symlinkSync(join(corpus, 'jepsen', log), join(jepsen, log));
  if (!existsSync(join(jepsen, 'etcd_095.log'))) writeFileSync(join(jepsen, 'etcd_095.log'), '');
}

/**
 * Porcupine's own tests matching `regex`, its prebuilt Go test binary run in `folder` (laid out
 * by `layOutPorcupineCorpus`) as `porcupine/run.sh` runs it, verbose so that each test's pass or
 * failure can be counted: each of its tests reads, parses and checks one history, and fails
 * when the verdict is not the expected one.
 */
export function porcupineTests(regex: string, folder: string): Side | Unavailable {
  const why = missing(['bin/porcupine.test']);
  if (why !== undefined) return { unavailable: why };
  return {
    tool: 'Porcupine',
    command: {
      program: join(anchorsFolder(), 'bin', 'porcupine.test'),
      args: ['-test.run', regex, '-test.v'],
      cwd: folder,
    },
    read: (run) => {
      // Go's test binary exits with 1 when a test fails: a wrong verdict, counted below.
      if (run.exitCode !== 0 && run.exitCode !== 1) {
        throw new Error(
          `exited with ${String(run.exitCode ?? run.signal)}: ${tail(run.stdout + run.stderr)}`,
        );
      }
      return { counts: parseGoTestVerbose(run.stdout) };
    },
  };
}

/** `go test -v` output: one `--- PASS: Name (0.01s)` or `--- FAIL: ...` line per test. */
export function parseGoTestVerbose(text: string): Counts {
  const passed = text.match(/^--- PASS: /gm)?.length ?? 0;
  const failed = text.match(/^--- FAIL: /gm)?.length ?? 0;
  return { histories: passed + failed, asExpected: passed };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(-400);
}
