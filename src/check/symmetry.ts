/**
 * State fingerprints as the visited set sees them: plain structural fingerprints, or, under
 * symmetry reduction, fingerprints of a canonical form, so that all the states of one orbit
 * share one fingerprint.
 *
 * The checker never builds canonical states for the declarative form: it expands the state it
 * actually reached (any member of the orbit will do) and only *hashes* permuted versions, by
 * hashing with a renaming table. Paths therefore stay real executions of the model.
 *
 * @module
 */
import { hashLaneHigh, hashValue, hashValueRenamed } from './fingerprint.js';
import { IncrementalHasher } from './incremental.js';
import type { Symmetry } from './model.js';

/** Computes a state's 64-bit fingerprint into `high` and `low`. */
export interface StateFingerprinter<State> {
  high: number;
  low: number;
  /** Announces the state whose successors come next (they may be hashed against it). */
  expanding(state: State): void;
  hash(state: State): void;
  /**
   * True for plain structural fingerprints (no symmetry): those of the parts of a state, so that
   * a breadth-first search can intern them (interned-frontier.ts).
   */
  readonly plain: boolean;
}

/** Plain structural fingerprints, computed incrementally against the state being expanded. */
class PlainFingerprinter<State> implements StateFingerprinter<State> {
  high = 0;
  low = 0;
  readonly plain = true;
  readonly #hasher = new IncrementalHasher();
  expanding(state: State): void {
    this.#hasher.setBase(state);
  }
  hash(state: State): void {
    this.#hasher.hash(state);
    this.low = this.#hasher.low;
    this.high = this.#hasher.high;
  }
}

/** Fingerprints of the representative that the model's own `canonicalize` returns. */
class CanonicalizeFingerprinter<State> implements StateFingerprinter<State> {
  high = 0;
  low = 0;
  readonly plain = false;
  readonly #canonicalize: (state: State) => State;
  constructor(canonicalize: (state: State) => State) {
    this.#canonicalize = canonicalize;
  }
  expanding(): void {
    // Canonical forms share little structure with their parent's: nothing to prepare.
  }
  hash(state: State): void {
    this.low = hashValue(this.#canonicalize(state));
    this.high = hashLaneHigh;
  }
}

/**
 * Most orderings tried per state when ids tie and are not interchangeable in that state. Past
 * this bound the fingerprint stays sound (it only merges states of one orbit) but two members of
 * an orbit may get different fingerprints, so counts can exceed the number of orbits.
 */
const ORDERINGS_MAX = 720;

// Markers for signatures. The NUL prefix keeps them apart from any id a model would use.
const SELF = '\u0000fairlink:self';
const OTHER = '\u0000fairlink:other:';

/**
 * Canonical fingerprints for groups of interchangeable string ids.
 *
 * For a state `s`, each id gets a *signature*: the hash of `s` with that id renamed to a marker
 * and every other id to its group's anonymous marker. Signatures are equivariant (permuting ids
 * permutes them along), so sorting each group by signature is a canonical ordering up to ties.
 * Within a tie class, if every transposition of the class leaves `s` unchanged (checked by
 * hashing), the class is interchangeable in `s` and any order gives the same renamed state;
 * otherwise every order of the class is tried. The fingerprint is the least hash, over those
 * orders, of `s` with the ids renamed to their canonical names (the group's ids by rank). This is
 * an exact canonical form (up to hash collisions) within {@link ORDERINGS_MAX}.
 */
class InterchangeableFingerprinter<State> implements StateFingerprinter<State> {
  high = 0;
  low = 0;
  readonly plain = false;
  readonly #groups: readonly (readonly string[])[];
  readonly #anonymous: Map<string, string>;
  /** Counts states whose canonical form was cut at ORDERINGS_MAX. */
  truncated = 0;

