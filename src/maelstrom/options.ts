/**
 * The settings of one workbench run, Maelstrom's options plus a few of
 * fairlink's own, with their defaults and their checks.
 */

import { InputError } from '../core/index.js';
import { constant, exponential, uniform, type Distribution } from '../sim/index.js';
import { CONSISTENCY_MODELS, type ConsistencyModel } from './consistency-models.js';
import { isClientId, isServiceId, serverIds } from './protocol.js';
import { TOPOLOGY_NAMES, type TopologyName } from './topology.js';
import { TXN_DEFAULTS } from './workloads/txn.js';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads/workload.js';

/** How `--latency` is distributed: always it, uniform on [0, 2 × it], or exponential with mean it. */
export const LATENCY_DISTRIBUTIONS = ['constant', 'uniform', 'exponential'] as const;
/** One of {@link LATENCY_DISTRIBUTIONS}. */
export type LatencyDistributionName = (typeof LATENCY_DISTRIBUTIONS)[number];

/** The faults `--nemesis` accepts. */
export const NEMESIS_NAMES = ['partition'] as const;
/** One of {@link NEMESIS_NAMES}. */
export type NemesisName = (typeof NEMESIS_NAMES)[number];

/** What a run needs; everything but the workload and the command has a default. */
export interface MaelstromTestInput {
  readonly workload: WorkloadName;
  /** The node program and its arguments: one process of it per node. */
  readonly command: string;
  readonly args?: readonly string[];
  /** Working directory of the node processes (default: this process's). */
  readonly cwd?: string;
  /** A label for the node program in reports (default: the command and its arguments). */
  readonly programLabel?: string;
  /** Default 5: nodes `n0 … n4`. Ignored when {@link nodes} is given. */
  readonly nodeCount?: number;
  /** The node ids, instead of `n0 … n(nodeCount-1)` (Maelstrom's `--nodes`). */
  readonly nodes?: readonly string[];
  /** How long the workload runs, ms (default 60 s). */
  readonly timeLimitMs?: number;
  /** Client operations per second, over all clients (default 5); 0: no client operations at all. */
  readonly rate?: number;
  /** Client threads (default: one per node). Thread i talks to node i mod n. */
  readonly concurrency?: number;
  /** Mean latency of node-to-node and node-to-service messages, ms (default 0). */
  readonly latencyMs?: number;
  readonly latencyDistribution?: LatencyDistributionName;
  readonly nemesis?: readonly NemesisName[];
  /** Mean time between nemesis actions, ms (default 10 s). */
  readonly nemesisIntervalMs?: number;
  /** The topology broadcast suggests (default `grid`). */
  readonly topology?: TopologyName;
  /** The fraction of operations that must succeed: `total` is 1. Unchecked when absent. */
  readonly availability?: 'total' | number;
  /**
   * Seed of the workbench's random choices: operations, latencies, partitions
   * (default 1; the CLI draws a fresh one when `--seed` is not given).
   */
  readonly seed?: number;
  /** The models a transactional workload is checked against (Elle's names; other workloads ignore them). */
  readonly consistencyModels?: readonly ConsistencyModel[];
  /** How long a client waits for a reply, ms (default: Maelstrom's max(10 × latency, 1 s)). */
  readonly requestTimeoutMs?: number;
  /** Quiet period between healing and the final reads, ms (default 10 s, as Maelstrom). */
  readonly recoveryMs?: number;
  /** How long a node may take to answer init, ms (default 10 s). */
  readonly initTimeoutMs?: number;
  /** At shutdown: wait this long after closing stdin, then SIGTERM, wait again, then SIGKILL (default 2 s). */
  readonly stopGraceMs?: number;
  /** Budget of the lin-kv linearizability search, ms (default 30 s). */
  readonly checkTimeoutMs?: number;
  /** Transactional workloads: keys in use at once (`--key-count`, default 10, Elle's). */
  readonly keyCount?: number;
  /** Transactional workloads: micro-operations per transaction at most (`--max-txn-length`, default 2). */
  readonly maxTxnLength?: number;
  /** Transactional workloads: writes to a key before a fresh key replaces it (`--max-writes-per-key`, default 32). */
  readonly maxWritesPerKey?: number;
  /** Phase messages, for progress. */
  readonly onProgress?: (message: string) => void;
  /** Each line a node writes on stderr, as it comes (`--log-stderr`); the log keeps it either way. */
  readonly onNodeStderr?: (node: string, line: string) => void;
  /** Ends the run early (the results still come, with what was done). */
  readonly signal?: AbortSignal;
}

