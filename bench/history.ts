/**
 * Benchmark of the history checkers on the Porcupine corpus, in two parts.
 *
 * 1. Side by side with Porcupine (`bench/anchors/`), in the same run, alternated (fairlink,
 *    Porcupine, fairlink, ...), each side a whole process measured from outside, start-up
 *    included for both: Porcupine's own Go test binary running the tests of one set of
 *    histories (`porcupine.test -test.run REGEX -test.v` in a folder laid out once beforehand as
 *    `porcupine/run.sh` lays it out: each test reads, parses and checks one file and fails on an
 *    unexpected verdict), against one Node process judging the same files with
 *    the built library (`anchors/history-child.ts`: read, parse, pair, check). Medians of both
 *    and the ratio of the medians; the counts compared are the histories judged and those judged
 *    as the corpus expects. A first entry with no history measures the two start-ups alone.
 * 2. fairlink alone, in this process, warm (parse + pair + check, the median of several
 *    repetitions after one warm-up): every file, partitioned and not, and on two threads. No
 *    ratio: nothing else ran beside it.
 *
 *   npx tsx bench/history.ts      # after npm run build; FAIRLINK_CORPUS=... BENCH_REPETITIONS=5
 *                                 # BENCH_SIDE_BY_SIDE_REPETITIONS=3 BENCH_HARD_TIMEOUT_S=10
 *                                 # BENCH_ONLY=regex (entries of part 1 whose name matches)
 *
 * Prints ONE JSON object.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import {
  casRegisterModel,
  checkLinearizability,
  checkLinearizabilityParallel,
  keyValueModel,
  pairOperations,
  parseHistory,
  type LinearizabilityResult,
} from '../src/history/index.js';
import type { HistoryChildInput, HistoryChildOutput } from './anchors/history-child.js';
import { measurementMethod } from './anchors/measure.js';
import {
  compareSideBySide,
  median,
  round,
  type Comparison,
  type ComparisonEntry,
  type Side,
} from './anchors/side-by-side.js';
import { anchorsFolder, layOutPorcupineCorpus, porcupineTests } from './anchors/tools.js';

interface ManifestEntry {
  readonly path: string;
  readonly format: string;
  readonly linearizable: boolean;
}

interface BenchEntry {
  readonly name: string;
  readonly expected: string;
  readonly verdict: string;
  readonly fairlinkMs: number;
  readonly cpuMs: number;
  readonly repetitions: number;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(process.env['FAIRLINK_CORPUS'] ?? resolve(root, '..', 'shared', 'corpus'), 'porcupine');
const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 5);
const sideBySideRepetitions = Number(process.env['BENCH_SIDE_BY_SIDE_REPETITIONS'] ?? 3);
const hardTimeoutMs = Number(process.env['BENCH_HARD_TIMEOUT_S'] ?? 10) * 1000;

const manifest = (
  JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }
).files;
const texts = new Map(manifest.map((entry) => [entry.path, readFileSync(join(corpus, entry.path), 'utf8')]));
const expectedOf = (entry: ManifestEntry): string =>
  entry.linearizable ? 'linearizable' : 'not-linearizable';
const benchStarted = performance.now();
const loadAverageBefore = round(loadavg()[0] ?? 0, 2);

// Part 1: side by side with Porcupine.

/** A set of corpus files, as each side runs it. */
interface HistorySet {
  readonly name: string;
  /** Porcupine's tests of these files (Go test regex). */
  readonly porcupineTests: string;
  readonly files: readonly ManifestEntry[];
  readonly partition: boolean;
}

const fileOf = (path: string): ManifestEntry => {
  const entry = manifest.find((e) => e.path === path);
  if (entry === undefined) throw new Error(`bench: ${path} is not in the corpus's manifest`);
  return entry;
};

