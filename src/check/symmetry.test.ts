import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import type { Model } from './model.js';
import { stateFingerprinter } from './symmetry.js';

const ids = ['n1', 'n2', 'n3', 'n4'];

/** A state that relates ids to each other (a graph) and labels them: ties are common. */
interface Relation {
  readonly edges: readonly (readonly [string, string])[];
  readonly label: Readonly<Record<string, number>>;
  readonly leader: string;
}

const relations: fc.Arbitrary<Relation> = fc.record({
  edges: fc.uniqueArray(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)), {
    maxLength: 5,
    selector: ([a, b]) => `${a}>${b}`,
  }),
  label: fc.record(
    Object.fromEntries(ids.map((id) => [id, fc.integer({ min: 0, max: 1 })])) as Record<
      string,
      fc.Arbitrary<number>
    >,
  ),
  leader: fc.constantFrom(...ids),
});

/** The state with ids renamed, edges kept as a set (sorted, so that equal sets print alike). */
function renamed(state: Relation, rename: ReadonlyMap<string, string>): string {
  const r = (id: string): string => rename.get(id) ?? id;
  return JSON.stringify({
    edges: state.edges.map(([a, b]) => `${r(a)}>${r(b)}`).sort(),
    label: Object.fromEntries(
      Object.entries(state.label)
        .map(([id, n]): [string, number] => [r(id), n])
        .sort(),
    ),
    leader: r(state.leader),
  });
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Reference: same orbit iff some permutation of the ids maps one state onto the other. */
function sameOrbit(x: Relation, y: Relation): boolean {
  const target = renamed(y, new Map());
  return permutations(ids).some(
    (order) => renamed(x, new Map(ids.map((id, i) => [id, order[i] ?? id]))) === target,
  );
}

/** As a state the checker hashes: edges as a Set of tuples (an unordered collection). */
function asState(relation: Relation): unknown {
  return { ...relation, edges: new Set(relation.edges) };
}

describe('symmetry over interchangeable ids', () => {
  it('gives two states one fingerprint exactly when they are in the same orbit', () => {
    const fingerprinter = stateFingerprinter<unknown>({ interchangeable: [ids] });
    const key = (relation: Relation): string => {
      fingerprinter.hash(asState(relation));
      return `${fingerprinter.high}:${fingerprinter.low}`;
    };
    fc.assert(
      fc.property(relations, relations, fc.integer({ min: 0, max: 23 }), (x, y, p) => {
        expect(key(x) === key(y)).toBe(sameOrbit(x, y));
        // A permuted copy of x is always in x's orbit.
        const order = permutations(ids)[p] ?? ids;
        const rename = new Map(ids.map((id, i) => [id, order[i] ?? id]));
        const permuted: Relation = {
          edges: x.edges.map(([a, b]) => [rename.get(a) ?? a, rename.get(b) ?? b] as const),
          label: Object.fromEntries(Object.entries(x.label).map(([id, n]) => [rename.get(id) ?? id, n])),
          leader: rename.get(x.leader) ?? x.leader,
        };
        expect(key(permuted)).toBe(key(x));
      }),
      { numRuns: 300 },
    );
  });

  it('merges the two orientations of a ring, which no sorting by attributes tells apart', () => {
    const ring = (next: Record<string, string>): Model<unknown, never> => ({
      init: () => [{ next }],
      actions: () => undefined,
      next: () => undefined,
      properties: [],
      symmetry: { interchangeable: [['a', 'b', 'c']] },
    });
    const both: Model<unknown, never> = {
      ...ring({}),
      init: () => [{ next: { a: 'b', b: 'c', c: 'a' } }, { next: { a: 'c', c: 'b', b: 'a' } }],
    };
    expect(check(both, { symmetry: true }).distinctStates).toBe(1);
    expect(check(both, { symmetry: false }).distinctStates).toBe(2);
  });
});
