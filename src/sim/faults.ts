/**
 * The fault schedule (nemesis): what goes wrong, and when.
 *
 * A schedule is a list of timed faults. It is either written out ("at 2 s
 * partition {n1,n2} from the rest, heal at 5 s") or drawn from the seed by a
 * generator, which expands into the same explicit list before the run starts.
 * Keeping the list explicit is what lets shrinking remove faults one at a time.
 */

import { InputError } from '../core/index.js';
import { validatePartition, type PartitionShape } from './partitions.js';
import type { RandomStream } from '../core/index.js';

/** One fault. */
export type Fault =
  /** Stops the node forever: its timers die and messages to it are lost. */
  | { readonly kind: 'crash'; readonly node: string }
  /** Stops the node for `downMs`, then restarts it through `onRecover` with only its durable storage. */
  | { readonly kind: 'crash-recover'; readonly node: string; readonly downMs: number }
  /** Freezes the node (a long GC pause): arrivals and timers wait until it resumes. */
  | { readonly kind: 'pause'; readonly node: string; readonly forMs: number }
  /** Installs a partition; it lasts `forMs` (or until a `heal` when absent). */
  | { readonly kind: 'partition'; readonly shape: PartitionShape; readonly forMs?: number }
  /** Removes the current partition. */
  | { readonly kind: 'heal' }
  /** Holds traffic from `from` to `to` for `forMs`, then releases it at once. */
  | { readonly kind: 'clog'; readonly from: string; readonly to: string; readonly forMs: number }
  /** Sets the node's clock offset and rate error (drift 0.01 = 1% fast). */
  | { readonly kind: 'clock'; readonly node: string; readonly skewMs: number; readonly drift: number };

/** A fault at a virtual time. */
export interface TimedFault {
  readonly atMs: number;
  readonly fault: Fault;
}

/** The kinds a random nemesis may draw. */
export type RandomFaultKind = 'partition' | 'crash' | 'crash-recover' | 'pause' | 'clog' | 'clock';

/** Settings of a nemesis that draws its schedule from the seed. */
export interface RandomNemesis {
  readonly kind: 'random';
  /** Mean time between faults, ms. */
  readonly intervalMs: number;
  /** Which faults to draw (all but `crash` by default: a permanent crash ends liveness checks). */
  readonly faults?: readonly RandomFaultKind[];
  /** How long a fault lasts, ms: uniform in this range (default [intervalMs/2, 2 intervalMs]). */
  readonly durationMs?: readonly [number, number];
  /** How many nodes may be crashed at once (default: a minority). */
  readonly crashedMax?: number;
  /** The nodes faults may hit (default: the `nodes` group). */
  readonly targets?: readonly string[];
}

/** A schedule as a scenario gives it. */
export type FaultSchedule = readonly TimedFault[] | RandomNemesis;

function requireDuration(where: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InputError(`${where} must be a finite number of ms >= 0, got ${String(value)}`);
  }
}

function requireNode(where: string, node: unknown, nodes: ReadonlySet<string>): void {
  if (typeof node !== 'string' || !nodes.has(node)) {
    throw new InputError(`${where}: unknown node '${String(node)}'`);
  }
}

/** Validates one fault, naming it by `where`. */
export function validateFault(fault: Fault, nodes: ReadonlySet<string>, where: string): void {
  switch (fault.kind) {
    case 'crash':
      requireNode(where, fault.node, nodes);
      break;
    case 'crash-recover':
      requireNode(where, fault.node, nodes);
      requireDuration(`${where}.downMs`, fault.downMs);
      break;
    case 'pause':
      requireNode(where, fault.node, nodes);
      requireDuration(`${where}.forMs`, fault.forMs);
      break;
    case 'partition':
      validatePartition(fault.shape, nodes, where);
      if (fault.forMs !== undefined) requireDuration(`${where}.forMs`, fault.forMs);
      break;
    case 'heal':
      break;
    case 'clog':
      requireNode(`${where}.from`, fault.from, nodes);
      requireNode(`${where}.to`, fault.to, nodes);
      requireDuration(`${where}.forMs`, fault.forMs);
      break;
    case 'clock':
      requireNode(where, fault.node, nodes);
      if (!Number.isFinite(fault.skewMs)) throw new InputError(`${where}.skewMs must be a finite number`);
      if (!(Number.isFinite(fault.drift) && fault.drift > -1)) {
        throw new InputError(`${where}.drift must be a number above -1, got ${String(fault.drift)}`);
      }
      break;
    default:
      throw new InputError(`${where}: unknown fault kind '${(fault as { kind: string }).kind}'`);
  }
}

