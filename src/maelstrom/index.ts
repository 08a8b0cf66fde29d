/**
 * fairlink/maelstrom: Jepsen Maelstrom's protocol, both ways.
 *
 * - The workbench: {@link runMaelstromTest} runs any node program (one process
 *   per node, JSON lines on stdin/stdout) through a simulated network with
 *   latency and partitions, drives a workload, checks it, and
 *   {@link writeResults} writes the results folder.
 * - The node adapter: {@link runMaelstromNode} runs a fairlink protocol as a
 *   Maelstrom node, under this workbench or the real Maelstrom; fairlink's own
 *   nodes (echo, unique-ids, broadcast, g-counter, lin-kv and txn on Raft) are in
 *   {@link BUILTIN_NODES}.
 *
 * @example
 * ```ts
 * import { runMaelstromTest, writeResults } from 'fairlink/maelstrom';
 * const run = await runMaelstromTest({ workload: 'echo', command: './my-echo-node', timeLimitMs: 5_000 });
 * await writeResults(run, 'out/echo');
 * run.verdict; // 'valid' | 'invalid' | 'unknown'
 * ```
 *
 * @module
 */

export {
  runMaelstromTest,
  type MaelstromRun,
  type MaelstromVerdict,
  type NodeReport,
  type Overhead,
} from './run.js';
export {
  LATENCY_DISTRIBUTIONS,
  NEMESIS_NAMES,
  nodeIdsProblem,
  resolveTestOptions,
  type LatencyDistributionName,
  type MaelstromTestInput,
  type MaelstromTestOptions,
  type NemesisName,
} from './options.js';
export {
  defaultResultsFolder,
  formatRunSummary,
  headline,
  linkLatest,
  MAELSTROM_CLOSING_LINES,
  resultsJson,
  STORE_FOLDER,
  writeResults,
} from './results.js';
export { CONSISTENCY_MODELS, isConsistencyModel, type ConsistencyModel } from './consistency-models.js';
export { rateShortfall, type RateReport } from './rate.js';
export {
  formatDiagnostic,
  type Diagnostic,
  type DiagnosticGroup,
  type DiagnosticKind,
} from './diagnostics.js';
export {
  ErrorCode,
  isDefiniteError,
  parseEnvelopeLine,
  SERVICE_NAMES,
  type Body,
  type Envelope,
  type ServiceName,
} from './protocol.js';
export { buildTopology, TOPOLOGY_NAMES, type Topology, type TopologyName } from './topology.js';
export { WORKLOAD_NAMES, type WorkloadCheck, type WorkloadName } from './workloads/index.js';
export { runMaelstromNode, type NodeAdapterOptions, type NodeStreams } from './node/adapter.js';
export { runNodeProcess } from './node/main.js';
export { BUILTIN_NODES, loadNodeProtocol, type MaelstromProtocol } from './nodes/index.js';
export { reply, replyError, type MaelstromContext } from './nodes/body.js';
export { broadcastNode, type BroadcastOptions } from './nodes/broadcast.js';
export { echoNode } from './nodes/echo.js';
export { gCounterNode, type GCounterOptions } from './nodes/g-counter.js';
export { linKvNode, maelstromKvMachine, type LinKvOptions } from './nodes/lin-kv.js';
export { txnNode, txnMachine } from './nodes/txn.js';
export { raftServiceNode, type RaftNodeOptions, type RaftService } from './nodes/raft-node.js';
export { uniqueIdsNode } from './nodes/unique-ids.js';

// Used by other modules of fairlink (not part of the package entry points).
export { RATE_MIN, TXN_KEY_COUNT_MAX, TXN_LENGTH_MAX } from './options.js';
export { serveResults } from './serve.js';
