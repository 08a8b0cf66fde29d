/**
 * The set (and broadcast) convergence check of Maelstrom's g-set and broadcast workloads, in
 * the spirit of Jepsen's `set-full` checker: after faults heal, every acknowledged element must
 * be in every final read.
 *
 * Terms, for each element:
 * - *known*: from the completion of its acknowledged add, or of the first read that saw it,
 *   whichever comes first. Adds with an unknown outcome that no read ever saw are not known (they
 *   may never have happened) and are not judged.
 * - *lost*: known, yet missing from a final read (each process's last read) that began after it
 *   was known. Any lost element makes the history invalid.
 * - *stale*: not lost, but missing from some read that began after it was known.
 * - *never read*: known, but no final read began after it was known: nothing to judge.
 * - *stable latency*: from the add's invocation to the start of the first read of the final run
 *   of reads (in order of invocation) that all contain it. Reported when the history has times.
 * - *unexpected*: read but never added. Also invalid.
 *
 * @module
 */
import { canonicalString } from '../hash.js';
import type { Operation, PairedHistory, ProcessId } from '../types.js';
import { quantiles, type Quantiles } from './quantiles.js';

/** Options of {@link checkSetConvergence}. */
export interface SetCheckOptions {
  /** `f` of operations that add one element (their input). Default `['add', 'broadcast']`. */
  readonly addFunctions?: readonly string[];
  /** `f` of reads, whose output is the list of elements (or `{messages}` / `{value}`). Default `['read']`. */
  readonly readFunctions?: readonly string[];
  /** How many example elements to list per category. Default 20. */
  readonly examples?: number;
}

/** Result of {@link checkSetConvergence}. */
export interface SetCheckResult {
  /** `unknown` when no final read exists to judge by. */
  readonly verdict: 'valid' | 'invalid' | 'unknown';
  readonly attempted: number;
  readonly acknowledged: number;
  /** Elements present in every final read that began after they were known. */
  readonly stable: number;
  readonly lost: number;
  readonly stale: number;
  readonly neverRead: number;
  readonly unexpected: number;
  readonly finalReads: number;
  /** A few of each, as canonical text. */
  readonly lostExamples: readonly string[];
  readonly staleExamples: readonly string[];
  readonly unexpectedExamples: readonly string[];
  /** Stable latencies in the history's time unit; absent when the history has no times. */
  readonly stableLatencies?: Quantiles;
}

interface ElementRecord {
  value: unknown;
  add: Operation | undefined;
  known: number;
}

/** Reads the element list out of a read's output. */
function elementsOf(output: unknown): readonly unknown[] | undefined {
  if (Array.isArray(output)) return output as unknown[];
  if (typeof output === 'object' && output !== null) {
    for (const field of ['messages', 'value', 'elements']) {
      const list = (output as Record<string, unknown>)[field];
      if (Array.isArray(list)) return list as unknown[];
    }
  }
  return undefined;
}

/** Checks set convergence over a paired history (see `pairOperations`). */
export function checkSetConvergence(history: PairedHistory, options: SetCheckOptions = {}): SetCheckResult {
  const addFunctions = new Set(options.addFunctions ?? ['add', 'broadcast']);
  const readFunctions = new Set(options.readFunctions ?? ['read']);
  const examples = options.examples ?? 20;
  const adds = history.operations.filter((op) => addFunctions.has(op.f));
  const reads = history.operations
    .filter((op) => readFunctions.has(op.f) && op.status === 'ok')
    .map((op) => ({ op, elements: new Set((elementsOf(op.output) ?? []).map(canonicalString)) }))
    .sort((a, b) => a.op.call - b.op.call);

  const elements = new Map<string, ElementRecord>();
  for (const add of adds) {
    const key = canonicalString(add.input);
    const known = add.status === 'ok' ? add.ret : Infinity;
    const record = elements.get(key);
    if (record === undefined) elements.set(key, { value: add.input, add, known });
    else record.known = Math.min(record.known, known);
  }
  const unexpected: string[] = [];
  for (const read of reads.slice().sort((a, b) => a.op.ret - b.op.ret)) {
    for (const key of read.elements) {
      const record = elements.get(key);
      if (record === undefined) {
        if (!unexpected.includes(key)) unexpected.push(key);
      } else record.known = Math.min(record.known, read.op.ret);
    }
  }

  const lastRead = new Map<ProcessId, (typeof reads)[number]>();
  for (const read of reads) {
    const previous = lastRead.get(read.op.process);
    if (previous === undefined || previous.op.ret <= read.op.ret) lastRead.set(read.op.process, read);
  }
  const finalReads = Array.from(lastRead.values());

  let stable = 0;
  let neverRead = 0;
  const lost: string[] = [];
  const stale: string[] = [];
  const latencies: number[] = [];
  for (const [key, record] of elements) {
    if (record.known === Infinity) continue;
    const judged = finalReads.filter((read) => read.op.call > record.known);
    if (judged.length === 0) {
      neverRead++;
      continue;
    }
    if (judged.some((read) => !read.elements.has(key))) {
      lost.push(key);
      continue;
    }
    stable++;
    if (reads.some((read) => read.op.call > record.known && !read.elements.has(key))) stale.push(key);
    const since = record.add?.call ?? record.known;
    let stableRead: (typeof reads)[number] | undefined;
    for (const read of reads) {
      if (read.op.call < since) continue;
      if (!read.elements.has(key)) stableRead = undefined;
      else stableRead ??= read;
    }
    if (stableRead !== undefined) latencies.push(Math.max(0, stableRead.op.call - since));
  }

  const stableLatencies = history.axis === 'time' ? quantiles(latencies) : undefined;
  const invalid = lost.length > 0 || unexpected.length > 0;
  return {
    verdict: invalid ? 'invalid' : finalReads.length === 0 ? 'unknown' : 'valid',
    attempted: adds.length,
    acknowledged: adds.filter((op) => op.status === 'ok').length,
    stable,
    lost: lost.length,
    stale: stale.length,
    neverRead,
    unexpected: unexpected.length,
    finalReads: finalReads.length,
    lostExamples: lost.slice(0, examples),
    staleExamples: stale.slice(0, examples),
    unexpectedExamples: unexpected.slice(0, examples),
    ...(stableLatencies === undefined ? {} : { stableLatencies }),
  };
}
