/**
 * The partition nemesis: partitions that come and go at random intervals
 * while the workload runs, healed before the final phase.
 *
 * As in Maelstrom, each wait is uniform in [0, 2 × interval] (mean
 * `interval`), and each partition is one of: one node isolated, a minority
 * third cut off, majority/minority halves, or a ring of overlapping majorities.
 */

import { buildGrudge, grudgeToRecord, type NamedGrudge, type PartitionShape } from '../sim/index.js';
import type { RandomStream } from '../core/index.js';

/** What the nemesis did, for the results. */
export interface NemesisEvent {
  readonly atMs: number;
  readonly type: 'partition' | 'heal';
  /** For a partition: a readable name, such as `isolate n2`. */
  readonly name?: string;
  /** For a partition: for each node, the nodes whose messages it drops. */
  readonly grudge?: Readonly<Record<string, readonly string[]>>;
}

/** Where the nemesis applies its partitions. */
export interface NemesisTarget {
  start(partition: NamedGrudge): void;
  heal(): void;
}

/** Draws one of the four partition shapes over `nodes`. */
export function randomPartition(nodes: readonly string[], random: RandomStream): NamedGrudge {
  const kind = random.pick(['isolate', 'third', 'halves', 'majorities-ring'] as const);
  if (kind === 'third') {
    const order = [...nodes];
    for (let index = order.length - 1; index > 0; index--) {
      const other = random.int(0, index);
      [order[index], order[other]] = [order[other] as string, order[index] as string];
    }
    const third = order.slice(0, Math.max(1, Math.floor(nodes.length / 3)));
    const named = buildGrudge({ kind: 'groups', groups: [third] }, nodes, random);
    return { name: `minority third ${third.join(',')}`, grudge: named.grudge };
  }
  const shape: PartitionShape = { kind };
  return buildGrudge(shape, nodes, random);
}

/** A running partition schedule. */
export class PartitionNemesis {
  private timer: NodeJS.Timeout | undefined;
  private partitioned = false;
  private stopped = false;
  readonly events: NemesisEvent[] = [];

  constructor(
    private readonly nodes: readonly string[],
    private readonly intervalMs: number,
    private readonly random: RandomStream,
    private readonly target: NemesisTarget,
    private readonly clock: () => number,
  ) {}

  /** Starts the schedule: the first partition comes after a random wait. */
  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const waitMs = this.random.between(0, 2 * this.intervalMs);
    this.timer = setTimeout(() => this.flip(), waitMs);
  }

  private flip(): void {
    if (this.stopped) return;
    if (this.partitioned) {
      this.healNow();
    } else if (this.nodes.length >= 2) {
      const partition = randomPartition(this.nodes, this.random);
      this.partitioned = true;
      this.target.start(partition);
      this.events.push({
        atMs: this.clock(),
        type: 'partition',
        name: partition.name,
        grudge: grudgeToRecord(partition.grudge),
      });
    }
    this.schedule();
  }

  private healNow(): void {
    this.partitioned = false;
    this.target.heal();
    this.events.push({ atMs: this.clock(), type: 'heal' });
  }

  /** Stops the schedule and heals any partition in effect. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.partitioned) this.healNow();
  }
}
