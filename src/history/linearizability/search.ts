/**
 * The linearizability search for one (sub-)history: Wing & Gong's backtracking over the order of
 * operations, with Lowe's refinements (the entry list, and a cache of configurations already
 * explored), as in Porcupine, plus one reduction of ours:
 *
 * - A configuration is (set of linearized operations, model state). Reaching it again by another
 *   order cannot succeed where the first visit failed, so it is cached and pruned.
 * - Read-only operations are placed greedily. If an operation that never changes the state (a
 *   read) is legal now and may be placed now, then some completion exists from here if and only
 *   if one exists after placing it: take any completion, move the read to the front; no remaining
 *   operation had to precede it in real time, and the operations it jumps over see the same state.
 *   So the search places it without trying the alternatives, and if the configuration after it
 *   fails, the one before it fails too.
 * - The search succeeds once every operation with a known outcome is placed: operations with an
 *   unknown outcome may be left out, since they may never have taken effect.
 *
 * @module
 */
import { mix32 } from '../hash.js';
import type { Model } from '../models/model.js';
import type { Operation } from '../types.js';
import { buildEntries } from './entries.js';
import { ILLEGAL, type StateSpace } from './state-space.js';
import { VisitedSet } from './tables.js';

/** How one search ended. */
export type SearchOutcome = 'linearizable' | 'not-linearizable' | 'timeout' | 'aborted';

/** Limits of one search. */
export interface SearchLimits {
  /** `performance.now()` value after which the search gives up with `timeout`. */
  readonly deadline?: number;
  /** When element 0 becomes non-zero (set by another thread, say), the search gives up. */
  readonly abort?: Int32Array;
}

/** A resumable search of one (sub-)history: {@link LinearizationSearch} or `ComponentSearch`. */
export interface Search {
  /** The outcome, once reached. */
  readonly finished: SearchOutcome | undefined;
  /** Advances the search by at most `iterations` steps; returns the outcome or {@link RUNNING}. */
  run(iterations: number, limits?: SearchLimits): SearchOutcome | typeof RUNNING;
  /** Gives up: the outcome becomes `reason` (the search cannot be resumed). */
  stop(reason: 'timeout' | 'aborted'): void;
  /** The result so far (final once `finished` is set). */
  result(): SearchResult;
  /** Distinct model states (or parts of states) met, for statistics. */
  readonly modelStates: number;
}

/** A `run` that used up its iterations without reaching an outcome. */
export const RUNNING = 'running';

/** What one search found. Operation numbers index the operations searched. */
export interface SearchResult {
  readonly outcome: SearchOutcome;
  /** A complete linearization when `linearizable`; otherwise the longest partial one found. */
  readonly order: readonly number[];
  /** Search state after `order`. */
  readonly state: number;
  /** Configurations cached. */
  readonly configurations: number;
  /** Bytes the cache held at the end. */
  readonly cacheBytes: number;
}

/** Deterministic Zobrist keys: one random-looking int32 per operation (splitmix32). */
export function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n);
  let seed = 0x2545f491;
  for (let i = 0; i < n; i++) {
    seed = (seed + 0x9e3779b9) | 0;
    let z = seed;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}

/** How many loop iterations between two looks at the clock and the abort flag. */
const CHECK_EVERY_MASK = 0x3ff;

/**
 * A resumable search for a linearization of `operations` under `model`, whose states `space`
 * interns (`space` must have been built over the same operations). `run(iterations)` advances it
 * by at most that many steps, so that several partitions can share one thread fairly: a
 * violation in any of them settles the verdict, and the easy ones should not wait behind a hard
 * one.
 */