/** The settings with every default applied. */
export interface MaelstromTestOptions {
  readonly workload: WorkloadName;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  readonly programLabel: string;
  readonly nodeCount: number;
  /** The node ids (`n0 … n(nodeCount-1)` unless given). */
  readonly nodes: readonly string[];
  readonly timeLimitMs: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  readonly latencyDistribution: LatencyDistributionName;
  readonly nemesis: readonly NemesisName[];
  readonly nemesisIntervalMs: number;
  readonly topology: TopologyName;
  readonly availability: 'total' | number | undefined;
  readonly seed: number;
  readonly consistencyModels: readonly ConsistencyModel[];
  readonly requestTimeoutMs: number;
  readonly recoveryMs: number;
  readonly initTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly checkTimeoutMs: number;
  readonly keyCount: number;
  readonly maxTxnLength: number;
  readonly maxWritesPerKey: number;
}

/** `--key-count` at most: key i is drawn with weight 2^i, so more keys would never be drawn. */
export const TXN_KEY_COUNT_MAX = 48;
/** `--max-txn-length` at most. */
export const TXN_LENGTH_MAX = 1_000;

/** Node count at most (each node is a process). */
export const NODE_COUNT_MAX = 256;
/** Client threads at most. */
export const CONCURRENCY_MAX = 4096;

function requireNumber(name: string, value: number, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InputError(
      `maelstrom: ${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${String(value)}`,
    );
  }
  if (integer && !Number.isInteger(value))
    throw new InputError(`maelstrom: ${name} must be a whole number, got ${value}`);
  return value;
}

/** Lowest rate above 0: one operation in about 17 minutes. */
export const RATE_MIN = 0.001;

/** A rate: 0 (no operations) or from {@link RATE_MIN} to 100,000 per second. */
function requireRate(rate: number): number {
  if (rate === 0) return 0;
  return requireNumber('rate', rate, RATE_MIN, 100_000);
}

function requireOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new InputError(`maelstrom: unknown ${name} '${String(value)}' (known: ${allowed.join(', ')})`);
  }
  return value;
}

/** A node id Maelstrom would accept and fairlink can name a log file after: letters, digits, `_ . -`. */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Checks explicit node ids: each a plain name that is no client id (`c3`) nor
 * service (`lin-kv`), none twice. Returns the problem, or undefined.
 */
export function nodeIdsProblem(ids: readonly string[]): string | undefined {
  if (ids.length === 0) return 'no node ids';
  if (ids.length > NODE_COUNT_MAX) return `${ids.length} nodes: at most ${NODE_COUNT_MAX}`;
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || !NODE_ID.test(id))
      return `node id ${JSON.stringify(id)}: expected letters, digits, _ . or -, starting with a letter or digit`;
    if (isClientId(id)) return `node id ${id}: c followed by digits names a client`;
    if (isServiceId(id)) return `node id ${id}: the name of a service`;
    if (seen.has(id)) return `node id ${id} is given twice`;
    seen.add(id);
  }
  return undefined;
}

