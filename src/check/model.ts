/**
 * What the model checker explores: a state machine in the style of TLA+ (initial states,
 * actions, a next-state function, properties), over plain-data states.
 *
 * An actor system is one such model: its state is every node's state plus the network and the
 * timers, its actions are plain labels such as `{ type: 'deliver', from, to, message }`, and
 * its fairness says that every message sent to a live node is delivered and every pending
 * timer fires.
 *
 * @module
 */
import type { Property, PropertyKind } from '../core/index.js';

/**
 * How much the scheduler owes an action, for liveness checking:
 * - `weak`: if it stays enabled forever, it is eventually taken (weak fairness);
 * - `strong`: if it is enabled infinitely often, it is taken infinitely often (strong fairness).
 *
 * Strong fairness is what a fair-loss link gives a message that is resent over and over while
 * the network may drop copies: delivery is enabled infinitely often, not continuously.
 */
export type FairnessKind = 'weak' | 'strong';

/**
 * A fairness requirement on an action. Actions whose `task` is structurally equal form one
 * requirement (one "task" in Lamport's sense); without a `task`, the action label itself is the
 * task, so two equal labels are one requirement.
 */
export interface FairnessRequirement {
  readonly kind: FairnessKind;
  readonly task?: unknown;
}

/**
 * States that differ only by a permutation of interchangeable identities are one state for the
 * checker. Either:
 * - `canonicalize`: a function from a state to the representative of its orbit (it must return
 *   the same representative for every member of the orbit, and the representative must be a
 *   member); or
 * - `interchangeable`: groups of string identities (node ids such as `'rm1'`) that may be
 *   permuted among themselves. Each such string is renamed wherever it occurs in a state: as a
 *   value, an object key, a `Set` element, a `Map` key. Strings that merely contain an id (such
 *   as `'Prepared:rm1'`) and array positions are not renamed, so a state must name the
 *   identities as whole strings. The checker builds an exact canonical form from this.
 *
 * Symmetry is sound only for properties that are themselves symmetric (renaming the ids does
 * not change whether they hold).
 */
export type Symmetry<State> =
  | { readonly canonicalize: (state: State) => State }
  | { readonly interchangeable: readonly (readonly string[])[] };

/**
 * A model: the state machine the checker explores.
 *
 * Contract, on which the checker's speed and soundness rest:
 * - states and actions are plain data: JSON values plus `Map`, `Set`, `bigint`, `Uint8Array`;
 * - every method is deterministic and free of side effects;
 * - `next` never mutates its input state: it returns a new state, which may share the parts
 *   that did not change with its input (the checker recognises shared parts by identity, and
 *   the breadth-first search rebuilds states from parts that many states share, so an edit in
 *   place would change all of them);
 * - the order of the actions that `actions` lists is deterministic: a path is replayed from
 *   the indices of its actions in that list;
 * - states are values: two structurally equal states must behave the same. Do not rely on
 *   object identity (`set.has(object)`, `===` between objects of different states): the
 *   checker compares states structurally and copies them (between worker threads), and a copy
 *   is a different object. Keep primitives in `Set`s and as `Map` keys. Likewise an object
 *   property whose value is `undefined` is the same as an absent property.
 */
