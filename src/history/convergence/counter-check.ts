/**
 * The counter check of Maelstrom's g-counter and pn-counter workloads: each final read (each
 * process's last read) must equal the sum of the acknowledged adds plus the deltas of some subset
 * of the adds whose outcome is unknown. Failed adds did not happen and count for nothing.
 *
 * Every read, final or not, is also checked against the bounds that real time allows: at least
 * what adds acknowledged before it began must contribute, and at most the adds invoked before it
 * ended may. Reads outside those bounds are reported (and make the history invalid).
 *
 * @module
 */
import type { Operation, PairedHistory, ProcessId } from '../types.js';
import { subsetSumReachable } from './subset-sum.js';

/** Options of {@link checkCounter}. */
export interface CounterCheckOptions {
  /** `f` of adds, whose input is the delta (default 1). Default `['add', 'increment']`. */
  readonly addFunctions?: readonly string[];
  /** `f` of reads, whose output is the value. Default `['read']`. */
  readonly readFunctions?: readonly string[];
}

/** One final read and whether its value is possible. */
export interface FinalReadVerdict {
  readonly process: ProcessId;
  readonly value: unknown;
  /** `undecided` when the subset-sum instance was too large to decide. */
  readonly possible: boolean | 'undecided';
}

/** A read whose value lies outside what real time allows. */
export interface OutOfBoundsRead {
  readonly operation: Operation;
  readonly lower: number;
  readonly upper: number;
}

/** Result of {@link checkCounter}. */
export interface CounterCheckResult {
  readonly verdict: 'valid' | 'invalid' | 'unknown';
  /** Sum of the acknowledged adds. */
  readonly acknowledgedSum: number;
  /** Deltas of the adds whose outcome is unknown. */
  readonly unknownDeltas: readonly number[];
  readonly finalReads: readonly FinalReadVerdict[];
  readonly outOfBounds: readonly OutOfBoundsRead[];
}

function deltaOf(op: Operation): number | undefined {
  const delta = op.input === null || op.input === undefined ? 1 : op.input;
  if (typeof delta === 'number' && Number.isFinite(delta)) return delta;
  if (
    typeof delta === 'object' &&
    delta !== null &&
    typeof (delta as { delta?: unknown }).delta === 'number'
  ) {
    return (delta as { delta: number }).delta;
  }
  return undefined;
}

/** Checks a counter history (see `pairOperations`). */
export function checkCounter(history: PairedHistory, options: CounterCheckOptions = {}): CounterCheckResult {
  const addFunctions = new Set(options.addFunctions ?? ['add', 'increment']);
  const readFunctions = new Set(options.readFunctions ?? ['read']);
  const adds = history.operations
    .filter((op) => addFunctions.has(op.f))
    .map((op) => ({ op, delta: deltaOf(op) }))
    .filter((add): add is { op: Operation; delta: number } => add.delta !== undefined);
  const reads = history.operations.filter((op) => readFunctions.has(op.f) && op.status === 'ok');
  const acknowledgedSum = adds
    .filter((add) => add.op.status === 'ok')
    .reduce((sum, add) => sum + add.delta, 0);
  const unknownDeltas = adds.filter((add) => add.op.status === 'unknown').map((add) => add.delta);

  const lastRead = new Map<ProcessId, Operation>();
  for (const read of reads) {
    const previous = lastRead.get(read.process);
    if (previous === undefined || previous.ret <= read.ret) lastRead.set(read.process, read);
  }
  const finalReads: FinalReadVerdict[] = Array.from(lastRead.values(), (read) => {
    const value = read.output;
    if (typeof value !== 'number') return { process: read.process, value, possible: false };
    const possible = subsetSumReachable(value - acknowledgedSum, unknownDeltas);
    return { process: read.process, value, possible: possible ?? 'undecided' };
  });

  // Bounds by sweeping: adds sorted by completion (definitely before a read that starts later)
  // and by invocation (possibly before a read that ends later).
  const byReturn = adds.filter((add) => add.op.status === 'ok').sort((a, b) => a.op.ret - b.op.ret);
  const byCall = adds.slice().sort((a, b) => a.op.call - b.op.call);
  const prefix = (list: readonly { delta: number }[], part: (delta: number) => number): Float64Array => {
    const sums = new Float64Array(list.length + 1);
    list.forEach((add, i) => (sums[i + 1] = (sums[i] as number) + part(add.delta)));
    return sums;
  };
  const definiteSum = prefix(byReturn, (d) => d);
  const definiteNegative = prefix(byReturn, (d) => Math.min(d, 0));
  const definitePositive = prefix(byReturn, (d) => Math.max(d, 0));
  const possibleNegative = prefix(byCall, (d) => Math.min(d, 0));
  const possiblePositive = prefix(byCall, (d) => Math.max(d, 0));
  // Number of elements of `sorted` whose key is < limit.
  const countBelow = (
    sorted: readonly { op: Operation }[],
    key: (op: Operation) => number,
    limit: number,
  ): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (key((sorted[mid] as { op: Operation }).op) < limit) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const outOfBounds: OutOfBoundsRead[] = [];
  for (const read of reads) {
    if (typeof read.output !== 'number') continue;
    const before = countBelow(byReturn, (op) => op.ret, read.call);
    const maybe = countBelow(byCall, (op) => op.call, read.ret);
    // Adds acknowledged before the read began surely count; the others invoked before it ended may.
    const sure = definiteSum[before] as number;
    const lower = sure + (possibleNegative[maybe] as number) - (definiteNegative[before] as number);
    const upper = sure + (possiblePositive[maybe] as number) - (definitePositive[before] as number);
    if (read.output < lower - 1e-9 || read.output > upper + 1e-9)
      outOfBounds.push({ operation: read, lower, upper });
  }

  const impossible = finalReads.some((read) => read.possible === false) || outOfBounds.length > 0;
  const undecided = finalReads.some((read) => read.possible === 'undecided');
  return {
    verdict: impossible ? 'invalid' : undecided || finalReads.length === 0 ? 'unknown' : 'valid',
    acknowledgedSum,
    unknownDeltas,
    finalReads,
    outOfBounds,
  };
}
