/**
 * Partitions as grudges, the way Jepsen describes them: for each node, the set
 * of nodes whose traffic it drops. Each shape is a function of the nodes it
 * applies to (and, for random shapes, the fault stream).
 */

import { InputError } from '../core/index.js';
import type { Grudge } from './network.js';
import type { RandomStream } from '../core/index.js';

/** A partition shape, as data. */
export type PartitionShape =
  /** Two halves that cannot reach each other (random split, sizes differing by at most one). */
  | { readonly kind: 'halves' }
  /** One node cut off from all others (random when `node` is absent). */
  | { readonly kind: 'isolate'; readonly node?: string }
  /** Each node sees a majority, but no two nodes see the same majority (Jepsen's ring). */
  | { readonly kind: 'majorities-ring' }
  /** Two halves joined by one node that sees both (Jepsen's bridge). */
  | { readonly kind: 'bridge' }
  /** Traffic from `from` to `to` is dropped; the other direction flows. */
  | { readonly kind: 'one-way'; readonly from: readonly string[]; readonly to: readonly string[] }
  /** Explicit components: nodes in different groups cannot talk; nodes not named form one more group. */
  | { readonly kind: 'groups'; readonly groups: readonly (readonly string[])[] }
  /**
   * A partition as a trace records it (its name and grudge), put back as it was: a replay of a
   * run (the explorer's branches) cuts off exactly whom the run's drawn partition cut off.
   */
  | {
      readonly kind: 'recorded';
      readonly name: string;
      readonly grudge: Readonly<Record<string, readonly string[]>>;
    };

/** A grudge plus a readable name for traces. */
export interface NamedGrudge {
  readonly name: string;
  readonly grudge: Grudge;
}

/** Checks that a shape names only known nodes. */
export function validatePartition(shape: PartitionShape, nodes: ReadonlySet<string>, where: string): void {
  const named: string[] = [];
  switch (shape.kind) {
    case 'halves':
    case 'majorities-ring':
    case 'bridge':
      break;
    case 'isolate':
      if (shape.node !== undefined) named.push(shape.node);
      break;
    case 'one-way':
      named.push(...shape.from, ...shape.to);
      break;
    case 'groups':
      for (const group of shape.groups) named.push(...group);
      break;
    case 'recorded':
      for (const [node, ignored] of Object.entries(shape.grudge)) named.push(node, ...ignored);
      break;
    default:
      throw new InputError(`${where}: unknown partition kind '${(shape as { kind: string }).kind}'`);
  }
  for (const node of named) {
    if (!nodes.has(node)) throw new InputError(`${where}: partition names unknown node '${node}'`);
  }
}

function shuffled(nodes: readonly string[], random: RandomStream): string[] {
  const copy = [...nodes];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [copy[index], copy[other]] = [copy[other] as string, copy[index] as string];
  }
  return copy;
}

/** Every node drops traffic from every node outside its own component. */
function fromComponents(components: readonly (readonly string[])[]): Grudge {
  const grudge = new Map<string, Set<string>>();
  for (const component of components) {
    const others = components.filter((other) => other !== component).flat();
    for (const node of component) grudge.set(node, new Set(others));
  }
  return grudge;
}

/** Builds the grudge of `shape` over `nodes`. */
export function buildGrudge(
  shape: PartitionShape,
  nodes: readonly string[],
  random: RandomStream,
): NamedGrudge {
  switch (shape.kind) {
    case 'halves': {
      const order = shuffled(nodes, random);
      const half = Math.floor(order.length / 2);
      const a = order.slice(0, half);
      const b = order.slice(half);
      return { name: `halves ${a.join(',')} | ${b.join(',')}`, grudge: fromComponents([a, b]) };
    }
    case 'isolate': {
      const node = shape.node ?? random.pick(nodes);
      return {
        name: `isolate ${node}`,
        grudge: fromComponents([[node], nodes.filter((other) => other !== node)]),
      };
    }
    case 'majorities-ring': {
      // Node i sees the nodes within `radius` of it in a random ring order: a window centred on
      // it, so that the grudge is symmetric (a cut link is cut both ways). 2 radius + 1 nodes
      // make a majority, and the windows differ as long as they leave someone out (from 4 nodes;
      // with 3, a symmetric ring of distinct majorities does not exist and everyone sees everyone).
      const order = shuffled(nodes, random);
      const size = order.length;
      const radius = Math.ceil(Math.floor(size / 2) / 2);
      const grudge = new Map<string, Set<string>>();
      order.forEach((node, index) => {
        const visible = new Set<string>();
        for (let offset = -radius; offset <= radius; offset++) {
          visible.add(order[(((index + offset) % size) + size) % size] as string);
        }
        grudge.set(node, new Set(order.filter((other) => !visible.has(other))));
      });
      return { name: `majorities-ring ${order.join(',')}`, grudge };
    }
    case 'bridge': {
      const order = shuffled(nodes, random);
      const half = Math.floor(order.length / 2);
      const bridgeNode = order[half] as string;
      const a = order.slice(0, half);
      const b = order.slice(half + 1);
      const grudge = fromComponents([a, b]) as Map<string, Set<string>>;
      grudge.set(bridgeNode, new Set());
      return { name: `bridge ${a.join(',')} <${bridgeNode}> ${b.join(',')}`, grudge };
    }
    case 'one-way': {
      const grudge = new Map<string, Set<string>>();
      for (const receiver of shape.to) grudge.set(receiver, new Set(shape.from));
      return { name: `one-way ${shape.from.join(',')} -> ${shape.to.join(',')}`, grudge };
    }
    case 'groups': {
      const named = new Set(shape.groups.flat());
      const rest = nodes.filter((node) => !named.has(node));
      const components = rest.length > 0 ? [...shape.groups, rest] : shape.groups;
      return {
        name: `groups ${components.map((group) => group.join(',')).join(' | ')}`,
        grudge: fromComponents(components),
      };
    }
    case 'recorded': {
      const grudge = new Map<string, Set<string>>();
      for (const [node, ignored] of Object.entries(shape.grudge)) grudge.set(node, new Set(ignored));
      return { name: shape.name, grudge };
    }
  }
}

/** The grudge as plain data for the trace. */
export function grudgeToRecord(grudge: Grudge): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [node, ignored] of grudge) if (ignored.size > 0) record[node] = [...ignored].sort();
  return record;
}
