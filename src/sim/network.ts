/**
 * The communication medium: for each copy of each message, whether it
 * arrives, when, and how many copies.
 *
 * Every ordered pair of nodes is a link with a delay distribution, a drop
 * probability and a duplicate probability (defaults, overridden per link).
 * Partitions are grudges: a set of (receiver, sender) pairs whose traffic is
 * dropped. Clogging holds a link's traffic until a time. Each copy is dropped
 * independently with a probability below 1, so the medium is fair with
 * probability 1; `consecutiveDropsMax` makes it fair for certain: the same
 * message on the same link is never dropped more than that many times in a row.
 */

import { InputError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { plainToJson } from '../core/plain.js';
import type { DropReason } from '../trace/events.js';
import { constant, describeDistribution, draw, validateDistribution, type Distribution } from './distributions.js';
import type { RandomStream } from './random.js';

/** Settings of one link (or the defaults of all links). */
export interface LinkSettings {
  /** How long a copy takes, ms (a number means constant). */
  readonly delay?: Distribution | number;
  /** Probability that a copy is lost, in [0, 1). */
  readonly drop?: number;
  /** Probability that a message is delivered twice, in [0, 1]. */
  readonly duplicate?: number;
}

/** Settings that apply to the links from `from` to `to` (`*` for any). */
export interface LinkOverride extends LinkSettings {
  readonly from: string;
  readonly to: string;
}

/** The medium's configuration. */
export interface NetworkSettings extends LinkSettings {
  /** `unordered` (default) lets copies overtake each other; `fifo` keeps each pair's order. */
  readonly ordering?: 'unordered' | 'fifo';
  /** Per-link settings, later entries win. */
  readonly links?: readonly LinkOverride[];
  /** A strict fair-loss adversary: at most this many drops in a row of one message on one link. */
  readonly consecutiveDropsMax?: number;
}

interface ResolvedLink {
  readonly delay: Distribution;
  readonly drop: number;
  readonly duplicate: number;
}

/** The fate of one sent message. */
export type Fate =
  | { readonly arrives: true; readonly delays: readonly number[] }
  | { readonly arrives: false; readonly reason: DropReason };

function requireProbability(where: string, value: unknown, below1: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1 || (below1 && value === 1)) {
    throw new InputError(
      `${where} must be a probability in [0, ${below1 ? '1)' : '1]'}, got ${String(value)}` +
        (below1 && value === 1 ? ' (a link that drops everything is not fair-loss)' : ''),
    );
  }
  return value;
}

/** Validates network settings against the node names, naming the offending field. */
export function validateNetwork(settings: NetworkSettings, nodes: ReadonlySet<string>): void {
  resolveLink(settings, 'network');
  if (settings.ordering !== undefined && settings.ordering !== 'unordered' && settings.ordering !== 'fifo') {
    throw new InputError(`network.ordering must be 'unordered' or 'fifo', got ${String(settings.ordering)}`);
  }
  const bound = settings.consecutiveDropsMax;
  if (bound !== undefined && !(Number.isInteger(bound) && bound >= 0)) {
    throw new InputError(`network.consecutiveDropsMax must be a whole number >= 0, got ${String(bound)}`);
  }
  (settings.links ?? []).forEach((link, index) => {
    for (const end of ['from', 'to'] as const) {
      if (link[end] !== '*' && !nodes.has(link[end])) {
        throw new InputError(`network.links[${index}].${end}: unknown node '${link[end]}'`);
      }
    }
    resolveLink(link, `network.links[${index}]`);
  });
}

function resolveLink(settings: LinkSettings, where: string, base?: ResolvedLink): ResolvedLink {
  return {
    delay:
      settings.delay === undefined ? (base?.delay ?? constant(1)) : validateDistribution(settings.delay, `${where}.delay`),
    drop: settings.drop === undefined ? (base?.drop ?? 0) : requireProbability(`${where}.drop`, settings.drop, true),
    duplicate:
      settings.duplicate === undefined
        ? (base?.duplicate ?? 0)
        : requireProbability(`${where}.duplicate`, settings.duplicate, false),
  };
}

/** Which senders each receiver ignores. */
export type Grudge = ReadonlyMap<string, ReadonlySet<string>>;

/** The medium during one run. */
export class Network {
  private readonly defaults: ResolvedLink;
  private readonly overrides: readonly (LinkOverride & { resolved: ResolvedLink })[];
  private readonly resolvedCache = new Map<string, ResolvedLink>();
  private readonly fifo: boolean;
  private readonly lastArrival = new Map<string, number>();
  private readonly consecutiveDrops = new Map<string, number>();
  private grudge: Grudge | undefined;
  private readonly clogs = new Map<string, number>();
  /** The message-level decisions shrinking may override: send index -> forced delivery. */
  private readonly forcedDeliveries: ReadonlySet<number>;
  private sendIndex = 0;

