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

import { InputError } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { plainToJson } from '../core/index.js';
import type { DropReason } from '../trace/index.js';
import {
  constant,
  describeDistribution,
  draw,
  validateDistribution,
  type Distribution,
} from './distributions.js';
import type { RandomStream } from '../core/index.js';
import type { SendKeys } from './send-keys.js';

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
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    value > 1 ||
    (below1 && value === 1)
  ) {
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
      settings.delay === undefined
        ? (base?.delay ?? constant(1))
        : validateDistribution(settings.delay, `${where}.delay`),
    drop:
      settings.drop === undefined
        ? (base?.drop ?? 0)
        : requireProbability(`${where}.drop`, settings.drop, true),
    duplicate:
      settings.duplicate === undefined
        ? (base?.duplicate ?? 0)
        : requireProbability(`${where}.duplicate`, settings.duplicate, false),
  };
}

/** Loss decisions of shrinking beyond `forcedDeliveries` (see `ShrinkDirectives` in simulator.ts). */
export interface LossOverrides {
  /** Names every send (loss fates then carry `key`); one per run, shared by its networks. */
  readonly sendKeys?: SendKeys;
  /** When present, the only losses: the sends named here, on links that can lose (needs `sendKeys`). */
  readonly keptLosses?: ReadonlySet<string>;
  /** The index of the first send: a network that replaces another mid-run continues its count. */
  readonly firstSendIndex?: number;
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
  /** Whether no link decides anything by chance: constant delays, no drops, no duplicates. */
  private readonly drawsNothing: boolean;

  // What the last `decide` found. Fields rather than a returned object: the simulator decides
  // every send, and allocating a result for each was a measurable share of its time.
  /** Arrival time of the first copy, when `decide` returned 1 or 2. */
  arrivalFirst = 0;
  /** Arrival time of the second copy, when `decide` returned 2. */
  arrivalSecond = 0;
  /** Why the message was dropped, when `decide` returned 0. */
  dropReason: DropReason = 'loss';
  /** The send index of the decision (what `forcedDeliveries` names). */
  decidedIndex = 0;
  /** The send key of a loss, when sends are named (shrinking). */
  decidedKey: string | undefined;

  constructor(
    readonly settings: NetworkSettings,
    private readonly random: RandomStream,
    forcedDeliveries: ReadonlySet<number> = new Set(),
    private readonly lossOverrides: LossOverrides = {},
  ) {
    this.sendIndex = lossOverrides.firstSendIndex ?? 0;
    this.defaults = resolveLink(settings, 'network');
    this.overrides = (settings.links ?? []).map((link, index) => ({
      ...link,
      resolved: resolveLink(link, `network.links[${index}]`, this.defaults),
    }));
    this.fifo = settings.ordering === 'fifo';
    this.forcedDeliveries = forcedDeliveries;
    this.drawsNothing = [this.defaults, ...this.overrides.map((override) => override.resolved)].every(
      (link) => link.delay.kind === 'constant' && link.drop === 0 && link.duplicate === 0,
    );
  }

  /** The settings of the link from `from` to `to`. */
  link(from: NodeId, to: NodeId): ResolvedLink {
    if (this.overrides.length === 0) return this.defaults;
    const key = `${from}\u0000${to}`;
    let resolved = this.resolvedCache.get(key);
    if (!resolved) {
      resolved = this.defaults;
      for (const override of this.overrides) {
        if (
          (override.from === '*' || override.from === from) &&
          (override.to === '*' || override.to === to)
        ) {
          resolved = override.resolved;
        }
      }
      this.resolvedCache.set(key, resolved);
    }
    return resolved;
  }

  /** Sets (or with `undefined` heals) the current partition. */
  /** The current partition's grudge (undefined: none). */
  get currentGrudge(): Grudge | undefined {
    return this.grudge;
  }

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
  /** Releases every clogged link (faults heal at the start of the liveness phase). */
  clearClogs(): void {
    this.clogs.clear();
  }

