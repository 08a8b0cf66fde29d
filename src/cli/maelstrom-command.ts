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

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runNodeProcess } from '../maelstrom/node/main.js';
import { loadNodeProtocol } from '../maelstrom/nodes/index.js';
import {
  LATENCY_DISTRIBUTIONS,
  NEMESIS_NAMES,
  type LatencyDistributionName,
  type MaelstromTestInput,
  type NemesisName,
} from '../maelstrom/options.js';
import { defaultResultsFolder, formatRunSummary, resultsJson, writeResults } from '../maelstrom/results.js';
import { runMaelstromTest, type MaelstromVerdict } from '../maelstrom/run.js';
import { TOPOLOGY_NAMES, type TopologyName } from '../maelstrom/topology.js';
import { WORKLOAD_NAMES, type WorkloadName } from '../maelstrom/workloads/workload.js';
import type { CliContext } from './context.js';
import { parseSecondsToMs, parseSeed, parseWholeNumber } from './options.js';
import { ExitCode, UsageError, type ExitCodeValue } from './usage.js';

/** Options of `maelstrom test` as commander parses them. */
interface TestOptions {
  readonly workload: WorkloadName;
  readonly bin?: string;
  readonly node?: string;
  readonly nodeCount: number;
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
      'instead of --bin: a fairlink protocol (built-in: echo, unique-ids, broadcast, g-counter, lin-kv; or a module)',
    )
    .option(
      '--node-count <N>',
      'number of nodes, n0 … n(N-1)',
      (text) => parseWholeNumber(text, '--node-count', 1, 256),
      5,
    )
    .option('--time-limit <S>', 'seconds the workload runs (default 60)', (text) =>
      parseSecondsToMs(text, '--time-limit'),
    )
    .option(
      '--rate <R>',
      'client operations per second, over all clients',
      parseNumber('--rate', 0.001, 100_000),
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
      'seed of the workbench random choices (operations, latencies, partitions)',
      (text) => parseSeed(text),
    )
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
    .option('--out <DIR>', 'the results folder (default out/maelstrom/<workload>-<timestamp>)')
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
    .command('node')
    .description('run a fairlink protocol as one Maelstrom node over stdin/stdout')
    .argument(
      '<module>',
      'a built-in node (echo, unique-ids, broadcast, g-counter, lin-kv) or a module whose default export is a protocol',
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
  const concurrency = options.concurrency.endsWith('n')
    ? Number(options.concurrency.slice(0, -1)) * options.nodeCount
    : Number(options.concurrency);
  if (concurrency > 4096)
    throw new UsageError(`--concurrency ${options.concurrency}: at most 4096 client threads`);
  const folder = options.out ?? freshFolder(defaultResultsFolder(options.workload));
  if (existsSync(folder) && !statSync(folder).isDirectory())
    throw new UsageError(`--out ${folder}: is a file, expected a folder`);

  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const input: MaelstromTestInput = {
    workload: options.workload,
    command,
    args: commandArgs,
    programLabel,
    nodeCount: options.nodeCount,
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
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.requestTimeout === undefined ? {} : { requestTimeoutMs: options.requestTimeout }),
    ...(options.quiet
      ? {}
      : { onProgress: (message: string) => cli.stderr.write(`maelstrom: ${message}\n`) }),
  };
  let run;
  try {
    run = await runMaelstromTest(input);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const files = await writeResults(run, folder);
  if (options.json) cli.stdout.write(`${JSON.stringify({ ...resultsJson(run, files), folder })}\n`);
  else cli.stdout.write(formatRunSummary(run, folder));
  return verdictExitCode(run.verdict, options.exitCodes);
}
