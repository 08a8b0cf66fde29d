import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import type { Grudge } from './network.js';
import { buildGrudge, grudgeToRecord, validatePartition, type PartitionShape } from './partitions.js';
import { randomStream } from '../core/index.js';
import { simulate } from './simulator.js';
import type { TraceEvent } from '../trace/index.js';

function names(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `n${index + 1}`);
}

/** The nodes `node` receives from (itself included). */
function sees(grudge: Grudge, nodes: readonly string[], node: string): Set<string> {
  return new Set(nodes.filter((other) => !(grudge.get(node)?.has(other) ?? false)));
}

function isSymmetric(grudge: Grudge): boolean {
  for (const [node, ignored] of grudge)
    for (const other of ignored) if (!grudge.get(other)?.has(node)) return false;
  return true;
}

/** The connected components of a symmetric grudge. */
function components(grudge: Grudge, nodes: readonly string[]): string[][] {
  const seen = new Set<string>();
  const result: string[][] = [];
  for (const node of nodes) {
    if (seen.has(node)) continue;
    const component = [...sees(grudge, nodes, node)].sort();
    component.forEach((member) => seen.add(member));
    result.push(component);
  }
  return result;
}

describe('partition shapes', () => {
  it.each([2, 3, 4, 5, 6, 7, 9])(
    'halves splits %i nodes into two sides differing by at most one',
    (count) => {
      const nodes = names(count);
      for (let seed = 0; seed < 20; seed++) {
        const { grudge } = buildGrudge({ kind: 'halves' }, nodes, randomStream(seed, 'faults'));
        expect(isSymmetric(grudge)).toBe(true);
        const parts = components(grudge, nodes);
        expect(parts).toHaveLength(2);
        const sizes = parts.map((part) => part.length).sort();
        expect(sizes).toEqual([Math.floor(count / 2), Math.ceil(count / 2)]);
        // Each side sees exactly itself.
        for (const part of parts)
          for (const node of part) expect([...sees(grudge, nodes, node)].sort()).toEqual(part);
      }
    },
  );

  it('halves draws different splits for different seeds', () => {
    const splits = new Set<string>();
    for (let seed = 0; seed < 30; seed++)
      splits.add(buildGrudge({ kind: 'halves' }, names(6), randomStream(seed, 'f')).name);
    expect(splits.size).toBeGreaterThan(5);
  });

  it('isolate cuts one node off from all the others, both ways', () => {
    const nodes = names(5);
    const { name, grudge } = buildGrudge({ kind: 'isolate', node: 'n3' }, nodes, randomStream(1, 'f'));
    expect(name).toBe('isolate n3');
    expect(components(grudge, nodes)).toEqual([['n1', 'n2', 'n4', 'n5'], ['n3']]);
    expect(isSymmetric(grudge)).toBe(true);
  });

  it('isolate without a node picks one from the seed', () => {
    const picked = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const { grudge } = buildGrudge({ kind: 'isolate' }, names(5), randomStream(seed, 'f'));
      const lonely = components(grudge, names(5)).find((part) => part.length === 1);
      expect(lonely).toBeDefined();
      picked.add((lonely as string[])[0] as string);
    }
    expect(picked.size).toBe(5);
  });

  it('majorities-ring with 5 nodes: every node sees a majority, and no two see the same one', () => {
    const nodes = names(5);
    for (let seed = 0; seed < 20; seed++) {
      const { grudge } = buildGrudge({ kind: 'majorities-ring' }, nodes, randomStream(seed, 'faults'));
      const views = nodes.map((node) => [...sees(grudge, nodes, node)].sort().join(','));
      for (const view of views) expect(view.split(',').length).toBe(3);
      expect(new Set(views).size).toBe(5);
      expect(isSymmetric(grudge)).toBe(true);
      // Every node sees itself.
      for (const node of nodes) expect(sees(grudge, nodes, node).has(node)).toBe(true);
    }
  });

  it.each([4, 5, 6, 7, 8, 9])(
    'majorities-ring with %i nodes: majorities everywhere, all different, symmetric',
    (count) => {
      const nodes = names(count);
      for (let seed = 0; seed < 10; seed++) {
        const { grudge } = buildGrudge({ kind: 'majorities-ring' }, nodes, randomStream(seed, 'faults'));
        const views = nodes.map((node) => [...sees(grudge, nodes, node)].sort().join(','));
        for (const view of views) expect(view.split(',').length).toBeGreaterThan(count / 2);
        expect(new Set(views).size).toBe(count);
        expect(isSymmetric(grudge)).toBe(true);
      }
    },
  );

  it('majorities-ring with 3 nodes cannot be symmetric and distinct: it cuts nothing', () => {
    const nodes = names(3);
    const { grudge } = buildGrudge({ kind: 'majorities-ring' }, nodes, randomStream(1, 'faults'));
    for (const node of nodes) expect(sees(grudge, nodes, node).size).toBe(3);
  });

  it('bridge: two sides that cannot talk, joined by one node that sees everyone', () => {
    for (const count of [3, 4, 5, 6, 7]) {
      const nodes = names(count);
      for (let seed = 0; seed < 10; seed++) {
        const { grudge } = buildGrudge({ kind: 'bridge' }, nodes, randomStream(seed, 'faults'));
        expect(isSymmetric(grudge)).toBe(true);
        const bridges = nodes.filter((node) => sees(grudge, nodes, node).size === count);
        expect(bridges).toHaveLength(1);
        const bridge = bridges[0] as string;
        const others = nodes.filter((node) => node !== bridge);
        const sideOf = (node: string) =>
          [...sees(grudge, nodes, node)]
            .filter((other) => other !== bridge)
            .sort()
            .join(',');
        const sides = new Set(others.map(sideOf));
        expect(sides.size).toBe(2);
        const sizes = [...sides].map((side) => side.split(',').length).sort();
        expect(sizes).toEqual([Math.ceil((count - 1) / 2) - ((count - 1) % 2), Math.floor(count / 2)].sort());
        for (const node of others) expect(sees(grudge, nodes, node).has(bridge)).toBe(true);
      }
    }
  });

  it('one-way drops traffic from `from` at `to`, and lets the other direction flow', () => {
    const nodes = names(4);
    const { name, grudge } = buildGrudge(
      { kind: 'one-way', from: ['n1', 'n2'], to: ['n3'] },
      nodes,
      randomStream(1, 'f'),
    );
    expect(name).toBe('one-way n1,n2 -> n3');
    expect(grudgeToRecord(grudge)).toEqual({ n3: ['n1', 'n2'] });
  });

  it('groups are components; nodes no group names form one more', () => {
    const nodes = names(6);
    const shape: PartitionShape = { kind: 'groups', groups: [['n1', 'n2'], ['n5']] };
    const { name, grudge } = buildGrudge(shape, nodes, randomStream(1, 'f'));
    expect(name).toBe('groups n1,n2 | n5 | n3,n4,n6');
    expect(components(grudge, nodes)).toEqual([['n1', 'n2'], ['n3', 'n4', 'n6'], ['n5']]);
    const all = buildGrudge(
      {
        kind: 'groups',
        groups: [
          ['n1', 'n2', 'n3'],
          ['n4', 'n5', 'n6'],
        ],
      },
      nodes,
      randomStream(1, 'f'),
    );
    expect(components(all.grudge, nodes)).toHaveLength(2);
  });

  it('grudgeToRecord lists sorted senders and leaves out nodes without a grudge', () => {
    expect(
      grudgeToRecord(
        new Map([
          ['b', new Set(['c', 'a'])],
          ['c', new Set()],
        ]),
      ),
    ).toEqual({ b: ['a', 'c'] });
  });

  it.each<[PartitionShape, string]>([
    [{ kind: 'isolate', node: 'n9' }, "faults[0]: partition names unknown node 'n9'"],
    [{ kind: 'one-way', from: ['n1'], to: ['x'] }, "faults[0]: partition names unknown node 'x'"],
    [{ kind: 'groups', groups: [['n1'], ['n2', 'q']] }, "faults[0]: partition names unknown node 'q'"],
    [{ kind: 'ring' } as unknown as PartitionShape, "faults[0]: unknown partition kind 'ring'"],
  ])('validatePartition refuses %j', (shape, message) => {
    const check = () => validatePartition(shape, new Set(names(3)), 'faults[0]');
    expect(check).toThrow(InputError);
    expect(check).toThrow(message);
  });
});