/** Applies the defaults and checks every setting (an {@link InputError} names the first bad one). */
export function resolveTestOptions(input: MaelstromTestInput): MaelstromTestOptions {
  const workload = requireOneOf('workload', input.workload, WORKLOAD_NAMES);
  if (typeof input.command !== 'string' || input.command === '') {
    throw new InputError('maelstrom: the node program (--bin) is missing');
  }
  let nodes: readonly string[];
  if (input.nodes === undefined) {
    nodes = serverIds(requireNumber('node count', input.nodeCount ?? 5, 1, NODE_COUNT_MAX, true));
  } else {
    const problem = nodeIdsProblem(input.nodes);
    if (problem !== undefined) throw new InputError(`maelstrom: ${problem}`);
    nodes = [...input.nodes];
  }
  const nodeCount = nodes.length;
  const latencyMs = requireNumber('latency', input.latencyMs ?? 0, 0, 60_000);
  const availability = input.availability;
  if (availability !== undefined && availability !== 'total')
    requireNumber('availability', availability, 0, 1);
  return {
    workload,
    command: input.command,
    args: [...(input.args ?? [])],
    cwd: input.cwd,
    programLabel: input.programLabel ?? [input.command, ...(input.args ?? [])].join(' '),
    nodeCount,
    nodes,
    timeLimitMs: requireNumber('time limit', input.timeLimitMs ?? 60_000, 1, 86_400_000),
    rate: requireRate(input.rate ?? 5),
    concurrency: requireNumber('concurrency', input.concurrency ?? nodeCount, 1, CONCURRENCY_MAX, true),
    latencyMs,
    latencyDistribution: requireOneOf(
      'latency distribution',
      input.latencyDistribution ?? 'constant',
      LATENCY_DISTRIBUTIONS,
    ),
    nemesis: (input.nemesis ?? []).map((name) => requireOneOf('nemesis', name, NEMESIS_NAMES)),
    nemesisIntervalMs: requireNumber('nemesis interval', input.nemesisIntervalMs ?? 10_000, 1, 86_400_000),
    topology: requireOneOf('topology', input.topology ?? 'grid', TOPOLOGY_NAMES),
    availability,
    seed: requireNumber('seed', input.seed ?? 1, 0, Number.MAX_SAFE_INTEGER, true),
    consistencyModels: (input.consistencyModels ?? []).map((name) =>
      requireOneOf('consistency model', name, CONSISTENCY_MODELS),
    ),
    requestTimeoutMs: requireNumber(
      'request timeout',
      input.requestTimeoutMs ?? Math.max(10 * latencyMs, 1000),
      1,
      3_600_000,
    ),
    recoveryMs: requireNumber('recovery time', input.recoveryMs ?? 10_000, 0, 3_600_000),
    initTimeoutMs: requireNumber('init timeout', input.initTimeoutMs ?? 10_000, 1, 3_600_000),
    stopGraceMs: requireNumber('stop grace', input.stopGraceMs ?? 2_000, 1, 600_000),
    checkTimeoutMs: requireNumber('check timeout', input.checkTimeoutMs ?? 30_000, 1, 86_400_000),
    keyCount: requireNumber('key count', input.keyCount ?? TXN_DEFAULTS.keyCount, 1, TXN_KEY_COUNT_MAX, true),
    maxTxnLength: requireNumber(
      'max txn length',
      input.maxTxnLength ?? TXN_DEFAULTS.maxTxnLength,
      1,
      TXN_LENGTH_MAX,
      true,
    ),
    maxWritesPerKey: requireNumber(
      'max writes per key',
      input.maxWritesPerKey ?? TXN_DEFAULTS.maxWritesPerKey,
      1,
      1_000_000,
      true,
    ),
  };
}

/** The latency distribution of the options. */
export function latencyDistribution(
  options: Pick<MaelstromTestOptions, 'latencyMs' | 'latencyDistribution'>,
): Distribution {
  switch (options.latencyDistribution) {
    case 'constant':
      return constant(options.latencyMs);
    case 'uniform':
      return uniform(0, 2 * options.latencyMs);
    case 'exponential':
      return exponential(options.latencyMs);
  }
}