  constructor(groups: readonly (readonly string[])[]) {
    this.#groups = groups.filter((group) => group.length > 1);
    this.#anonymous = new Map();
    this.#groups.forEach((group, g) => {
      for (const id of group) this.#anonymous.set(id, OTHER + String(g));
    });
  }

  expanding(): void {
    // Hashing under renamings cannot reuse the parent's hashes.
  }

  hash(state: State): void {
    if (this.#groups.length === 0) {
      this.low = hashValue(state);
      this.high = hashLaneHigh;
      return;
    }
    // One list of tie classes per group, in canonical (signature) order.
    const classesPerGroup = this.#groups.map((group) => this.#tieClasses(state, group));
    const orderings = this.#orderings(classesPerGroup);
    let bestHigh = 0;
    let bestLow = 0;
    let first = true;
    const renaming = new Map<string, string>();
    for (const ordering of orderings) {
      renaming.clear();
      ordering.forEach((order, g) => {
        const group = this.#groups[g] ?? [];
        order.forEach((id, rank) => renaming.set(id, group[rank] ?? id));
      });
      const low = hashValueRenamed(state, renaming) >>> 0;
      const high = hashLaneHigh >>> 0;
      if (first || high < bestHigh || (high === bestHigh && low < bestLow)) {
        bestHigh = high;
        bestLow = low;
        first = false;
      }
    }
    this.high = bestHigh | 0;
    this.low = bestLow | 0;
  }

  /** The group's ids, split into classes of equal signature, classes sorted by signature. */
  #tieClasses(state: State, group: readonly string[]): { ids: string[]; free: boolean }[] {
    const renaming = new Map(this.#anonymous);
    const signed = group.map((id) => {
      renaming.set(id, SELF);
      const low = hashValueRenamed(state, renaming) >>> 0;
      const high = hashLaneHigh >>> 0;
      renaming.set(id, this.#anonymous.get(id) ?? id);
      return { id, high, low };
    });
    signed.sort((x, y) => x.high - y.high || x.low - y.low);
    const classes: { ids: string[]; free: boolean }[] = [];
    let previous: { high: number; low: number } | undefined;
    for (const entry of signed) {
      const last = classes[classes.length - 1];
      if (last !== undefined && previous?.high === entry.high && previous.low === entry.low) {
        last.ids.push(entry.id);
      } else {
        classes.push({ ids: [entry.id], free: true });
      }
      previous = entry;
    }
    for (const tie of classes) {
      if (tie.ids.length > 1) tie.free = this.#interchangeable(state, tie.ids);
    }
    return classes;
  }

  /** True if every transposition (ids[0] ids[j]) leaves the state unchanged: they generate Sym(ids). */
  #interchangeable(state: State, ids: readonly string[]): boolean {
    const low = hashValue(state);
    const high = hashLaneHigh;
    const first = ids[0] ?? '';
    for (let j = 1; j < ids.length; j++) {
      const other = ids[j] ?? '';
      const swap = new Map([
        [first, other],
        [other, first],
      ]);
      if (hashValueRenamed(state, swap) !== low || hashLaneHigh !== high) return false;
    }
    return true;
  }

  /**
   * Candidate orders of every group: the product of the orders of each non-free tie class, cut
   * at {@link ORDERINGS_MAX} (counted in {@link truncated}).
   */
  #orderings(classesPerGroup: { ids: string[]; free: boolean }[][]): string[][][] {
    let result: string[][][] = [[]];
    let cut = false;
    for (const classes of classesPerGroup) {
      let orders: string[][] = [[]];
      for (const tie of classes) {
        const options = tie.free ? [tie.ids] : permutations(tie.ids);
        if (!tie.free && options.length < factorial(tie.ids.length)) cut = true;
        const extended: string[][] = [];
        for (const prefix of orders) {
          for (const option of options) {
            if (extended.length * result.length >= ORDERINGS_MAX) {
              cut = true;
              break;
            }
            extended.push([...prefix, ...option]);
          }
        }
        orders = extended;
      }
      result = result.flatMap((prefix) => orders.map((order) => [...prefix, order]));
    }
    if (cut) this.truncated++;
    return result;
  }
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

function permutations(ids: readonly string[]): string[][] {
  if (ids.length <= 1) return [[...ids]];
  const result: string[][] = [];
  ids.forEach((id, i) => {
    const rest = [...ids.slice(0, i), ...ids.slice(i + 1)];
    for (const tail of permutations(rest)) {
      result.push([id, ...tail]);
      if (result.length >= ORDERINGS_MAX) return;
    }
  });
  return result;
}

/** The fingerprinter for a model's symmetry, or plain fingerprints without one. */
export function stateFingerprinter<State>(symmetry: Symmetry<State> | undefined): StateFingerprinter<State> {
  if (symmetry === undefined) return new PlainFingerprinter();
  if ('canonicalize' in symmetry) return new CanonicalizeFingerprinter(symmetry.canonicalize);
  return new InterchangeableFingerprinter(symmetry.interchangeable);
}
