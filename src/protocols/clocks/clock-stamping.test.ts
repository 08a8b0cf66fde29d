import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { invariant, type SystemView } from '../../core/index.js';
import clocksScenario, { allEvents } from '../../../examples/clocks.js';
import { compareVectors } from './vector-clock.js';
import { clockStamping, type StampedEvent } from './clock-stamping.js';

/** Runs the clocks example and returns every stamped event, keyed `node:kind:label`. */
function runTrace(concurrent: boolean, seed = 1): Map<string, StampedEvent> {
  let events: StampedEvent[] = [];
  const config = clocksScenario.build({ ...clocksScenario.params, concurrent });
  const result = simulate(
    {
      ...config,
      properties: [
        ...(config.properties ?? []),
        invariant('probe', (view: SystemView) => {
          events = allEvents(view);
          return true;
        }),
      ],
    },
    { seed },
  );
  expect(result.failure).toBeUndefined();
  return new Map(events.map((event) => [`${event.node}:${event.kind}:${event.label}`, event]));
}

function order(events: Map<string, StampedEvent>, a: string, b: string): string {
  const first = events.get(a);
  const second = events.get(b);
  if (!first || !second) throw new Error(`no event ${first ? b : a}`);
  return compareVectors(first.vector, second.vector);
}

describe('clock stamping on traces of 3 processes', () => {
  it('the causal chain has no concurrent pair, and Lamport times grow along it', () => {
    const events = runTrace(false);
    const chain = ['p1:send:a', 'p2:receive:a', 'p2:send:b', 'p3:receive:b', 'p3:local:c'];
    expect([...events.keys()].sort()).toEqual([...chain].sort());
    chain.forEach((a, i) =>
      chain.forEach((b, j) => {
        if (i < j) expect(order(events, a, b)).toBe('before');
      }),
    );
    expect(chain.map((key) => events.get(key)?.lamport)).toEqual([1, 2, 3, 4, 5]);
    expect(events.get('p3:local:c')?.vector).toEqual({ p1: 1, p2: 2, p3: 2 });
  });

  it("p3's local event is concurrent with p1's and p2's events, though Lamport times order them", () => {
    const events = runTrace(true);
    expect(order(events, 'p3:local:x', 'p1:send:a')).toBe('concurrent');
    expect(order(events, 'p3:local:x', 'p2:receive:a')).toBe('concurrent');
    expect(order(events, 'p3:local:x', 'p1:local:d')).toBe('concurrent');
    // Concurrent, yet L(x) = 1 < L(d) = 2: a smaller Lamport time does not mean "happened before".
    expect(events.get('p3:local:x')?.lamport).toBe(1);
    expect(events.get('p1:local:d')?.lamport).toBe(2);
    // Along messages, the order is exact.
    expect(order(events, 'p3:local:x', 'p2:receive:y')).toBe('before');
    expect(order(events, 'p1:send:a', 'p2:receive:y')).toBe('before');
    expect(order(events, 'p1:local:d', 'p2:receive:y')).toBe('concurrent');
  });

  it('the clocks example holds its clock-condition invariant over a few seeds, both traces', () => {
    for (const concurrent of [true, false]) {
      for (let seed = 1; seed <= 5; seed++) {
        const result = simulate(clocksScenario.build({ ...clocksScenario.params, concurrent }), { seed });
        expect(result.failure, `concurrent=${concurrent} seed ${seed}`).toBeUndefined();
      }
    }
  });

  it('refuses a script whose times go backwards', () => {
    expect(() =>
      clockStamping({
        p1: [
          { atMs: 10, kind: 'local', label: 'a' },
          { atMs: 5, kind: 'local', label: 'b' },
        ],
      }),
    ).toThrow(/non-decreasing/);
  });
});
