/**
 * `fairlink maelstrom`: Jepsen Maelstrom's workbench, and fairlink protocols as Maelstrom nodes.
 *
 * - `fairlink maelstrom test -w WORKLOAD --bin PATH [ARGS...]` runs PATH as
 *   every node of a cluster, with Maelstrom's options, and writes a results
 *   folder (docs/maelstrom.md).
 * - `fairlink maelstrom node MODULE` runs a fairlink protocol as one Maelstrom
 *   node over stdin/stdout (for this workbench or the real Maelstrom).
 *
 * Exit codes of `test` follow Maelstrom for verdicts: 0 valid, 1 invalid, 2
 * unknown. Bad usage keeps fairlink's rule (one line on stderr, `fairlink: …`,
 * exit 2, no results folder), so a 2 with a results folder and a verdict on
 * stdout is an unknown verdict, and a 2 with neither is bad usage;
 * `--exit-codes fairlink` makes unknown exit 3 instead, as every other
 * fairlink command does, for scripts that need the two apart.
 */

import { randomInt } from 'node:crypto';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runNodeProcess } from '../maelstrom/index.js';
import { parseConsistencyModel } from '../history/index.js';
import { CONSISTENCY_MODELS, type ConsistencyModel } from '../maelstrom/index.js';
import { loadNodeProtocol } from '../maelstrom/index.js';
import {
  LATENCY_DISTRIBUTIONS,
  NEMESIS_NAMES,
  nodeIdsProblem,
  RATE_MIN,
  TXN_KEY_COUNT_MAX,
  TXN_LENGTH_MAX,
  type LatencyDistributionName,
  type MaelstromTestInput,
  type NemesisName,
} from '../maelstrom/index.js';
import {
  defaultResultsFolder,
  formatRunSummary,
  linkLatest,
  resultsJson,
  STORE_FOLDER,
  writeResults,
} from '../maelstrom/index.js';
import { runMaelstromTest, type MaelstromRun, type MaelstromVerdict } from '../maelstrom/index.js';
import { serveResults } from '../maelstrom/index.js';
import { TOPOLOGY_NAMES, type TopologyName } from '../maelstrom/index.js';
import { WORKLOAD_NAMES, type WorkloadName } from '../maelstrom/index.js';
import type { CliContext } from './context.js';
import { parseSecondsToMs, parseSeed, parseWholeNumber } from './options.js';
import { ExitCode, UsageError, type ExitCodeValue } from './usage.js';

/** Options of `maelstrom test` as commander parses them. */
interface TestOptions {
  readonly workload: WorkloadName;
  readonly bin?: string;
  readonly node?: string;
  readonly nodeCount?: number;
  readonly nodes?: readonly string[];
  readonly timeLimit?: number;
  readonly rate: number;
  readonly concurrency: string;
  readonly latency: number;
  readonly latencyDist: LatencyDistributionName;
  readonly nemesis?: readonly NemesisName[];
  readonly nemesisInterval?: number;
  readonly topology: TopologyName;
  readonly availability?: 'total' | number;
  readonly seed?: number;
  readonly testCount: number;
  readonly consistencyModels?: readonly ConsistencyModel[];
  readonly keyCount?: number;
  readonly maxTxnLength?: number;
  readonly maxWritesPerKey?: number;
  readonly logStderr?: boolean;
  readonly requestTimeout?: number;
  readonly recoveryTime?: number;
  readonly initTimeout?: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly exitCodes: 'maelstrom' | 'fairlink';
  readonly quiet?: boolean;
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(allowed as readonly string[]).includes(text)) {
      throw new UsageError(`${flag} ${JSON.stringify(text)}: expected one of ${allowed.join(', ')}`);
    }
    return text as T;
  };
}

