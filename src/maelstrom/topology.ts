/**
 * The topologies the broadcast workload suggests to its nodes in the
 * `topology` message: for each node, its neighbours. Nodes may ignore them.
 */

/** The names `--topology` accepts. */
export const TOPOLOGY_NAMES = ['grid', 'line', 'tree', 'tree2', 'tree3', 'tree4', 'total'] as const;
/** One of {@link TOPOLOGY_NAMES}. */
export type TopologyName = (typeof TOPOLOGY_NAMES)[number];

/** For each node, its neighbours. */
export type Topology = Record<string, string[]>;

function connect(topology: Topology, a: string, b: string): void {
  const aNeighbours = topology[a] as string[];
  const bNeighbours = topology[b] as string[];
  if (!aNeighbours.includes(b)) aNeighbours.push(b);
  if (!bNeighbours.includes(a)) bNeighbours.push(a);
}

/**
 * Builds a topology over `nodes`:
 * - `grid`: a roughly square grid, rows of ceil(sqrt(n)) nodes, each linked to
 *   the nodes above, below, left and right (Maelstrom's default);
 * - `line`: each node linked to the previous and the next;
 * - `tree`/`tree2`/`tree3`/`tree4`: a tree of that fanout (2 for `tree`), node i's parent is (i-1)/fanout;
 * - `total`: everyone linked to everyone.
 */
export function buildTopology(name: TopologyName, nodes: readonly string[]): Topology {
  const topology: Topology = Object.fromEntries(nodes.map((node) => [node, [] as string[]]));
  const at = (index: number): string => nodes[index] as string;
  switch (name) {
    case 'grid': {
      const side = Math.max(1, Math.ceil(Math.sqrt(nodes.length)));
      nodes.forEach((node, index) => {
        const right = index + 1;
        if (right % side !== 0 && right < nodes.length) connect(topology, node, at(right));
        const below = index + side;
        if (below < nodes.length) connect(topology, node, at(below));
      });
      break;
    }
    case 'line':
      for (let index = 1; index < nodes.length; index++) connect(topology, at(index - 1), at(index));
      break;
    case 'tree':
    case 'tree2':
    case 'tree3':
    case 'tree4': {
      const fanout = name === 'tree' ? 2 : Number(name.slice(4));
      for (let index = 1; index < nodes.length; index++) {
        connect(topology, at(Math.floor((index - 1) / fanout)), at(index));
      }
      break;
    }
    case 'total':
      for (let a = 0; a < nodes.length; a++) {
        for (let b = a + 1; b < nodes.length; b++) connect(topology, at(a), at(b));
      }
      break;
  }
  for (const neighbours of Object.values(topology)) neighbours.sort(compareIds);
  return topology;
}

function compareIds(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || (a < b ? -1 : a > b ? 1 : 0);
}
