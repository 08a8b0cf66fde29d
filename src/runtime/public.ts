/**
 * fairlink/runtime: the same protocols on real processes and sockets, with real clocks and
 * durable files: one node (`launchNode`) or a local cluster from a cluster file.
 *
 * @module fairlink/runtime
 */

export {
  DEFAULT_TRANSPORT_LIMITS,
  MemoryStorage,
  RuntimeNode,
  launchNode,
  loadClusterConfig,
  parseClusterConfig,
  startLocalCluster,
  stopLocalCluster,
  type ClusterConfig,
  type DurableStore,
  type LaunchedNode,
  type LocalClusterOptions,
  type NodeAddress,
  type NodeLaunchOptions,
  type RuntimeNodeOptions,
  type TransportLimits,
} from './index.js';
