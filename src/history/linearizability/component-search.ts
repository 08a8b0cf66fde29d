/**
 * The linearizability search for a whole history whose model declares its state a product of
 * independent components (`Model.component`, such as the keys of a key-value map), when the
 * history touches two components or more: a key-value history checked without partitioning.
 *
 * **What it is.** One depth-first search over configurations of the whole history, as in
 * `LinearizationSearch` (Wing & Gong, Lowe): a configuration C = (L, s) is the set L of
 * operations linearized so far and the state s of the whole map; a step places one more operation
 * that real time allows, if the model accepts it in s. A `linearizable` verdict comes with one
 * linearization of the whole history, accepted step by step by the model's own `step` on the
 * whole state. The history is never split: what the components add is pruning, and each pruning
 * only ever skips configurations that cannot complete.
 *
 * Notation: R is the operations not in L. The search only builds configurations where every
 * operation that returned before some member of L was called is in L too. "C completes" means
 * some order of R that extends real time and contains every operation with a known outcome is
 * legal from s. The *k-projection* of C is (L ∩ operations on k, part k of s).
 *
 * **Why projections decide (locality).** R with the real-time order it inherits is itself a
 * history, and nothing in R has to precede anything in L. Herlihy and Wing's locality theorem,
 * whose proof needs only that real time is an interval order and that operations on different
 * components commute and are legal or not by their own component alone, applies to R: C completes
 * if and only if, for every component k, the operations of R on k complete from part k of s. That
 * depends on the k-projection of C only. So once the search proves that C fails *because of k*
 * (the operations of R on k cannot complete from part k of s), every configuration with the same
 * k-projection fails too: the search caches failed projections, per component, in place of the
 * plain search's cache of whole configurations.
 *
 * **The prunings.** Let o be the remaining operation that returns first.
 *
 * 1. *Branch on one component.* If o's outcome is known, only operations of o's component k are
 *    tried next. If C completes by some order, the operations placed before o in it were all
 *    called before o returned and return after it, so they are pairwise concurrent and may be
 *    reordered freely; moving those on k to the front, in their order, changes no component's
 *    sequence, hence no legality. So some completion starts with an operation on k, and these
 *    children (k's calls before o's return) are also exactly the possible first steps of a
 *    completion of k alone.
 * 2. *Reads first.* As in the plain search, a legal operation among those children that leaves
 *    the state unchanged (a read) is placed without trying alternatives.
 * 3. *Blame and backjump.* A failed C is blamed on k when none of k's children can be placed,
 *    or when each of them leads to a configuration that fails because of k (by 1, k alone cannot
 *    complete), or when its greedy read leads to one (by 2). When a child fails because of
 *    another component j than the one just placed, C has the same j-projection, so it fails too,
 *    without trying its other children: the search jumps straight back to where j last changed.
 *    This is what keeps independent keys from multiplying each other's work; the cost is close to
 *    the sum of the keys' own searches, plus walking again the other keys' steps after a jump.
 *
 * The cache is looked up for the component just changed only: when a projection is recorded as
 * failed, every configuration on the stack with that projection (the top of the stack) is left,
 * so the others on the stack cannot be in the cache. If o's outcome is unknown (possible only
 * when a known operation also returns at `+Infinity`), the search branches on every pending call
 * and blames nobody, as the plain search does.
 *
 * Children are tried in order of return (o first: it must come before anything called after it
 * returned, and short operations are usually linearized in that order); steps cost time in the
 * number of calls pending on one component, not on all, since each component keeps its pending
 * calls in a list of its own. States are vectors of parts (see `ComponentSpace`).
 *
 * @module
 */
import { mix32 } from '../hash.js';
import type { Operation } from '../types.js';
import { ComponentSpace, type ComponentModel } from './component-space.js';
import { buildEntries } from './entries.js';
import {
  RUNNING,
  zobristKeys,
  type Search,
  type SearchLimits,
  type SearchOutcome,
  type SearchResult,
} from './search.js';
import { ILLEGAL, type StateSpace } from './state-space.js';
import { VisitedSet } from './tables.js';

