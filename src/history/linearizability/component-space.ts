/**
 * States of a model with components (`Model.component`), as one small integer per component.
 *
 * The model declares its state a product of independent components, and each operation acts on
 * one of them: its legality and its effect depend on that component's part of the state only.
 * So a state is the vector of its parts, and a transition is computed once per (part, operation)
 * and memoised: for a new pair, the model steps any full state that has that part (the first one
 * met, kept as the part's representative) and the part of the result is read back with
 * `Model.componentState`. The model's own `step`, on its own states, does all the work; the
 * search only ever stores integers, and equal parts of different full states share one id, so
 * that the work does not multiply with the number of combinations of the other parts.
 *
 * Non-deterministic steps are handled as in `StateSpace`: a part is a set of possible values of
 * that component. Because each step changes one component, depending on that component only, the
 * set of full states the history may have led to is always the product of these sets.
 *
 * @module
 */
import { structuralEqual, structuralHash } from '../hash.js';
import type { Model } from '../models/model.js';
import type { Operation } from '../types.js';
import { ILLEGAL } from './state-space.js';
import { PairTable } from './tables.js';

const UNSEEN = -2;

/** A model whose state is a product of components. */
export type ComponentModel<S> = Model<S> & Required<Pick<Model<S>, 'component' | 'componentState'>>;

/** True when `model` declares components (both `component` and `componentState`). */
export function hasComponents<S>(model: Model<S>): model is ComponentModel<S> {
  return model.component !== undefined && model.componentState !== undefined;
}

/** The values one component takes, interned: primitives by identity, the rest structurally. */
class ValueTable<S> {
  /** A full state with each value as its part, to step from. */
  readonly representatives: S[] = [];
  private readonly primitives = new Map<unknown, number>();
  private readonly objects = new Map<number, number[]>();
  private readonly objectValues: unknown[] = [];

  /** The id of `value`; `state` (a full state with that part) becomes its representative if new. */
  intern(value: unknown, state: S): number {
    if (typeof value !== 'object' || value === null) {
      let id = this.primitives.get(value);
      if (id === undefined) {
        id = this.add(state);
        this.primitives.set(value, id);
      }
      return id;
    }
    const hash = structuralHash(value);
    let bucket = this.objects.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.objects.set(hash, bucket);
    }
    for (const id of bucket) if (structuralEqual(this.objectValues[id], value)) return id;
    const id = this.add(state);
    this.objectValues[id] = value;
    bucket.push(id);
    return id;
  }

  private add(state: S): number {
    this.representatives.push(state);
    return this.representatives.length - 1;
  }
}

/** The parts of one component: sets of its values, by id. */
class PartTable {
  /** The values of each part (sorted). */
  readonly members: (readonly number[])[] = [];
  /** Part id of the singleton of each value, or UNSEEN. */
  private readonly singletons: number[] = [];
  private readonly sets = new Map<string, number>();

  singleton(value: number): number {
    while (this.singletons.length <= value) this.singletons.push(UNSEEN);
    const known = this.singletons[value] as number;
    if (known !== UNSEEN) return known;
    this.members.push([value]);
    this.singletons[value] = this.members.length - 1;
    return this.members.length - 1;
  }

  setOf(values: Set<number>): number {
    if (values.size === 0) return ILLEGAL;
    if (values.size === 1) return this.singleton(values.values().next().value as number);
    const sorted = Array.from(values).sort((a, b) => a - b);
    const key = sorted.join(',');
    const known = this.sets.get(key);
    if (known !== undefined) return known;
    this.members.push(sorted);
    this.sets.set(key, this.members.length - 1);
    return this.members.length - 1;
  }
}

/** The parts and memoised transitions of a model with components over one list of operations. */
export class ComponentSpace<S> {
  /** Number of components. */
  readonly size: number;
  /** Component number of each operation. */
  readonly componentOf: Int32Array;
  /** Part id of each component in the initial state. */
  readonly initial: Int32Array;
  private readonly model: ComponentModel<S>;
  private readonly operations: readonly Operation[];
  private readonly names: readonly unknown[];
  private readonly values: ValueTable<S>[];
  private readonly parts: PartTable[];
  private readonly memo = new PairTable(4096);

  constructor(model: ComponentModel<S>, operations: readonly Operation[]) {
    this.model = model;
    this.operations = operations;
    this.componentOf = new Int32Array(operations.length);
    const numbers = new Map<unknown, number>();
    operations.forEach((op, i) => {
      const name = model.component(op);
      let number = numbers.get(name);
      if (number === undefined) {
        number = numbers.size;
        numbers.set(name, number);
      }
      this.componentOf[i] = number;
    });
    this.names = [...numbers.keys()];
    this.size = this.names.length;
    this.values = this.names.map(() => new ValueTable<S>());
    this.parts = this.names.map(() => new PartTable());
    const init = model.init();
    this.initial = Int32Array.from(this.names, (name, k) =>
      (this.parts[k] as PartTable).singleton(
        (this.values[k] as ValueTable<S>).intern(model.componentState(init, name), init),
      ),
    );
  }

  /** Distinct values met, over all components. */
  get valueCount(): number {
    return this.values.reduce((sum, table) => sum + table.representatives.length, 0);
  }

  /**
   * The part reached by applying operation number `op` when its component is in `part`, or
   * {@link ILLEGAL}.
   */
  transition(part: number, op: number): number {
    const known = this.memo.get(part, op, UNSEEN);
    if (known !== UNSEEN) return known;
    const next = this.compute(part, op);
    this.memo.set(part, op, next);
    return next;
  }

  private compute(part: number, opIndex: number): number {
    const component = this.componentOf[opIndex] as number;
    const name = this.names[component];
    const values = this.values[component] as ValueTable<S>;
    const parts = this.parts[component] as PartTable;
    const op = this.operations[opIndex] as Operation;
    const members = parts.members[part] as readonly number[];
    if (members.length === 1) {
      // The common case, a deterministic model: no set to build.
      const value = members[0] as number;
      const state = values.representatives[value] as S;
      const result = this.model.step(state, op);
      if (!Array.isArray(result)) {
        const single = result as { ok: boolean; state?: S };
        if (!single.ok) return ILLEGAL;
        const next = single.state as S;
        if (next === state) return part;
        return parts.singleton(values.intern(this.model.componentState(next, name), next));
      }
    }
    const targets = new Set<number>();
    for (const value of members) {
      const state = values.representatives[value] as S;
      const result = this.model.step(state, op);
      const nextStates: readonly S[] = Array.isArray(result)
        ? (result as readonly S[])
        : (result as { ok: boolean; state?: S }).ok
          ? [(result as { state: S }).state]
          : [];
      for (const next of nextStates)
        // The same object back means "unchanged": no need to look at its part.
        targets.add(next === state ? value : values.intern(this.model.componentState(next, name), next));
    }
    return parts.setOf(targets);
  }
}