  constructor(
    readonly settings: NetworkSettings,
    private readonly random: RandomStream,
    forcedDeliveries: ReadonlySet<number> = new Set(),
  ) {
    this.defaults = resolveLink(settings, 'network');
    this.overrides = (settings.links ?? []).map((link, index) => ({
      ...link,
      resolved: resolveLink(link, `network.links[${index}]`, this.defaults),
    }));
    this.fifo = settings.ordering === 'fifo';
    this.forcedDeliveries = forcedDeliveries;
  }

  /** The settings of the link from `from` to `to`. */
  link(from: NodeId, to: NodeId): ResolvedLink {
    if (this.overrides.length === 0) return this.defaults;
    const key = `${from}\u0000${to}`;
    let resolved = this.resolvedCache.get(key);
    if (!resolved) {
      resolved = this.defaults;
      for (const override of this.overrides) {
        if ((override.from === '*' || override.from === from) && (override.to === '*' || override.to === to)) {
          resolved = override.resolved;
        }
      }
      this.resolvedCache.set(key, resolved);
    }
    return resolved;
  }

  /** Sets (or with `undefined` heals) the current partition. */
  setGrudge(grudge: Grudge | undefined): void {
    this.grudge = grudge;
  }

  /** Whether `to` currently drops traffic from `from`. */
  blocked(from: NodeId, to: NodeId): boolean {
    return this.grudge?.get(to)?.has(from) ?? false;
  }

  /** Holds traffic from `from` to `to` until `until`. */
  clog(from: NodeId, to: NodeId, until: number): void {
    this.clogs.set(`${from}\u0000${to}`, until);
  }

  /**
   * Decides the fate of a message sent at `now`. Returns absolute arrival
   * times (one, or two when duplicated), or why it was dropped. Every call
   * draws the same number of random numbers whatever the outcome, so that
   * shrinking a drop into a delivery does not shift later decisions.
   */
  fate(from: NodeId, to: NodeId, message: unknown, now: number): Fate & { readonly index: number } {
    const index = this.sendIndex++;
    const link = this.link(from, to);
    const dropDraw = this.random.next();
    const duplicateDraw = this.random.next();
    const firstDelay = draw(link.delay, this.random);
    const secondDelay = draw(link.delay, this.random);
    if (this.blocked(from, to)) return { arrives: false, reason: 'partition', index };
    let dropped = dropDraw < link.drop && !this.forcedDeliveries.has(index);
    const bound = this.settings.consecutiveDropsMax;
    if (bound !== undefined && link.drop > 0) {
      const key = `${from}\u0000${to}\u0000${plainToJson(message)}`;
      const streak = this.consecutiveDrops.get(key) ?? 0;
      if (dropped && streak >= bound) dropped = false;
      if (dropped) this.consecutiveDrops.set(key, streak + 1);
      else this.consecutiveDrops.delete(key);
    }
    if (dropped) return { arrives: false, reason: 'loss', index };
    const copies = duplicateDraw < link.duplicate ? [firstDelay, secondDelay] : [firstDelay];
    const clogKey = `${from}\u0000${to}`;
    const clogUntil = this.clogs.get(clogKey) ?? 0;
    const arrivals = copies.map((delay) => Math.max(now + delay, clogUntil));
    if (this.fifo) {
      const last = this.lastArrival.get(clogKey) ?? 0;
      for (let copy = 0; copy < arrivals.length; copy++) {
        arrivals[copy] = Math.max(arrivals[copy] as number, last);
      }
      this.lastArrival.set(clogKey, Math.max(...arrivals));
    }
    return { arrives: true, delays: arrivals, index };
  }

  /** Whether a decision at send index `index` was a drop that shrinking could turn into a delivery. */
  describe(): Record<string, unknown> {
    return {
      delay: describeDistribution(this.defaults.delay),
      drop: this.defaults.drop,
      duplicate: this.defaults.duplicate,
      ordering: this.fifo ? 'fifo' : 'unordered',
      links: this.overrides.map((override) => ({
        from: override.from,
        to: override.to,
        delay: describeDistribution(override.resolved.delay),
        drop: override.resolved.drop,
        duplicate: override.resolved.duplicate,
      })),
      ...(this.settings.consecutiveDropsMax === undefined
        ? {}
        : { consecutiveDropsMax: this.settings.consecutiveDropsMax }),
    };
  }
}
