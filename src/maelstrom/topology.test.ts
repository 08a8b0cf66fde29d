import { describe, expect, it } from 'vitest';
import { serverIds } from './protocol.js';
import { buildTopology, TOPOLOGY_NAMES, type Topology } from './topology.js';

function connected(topology: Topology): boolean {
  const nodes = Object.keys(topology);
  const seen = new Set([nodes[0] as string]);
  const queue = [nodes[0] as string];
  while (queue.length > 0) {
    for (const next of topology[queue.pop() as string] ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen.size === nodes.length;
}

describe('buildTopology', () => {
  it.each(TOPOLOGY_NAMES)('%s is symmetric and connected for 1 to 30 nodes', (name) => {
    for (let count = 1; count <= 30; count++) {
      const topology = buildTopology(name, serverIds(count));
      expect(Object.keys(topology)).toHaveLength(count);
      for (const [node, neighbours] of Object.entries(topology)) {
        expect(neighbours).not.toContain(node);
        for (const neighbour of neighbours) expect(topology[neighbour]).toContain(node);
      }
      expect(connected(topology)).toBe(true);
    }
  });

  it('lays 25 nodes out as a 5 by 5 grid', () => {
    const grid = buildTopology('grid', serverIds(25));
    expect(grid['n0']).toEqual(['n1', 'n5']);
    expect(grid['n12']).toEqual(['n7', 'n11', 'n13', 'n17']);
    expect(Math.max(...Object.values(grid).map((neighbours) => neighbours.length))).toBe(4);
  });

  it('builds lines, trees and the total graph', () => {
    expect(buildTopology('line', serverIds(3))).toEqual({ n0: ['n1'], n1: ['n0', 'n2'], n2: ['n1'] });
    expect(buildTopology('tree3', serverIds(5))['n0']).toEqual(['n1', 'n2', 'n3']);
    expect(buildTopology('total', serverIds(3))['n1']).toEqual(['n0', 'n2']);
  });
});