export class LinearizationSearch<S> implements Search {
  private readonly n: number;
  private readonly space: StateSpace<S>;
  private readonly head: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly isCall: Uint8Array;
  private readonly bits: Int32Array;
  private readonly zobrist: Int32Array;
  private readonly visited: VisitedSet;
  private readonly readOnly: Uint8Array;
  private readonly definite: Uint8Array;
  private readonly anyReadOnly: boolean;
  // The stack of placed operations (= call entries) with the state before each, and whether it
  // was placed greedily (then the configuration below it has no other option worth trying).
  private readonly stackOp: Int32Array;
  private readonly stackState: Int32Array;
  private readonly stackForced: Uint8Array;
  private readonly best: Int32Array;
  private depth = 0;
  private bestDepth = 0;
  /** The stack and `best` agree below this depth. */
  private divergedAt = 0;
  private bestState: number;
  private remaining = 0;
  private state: number;
  private bitsHash = 0;
  private entry: number;
  /** Where the next look for a legal read starts (see `run`). */
  private readScan: number;
  private arrived = true;
  private outcome: SearchOutcome | undefined;

  constructor(operations: readonly Operation[], model: Model<S>, space: StateSpace<S>) {
    const n = operations.length;
    this.n = n;
    this.space = space;
    const { head, next, prev, isCall } = buildEntries(operations);
    this.head = head;
    this.next = next;
    this.prev = prev;
    this.isCall = isCall;
    const words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Int32Array(words);
    this.zobrist = zobristKeys(n);
    this.visited = new VisitedSet(words, 1024 + n * 8);
    this.readOnly = new Uint8Array(n);
    this.definite = new Uint8Array(n);
    let anyReadOnly = false;
    for (let i = 0; i < n; i++) {
      const op = operations[i] as Operation;
      if (op.status === 'ok') {
        this.definite[i] = 1;
        this.remaining++;
      }
      if (model.readOnly?.(op) === true) {
        this.readOnly[i] = 1;
        anyReadOnly = true;
      }
    }
    this.anyReadOnly = anyReadOnly;
    this.stackOp = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackForced = new Uint8Array(n);
    this.best = new Int32Array(n);
    this.state = space.initial;
    this.bestState = space.initial;
    this.entry = head;
    this.readScan = next[head] as number;
  }

  /** The outcome, once reached. */
  get finished(): SearchOutcome | undefined {
    return this.outcome;
  }

  /** Distinct model states met. */
  get modelStates(): number {
    return this.space.modelStates;
  }

  /** Gives up: the outcome becomes `reason` (the search cannot be resumed). */
  stop(reason: 'timeout' | 'aborted'): void {
    this.outcome ??= reason;
  }

  /** The result so far (final once `finished` is set). */
  result(): SearchResult {
    const linearizable = this.outcome === 'linearizable';
    return {
      outcome: this.outcome ?? 'timeout',
      order: Array.from(
        linearizable ? this.stackOp.subarray(0, this.depth) : this.best.subarray(0, this.bestDepth),
      ),
      state: linearizable ? this.state : this.bestState,
      configurations: this.visited.size,
      cacheBytes: this.visited.bytes,
    };
  }

