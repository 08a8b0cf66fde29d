/**
 * The settings of one workbench run, Maelstrom's options plus a few of
 * fairlink's own, with their defaults and their checks.
 */

import { InputError } from '../core/errors.js';
import { constant, exponential, uniform, type Distribution } from '../sim/distributions.js';
import { TOPOLOGY_NAMES, type TopologyName } from './topology.js';
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
  /** Default 5. */
  readonly nodeCount?: number;
  /** How long the workload runs, ms (default 60 s). */
  readonly timeLimitMs?: number;
  /** Client operations per second, over all clients (default 5). */
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
  /** Seed of the workbench's random choices: operations, latencies, partitions (default 1). */
  readonly seed?: number;
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
  /** Phase messages, for progress. */
  readonly onProgress?: (message: string) => void;
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
  readonly requestTimeoutMs: number;
  readonly recoveryMs: number;
  readonly initTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly checkTimeoutMs: number;
}

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

function requireOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new InputError(`maelstrom: unknown ${name} '${String(value)}' (known: ${allowed.join(', ')})`);
  }
  return value;
}

/** Applies the defaults and checks every setting (an {@link InputError} names the first bad one). */
export function resolveTestOptions(input: MaelstromTestInput): MaelstromTestOptions {
  const workload = requireOneOf('workload', input.workload, WORKLOAD_NAMES);
  if (typeof input.command !== 'string' || input.command === '') {
    throw new InputError('maelstrom: the node program (--bin) is missing');
  }
  const nodeCount = requireNumber('node count', input.nodeCount ?? 5, 1, NODE_COUNT_MAX, true);
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
    timeLimitMs: requireNumber('time limit', input.timeLimitMs ?? 60_000, 1, 86_400_000),
    rate: requireNumber('rate', input.rate ?? 5, 0.001, 100_000),
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