export interface Model<State, Action> {
  /** The initial states. */
  init(): readonly State[];
  /**
   * Appends to `out` the actions that may be taken in `state` (`out` arrives empty). Listing an
   * action that turns out disabled is allowed: `next` then returns `undefined`.
   */
  actions(state: State, out: Action[]): void;
  /** The state after taking `action` in `state`, or `undefined` if the action is disabled. */
  next(state: State, action: Action): State | undefined;
  /**
   * The properties to check (`always`, `sometimes`, `eventually` of `fairlink/core`, over the
   * model's state); names are unique.
   */
  readonly properties: readonly Property<State>[];
  /**
   * The boundary of the model: a reachable state where this is false is counted and checked
   * against the properties, but not expanded (TLC's state constraint). It is part of the model:
   * a search that completes within the boundary yields a definite verdict.
   */
  within?(state: State): boolean;
  /** Symmetry reduction; see {@link Symmetry}. */
  readonly symmetry?: Symmetry<State>;
  /**
   * Fairness for `eventually` properties: the requirement an action carries, or `undefined`
   * when the scheduler owes it nothing (crashes, drops). Without this hook no behaviour is
   * excluded: any cycle counts as a counterexample.
   */
  fairness?(action: Action): FairnessKind | FairnessRequirement | undefined;
  /**
   * Whether a behaviour may stop in a state where no enabled action is owed anything by
   * `fairness` (stutter there forever, as TLA+ allows): such a state then ends a liveness
   * counterexample as a dead end does. Stopping there is fair, since fairness owes nothing that
   * is enabled. Default false: a behaviour goes on while any action is enabled, so an action
   * owed nothing is still taken when it is the only one. Actor models stop: the asynchronous
   * model forces no drop, crash or (unfair) recovery.
   */
  readonly stopsWhenOwedNothing?: boolean;
}

const PROPERTY_KINDS: ReadonlySet<string> = new Set<PropertyKind>(['always', 'sometimes', 'eventually']);

/**
 * Validates a model at the boundary and returns it unchanged. Errors name this function and
 * the offending field, so a mistake in a scenario file is reported before any search starts.
 *
 * @throws TypeError when a required method is missing, a property is malformed, property names
 * repeat, or the symmetry description is malformed.
 */
export function defineModel<State, Action>(model: Model<State, Action>): Model<State, Action> {
  const fail = (what: string): never => {
    throw new TypeError(`defineModel: ${what}`);
  };
  const candidate = model as unknown as Record<string, unknown>;
  if (typeof model !== 'object' || model === null) fail('the model must be an object');
  for (const method of ['init', 'actions', 'next']) {
    if (typeof candidate[method] !== 'function') fail(`\`${method}\` must be a function`);
  }
  for (const method of ['within', 'fairness']) {
    if (candidate[method] !== undefined && typeof candidate[method] !== 'function') {
      fail(`\`${method}\` must be a function when given`);
    }
  }
  if (!Array.isArray(candidate['properties'])) fail('`properties` must be an array');
  const names = new Set<string>();
  model.properties.forEach((property: unknown, i) => {
    const p = property as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null) return fail(`properties[${i}] must be an object`);
    if (typeof p['name'] !== 'string' || p['name'] === '') {
      return fail(`properties[${i}].name must be a non-empty string`);
    }
    const name = p['name'];
    if (typeof p['kind'] !== 'string' || !PROPERTY_KINDS.has(p['kind'])) {
      fail(`property "${name}": kind must be 'always', 'sometimes' or 'eventually'`);
    }
    if (typeof p['holds'] !== 'function') fail(`property "${name}": holds must be a function`);
    if (names.has(name)) fail(`property name "${name}" is used twice`);
    names.add(name);
  });
  const symmetry = candidate['symmetry'] as Record<string, unknown> | undefined;
  if (symmetry !== undefined) validateSymmetry(symmetry, fail);
  return model;
}

function validateSymmetry(symmetry: Record<string, unknown>, fail: (what: string) => never): void {
  if (typeof symmetry !== 'object' || symmetry === null) fail('`symmetry` must be an object');
  if ('canonicalize' in symmetry) {
    if (typeof symmetry['canonicalize'] !== 'function') fail('`symmetry.canonicalize` must be a function');
    return;
  }
  const groups = symmetry['interchangeable'];
  if (!Array.isArray(groups)) {
    return fail('`symmetry` needs `canonicalize` (a function) or `interchangeable` (arrays of ids)');
  }
  const seen = new Set<string>();
  groups.forEach((group: unknown, g) => {
    if (!Array.isArray(group)) return fail(`symmetry.interchangeable[${g}] must be an array of strings`);
    for (const id of group as unknown[]) {
      if (typeof id !== 'string') fail(`symmetry.interchangeable[${g}] must hold strings only`);
      if (seen.has(id)) fail(`symmetry id "${id}" appears twice`);
      seen.add(id);
    }
  });
}