describe('partitions in a run', () => {
  // n1 sends a numbered message to n2 every 10 ms; delay 25 ms, so three are always in flight.
  const pinger = defineProtocol({
    name: 'pinger',
    init: () => ({ sent: 0, received: [] as number[] }),
    onBoot: (ctx) => ctx.setTimer('ping', 0),
    onTimer: (ctx) => {
      if (ctx.id === 'n1') ctx.send('n2' as NodeId, ++ctx.state.sent);
      ctx.setTimer('ping', 10);
    },
    onMessage: (ctx, _from, message: number) => {
      ctx.state.received.push(message);
    },
  });

  it('drops traffic across a grudge at send and at delivery, and heals', () => {
    const result = simulate(
      {
        nodes: { n1: pinger, n2: pinger },
        network: { delay: 25 },
        faults: [
          {
            atMs: 52,
            fault: { kind: 'partition', shape: { kind: 'one-way', from: ['n1'], to: ['n2'] }, forMs: 30 },
          },
        ],
        durationMs: 200,
      },
      { seed: 1, trace: true },
    );
    expect(result.ok).toBe(true);
    const events = result.trace?.events ?? [];
    const sends = new Map(
      events.flatMap((event) => (event.type === 'send' ? [[event.msg, event] as const] : [])),
    );
    const drops = events.filter(
      (event): event is Extract<TraceEvent, { type: 'drop' }> => event.type === 'drop',
    );
    expect(
      drops.every((drop) => drop.reason === 'partition' && drop.from === 'n1' && drop.node === 'n2'),
    ).toBe(true);
    // Sent at 60, 70, 80 during the partition [52, 82): dropped at once.
    const atSend = drops.filter((drop) => sends.get(drop.msg)?.t === drop.t).map((drop) => drop.t);
    expect(atSend).toEqual([60, 70, 80]);
    // Sent at 30, 40, 50 before it, arriving at 55, 65, 75 during it: dropped on arrival.
    const atDelivery = drops
      .filter((drop) => sends.get(drop.msg)?.t !== drop.t)
      .map((drop) => [sends.get(drop.msg)?.t, drop.t]);
    expect(atDelivery).toEqual([
      [30, 55],
      [40, 65],
      [50, 75],
    ]);
    expect(events.find((event) => event.type === 'heal')?.t).toBe(82);
    // Messages 1..3 (sent at 0, 10, 20) and 10 on (sent from 90) arrive; 4..9 are lost.
    const received = (result.trace?.events ?? []).filter(
      (event) => event.type === 'deliver' && event.node === 'n2',
    ).length;
    // 21 sends (0..200 ms); those after 175 ms are still in flight at the end.
    expect(received).toBe(result.stats.sends - 6 - 3);
  });
});
