/**
 * fairlink/runtime: protocols on real processes and sockets, with real clocks and files.
 * See docs/runtime.md; the command line is `fairlink node` and `fairlink cluster up`.
 */

export { planCluster, type ClusterPlan, type PlannedNode } from './cluster.js';
export {
  CLUSTER_KEY_BYTES_MIN,
  loadClusterConfig,
  parseClusterConfig,
  type ClusterConfig,
  type NodeAddress,
} from './config.js';
export {
  decodeData,
  encodeData,
  FRAME_BYTES_MAX,
  FrameReader,
  type DataFrame,
  type FramedMessage,
  type FrameRejection,
} from './frames.js';
export { historyLine, HistoryWriter, type HistoryLine } from './history-file.js';
export {
  launchNode,
  prepareCluster,
  type LaunchedNode,
  type NodeLaunchOptions,
  type PreparedCluster,
} from './launch.js';
export {
  startLocalCluster,
  stopLocalCluster,
  type LocalClusterOptions,
  type NodeProcess,
} from './local-cluster.js';
export { RuntimeNode, type NodeStatus, type RuntimeNodeOptions } from './node.js';
export { DurableStorage, MemoryStorage, type DurableStore, type StorageRecovery } from './storage.js';
export { TraceWriter } from './trace-file.js';
export {
  DEFAULT_TRANSPORT_LIMITS,
  Transport,
  type TransportLimits,
  type TransportOptions,
  type TransportStats,
} from './transport.js';

// Used by other modules of fairlink (not part of the package entry points).
export { displayPath } from './config.js';
