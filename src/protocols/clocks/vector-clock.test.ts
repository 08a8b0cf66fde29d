import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lamportReceive, lamportTick } from './lamport-clock.js';
import {
  compareVectors,
  happenedBefore,
  vectorMerge,
  vectorReceive,
  vectorTick,
  VECTOR_ZERO,
  type VectorClock,
} from './vector-clock.js';

const PROCESSES = ['p1', 'p2', 'p3'] as const;
const vector = fc.dictionary(fc.constantFrom(...PROCESSES), fc.nat({ max: 4 })) as fc.Arbitrary<VectorClock>;

/** Vectors as values: a missing entry and an entry 0 are the same. */
function normalised(clock: VectorClock): Record<string, number> {
  return Object.fromEntries(
    Object.entries(clock)
      .filter(([, count]) => count !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe('Lamport clocks', () => {
  it('tick moves one step; receive jumps past both clocks', () => {
    expect(lamportTick(0)).toBe(1);
    expect(lamportReceive(3, 7)).toBe(8);
    expect(lamportReceive(7, 3)).toBe(8);
  });

  it('refuses what is not a Lamport time', () => {
    expect(() => lamportTick(-1)).toThrow(/whole number >= 0/);
    expect(() => lamportReceive(1, 0.5)).toThrow(/whole number >= 0/);
  });

  it('a receive comes after both the local history and the send', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (local, received) => {
        const after = lamportReceive(local, received);
        return after > local && after > received;
      }),
    );
  });
});

describe('vector clocks', () => {
  it('compares the lab examples: before, after, concurrent, and equal counts as concurrent', () => {
    expect(compareVectors({ p1: 1 }, { p1: 1, p2: 1 })).toBe('before');
    expect(compareVectors({ p1: 2, p2: 1 }, { p1: 1, p2: 1 })).toBe('after');
    expect(compareVectors({ p1: 1 }, { p2: 1 })).toBe('concurrent');
    expect(compareVectors({ p1: 1, p2: 0 }, { p1: 1 })).toBe('concurrent');
    expect(compareVectors(VECTOR_ZERO, VECTOR_ZERO)).toBe('concurrent');
  });

  it('tick, merge and receive follow the update rules', () => {
    expect(vectorTick({ p1: 1 }, 'p2')).toEqual({ p1: 1, p2: 1 });
    expect(vectorMerge({ p1: 3, p2: 1 }, { p2: 4, p3: 2 })).toEqual({ p1: 3, p2: 4, p3: 2 });
    expect(vectorReceive({ p2: 1 }, 'p2', { p1: 2, p2: 5 })).toEqual({ p1: 2, p2: 6 });
  });

  it('compare is antisymmetric: a before b exactly when b after a; concurrency is symmetric', () => {
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        const forward = compareVectors(a, b);
        const backward = compareVectors(b, a);
        const mirror = { before: 'after', after: 'before', concurrent: 'concurrent' } as const;
        return backward === mirror[forward];
      }),
    );
  });

  it('a vector is concurrent with itself (never before itself)', () => {
    fc.assert(fc.property(vector, (a) => compareVectors(a, a) === 'concurrent'));
  });

  it('merge is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(vector, vector, vector, (a, b, c) => {
        expect(normalised(vectorMerge(a, b))).toEqual(normalised(vectorMerge(b, a)));
        expect(normalised(vectorMerge(vectorMerge(a, b), c))).toEqual(
          normalised(vectorMerge(a, vectorMerge(b, c))),
        );
        expect(normalised(vectorMerge(a, a))).toEqual(normalised(a));
      }),
    );
  });

  it('merge is an upper bound of both: neither argument comes after it', () => {
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        const merged = vectorMerge(a, b);
        return compareVectors(a, merged) !== 'after' && compareVectors(b, merged) !== 'after';
      }),
    );
  });

  it('happened-before is transitive (random triples, and chains built by receives)', () => {
    fc.assert(
      fc.property(
        vector,
        vector,
        vector,
        (a, b, c) => !(happenedBefore(a, b) && happenedBefore(b, c)) || happenedBefore(a, c),
      ),
    );
    fc.assert(
      fc.property(
        vector,
        vector,
        vector,
        fc.constantFrom(...PROCESSES),
        fc.constantFrom(...PROCESSES),
        (a, x, y, p, q) => {
          const b = vectorReceive(x, p, a);
          const c = vectorReceive(y, q, b);
          return happenedBefore(a, b) && happenedBefore(b, c) && happenedBefore(a, c);
        },
      ),
    );
  });

  it('on random executions, vectors compare exactly as happened-before, and Lamport times respect it', () => {
    // An execution: each step is a local event, a send, or the receive of a message in flight.
    const step = fc.record({
      kind: fc.constantFrom('local', 'send', 'receive'),
      process: fc.nat({ max: 2 }),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        interface Event {
          readonly vector: VectorClock;
          readonly lamport: number;
          /** Indexes of the events this one directly follows: the previous event of its process, and a send. */
          readonly predecessors: number[];
        }
        const events: Event[] = [];
        const clocks = PROCESSES.map(() => ({ vector: VECTOR_ZERO, lamport: 0, last: -1 }));
        const inFlight: {
          readonly sendEvent: number;
          readonly vector: VectorClock;
          readonly lamport: number;
        }[] = [];
        for (const { kind, process, pick } of steps) {
          const clock = clocks[process] as (typeof clocks)[number];
          const name = PROCESSES[process] as string;
          const predecessors = clock.last >= 0 ? [clock.last] : [];
          if (kind === 'receive' && inFlight.length > 0) {
            const [message] = inFlight.splice(pick % inFlight.length, 1);
            if (!message) continue;
            clock.vector = vectorReceive(clock.vector, name, message.vector);
            clock.lamport = lamportReceive(clock.lamport, message.lamport);
            predecessors.push(message.sendEvent);
          } else {
            clock.vector = vectorTick(clock.vector, name);
            clock.lamport = lamportTick(clock.lamport);
          }
          clock.last = events.length;
          events.push({ vector: clock.vector, lamport: clock.lamport, predecessors });
          if (kind === 'send') {
            inFlight.push({ sendEvent: clock.last, vector: clock.vector, lamport: clock.lamport });
          }
        }
        // Ground truth: happened-before is reachability along predecessors.
        const reaches = events.map(() => new Set<number>());
        events.forEach((event, index) => {
          for (const predecessor of event.predecessors) {
            reaches[index]?.add(predecessor);
            for (const earlier of reaches[predecessor] ?? []) reaches[index]?.add(earlier);
          }
        });
        events.forEach((b, j) =>
          events.forEach((a, i) => {
            const truth = reaches[j]?.has(i) ?? false;
            expect(happenedBefore(a.vector, b.vector)).toBe(truth);
            if (truth) expect(a.lamport).toBeLessThan(b.lamport);
          }),
        );
      }),
      { numRuns: 200 },
    );
  });
});