  /**
   * Advances the search by at most `iterations` steps, looking at the clock and the abort flag
   * every thousand or so. Returns the outcome, or {@link RUNNING}.
   */
  run(iterations: number, limits: SearchLimits = {}): SearchOutcome | typeof RUNNING {
    if (this.outcome !== undefined) return this.outcome;
    // Hot loop: every field it touches is read into a local first, and written back on exit.
    const { n, space, head, next, prev, isCall, bits, zobrist, visited, readOnly, definite, anyReadOnly } =
      this;
    const { stackOp, stackState, stackForced, best } = this;
    let { depth, bestDepth, bestState, divergedAt, remaining, state, bitsHash, entry, readScan, arrived } =
      this;
    const deadline = limits.deadline ?? Infinity;
    const abort = limits.abort;
    let outcome: SearchOutcome | undefined;
    let count = 0;

    for (;;) {
      if (count >= iterations) break;
      if ((++count & CHECK_EVERY_MASK) === 0) {
        if (performance.now() > deadline) {
          outcome = 'timeout';
          break;
        }
        if (abort !== undefined && Atomics.load(abort, 0) !== 0) {
          outcome = 'aborted';
          break;
        }
      }
      let candidate = -1;
      let candidateState = ILLEGAL;
      let forced = 0;
      if (arrived) {
        arrived = false;
        if (remaining === 0) {
          outcome = 'linearizable';
          break;
        }
        entry = next[head] as number;
        if (anyReadOnly) {
          for (let e = readScan; isCall[e] === 1; e = next[e] as number) {
            if (readOnly[e] === 1 && space.transition(state, e) === state) {
              candidate = e;
              candidateState = state;
              forced = 1;
              break;
            }
          }
        }
      }
      if (forced === 0 && isCall[entry] === 1) {
        const target = space.transition(state, entry);
        if (target !== ILLEGAL) {
          candidate = entry;
          candidateState = target;
        } else {
          entry = next[entry] as number;
          continue;
        }
      }

      if (candidate >= 0) {
        const word = candidate >>> 5;
        const mask = 1 << (candidate & 31);
        bits[word] = (bits[word] as number) | mask;
        const nextHash = bitsHash ^ (zobrist[candidate] as number);
        if (visited.add(bits, candidateState, mix32(nextHash ^ Math.imul(candidateState + 1, 0x9e3779b1)))) {
          stackOp[depth] = candidate;
          stackState[depth] = state;
          stackForced[depth] = forced;
          depth++;
          state = candidateState;
          bitsHash = nextHash;
          remaining -= definite[candidate] as number;
          // Lift the call entry and its return entry out of the list.
          const ret = candidate + n;
          next[prev[candidate] as number] = next[candidate] as number;
          prev[next[candidate] as number] = prev[candidate] as number;
          next[prev[ret] as number] = next[ret] as number;
          prev[next[ret] as number] = prev[ret] as number;
          // After a greedy read, the calls before it were already found not to be legal reads
          // in this same state: the next look for one starts after it.
          readScan = forced === 1 ? (next[prev[candidate] as number] as number) : (next[head] as number);
          if (depth > bestDepth) {
            // Copy only the part of the stack that changed since the best was last copied.
            best.set(stackOp.subarray(divergedAt, depth), divergedAt);
            divergedAt = depth;
            bestDepth = depth;
            bestState = state;
          }
          arrived = true;
          continue;
        }
        bits[word] = bits[word] & ~mask;
        if (forced === 0) {
          entry = next[entry] as number;
          continue;
        }
        // A greedy placement that leads to a configuration already explored: this one fails too.
      }

      // Backtrack: undo placements until one that was a real choice, then try its next sibling.
      for (;;) {
        if (depth === 0) {
          outcome = 'not-linearizable';
          break;
        }
        depth--;
        if (depth < divergedAt) divergedAt = depth;
        const op = stackOp[depth] as number;
        state = stackState[depth] as number;
        bitsHash ^= zobrist[op] as number;
        bits[op >>> 5] = (bits[op >>> 5] as number) & ~(1 << (op & 31));
        remaining += definite[op] as number;
        const ret = op + n;
        next[prev[ret] as number] = ret;
        prev[next[ret] as number] = ret;
        next[prev[op] as number] = op;
        prev[next[op] as number] = op;
        if (stackForced[depth] === 0) {
          entry = next[op] as number;
          break;
        }
      }
      if (outcome !== undefined) break;
    }
    this.depth = depth;
    this.bestDepth = bestDepth;
    this.bestState = bestState;
    this.divergedAt = divergedAt;
    this.remaining = remaining;
    this.state = state;
    this.bitsHash = bitsHash;
    this.entry = entry;
    this.readScan = readScan;
    this.arrived = arrived;
    this.outcome = outcome;
    return outcome ?? RUNNING;
  }
}

/** Runs a whole search in one go (see {@link LinearizationSearch}). */
export function searchLinearization<S>(
  operations: readonly Operation[],
  model: Model<S>,
  space: StateSpace<S>,
  limits: SearchLimits = {},
): SearchResult {
  const search = new LinearizationSearch(operations, model, space);
  search.run(Infinity, limits);
  return search.result();
}
