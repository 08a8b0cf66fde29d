/**
 * From a scenario's system and a cluster file to what each node runs: its
 * protocol and group (from the scenario, exactly as the simulator places
 * them) and every node's address (from the cluster file).
 */

import { InputError } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import type { Protocol } from '../core/index.js';
import type { NodeSpec, SimulationConfig } from '../sim/index.js';
import type { ClusterConfig, NodeAddress } from './config.js';

/** One node as the runtime runs it. */
export interface PlannedNode {
  readonly id: NodeId;
  readonly protocol: Protocol<unknown, unknown>;
  readonly group: string;
  /** The node's group in the scenario's order, itself included (`context.nodes`). */
  readonly members: readonly NodeId[];
  /** The group without the node (`context.peers`). */
  readonly peers: readonly NodeId[];
  readonly address: NodeAddress;
}

/** Every node of the cluster, and what the runtime leaves out of the scenario. */
export interface ClusterPlan {
  readonly nodes: readonly PlannedNode[];
  /** Sentences about scenario settings that only the simulator honours. */
  readonly notes: readonly string[];
}

type NodeEntry = SimulationConfig['nodes'][string];

function specOf(entry: NodeEntry): NodeSpec {
  const candidate = entry as Partial<NodeSpec>;
  return typeof candidate.protocol === 'object' && candidate.protocol !== null
    ? (entry as NodeSpec)
    : { protocol: entry as Protocol };
}

/**
 * Matches the scenario's nodes with the cluster file's: both must name the
 * same nodes, so that a typo cannot leave a node without an address.
 */
export function planCluster(
  config: ClusterConfig,
  system: SimulationConfig,
  scenarioName: string,
): ClusterPlan {
  const entries = Object.entries(system.nodes);
  const addresses = new Map(config.nodes.map((address) => [address.id as string, address]));
  const missing = entries.map(([id]) => id).filter((id) => !addresses.has(id));
  const extra = config.nodes.map((address) => address.id as string).filter((id) => !(id in system.nodes));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`no address for ${missing.join(', ')}`] : []),
      ...(extra.length > 0 ? [`${extra.join(', ')} not in the scenario`] : []),
    ];
    throw new InputError(
      `${config.path}: the nodes must be those of scenario '${scenarioName}' (${entries.map(([id]) => id).join(', ')}): ${parts.join('; ')}`,
    );
  }

  const groups = new Map<string, NodeId[]>();
  for (const [id, entry] of entries) {
    const group = specOf(entry).group ?? 'nodes';
    const members = groups.get(group) ?? [];
    members.push(id as NodeId);
    groups.set(group, members);
  }
  const notes: string[] = [];
  const nodes = entries.map(([id, entry]): PlannedNode => {
    const spec = specOf(entry);
    const group = spec.group ?? 'nodes';
    const members = groups.get(group) ?? [];
    if (spec.byzantine)
      notes.push(`${id} is Byzantine in the scenario; the runtime runs its correct protocol`);
    if (spec.clock)
      notes.push(`${id} has a clock skew or drift in the scenario; the runtime uses the real clock`);
    return {
      id: id as NodeId,
      protocol: spec.protocol as Protocol<unknown, unknown>,
      group,
      members,
      peers: members.filter((member) => member !== id),
      address: addresses.get(id) as NodeAddress,
    };
  });
  return { nodes, notes };
}