const historySets: readonly HistorySet[] = [
  // Nothing to judge: each side's start-up alone (Node and the library against a Go binary).
  { name: 'start-up, no history', porcupineTests: '^$', files: [], partition: true },
  {
    name: 'etcd, all 102 logs',
    porcupineTests: '^TestEtcdJepsen',
    files: manifest.filter((entry) => entry.path.startsWith('jepsen/')),
    partition: true,
  },
  {
    name: 'kv c50-ok partitioned',
    porcupineTests: '^TestKv50ClientsOk$',
    files: [fileOf('kv/c50-ok.txt')],
    partition: true,
  },
  {
    name: 'kv c50-bad partitioned',
    porcupineTests: '^TestKv50ClientsBad$',
    files: [fileOf('kv/c50-bad.txt')],
    partition: true,
  },
  {
    name: 'kv c10-ok unpartitioned',
    porcupineTests: '^TestKvNoPartition10ClientsOk$',
    files: [fileOf('kv/c10-ok.txt')],
    partition: false,
  },
  {
    name: 'kv c10-bad unpartitioned',
    porcupineTests: '^TestKvNoPartition10ClientsBad$',
    files: [fileOf('kv/c10-bad.txt')],
    partition: false,
  },
];

/**
 * fairlink's side: `anchors/history-child.ts`, transpiled once into a temporary folder, on
 * plain Node with the built library. Verdicts are compared with the manifest's.
 */
