/**
 * Keeps track of the properties while a search runs: which invariant failed first and where,
 * which reachability goals were reached and where, and which liveness goals hold in a state.
 *
 * @module
 */
import { holdsOn, type Property, type PropertyKind } from '../core/index.js';
import type { Model } from './model.js';

/** At most this many `eventually` properties: their goals are bits of one 32-bit integer. */
export const EVENTUALLY_MAX = 31;

/** Evaluates the model's properties on the states a search reaches. */
export class PropertyTracker<State> {
  readonly invariants: readonly Property<State>[];
  readonly reachabilities: readonly Property<State>[];
  readonly livenesses: readonly Property<State>[];
  /** Record index where each invariant first failed, or -1. */
  readonly violatedAt: number[];
  /** Record index where each reachability goal was first reached, or -1. */
  readonly reachedAt: number[];
  /** Order in which invariants failed, by invariant position. */
  readonly violationOrder: number[] = [];

  constructor(model: Model<State, unknown>) {
    const ofKind = (kind: PropertyKind): Property<State>[] =>
      model.properties.filter((property) => property.kind === kind);
    this.invariants = ofKind('always');
    this.reachabilities = ofKind('sometimes');
    this.livenesses = ofKind('eventually');
    if (this.livenesses.length > EVENTUALLY_MAX) {
      throw new RangeError(`check: at most ${EVENTUALLY_MAX} eventually properties per model`);
    }
    this.violatedAt = this.invariants.map(() => -1);
    this.reachedAt = this.reachabilities.map(() => -1);
  }

  /** True once every reachability goal was reached: nothing is left for them to find. */
  get allReached(): boolean {
    return this.reachedAt.every((at) => at >= 0);
  }

  /** True if some invariant failed. */
  get violated(): boolean {
    return this.violationOrder.length > 0;
  }

  /**
   * Checks invariants and reachability goals in a newly found state. Returns true if an
   * invariant failed here for the first time.
   */
  check(state: State, stateIndex: number): boolean {
    let failed = false;
    const invariants = this.invariants;
    for (let i = 0; i < invariants.length; i++) {
      if (this.violatedAt[i] === -1 && !holdsOn(invariants[i] as Property<State>, state)) {
        this.violatedAt[i] = stateIndex;
        this.violationOrder.push(i);
        failed = true;
      }
    }
    const reachabilities = this.reachabilities;
    for (let i = 0; i < reachabilities.length; i++) {
      if (this.reachedAt[i] === -1 && holdsOn(reachabilities[i] as Property<State>, state)) {
        this.reachedAt[i] = stateIndex;
      }
    }
    return failed;
  }

  /** Bit i is set if the i-th `eventually` property holds in `state`. */
  goals(state: State): number {
    let bits = 0;
    const livenesses = this.livenesses;
    for (let i = 0; i < livenesses.length; i++) {
      if (holdsOn(livenesses[i] as Property<State>, state)) bits |= 1 << i;
    }
    return bits;
  }
}
