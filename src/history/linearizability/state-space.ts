/**
 * Model states as small integers.
 *
 * The search never holds a model state: it holds an id. Each distinct state is interned once
 * (by the model's hash and equality), and each (state id, operation) transition that may change
 * the state is computed once and memoised, so the inner loop compares and stores integers only.
 * Non-deterministic models are made deterministic the classic way: a search state is the set of
 * model states the history so far could have led to, and an operation is legal when it is legal
 * in at least one of them.
 *
 * @module
 */
import { mix32, structuralEqual, structuralHash } from '../hash.js';
import type { Model } from '../models/model.js';
import type { Operation } from '../types.js';
import { PairTable } from './tables.js';

/** The transition result for an operation that is illegal in a state. */
export const ILLEGAL = -1;
const UNSEEN = -2;
const EMPTY = -1;
/**
 * Search-state ids below this stand for the singleton of the model state with that id (no set
 * is built for them: deterministic models never need one); ids from here on are larger sets.
 */
const SET_BASE = 1 << 30;

/** Interned states of one model over one list of operations. */
export class StateSpace<S> {
  /** The search-state id of the model's initial state. */
  readonly initial: number;
  private readonly model: Model<S>;
  private readonly operations: readonly Operation[];
  private readonly hash: (state: S) => number | string;
  private readonly equal: (a: S, b: S) => boolean;
  /** Model states by id. */
  private readonly states: S[] = [];
  /**
   * Model states with numeric hashes, in an open-addressing table of ids (no allocation per
   * state): `slots` holds ids, `slotHashes` their hashes.
   */
  private slots = new Int32Array(1024).fill(EMPTY);
  private slotHashes = new Int32Array(1024);
  /** Model states with text hashes. */
  private readonly statesByText = new Map<string, number[]>();
  /** Search states of two model states or more (sorted ids), by id - SET_BASE. */
  private readonly sets: (readonly number[])[] = [];
  private readonly setsByKey = new Map<string, number>();
  private readonly memo = new PairTable(1024);
  /** 1 for the operations the model says never change the state. */
  private readonly readOnly: Uint8Array;
  /** Calls made to `model.step`, for statistics. */
  stepCalls = 0;

  constructor(model: Model<S>, operations: readonly Operation[]) {
    this.model = model;
    this.operations = operations;
    this.hash =
      model.hash === undefined ? structuralHash : (state) => (model.hash as (s: S) => number | string)(state);
    this.equal =
      model.equal === undefined ? structuralEqual : (a, b) => (model.equal as (x: S, y: S) => boolean)(a, b);
    this.readOnly = Uint8Array.from(operations, (op) => (model.readOnly?.(op) === true ? 1 : 0));
    this.initial = this.intern(model.init());
  }

  /** Number of distinct model states met. */
  get modelStates(): number {
    return this.states.length;
  }

  /**
   * The search state reached by applying operation number `op` (an index into the operations
   * given to the constructor) in search state `state`, or {@link ILLEGAL}.
   */
  transition(state: number, op: number): number {
    // A read in a single state is cheaper to recompute than to memoise (measured): it allocates
    // nothing, and the memo would grow by an entry for every state it is tried in.
    if (this.readOnly[op] === 1 && state < SET_BASE) return this.compute(state, op);
    const known = this.memo.get(state, op, UNSEEN);
    if (known !== UNSEEN) return known;
    const next = this.compute(state, op);
    this.memo.set(state, op, next);
    return next;
  }

  /** The model states a search state stands for. */
  modelStatesOf(state: number): S[] {
    if (state < SET_BASE) return [this.states[state] as S];
    return (this.sets[state - SET_BASE] ?? []).map((id) => this.states[id] as S);
  }

  /** Text of a search state for reports: the model state, or `one of: ...` for several. */
  describe(state: number): string {
    const describeState = this.model.describeState?.bind(this.model) ?? ((s: S) => JSON.stringify(s) ?? '?');
    const members = this.modelStatesOf(state).map(describeState);
    return members.length === 1 ? (members[0] as string) : `one of: ${members.join(' | ')}`;
  }

  private compute(state: number, opIndex: number): number {
    const op = this.operations[opIndex] as Operation;
    if (state < SET_BASE) {
      // The common case, a deterministic model in a single state: no set to build.
      const current = this.states[state] as S;
      this.stepCalls++;
      const result = this.model.step(current, op);
      if (!Array.isArray(result)) {
        const single = result as { ok: boolean; state?: S };
        if (!single.ok) return ILLEGAL;
        // The same object back means "unchanged": no need to hash it.
        return single.state === current ? state : this.intern(single.state as S);
      }
      return this.setOf(this.targetsOf([state], op));
    }
    return this.setOf(this.targetsOf(this.sets[state - SET_BASE] as readonly number[], op));
  }

  /** Model-state ids reachable by `op` from any of `members`. */
  private targetsOf(members: readonly number[], op: Operation): Set<number> {
    const targets = new Set<number>();
    for (const member of members) {
      const current = this.states[member] as S;
      this.stepCalls++;
      const result = this.model.step(current, op);
      if (Array.isArray(result)) {
        for (const next of result as readonly S[]) targets.add(next === current ? member : this.intern(next));
      } else {
        const single = result as { ok: boolean; state?: S };
        if (single.ok) targets.add(single.state === current ? member : this.intern(single.state as S));
      }
    }
    return targets;
  }

  /** The search state standing for a set of model states. */
  private setOf(targets: Set<number>): number {
    if (targets.size === 0) return ILLEGAL;
    if (targets.size === 1) return targets.values().next().value as number;
    const sorted = Array.from(targets).sort((a, b) => a - b);
    const key = sorted.join(',');
    const existing = this.setsByKey.get(key);
    if (existing !== undefined) return existing;
    const id = SET_BASE + this.sets.length;
    this.sets.push(sorted);
    this.setsByKey.set(key, id);
    return id;
  }

  /** The id of a model state (the existing one when an equal state was met before). */
  private intern(state: S): number {
    const hash = this.hash(state);
    if (typeof hash === 'string') {
      const bucket = this.statesByText.get(hash);
      if (bucket === undefined) {
        const id = this.add(state);
        this.statesByText.set(hash, [id]);
        return id;
      }
      for (const candidate of bucket) if (this.equal(this.states[candidate] as S, state)) return candidate;
      const id = this.add(state);
      bucket.push(id);
      return id;
    }
    const h = hash | 0;
    const mask = this.slots.length - 1;
    let slot = mix32(h) & mask;
    for (;;) {
      const candidate = this.slots[slot] as number;
      if (candidate === EMPTY) break;
      if (this.slotHashes[slot] === h && this.equal(this.states[candidate] as S, state)) return candidate;
      slot = (slot + 1) & mask;
    }
    const id = this.add(state);
    this.slots[slot] = id;
    this.slotHashes[slot] = h;
    if (this.states.length * 2 > this.slots.length) this.growSlots();
    return id;
  }

  private add(state: S): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  private growSlots(): void {
    const { slots, slotHashes } = this;
    this.slots = new Int32Array(slots.length * 2).fill(EMPTY);
    this.slotHashes = new Int32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      const id = slots[old] as number;
      if (id === EMPTY) continue;
      const h = slotHashes[old] as number;
      let slot = mix32(h) & mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.slots[slot] = id;
      this.slotHashes[slot] = h;
    }
  }
}