function parseNumber(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a number from ${min} to ${max}`);
    }
    return value;
  };
}

/** `--rate`: 0 (no client operations) or a positive rate. */
function parseRate(text: string): number {
  if (text.trim() !== '' && Number(text) === 0) return 0;
  return parseNumber('--rate', RATE_MIN, 100_000)(text);
}

/** `--nodes n1,n2,n3`: explicit node ids, Maelstrom's alternative to a node count. */
function parseNodeIds(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim());
  const problem = nodeIdsProblem(ids);
  if (problem !== undefined) throw new UsageError(`--nodes ${JSON.stringify(text)}: ${problem}`);
  return ids;
}

/** `--consistency-models a,b`: models the transaction checker judges, by Elle's names. */
function parseConsistencyModels(text: string): ConsistencyModel[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new UsageError('--consistency-models: no model named');
  return names.map((name) => {
    const model = parseConsistencyModel(name);
    if (model === undefined) {
      throw new UsageError(
        `--consistency-models ${JSON.stringify(name)}: not one of the models the transaction checker judges (${CONSISTENCY_MODELS.join(', ')})`,
      );
    }
    return model;
  });
}

/** A fresh seed for a run given none: from the operating system, since it only picks the schedule to try. */
function drawSeed(): number {
  return randomInt(0, 2 ** 47);
}

function parseSecondsOrZeroToMs(text: string, flag: string): number {
  if (text.trim() === '0') return 0;
  return parseSecondsToMs(text, flag);
}

function parseConcurrency(text: string): string {
  if (!/^\d+n?$/.test(text) || /^0+n?$/.test(text)) {
    throw new UsageError(
      `--concurrency ${JSON.stringify(text)}: expected a whole number, optionally followed by n (2n: twice the node count)`,
    );
  }
  return text;
}

function parseNemesis(text: string): NemesisName[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.map((name) => oneOf('--nemesis', NEMESIS_NAMES)(name));
}

function parseAvailability(text: string): 'total' | number {
  if (text === 'total') return 'total';
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--availability ${JSON.stringify(text)}: expected total or a fraction from 0 to 1`);
  }
  return value;
}

/** Finds `bin` as Maelstrom would run it: a path, or a command on PATH. Throws a usage error otherwise. */
function resolveProgram(bin: string): string {
  if (bin.includes('/')) {
    const absolute = resolve(bin);
    if (!existsSync(absolute)) throw new UsageError(`--bin ${bin}: no such file`);
    if (!statSync(absolute).isFile()) throw new UsageError(`--bin ${bin}: not a file`);
    try {
      accessSync(absolute, constants.X_OK);
    } catch {
      throw new UsageError(
        `--bin ${bin}: not executable (chmod +x it, or give its interpreter: --bin node ${bin})`,
      );
    }
    return absolute;
  }
  for (const folder of (process.env['PATH'] ?? '').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, bin);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this folder.
    }
  }
  throw new UsageError(`--bin ${bin}: not found on PATH (give a path such as ./${bin})`);
}