  /**
   * Decides the fate of a message sent at `now`. Returns absolute arrival
   * times (one, or two when duplicated), or why it was dropped. Every call
   * draws the same number of random numbers whatever the outcome, so that
   * shrinking a drop into a delivery does not shift later decisions.
   */
  fate(
    from: NodeId,
    to: NodeId,
    message: unknown,
    now: number,
  ): Fate & { readonly index: number; readonly key?: string } {
    const copies = this.decide(from, to, message, now);
    const index = this.decidedIndex;
    if (copies === 0) {
      const key = this.decidedKey;
      return { arrives: false, reason: this.dropReason, index, ...(key === undefined ? {} : { key }) };
    }
    const delays = copies === 2 ? [this.arrivalFirst, this.arrivalSecond] : [this.arrivalFirst];
    return { arrives: true, delays, index };
  }

  /**
   * {@link fate} without allocation: returns how many copies arrive (0 when
   * dropped, 2 when duplicated) and leaves the details in the fields above.
   */
  decide(from: NodeId, to: NodeId, message: unknown, now: number): 0 | 1 | 2 {
    const index = this.sendIndex++;
    this.decidedIndex = index;
    this.decidedKey = undefined;
    const link = this.link(from, to);
    const random = this.random;
    // A network that decides nothing by chance skips its draws: they could change no decision,
    // and nothing else reads its stream. A draw of 1 is never below a probability.
    const dropDraw = this.drawsNothing ? 1 : random.next();
    const duplicateDraw = this.drawsNothing ? 1 : random.next();
    const firstDelay = draw(link.delay, random);
    const secondDelay = draw(link.delay, random);
    // Named before the partition check: blocked sends count as occurrences too.
    const sendKey = this.lossOverrides.sendKeys?.next(from, to, message);
    if (this.grudge !== undefined && this.blocked(from, to)) {
      this.dropReason = 'partition';
      return 0;
    }
    const kept = this.lossOverrides.keptLosses;
    let dropped =
      kept && sendKey !== undefined
        ? link.drop > 0 && kept.has(sendKey)
        : dropDraw < link.drop && !this.forcedDeliveries.has(index);
    const bound = this.settings.consecutiveDropsMax;
    if (bound !== undefined && link.drop > 0) {
      const key = `${from}\u0000${to}\u0000${plainToJson(message)}`;
      const streak = this.consecutiveDrops.get(key) ?? 0;
      if (dropped && streak >= bound) dropped = false;
      if (dropped) this.consecutiveDrops.set(key, streak + 1);
      else this.consecutiveDrops.delete(key);
    }
    if (dropped) {
      this.dropReason = 'loss';
      this.decidedKey = sendKey;
      return 0;
    }
    const copies = duplicateDraw < link.duplicate ? 2 : 1;
    // Whole microseconds, so that sums of times print short and exact in traces.
    let first = Math.round((now + firstDelay) * 1000) / 1000;
    let second = Math.round((now + secondDelay) * 1000) / 1000;
    // Clogs and FIFO order need the pair's key; most runs have neither, and skip building it.
    if (this.clogs.size > 0 || this.fifo) {
      const pair = `${from}\u0000${to}`;
      const clogUntil = this.clogs.get(pair) ?? 0;
      first = Math.max(first, clogUntil);
      second = Math.max(second, clogUntil);
      if (this.fifo) {
        const last = this.lastArrival.get(pair) ?? 0;
        first = Math.max(first, last);
        second = Math.max(second, last);
        this.lastArrival.set(pair, copies === 2 ? Math.max(first, second) : first);
      }
    }
    this.arrivalFirst = first;
    this.arrivalSecond = second;
    return copies;
  }

  /**
   * Continues the per-pair order of the network this one replaces mid-run:
   * under FIFO, nothing sent from now on may overtake what is still in flight.
   */
  continueOrderOf(previous: Network): void {
    for (const [pair, arrival] of previous.lastArrival) this.lastArrival.set(pair, arrival);
  }

  /** How many sends this network has decided, counting from `firstSendIndex`. */
  get sendCount(): number {
    return this.sendIndex;
  }

  /** The settings, as plain data for the trace header. */
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
