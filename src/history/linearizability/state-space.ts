/**
 * Model states as small integers.
 *
 * The search never holds a model state: it holds an id. Each distinct state is interned once
 * (by the model's hash and equality), and each (state id, operation) transition is computed once
 * and memoised, so the inner loop compares and stores integers only. Non-deterministic models
 * are made deterministic the classic way: a search state is the set of model states the history
 * so far could have led to, and an operation is legal when it is legal in at least one of them.
 *
 * @module
 */
import { structuralEqual, structuralHash } from '../hash.js';
import type { Model } from '../models/model.js';
import type { Operation } from '../types.js';
import { PairTable } from './tables.js';

/** The transition result for an operation that is illegal in a state. */
export const ILLEGAL = -1;
const UNSEEN = -2;

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
  private readonly statesByHash = new Map<number | string, number | number[]>();
  /** Search states (sorted sets of model-state ids) by id. */
  private readonly sets: (readonly number[])[] = [];
  private readonly setsByKey = new Map<string, number>();
  /** Search-state id of the singleton set of each model state, or UNSEEN. */
  private readonly singletons: number[] = [];
  private readonly memo = new PairTable(4096);
  /** Calls made to `model.step`, for statistics. */
  stepCalls = 0;

  constructor(model: Model<S>, operations: readonly Operation[]) {
    this.model = model;
    this.operations = operations;
    this.hash =
      model.hash === undefined ? structuralHash : (state) => (model.hash as (s: S) => number | string)(state);
    this.equal =
      model.equal === undefined ? structuralEqual : (a, b) => (model.equal as (x: S, y: S) => boolean)(a, b);
    this.initial = this.singleton(this.intern(model.init()));
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
    const known = this.memo.get(state, op, UNSEEN);
    if (known !== UNSEEN) return known;
    const next = this.compute(state, op);
    this.memo.set(state, op, next);
    return next;
  }

  /** The model states a search state stands for. */
  modelStatesOf(state: number): S[] {
    return (this.sets[state] ?? []).map((id) => this.states[id] as S);
  }

  /** Text of a search state for reports: the model state, or `one of: ...` for several. */
  describe(state: number): string {
    const describeState = this.model.describeState?.bind(this.model) ?? ((s: S) => JSON.stringify(s) ?? '?');
    const members = this.modelStatesOf(state).map(describeState);
    return members.length === 1 ? (members[0] as string) : `one of: ${members.join(' | ')}`;
  }

  private compute(state: number, opIndex: number): number {
    const members = this.sets[state] as readonly number[];
    const op = this.operations[opIndex] as Operation;
    if (members.length === 1) {
      // The common case, a deterministic model in a single state: no set to build.
      const member = members[0] as number;
      const current = this.states[member] as S;
      this.stepCalls++;
      const result = this.model.step(current, op);
      if (!Array.isArray(result)) {
        const single = result as { ok: boolean; state?: S };
        if (!single.ok) return ILLEGAL;
        // The same object back means "unchanged": no need to hash it.
        return single.state === current ? state : this.singleton(this.intern(single.state as S));
      }
      return this.setOf(this.targetsOf([member], op));
    }
    return this.setOf(this.targetsOf(members, op));
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
    if (targets.size === 1) return this.singleton(targets.values().next().value as number);
    const sorted = Array.from(targets).sort((a, b) => a - b);
    // Only sets of two or more are keyed by text; singletons have their own index.
    const key = sorted.join(',');
    const existing = this.setsByKey.get(key);
    if (existing !== undefined) return existing;
    const id = this.sets.length;
    this.sets.push(sorted);
    this.setsByKey.set(key, id);
    return id;
  }

  private singleton(member: number): number {
    const existing = this.singletons[member] as number;
    if (existing !== UNSEEN) return existing;
    const id = this.sets.length;
    this.sets.push([member]);
    this.singletons[member] = id;
    return id;
  }

  private intern(state: S): number {
    const hash = this.hash(state);
    const bucket = this.statesByHash.get(hash);
    if (bucket === undefined) {
      const id = this.add(state);
      this.statesByHash.set(hash, id);
      return id;
    }
    if (typeof bucket === 'number') {
      if (this.equal(this.states[bucket] as S, state)) return bucket;
      const id = this.add(state);
      this.statesByHash.set(hash, [bucket, id]);
      return id;
    }
    for (const candidate of bucket) if (this.equal(this.states[candidate] as S, state)) return candidate;
    const id = this.add(state);
    bucket.push(id);
    return id;
  }

  private add(state: S): number {
    this.states.push(state);
    this.singletons.push(UNSEEN);
    return this.states.length - 1;
  }
}