/** A fresh folder name: `base`, or `base-2`, `base-3`… when it exists. */
function freshFolder(base: string): string {
  if (!existsSync(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/** Maelstrom's exit code for a verdict (or fairlink's, which gives unknown 3). */
export function verdictExitCode(verdict: MaelstromVerdict, codes: 'maelstrom' | 'fairlink'): ExitCodeValue {
  switch (verdict) {
    case 'valid':
      return ExitCode.pass;
    case 'invalid':
      return ExitCode.violation;
    case 'unknown':
      return codes === 'fairlink' ? ExitCode.unknown : ExitCode.input;
  }
}

/** Registers `maelstrom test` and `maelstrom node`. */
export function registerMaelstromCommand(program: Command, cli: CliContext): void {
  const maelstrom = program
    .command('maelstrom')
    .description(
      'Jepsen Maelstrom: test nodes written in any language, or run a fairlink protocol as a Maelstrom node',
    )
    .helpCommand(false);

  maelstrom
    .command('test')
    .description('run a Maelstrom workload against a cluster of node processes and judge it')
    .argument('[args...]', 'arguments for the node program (after --bin PATH)')
    .requiredOption(
      '-w, --workload <NAME>',
      `the workload: ${WORKLOAD_NAMES.join(', ')}`,
      oneOf('--workload', WORKLOAD_NAMES),
    )
    .option('--bin <PATH>', 'the node program: each node is one process of it (a path, or a command on PATH)')
    .option(
      '--node <MODULE>',
      'instead of --bin: a fairlink protocol (built-in: echo, unique-ids, broadcast, g-counter, lin-kv, txn; or a module)',
    )
    .option('--node-count <N>', 'number of nodes, n0 … n(N-1) (default 5)', (text) =>
      parseWholeNumber(text, '--node-count', 1, 256),
    )
    .option(
      '--nodes <IDS>',
      'instead of --node-count: the node ids, comma-separated (n1,n2,n3)',
      parseNodeIds,
    )
    .option('--time-limit <S>', 'seconds the workload runs (default 60)', (text) =>
      parseSecondsToMs(text, '--time-limit'),
    )
    .option(
      '--rate <R>',
      'client operations per second, over all clients (0: none, the nodes only start and face the nemesis)',
      parseRate,
      5,
    )
    .option('--concurrency <N>', 'client threads: a number, or Kn for K per node', parseConcurrency, '1n')
    .option(
      '--latency <MS>',
      'mean latency of messages between nodes (and to services), ms',
      parseNumber('--latency', 0, 60_000),
      0,
    )
    .option(
      '--latency-dist <DIST>',
      'constant, uniform (0 to twice the mean) or exponential',
      oneOf('--latency-dist', LATENCY_DISTRIBUTIONS),
      'constant',
    )
    .option('--nemesis <FAULTS>', 'faults to inject, comma-separated: partition', parseNemesis)
    .option('--nemesis-interval <S>', 'mean seconds between nemesis actions (default 10)', (text) =>
      parseSecondsToMs(text, '--nemesis-interval'),
    )
    .option(
      '--topology <NAME>',
      `the topology broadcast suggests: ${TOPOLOGY_NAMES.join(', ')}`,
      oneOf('--topology', TOPOLOGY_NAMES),
      'grid',
    )
    .option(
      '--availability <A>',
      'fraction of operations that must succeed: total, or a number in [0, 1]',
      parseAvailability,
    )
    .option(
      '--seed <N>',
      'seed of the workbench random choices (operations, latencies, partitions); default: a fresh one, printed',
      (text) => parseSeed(text),
    )
    .option(
      '--test-count <N>',
      'run the test N times (seeds --seed, --seed+1… or fresh ones), stopping at the first invalid run',
      (text) => parseWholeNumber(text, '--test-count', 1, 10_000),
      1,
    )
    .option(
      '--consistency-models <MODELS>',
      'models a transactional workload is checked against, comma-separated (Elle names; default strict-serializable); ignored, with a note, by the others',
      parseConsistencyModels,
    )
    .option('--key-count <N>', 'txn workloads: keys in use at once (default 10)', (text) =>
      parseWholeNumber(text, '--key-count', 1, TXN_KEY_COUNT_MAX),
    )
    .option(
      '--max-txn-length <N>',
      'txn workloads: micro-operations per transaction at most (default 2)',
      (text) => parseWholeNumber(text, '--max-txn-length', 1, TXN_LENGTH_MAX),
    )
    .option(
      '--max-writes-per-key <N>',
      'txn workloads: writes to a key before a fresh key replaces it (default 32)',
      (text) => parseWholeNumber(text, '--max-writes-per-key', 1, 1_000_000),
    )
    .option('--log-stderr', "echo each node's stderr lines on stderr, prefixed with the node id")
    .option(
      '--request-timeout <S>',
      'seconds a client waits for a reply (default max(10 × latency, 1 s))',
      (text) => parseSecondsToMs(text, '--request-timeout'),
    )
    .option(
      '--recovery-time <S>',
      'seconds of rest between healing and the final reads (default 10)',
      (text) => parseSecondsOrZeroToMs(text, '--recovery-time'),
    )
    .option('--init-timeout <S>', 'seconds a node may take to answer init (default 10)', (text) =>
      parseSecondsToMs(text, '--init-timeout'),
    )
    .option(
      '--out <DIR>',
      'the results folder (default store/<workload>/<timestamp>, with store/latest and store/<workload>/latest links)',
    )
    .option('--json', 'print results.json on stdout instead of the text report')
    .option(
      '--exit-codes <STYLE>',
      'maelstrom (unknown exits 2) or fairlink (unknown exits 3)',
      oneOf('--exit-codes', ['maelstrom', 'fairlink'] as const),
      'maelstrom',
    )
    .option('-q, --quiet', 'no progress lines on stderr')
    .action(async (args: string[], options: TestOptions) => {
      cli.setExitCode(await testCommand(args, options, cli));
    });

  maelstrom
    .command('serve')
    .description("browse past results (the store of runs) in a web browser, as Maelstrom's serve")
    .option('--store <DIR>', 'the results store', STORE_FOLDER)
    .option(
      '--port <N>',
      'the port (0: any free one)',
      (text) => parseWholeNumber(text, '--port', 0, 65_535),
      8080,
    )
    .option('--host <HOST>', 'the address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .action(async (options: { readonly store: string; readonly port: number; readonly host: string }) => {
      if (!existsSync(options.store) || !statSync(options.store).isDirectory()) {
        throw new UsageError(`--store ${options.store}: no such folder (run fairlink maelstrom test first)`);
      }
      let server;
      try {
        server = await serveResults(options.store, options.port, options.host);
      } catch (error) {
        throw new UsageError(
          `--port ${options.port}: cannot listen on ${options.host}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      cli.stdout.write(`serving ${options.store} at ${server.url} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      cli.setExitCode(ExitCode.pass);
    });

  maelstrom
    .command('node')
    .description('run a fairlink protocol as one Maelstrom node over stdin/stdout')
    .argument(
      '<module>',
      'a built-in node (echo, unique-ids, broadcast, g-counter, lin-kv, txn) or a module whose default export is a protocol',
    )
    .option('--seed <N>', "seed of the node's random()", (text) => parseSeed(text))
    .action(async (module: string, options: { readonly seed?: number }) => {
      const code = await runNodeProcess(
        module,
        cli,
        options.seed === undefined ? {} : { seed: options.seed },
      );
      cli.setExitCode(code === 0 ? ExitCode.pass : ExitCode.violation);
    });
}

async function testCommand(
  args: readonly string[],
  options: TestOptions,
  cli: CliContext,
): Promise<ExitCodeValue> {
  if ((options.bin === undefined) === (options.node === undefined)) {
    throw new UsageError(
      'give the node program with --bin PATH, or a fairlink protocol with --node MODULE (one of them)',
    );
  }
  let command: string;
  let commandArgs: string[];
  let programLabel: string;
  if (options.bin !== undefined) {
    command = resolveProgram(options.bin);
    commandArgs = [...args];
    programLabel = [options.bin, ...args].join(' ');
  } else {
    if (args.length > 0) throw new UsageError(`--node takes no program arguments (got ${args.join(' ')})`);
    const module = options.node as string;
    // `--node n1,n2` is a near miss for `--nodes` (Maelstrom's ids), not a protocol module.
    if (/^n\d+(,|$)/.test(module) && !existsSync(module)) {
      throw new UsageError(
        `--node ${module}: --node names a fairlink protocol to run as the nodes; for node ids, use --nodes ${module}`,
      );
    }
    await loadNodeProtocol(module);
    const entry = process.argv[1];
    if (entry === undefined)
      throw new UsageError('--node: cannot tell how this fairlink was started; use --bin');
    command = process.execPath;
    commandArgs = [
      ...process.execArgv,
      entry,
      'maelstrom',
      'node',
      /[/\\]/.test(module) ? resolve(module) : module,
    ];
    programLabel = `fairlink maelstrom node ${module}`;
  }
  if (options.nodes !== undefined && options.nodeCount !== undefined)
    throw new UsageError('give --nodes IDS or --node-count N, not both');
  const nodes = options.nodes;
  const nodeCount = nodes?.length ?? options.nodeCount ?? 5;
  const concurrency = options.concurrency.endsWith('n')
    ? Number(options.concurrency.slice(0, -1)) * nodeCount
    : Number(options.concurrency);
  if (concurrency > 4096)
    throw new UsageError(`--concurrency ${options.concurrency}: at most 4096 client threads`);
  if (options.out !== undefined && existsSync(options.out) && !statSync(options.out).isDirectory())
    throw new UsageError(`--out ${options.out}: is a file, expected a folder`);

  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const base: MaelstromTestInput = {
    workload: options.workload,
    command,
    args: commandArgs,
    programLabel,
    ...(nodes === undefined ? { nodeCount } : { nodes }),
    ...(options.timeLimit === undefined ? {} : { timeLimitMs: options.timeLimit }),
    rate: options.rate,
    concurrency,
    latencyMs: options.latency,
    latencyDistribution: options.latencyDist,
    nemesis: options.nemesis ?? [],
    ...(options.nemesisInterval === undefined ? {} : { nemesisIntervalMs: options.nemesisInterval }),
    topology: options.topology,
    ...(options.recoveryTime === undefined ? {} : { recoveryMs: options.recoveryTime }),
    ...(options.initTimeout === undefined ? {} : { initTimeoutMs: options.initTimeout }),
    signal: abort.signal,
    ...(options.availability === undefined ? {} : { availability: options.availability }),
    ...(options.consistencyModels === undefined ? {} : { consistencyModels: options.consistencyModels }),
    ...(options.keyCount === undefined ? {} : { keyCount: options.keyCount }),
    ...(options.maxTxnLength === undefined ? {} : { maxTxnLength: options.maxTxnLength }),
    ...(options.maxWritesPerKey === undefined ? {} : { maxWritesPerKey: options.maxWritesPerKey }),
    ...(options.requestTimeout === undefined ? {} : { requestTimeoutMs: options.requestTimeout }),
    ...(options.quiet
      ? {}
      : { onProgress: (message: string) => cli.stderr.write(`maelstrom: ${message}\n`) }),
    ...(options.logStderr
      ? { onNodeStderr: (node: string, line: string) => cli.stderr.write(`${node}: ${line}\n`) }
      : {}),
  };
  const runs: MaelstromRun[] = [];
  try {
    for (let index = 0; index < options.testCount && !abort.signal.aborted; index++) {
      // A given seed replays; several tests try the seeds after it. Without one, each test draws
      // its own, so that running again tries new schedules (and prints the seed to replay).
      const seed = options.seed === undefined ? drawSeed() : options.seed + index;
      if (options.testCount > 1 && !options.quiet)
        cli.stderr.write(`maelstrom: test ${index + 1} of ${options.testCount}, seed ${seed}\n`);
      const folder = resultsFolder(options, index);
      const run = await runMaelstromTest({ ...base, seed });
      runs.push(run);
      const files = await writeResults(run, folder);
      if (options.out === undefined) {
        // The links are a convenience: a file system without symbolic links loses only them.
        await linkLatest(folder).catch((error: unknown) =>
          cli.stderr.write(
            `maelstrom: could not point the latest links at ${folder}: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
        );
      }
      if (options.json) cli.stdout.write(`${JSON.stringify({ ...resultsJson(run, files), folder })}\n`);
      else cli.stdout.write(formatRunSummary(run, folder));
      if (run.verdict === 'invalid') break;
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const verdict = overallVerdict(runs);
  if (options.testCount > 1 && !options.json) cli.stdout.write(`${testCountLine(options, runs, verdict)}\n`);
  return verdictExitCode(verdict, options.exitCodes);
}

/** The folder of test `index` (from 0): `--out DIR` (or `DIR/1`, `DIR/2`… with --test-count), else a fresh store folder. */
function resultsFolder(options: TestOptions, index: number): string {
  if (options.out === undefined) return freshFolder(defaultResultsFolder(options.workload));
  return options.testCount > 1 ? join(options.out, String(index + 1)) : options.out;
}

/** The verdict of several tests: invalid if one was, else unknown if one was (or none ran), else valid. */
function overallVerdict(runs: readonly MaelstromRun[]): MaelstromVerdict {
  if (runs.some((run) => run.verdict === 'invalid')) return 'invalid';
  if (runs.length === 0 || runs.some((run) => run.verdict === 'unknown')) return 'unknown';
  return 'valid';
}

/** The closing line of `--test-count N`: how many ran, and which one stopped them. */
function testCountLine(
  options: TestOptions,
  runs: readonly MaelstromRun[],
  verdict: MaelstromVerdict,
): string {
  const head = `maelstrom ${options.workload} x${options.testCount}: ${verdict.toUpperCase()}`;
  const last = runs[runs.length - 1];
  if (verdict === 'invalid' && last !== undefined) {
    return `${head}: test ${runs.length} of ${options.testCount} is invalid (seed ${last.options.seed}); stopped there`;
  }
  const seeds = runs.map((run) => run.options.seed).join(', ');
  return `${head}: ${runs.length} of ${options.testCount} tests ran (seeds ${seeds})`;
}