/** A failure blamed on no single component. */
const NOBODY = -1;
/** How many loop iterations between two looks at the clock and the abort flag. */
const CHECK_EVERY_MASK = 0x3ff;

/**
 * A resumable search (same contract as `LinearizationSearch`) for a history over a model with
 * components; see the module comment for what it does and why its verdict is exact.
 *
 * Besides the entry list of the plain search, each component keeps its pending calls in a list of
 * their own, in time order, and the first return entry is kept up to date as operations are
 * placed and taken back: so a step costs time in the number of calls pending on one component,
 * not on all of them.
 */
export class ComponentSearch<S> implements Search {
  private readonly n: number;
  /** The whole states, only to report the state after a partial linearization. */
  private readonly space: StateSpace<S>;
  private readonly components: ComponentSpace<S>;
  private readonly head: number;
  private readonly tail: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly isCall: Uint8Array;
  /** Position of each entry in time order. */
  private readonly rank: Int32Array;
  /**
   * Per component, its pending calls in time order: a circular list through call entries, whose
   * sentinel for component k is `n + k`.
   */
  private readonly componentNext: Int32Array;
  private readonly componentPrev: Int32Array;
  private readonly zobrist: Int32Array;
  private readonly readOnly: Uint8Array;
  private readonly definite: Uint8Array;
  /** Component number of each operation, and its bit number among that component's operations. */
  private readonly componentOf: Int32Array;
  private readonly bitOf: Int32Array;
  /** The current state: the part of each component. */
  private readonly parts: Int32Array;
  /** Per component: which of its operations are linearized, and the Zobrist hash of that set. */
  private readonly componentBits: Int32Array[];
  private readonly componentHash: Int32Array;
  /** Per component: projections (linearized operations, part) proven not to complete. */
  private readonly failed: VisitedSet[];
  /**
   * The children of every configuration on the stack, each configuration's in one slice
   * [`start`, `end`), in the order they are tried (grows as needed).
   */
  private children: Int32Array;
  // The stack of placed operations, with for each: the part of its component and the first
  // return entry before it, whether it was placed greedily, and the configuration it was placed
  // in (its slice of children, the index of this child, its branching component or NOBODY, its
  // blame flag), to resume that configuration's loop on backtracking.
  private readonly stackOp: Int32Array;
  private readonly stackPart: Int32Array;
  private readonly stackFirstReturn: Int32Array;
  private readonly stackForced: Uint8Array;
  private readonly stackStart: Int32Array;
  private readonly stackEnd: Int32Array;
  private readonly stackIndex: Int32Array;
  private readonly stackBranch: Int32Array;
  private readonly stackMixed: Uint8Array;
  private readonly best: Int32Array;
  private depth = 0;
  private bestDepth = 0;
  private divergedAt = 0;
  private remaining = 0;
  /** The first return entry in the list (the tail when none is left). */
  private firstReturn: number;
  /** The current configuration's children: the slice [start, end) of `children`, next to try. */
  private start = 0;
  private end = 0;
  private index = 0;
  /** The component branched on in the current configuration, or NOBODY: every component. */
  private branch = NOBODY;
  /** 1 when a child of the current configuration failed without a component to blame. */
  private mixed = 0;
  private arrived = true;
  private outcome: SearchOutcome | undefined;

