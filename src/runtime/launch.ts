/**
 * Starting one node from a cluster file: load and check the file, build the
 * scenario it names (the simulator's own loader), open durable storage, the
 * history and the trace, and start the node.
 *
 * Every problem with the input is an `InputError` raised before anything is
 * written or any socket opened (except storage compaction, which changes no
 * content).
 */

import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InputError } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { loadScenario, prepareScenario } from '../sim/index.js';
import { TRACE_FORMAT, TRACE_VERSION, type TraceHeader } from '../trace/index.js';
import { planCluster, type ClusterPlan, type PlannedNode } from './cluster.js';
import { displayPath, loadClusterConfig, nodeDataDirectory, type ClusterConfig } from './config.js';
import { HistoryWriter } from './history-file.js';
import { RuntimeNode, type RuntimeNodeOptions } from './node.js';
import { DurableStorage, MemoryStorage, type DurableStore, type StorageRecovery } from './storage.js';
import { TraceWriter } from './trace-file.js';
import type { TransportLimits } from './transport.js';

/** A cluster file with its scenario built. */
export interface PreparedCluster {
  readonly config: ClusterConfig;
  readonly plan: ClusterPlan;
  readonly scenarioName: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly checkState: boolean;
}

/** Loads the cluster file and builds its scenario; checks that they agree. */
export async function prepareCluster(configPath: string): Promise<PreparedCluster> {
  const config = loadClusterConfig(configPath);
  const scenarioPath = displayPath(config.scenarioPath);
  const scenario = await loadScenario(scenarioPath);
  const overrides = Object.entries(config.params).map(([name, value]) => `${name}=${String(value)}`);
  let prepared;
  try {
    prepared = prepareScenario(scenario, scenarioPath, overrides);
  } catch (error) {
    // A wrong parameter: say it comes from the cluster file's "params".
    if (error instanceof InputError && error.message.startsWith('--param')) {
      throw new InputError(`${configPath}: params: ${error.message.replace(/^--param /, '')}`);
    }
    throw error;
  }
  return {
    config,
    plan: planCluster(config, prepared.config, scenario.name),
    scenarioName: scenario.name,
    params: prepared.params,
    checkState: prepared.config.checkState ?? true,
  };
}

/** How to start a node. */
export interface NodeLaunchOptions {
  readonly id: string;
  /** Write the trace here. */
  readonly tracePath?: string;
  /**
   * Write the client history here (default: `history.jsonl` in the node's data
   * folder, if any). Created at the node's first client event.
   */
  readonly historyPath?: string;
  readonly onLog?: RuntimeNodeOptions['onLog'];
  readonly onFault?: RuntimeNodeOptions['onFault'];
  readonly onStorageError?: RuntimeNodeOptions['onStorageError'];
  readonly transportLimits?: Partial<TransportLimits>;
}

/** A started node, with what it was started from. */
export interface LaunchedNode {
  readonly node: RuntimeNode;
  readonly planned: PlannedNode;
  /** What storage held at start (undefined: no data folder, storage in memory). */
  readonly recovery: StorageRecovery | undefined;
  readonly dataDirectory: string | undefined;
  /** Where the node's client events go (the file exists once it recorded one). */
  readonly historyPath: string | undefined;
  readonly seed: number;
}

/** Starts node `options.id` of a prepared cluster. */
export async function launchNode(
  cluster: PreparedCluster,
  options: NodeLaunchOptions,
): Promise<LaunchedNode> {
  const { config, plan } = cluster;
  const planned = plan.nodes.find((node) => node.id === options.id);
  if (planned === undefined) {
    throw new InputError(
      `--id ${options.id}: ${config.path} has no such node (it has: ${plan.nodes.map((node) => node.id).join(', ')})`,
    );
  }
  const dataDirectory = nodeDataDirectory(config, planned.id);
  const historyPath =
    options.historyPath !== undefined
      ? resolve(options.historyPath)
      : dataDirectory === undefined
        ? undefined
        : join(dataDirectory, 'history.jsonl');
  const seed = config.seed ?? randomInt(0, 2 ** 47);

  const storage: DurableStore =
    dataDirectory === undefined ? new MemoryStorage() : openStorage(dataDirectory);
  const recovery = storage instanceof DurableStorage ? storage.recovery : undefined;
  // Opened at the node's first client event: servers never create one.
  let history: HistoryWriter | undefined;
  const openHistory =
    historyPath === undefined
      ? undefined
      : (): HistoryWriter =>
          (history ??= HistoryWriter.open(
            historyPath,
            planned.id,
            performance.timeOrigin + performance.now(),
          ));
  const tracePath = options.tracePath === undefined ? undefined : resolve(options.tracePath);

  const node = new RuntimeNode({
    node: planned,
    addresses: config.nodes,
    key: config.key,
    seed,
    checkState: cluster.checkState,
    storage,
    recovered: recovery?.existed ?? false,
    ...(openHistory ? { history: openHistory } : {}),
    ...(tracePath !== undefined
      ? {
          trace: (running: RuntimeNode) =>
            new TraceWriter(tracePath, traceHeader(cluster, running, planned.id, seed)),
        }
      : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.onFault ? { onFault: options.onFault } : {}),
    ...(options.onStorageError ? { onStorageError: options.onStorageError } : {}),
    ...(options.transportLimits ? { transportLimits: options.transportLimits } : {}),
  });
  try {
    await node.start();
  } catch (error) {
    storage.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
      const { host, port } = planned.address;
      throw new InputError(`${config.path}: node ${planned.id} cannot listen on ${host}:${port} (${code})`);
    }
    throw error;
  }
  return { node, planned, recovery, dataDirectory, historyPath, seed };
}

/** Opens durable storage; a folder that cannot be used is bad input, named. */
function openStorage(folder: string): DurableStorage {
  try {
    return DurableStorage.open(folder);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new InputError(`data folder ${displayPath(folder)}: cannot use it (${code})`);
  }
}

function traceHeader(cluster: PreparedCluster, node: RuntimeNode, id: NodeId, seed: number): TraceHeader {
  const self = cluster.config.nodes.find((address) => address.id === id);
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    engine: 'runtime',
    scenario: cluster.scenarioName,
    seed,
    params: cluster.params,
    nodes: cluster.plan.nodes.map((planned) => ({
      id: planned.id,
      protocol: planned.protocol.name,
      group: planned.group,
    })),
    config: {
      node: id,
      host: self?.host,
      port: self?.port,
      incarnation: node.incarnation.toString(16),
      startedAtEpochMs: node.startedAtEpochMs,
      clock: 'trace times are ms since this node started; add startedAtEpochMs for the wall clock',
    },
  };
}