/** Validates a schedule as a scenario gave it. */
export function validateSchedule(schedule: FaultSchedule, nodes: ReadonlySet<string>): void {
  if (Array.isArray(schedule)) {
    (schedule as readonly TimedFault[]).forEach((entry, index) => {
      requireDuration(`faults[${index}].atMs`, entry.atMs);
      validateFault(entry.fault, nodes, `faults[${index}]`);
    });
    return;
  }
  const nemesis = schedule as RandomNemesis;
  if (nemesis.kind !== 'random')
    throw new InputError(`faults: expected a list of faults or { kind: 'random', … }`);
  if (!(Number.isFinite(nemesis.intervalMs) && nemesis.intervalMs > 0)) {
    throw new InputError(`faults.intervalMs must be a number of ms > 0, got ${String(nemesis.intervalMs)}`);
  }
  for (const target of nemesis.targets ?? []) requireNode('faults.targets', target, nodes);
  const known: readonly string[] = ['partition', 'crash', 'crash-recover', 'pause', 'clog', 'clock'];
  for (const kind of nemesis.faults ?? []) {
    if (!known.includes(kind)) throw new InputError(`faults.faults: unknown fault kind '${kind}'`);
  }
  if (nemesis.durationMs) {
    const [low, high] = nemesis.durationMs;
    requireDuration('faults.durationMs[0]', low);
    requireDuration('faults.durationMs[1]', high);
    if (high < low) throw new InputError('faults.durationMs: the upper bound is below the lower bound');
  }
}

/**
 * Expands a random nemesis into an explicit schedule over `[0, untilMs)`.
 * Faults are spaced by exponential gaps of mean `intervalMs`; each lasts a
 * drawn duration. Crashes are limited so that at most `crashedMax` nodes are
 * down at once.
 */
export function expandNemesis(
  nemesis: RandomNemesis,
  targets: readonly string[],
  untilMs: number,
  random: RandomStream,
): TimedFault[] {
  const kinds = nemesis.faults ?? ['partition', 'crash-recover', 'pause', 'clog', 'clock'];
  const [durationLow, durationHigh] = nemesis.durationMs ?? [nemesis.intervalMs / 2, nemesis.intervalMs * 2];
  const crashedMax = nemesis.crashedMax ?? Math.max(0, Math.floor((targets.length - 1) / 2));
  const schedule: TimedFault[] = [];
  const downUntil = new Map<string, number>();
  let partitionUntil = 0;
  let time = 0;
  if (kinds.length === 0 || targets.length === 0) return schedule;
  for (let count = 0; count < 10_000; count++) {
    time += Math.round(-nemesis.intervalMs * Math.log(1 - random.next()));
    if (time >= untilMs) break;
    const kind = random.pick(kinds);
    const forMs = Math.round(random.between(durationLow, durationHigh));
    const node = random.pick(targets);
    // A node due back at this very instant still counts as down: the simulator applies a fault
    // scheduled for time t before a recovery that falls at t.
    const down = [...downUntil.values()].filter((until) => until >= time).length;
    switch (kind) {
      case 'partition': {
        if (partitionUntil > time || targets.length < 2) continue;
        const shapes: PartitionShape[] = [
          { kind: 'halves' },
          { kind: 'isolate' },
          { kind: 'majorities-ring' },
          { kind: 'bridge' },
        ];
        partitionUntil = time + forMs;
        schedule.push({ atMs: time, fault: { kind: 'partition', shape: random.pick(shapes), forMs } });
        break;
      }
      case 'crash':
      case 'crash-recover':
        if (down >= crashedMax || (downUntil.get(node) ?? -Infinity) >= time) continue;
        downUntil.set(node, kind === 'crash' ? Infinity : time + forMs);
        schedule.push({
          atMs: time,
          fault: kind === 'crash' ? { kind: 'crash', node } : { kind: 'crash-recover', node, downMs: forMs },
        });
        break;
      case 'pause':
        if ((downUntil.get(node) ?? -Infinity) >= time) continue;
        downUntil.set(node, time + forMs);
        schedule.push({ atMs: time, fault: { kind: 'pause', node, forMs } });
        break;
      case 'clog': {
        const others = targets.filter((target) => target !== node);
        if (others.length === 0) continue;
        const other = random.pick(others);
        schedule.push({ atMs: time, fault: { kind: 'clog', from: node, to: other, forMs } });
        break;
      }
      case 'clock':
        schedule.push({
          atMs: time,
          fault: {
            kind: 'clock',
            node,
            skewMs: Math.round(random.between(-200, 200)),
            drift: Math.round(random.between(-0.01, 0.01) * 1e6) / 1e6,
          },
        });
        break;
    }
  }
  return schedule;
}
