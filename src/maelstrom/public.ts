/**
 * fairlink/maelstrom: Jepsen Maelstrom's stdin/stdout JSON protocol, both ways: run a
 * fairlink protocol as a Maelstrom node, and run Maelstrom's workloads against nodes.
 *
 * @module fairlink/maelstrom
 */

export {
  NEMESIS_NAMES,
  TOPOLOGY_NAMES,
  WORKLOAD_NAMES,
  broadcastNode,
  echoNode,
  gCounterNode,
  linKvNode,
  reply,
  replyError,
  runMaelstromNode,
  runMaelstromTest,
  uniqueIdsNode,
  type Body,
  type BroadcastOptions,
  type Envelope,
  type ErrorCode,
  type GCounterOptions,
  type LinKvOptions,
  type MaelstromContext,
  type MaelstromProtocol,
  type MaelstromRun,
  type MaelstromTestOptions,
  type MaelstromVerdict,
  type NemesisName,
  type NodeAdapterOptions,
  type TopologyName,
  type WorkloadName,
} from './index.js';