function fairlinkHistories(set: HistorySet, childScript: string, folder: string): Side {
  const input: HistoryChildInput = {
    library: pathToFileURL(join(root, 'dist', 'history', 'index.js')).href,
    histories: set.files.map((entry) => ({
      file: join(corpus, entry.path),
      format: entry.format === 'jepsen-etcd-log' ? 'jepsen-etcd' : 'jepsen-kv-edn',
      partition: set.partition,
      // A generous budget: an `unknown` verdict counts as unexpected, it does not hang the bench.
      timeoutMs: 6 * hardTimeoutMs,
    })),
  };
  // The list goes in a file: 102 paths on the command line would drown the report.
  const inputFile = join(folder, `${set.name.replace(/[^a-z0-9]+/gi, '-')}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  return {
    tool: 'fairlink',
    command: { program: process.execPath, args: [childScript, inputFile] },
    read: (run) => {
      if (run.exitCode !== 0)
        throw new Error(`exited with ${String(run.exitCode ?? run.signal)}: ${run.stderr.slice(-400)}`);
      const output = JSON.parse(run.stdout) as HistoryChildOutput;
      const asExpected = output.verdicts.filter((verdict, i) => {
        const entry = set.files[i];
        return entry !== undefined && verdict === expectedOf(entry);
      }).length;
      return {
        counts: { histories: output.verdicts.length, asExpected },
        figures: { checkSeconds: output.checkSeconds, uptimeSeconds: output.uptimeSeconds },
      };
    },
  };
}

async function sideBySide(): Promise<ComparisonEntry[]> {
  if (!existsSync(join(root, 'dist', 'history', 'index.js'))) {
    throw new Error('bench: dist/ is missing: run `npm run build` first');
  }
  const folder = mkdtempSync(join(tmpdir(), 'fairlink-history-bench-'));
  try {
    const childScript = join(folder, 'history-child.mjs');
    const source = readFileSync(join(root, 'bench', 'anchors', 'history-child.ts'), 'utf8');
    writeFileSync(childScript, transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' }).code);
    const porcupineFolder = join(folder, 'porcupine');
    layOutPorcupineCorpus(corpus, porcupineFolder);
    const only = new RegExp(process.env['BENCH_ONLY'] ?? '');
    const entries: ComparisonEntry[] = [];
    for (const set of historySets.filter((s) => only.test(s.name))) {
      const comparison: Comparison = {
        name: set.name,
        repetitions: sideBySideRepetitions,
        fairlink: fairlinkHistories(set, childScript, folder),
        anchor: porcupineTests(set.porcupineTests, porcupineFolder),
      };
      entries.push(await compareSideBySide(comparison));
    }
    return entries;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const sideBySideEntries = await sideBySide();

// Part 2: fairlink alone, warm, in this process.

function checkOne(entry: ManifestEntry, partition: boolean, timeoutMs?: number): LinearizabilityResult {
  const etcd = entry.format === 'jepsen-etcd-log';
  const history = parseHistory(
    texts.get(entry.path) ?? '',
    etcd ? 'jepsen-etcd' : 'jepsen-kv-edn',
    entry.path,
  );
  const { operations } = pairOperations(history);
  return checkLinearizability(operations, etcd ? casRegisterModel() : keyValueModel(), {
    partition,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

let heapPeakBytes = 0;
const sampleHeap = (): void => {
  heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
};

/** Times `run` (one warm-up, then `times` measured runs): medians of wall and CPU time, and the last verdict. */
async function measure(
  run: () => string | Promise<string>,
  times: number,
): Promise<{ ms: number; cpuMs: number; verdict: string }> {
  let verdict = await run();
  sampleHeap();
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    verdict = await run();
    samples.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStarted);
    cpuSamples.push((cpu.user + cpu.system) / 1000);
    sampleHeap();
  }
  return { ms: median(samples), cpuMs: median(cpuSamples), verdict };
}

function entryOf(
  name: string,
  expected: string,
  result: { ms: number; cpuMs: number; verdict: string },
  times: number,
): BenchEntry {
  return {
    name,
    expected,
    verdict: result.verdict,
    fairlinkMs: round(result.ms, 2),
    cpuMs: round(result.cpuMs, 2),
    repetitions: times,
  };
}

const entries: BenchEntry[] = [];
const etcd = manifest.filter((entry) => entry.path.startsWith('jepsen/'));
const allEtcd = await measure(() => {
  const wrong = etcd.filter((entry) => checkOne(entry, true).verdict !== expectedOf(entry)).length;
  return wrong === 0 ? 'all expected' : `${wrong} unexpected`;
}, repetitions);
entries.push(entryOf('etcd (all 102 logs)', 'all expected', allEtcd, repetitions));
for (const entry of etcd) {
  entries.push(
    entryOf(
      entry.path,
      expectedOf(entry),
      await measure(() => checkOne(entry, true).verdict, repetitions),
      repetitions,
    ),
  );
}
for (const entry of manifest.filter((e) => e.path.startsWith('kv/'))) {
  const base = entry.path.replace(/\.txt$/, '');
  entries.push(
    entryOf(
      `${base} partitioned`,
      expectedOf(entry),
      await measure(() => checkOne(entry, true).verdict, repetitions),
      repetitions,
    ),
  );
  // Without partitioning: the whole map as one object, within the budget.
  entries.push(
    entryOf(
      `${base} unpartitioned`,
      expectedOf(entry),
      await measure(() => checkOne(entry, false, hardTimeoutMs).verdict, repetitions),
      repetitions,
    ),
  );
}
// Partitions on two worker threads (startup included), for comparison with the single-thread runs.
for (const path of ['kv/c50-ok.txt', 'kv/c50-bad.txt']) {
  const entry = manifest.find((e) => e.path === path);
  if (entry === undefined) continue;
  const run = async (): Promise<string> => {
    const { operations } = pairOperations(parseHistory(texts.get(path) ?? '', 'jepsen-kv-edn', path));
    return (
      await checkLinearizabilityParallel(
        operations,
        { name: 'kv' },
        { threads: 2, minOperationsForThreads: 0 },
      )
    ).verdict;
  };
  entries.push(
    entryOf(
      `${path.replace(/\.txt$/, '')} partitioned, 2 threads`,
      expectedOf(entry),
      await measure(run, repetitions),
      repetitions,
    ),
  );
}

const usage = process.resourceUsage();
const unexpectedVerdicts = entries.filter((e) => e.verdict !== e.expected).map((e) => e.name);
console.log(
  JSON.stringify(
    {
      benchmark: 'history: linearizability on the Porcupine corpus',
      node: process.version,
      loadAverage1Minute: { before: loadAverageBefore, after: round(loadavg()[0] ?? 0, 2) },
      benchmarkSeconds: round((performance.now() - benchStarted) / 1000, 1),
      errors: [
        ...sideBySideEntries.filter((entry) => entry.error !== undefined).map((entry) => entry.name),
        ...unexpectedVerdicts,
      ],
      sideBySide: {
        against: 'Porcupine (Go), its own tests over the same files',
        measurement: `${measurementMethod()}; both sides whole processes, start-up included`,
        order: 'alternated: fairlink, Porcupine, fairlink, Porcupine, ...',
        anchors: anchorsFolder(),
        repetitions: sideBySideRepetitions,
        entries: sideBySideEntries,
      },
      fairlinkAlone: {
        measurement:
          'in this process, warm: median of the repetitions after one warm-up; cpuMs: CPU time of the process over the same runs',
        repetitions,
        unexpectedVerdicts,
        entries,
        peakMemory: {
          maxRssMiB: Math.round(usage.maxRSS / 1024),
          heapUsedPeakMiB: Math.round(heapPeakBytes / 2 ** 20),
        },
      },
    },
    null,
    1,
  ),
);
