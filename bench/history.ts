/**
 * Benchmark of the history checkers on the Porcupine corpus, against Porcupine's own timings
 * (shared/corpus/porcupine/README.md, Go, same 2-core machine). Each measurement is parse + pair
 * + check, the median of several repetitions after one warm-up; a ratio below 1 means fairlink
 * is faster. `cpuMs` is the median CPU time of the process over the same runs (all threads, the
 * garbage collector's included): on a busy machine it is steadier than wall time. Every kv file
 * is checked twice, partitioned by key and as one map; an `unknown` verdict (the budget ran out)
 * counts as unexpected. Prints ONE JSON object.
 *
 *   npx tsx bench/history.ts            # FAIRLINK_CORPUS=... BENCH_REPETITIONS=5 BENCH_HARD_TIMEOUT_S=10
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  casRegisterModel,
  checkLinearizability,
  checkLinearizabilityParallel,
  keyValueModel,
  pairOperations,
  parseHistory,
  type LinearizabilityResult,
} from '../src/history/index.js';

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
  readonly porcupineMs: number | null;
  readonly ratio: number | null;
  readonly repetitions: number;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(process.env['FAIRLINK_CORPUS'] ?? resolve(root, '..', 'shared', 'corpus'), 'porcupine');
const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 5);
const hardTimeoutMs = Number(process.env['BENCH_HARD_TIMEOUT_S'] ?? 10) * 1000;

/** Porcupine's times in milliseconds, from the corpus README. */
const porcupine: Record<string, number> = {
  'etcd (all 102 logs)': 800,
  'kv/c50-ok partitioned': 350,
  'kv/c50-bad partitioned': 50,
  'kv/c10-ok unpartitioned': 4800,
  'kv/c10-bad unpartitioned': 3700,
};

const manifest = (
  JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }
).files;
const texts = new Map(manifest.map((entry) => [entry.path, readFileSync(join(corpus, entry.path), 'utf8')]));
const expectedOf = (entry: ManifestEntry): string =>
  entry.linearizable ? 'linearizable' : 'not-linearizable';

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

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
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
  const reference = porcupine[name];
  return {
    name,
    expected,
    verdict: result.verdict,
    fairlinkMs: Math.round(result.ms * 100) / 100,
    cpuMs: Math.round(result.cpuMs * 100) / 100,
    porcupineMs: reference ?? null,
    ratio: reference === undefined ? null : Math.round((result.ms / reference) * 1000) / 1000,
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
console.log(
  JSON.stringify(
    {
      benchmark: 'history: linearizability on the Porcupine corpus',
      node: process.version,
      repetitions,
      unexpectedVerdicts: entries.filter((e) => e.verdict !== e.expected).map((e) => e.name),
      entries,
      peakMemory: {
        maxRssMiB: Math.round(usage.maxRSS / 1024),
        heapUsedPeakMiB: Math.round(heapPeakBytes / 2 ** 20),
      },
    },
    null,
    1,
  ),
);