  constructor(operations: readonly Operation[], model: ComponentModel<S>, space: StateSpace<S>) {
    const n = operations.length;
    this.n = n;
    this.space = space;
    const components = new ComponentSpace(model, operations);
    this.components = components;
    const { head, tail, next, prev, isCall, rank } = buildEntries(operations);
    this.head = head;
    this.tail = tail;
    this.next = next;
    this.prev = prev;
    this.isCall = isCall;
    this.rank = rank;
    this.zobrist = zobristKeys(n);
    this.readOnly = new Uint8Array(n);
    this.definite = new Uint8Array(n);
    this.componentOf = components.componentOf;
    this.bitOf = new Int32Array(n);
    const count = components.size;
    const sizes = new Array<number>(count).fill(0);
    for (let i = 0; i < n; i++) {
      const op = operations[i] as Operation;
      if (op.status === 'ok') {
        this.definite[i] = 1;
        this.remaining++;
      }
      if (model.readOnly?.(op) === true) this.readOnly[i] = 1;
      const component = this.componentOf[i] as number;
      this.bitOf[i] = sizes[component] as number;
      sizes[component] = (sizes[component] as number) + 1;
    }
    this.componentNext = new Int32Array(n + count);
    this.componentPrev = new Int32Array(n + count);
    for (let k = 0; k < count; k++) {
      this.componentNext[n + k] = n + k;
      this.componentPrev[n + k] = n + k;
    }
    for (let e = next[head] as number; e !== tail; e = next[e] as number) {
      if (isCall[e] !== 1) continue;
      // Append the call to its component's list, whose last entry is the sentinel's prev.
      const sentinel = n + (this.componentOf[e] as number);
      const last = this.componentPrev[sentinel] as number;
      this.componentNext[last] = e;
      this.componentPrev[e] = last;
      this.componentNext[e] = sentinel;
      this.componentPrev[sentinel] = e;
    }
    let first = next[head] as number;
    while (first !== tail && isCall[first] === 1) first = next[first] as number;
    this.firstReturn = first;
    this.parts = components.initial.slice();
    const words = sizes.map((size) => Math.max(1, Math.ceil(size / 32)));
    this.componentBits = words.map((w) => new Int32Array(w));
    this.componentHash = new Int32Array(count);
    this.failed = words.map((w) => new VisitedSet(w, 256));
    this.children = new Int32Array(Math.max(16, n));
    this.stackOp = new Int32Array(n);
    this.stackPart = new Int32Array(n);
    this.stackFirstReturn = new Int32Array(n);
    this.stackForced = new Uint8Array(n);
    this.stackStart = new Int32Array(n);
    this.stackEnd = new Int32Array(n);
    this.stackIndex = new Int32Array(n);
    this.stackBranch = new Int32Array(n);
    this.stackMixed = new Uint8Array(n);
    this.best = new Int32Array(n);
  }

  /** The outcome, once reached. */
  get finished(): SearchOutcome | undefined {
    return this.outcome;
  }

  /** Distinct values of components met. */
  get modelStates(): number {
    return this.components.valueCount;
  }

  /** Gives up: the outcome becomes `reason` (the search cannot be resumed). */
  stop(reason: 'timeout' | 'aborted'): void {
    this.outcome ??= reason;
  }

  /**
   * The result so far. `configurations` counts the failed projections cached; `state` is the
   * whole state after `order`, in the `StateSpace` given to the constructor (replayed there).
   */
  result(): SearchResult {
    const linearizable = this.outcome === 'linearizable';
    let configurations = 0;
    let cacheBytes = this.children.byteLength;
    for (const table of this.failed) {
      configurations += table.size;
      cacheBytes += table.bytes;
    }
    const order = Array.from(
      linearizable ? this.stackOp.subarray(0, this.depth) : this.best.subarray(0, this.bestDepth),
    );
    let state = this.space.initial;
    for (const op of order) {
      state = this.space.transition(state, op);
      // Only a model whose steps depend on other components than they declare can get here.
      if (state === ILLEGAL) throw new Error('model steps depend on components they do not declare');
    }
    return { outcome: this.outcome ?? 'timeout', order, state, configurations, cacheBytes };
  }

  /** Hash of a projection: its Zobrist hash of linearized operations and its part of the state. */
  private static projectionHash(bitsHash: number, part: number): number {
    return mix32(bitsHash ^ Math.imul(part + 1, 0x9e3779b1));
  }

  /** Caches the current configuration's projection on `component` as failed. */
  private recordFailure(component: number): void {
    const part = this.parts[component] as number;
    (this.failed[component] as VisitedSet).add(
      this.componentBits[component] as Int32Array,
      part,
      ComponentSearch.projectionHash(this.componentHash[component] as number, part),
    );
  }

  /** Appends `op` to the children being collected at `end`, keeping them sorted by return. */
  private addChild(start: number, end: number, op: number): void {
    let children = this.children;
    if (end === children.length) {
      const bigger = new Int32Array(children.length * 2);
      bigger.set(children);
      this.children = children = bigger;
    }
    // Insertion sort: the lists are short (the calls pending on one component at one moment).
    const rank = this.rank;
    const returnRank = rank[op + this.n] as number;
    let i = end;
    while (i > start && (rank[(children[i - 1] as number) + this.n] as number) > returnRank) {
      children[i] = children[i - 1] as number;
      i--;
    }
    children[i] = op;
  }

  /**
   * For a configuration whose first return is not of a known operation: looks for a greedy read
   * among all pending calls, else collects them all as children at `children[start...]`. Returns
   * the read (or -1) and the end of the children.
   */
  private collectAll(start: number): { read: number; end: number } {
    const { next, isCall, readOnly, componentOf, parts, components } = this;
    let end = start;
    for (let e = next[this.head] as number; isCall[e] === 1; e = next[e] as number) {
      const part = parts[componentOf[e] as number] as number;
      if (readOnly[e] === 1 && components.transition(part, e) === part) return { read: e, end: start };
      this.addChild(start, end++, e);
    }
    return { read: -1, end };
  }

  /**
   * Advances the search by at most `iterations` steps, looking at the clock and the abort flag
   * every thousand or so. Returns the outcome, or {@link RUNNING}.
   */
  run(iterations: number, limits: SearchLimits = {}): SearchOutcome | typeof RUNNING {
    if (this.outcome !== undefined) return this.outcome;
    const { n, components, tail, next, prev, isCall, rank, zobrist, readOnly, definite } = this;
    const { componentNext, componentPrev, componentOf, bitOf, parts, componentBits, componentHash } = this;
    const { failed, stackOp, stackPart, stackFirstReturn, stackForced, stackStart, stackEnd } = this;
    const { stackIndex, stackBranch, stackMixed, best } = this;
    let { depth, bestDepth, divergedAt, remaining, firstReturn } = this;
    let { start, end, index, branch, mixed, arrived } = this;
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
      let candidatePart = ILLEGAL;
      let forced = 0;
      if (arrived) {
        arrived = false;
        if (remaining === 0) {
          outcome = 'linearizable';
          break;
        }
        // An operation with a known outcome is left, so there is a first return.
        const first = firstReturn - n;
        mixed = 0;
        start = end;
        if (definite[first] === 1) {
          // Branch on the component of the operation returning first: its pending calls before
          // that return. A legal read among them is placed at once instead.
          branch = componentOf[first] as number;
          const sentinel = n + branch;
          const part = parts[branch] as number;
          const limit = rank[firstReturn] as number;
          end = start;
          for (let e = componentNext[sentinel] as number; e !== sentinel; e = componentNext[e] as number) {
            if ((rank[e] as number) > limit) break;
            if (readOnly[e] === 1 && components.transition(part, e) === part) {
              candidate = e;
              candidatePart = part;
              forced = 1;
              break;
            }
            this.addChild(start, end++, e);
          }
        } else {
          branch = NOBODY;
          const all = this.collectAll(start);
          end = all.end;
          if (all.read >= 0) {
            candidate = all.read;
            candidatePart = parts[componentOf[candidate] as number] as number;
            forced = 1;
          }
        }
        if (forced === 1) end = start;
        index = start;
      }
      if (forced === 0) {
        const children = this.children;
        for (; index < end; index++) {
          const child = children[index] as number;
          const target = components.transition(parts[componentOf[child] as number] as number, child);
          if (target !== ILLEGAL) {
            candidate = child;
            candidatePart = target;
            break;
          }
        }
      }

      // The component to blame for the current configuration's failure, once it has failed.
      let blame: number;
      if (candidate >= 0) {
        const component = componentOf[candidate] as number;
        const bits = componentBits[component] as Int32Array;
        const bit = bitOf[candidate] as number;
        bits[bit >>> 5] = (bits[bit >>> 5] as number) | (1 << (bit & 31));
        const bitsHash = (componentHash[component] as number) ^ (zobrist[candidate] as number);
        const table = failed[component] as VisitedSet;
        if (!table.has(bits, candidatePart, ComponentSearch.projectionHash(bitsHash, candidatePart))) {
          stackOp[depth] = candidate;
          stackPart[depth] = parts[component] as number;
          stackFirstReturn[depth] = firstReturn;
          stackForced[depth] = forced;
          stackStart[depth] = start;
          stackEnd[depth] = end;
          stackIndex[depth] = index;
          stackBranch[depth] = branch;
          stackMixed[depth] = mixed;
          depth++;
          parts[component] = candidatePart;
          componentHash[component] = bitsHash;
          remaining -= definite[candidate] as number;
          // Lift the call entry and its return entry out of the list, and the call out of its
          // component's list.
          const ret = candidate + n;
          next[prev[candidate] as number] = next[candidate] as number;
          prev[next[candidate] as number] = prev[candidate] as number;
          next[prev[ret] as number] = next[ret] as number;
          prev[next[ret] as number] = prev[ret] as number;
          componentNext[componentPrev[candidate] as number] = componentNext[candidate] as number;
          componentPrev[componentNext[candidate] as number] = componentPrev[candidate] as number;
          if (ret === firstReturn) {
            let e = next[ret] as number;
            while (e !== tail && isCall[e] === 1) e = next[e] as number;
            firstReturn = e;
          }
          if (depth > bestDepth) {
            best.set(stackOp.subarray(divergedAt, depth), divergedAt);
            divergedAt = depth;
            bestDepth = depth;
          }
          arrived = true;
          continue;
        }
        bits[bit >>> 5] = (bits[bit >>> 5] as number) & ~(1 << (bit & 31));
        // The child's projection on its own component is known to fail.
        if (forced === 0) {
          index++;
          continue;
        }
        blame = component;
      } else {
        // Every child tried failed (or there was none).
        blame = branch === NOBODY || mixed === 1 ? NOBODY : branch;
      }

      // The current configuration fails because of `blame`: backjump.
      if (blame !== NOBODY) this.recordFailure(blame);
      for (;;) {
        if (depth === 0) {
          outcome = 'not-linearizable';
          break;
        }
        depth--;
        if (depth < divergedAt) divergedAt = depth;
        const op = stackOp[depth] as number;
        const component = componentOf[op] as number;
        parts[component] = stackPart[depth] as number;
        firstReturn = stackFirstReturn[depth] as number;
        componentHash[component] = (componentHash[component] as number) ^ (zobrist[op] as number);
        const bits = componentBits[component] as Int32Array;
        const bit = bitOf[op] as number;
        bits[bit >>> 5] = (bits[bit >>> 5] as number) & ~(1 << (bit & 31));
        remaining += definite[op] as number;
        componentNext[componentPrev[op] as number] = op;
        componentPrev[componentNext[op] as number] = op;
        const ret = op + n;
        next[prev[ret] as number] = ret;
        prev[next[ret] as number] = ret;
        next[prev[op] as number] = op;
        prev[next[op] as number] = op;
        start = stackStart[depth] as number;
        end = stackEnd[depth] as number;
        index = stackIndex[depth] as number;
        branch = stackBranch[depth] as number;
        mixed = stackMixed[depth] as number;
        // Same projection on the blamed component: this configuration fails the same way.
        if (blame !== NOBODY && component !== blame) continue;
        if (stackForced[depth] === 1) {
          // Its only child was a greedy read on the blamed component (or nobody is to blame).
          if (blame !== NOBODY) this.recordFailure(blame);
          continue;
        }
        if (blame === NOBODY && branch !== NOBODY) mixed = 1;
        index++;
        break;
      }
      if (outcome !== undefined) break;
    }
    this.depth = depth;
    this.bestDepth = bestDepth;
    this.divergedAt = divergedAt;
    this.remaining = remaining;
    this.firstReturn = firstReturn;
    this.start = start;
    this.end = end;
    this.index = index;
    this.branch = branch;
    this.mixed = mixed;
    this.arrived = arrived;
    this.outcome = outcome;
    return outcome ?? RUNNING;
  }
}
