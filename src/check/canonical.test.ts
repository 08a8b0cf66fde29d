import { describe, expect, it } from 'vitest';
import { twoCommitted } from '../../test/fixtures/two-phase-commit-two-committed.js';
import { CanonicalFinds, type Find } from './canonical.js';
import { check } from './check.js';
import type { Model } from './model.js';
import { checkInWorkers } from './parallel.js';
import { PropertyTracker } from './properties.js';
import type { CheckResult } from './result.js';

const fixtureModule = new URL('../../test/fixtures/two-phase-commit-two-committed.ts', import.meta.url);

/** What a result reports, without the figures that depend on the machine. */
function reported(result: CheckResult<unknown, unknown>): unknown {
  const { verdict, property, path, properties, distinctStates, generatedStates, maxDepth, complete } = result;
  return { verdict, property, path, properties, distinctStates, generatedStates, maxDepth, complete };
}

describe('canonical finds', () => {
  const model: Model<number, number> = {
    init: () => [0],
    actions: () => undefined,
    next: () => undefined,
    properties: [
      { kind: 'always', name: 'A', holds: () => true },
      { kind: 'always', name: 'B', holds: () => true },
      { kind: 'sometimes', name: 'C', holds: () => true },
    ],
  };

  it('keeps the shallowest find of least fingerprint (unsigned), whatever order they come in', () => {
    const finds: Find[] = [
      [0, 5, 7, 1, 10],
      [0, 4, -1, 1, 11], // shallower: wins over depth 5 despite a larger fingerprint
      [0, 4, 3, 9, 12],
      [0, 4, 3, 8, 13], // same depth, same high lane, smaller low lane
      [1, 6, 2, 2, 14],
      [1, 4, -2, 2, 15], // 0xfffffffe: larger than 0x7fffffff read unsigned
      [1, 4, 0x7fffffff, 2, 16],
    ];
    const outcomes = new Set<string>();
    for (const order of [finds, [...finds].reverse(), [finds[3], finds[6], finds[0], finds[5], finds[1]]]) {
      const merged = new CanonicalFinds(new PropertyTracker(model));
      for (const find of order) if (find !== undefined) merged.merge([find], []);
      const tracker = new PropertyTracker(model);
      merged.publish(tracker);
      outcomes.add(JSON.stringify([tracker.violatedAt, tracker.violationOrder]));
    }
    expect([...outcomes]).toEqual([
      JSON.stringify([
        [13, 16],
        [0, 1],
      ]),
    ]);
  });

  it('orders the violated invariants by depth, then by position in the model', () => {
    const finds = new CanonicalFinds(new PropertyTracker(model));
    finds.merge(
      [
        [0, 3, 1, 1, 1],
        [1, 2, 1, 1, 2],
      ],
      [[0, 9, 1, 1, 3]],
    );
    const tracker = new PropertyTracker(model);
    finds.publish(tracker);
    expect(tracker.violationOrder).toEqual([1, 0]);
    expect(tracker.reachedAt).toEqual([3]);
  });
});

describe('the same answer every time', () => {
  it('reports the same violation, example and counts on two workers as on one thread', async () => {
    // Two RMs committed: first possible 13 steps in, among thousands of states that many
    // interleavings reach and that the workers share between them.
    const one = reported(check(twoCommitted({ rms: 5 })));
    expect(one).toMatchObject({ verdict: 'violation', property: { name: 'AtMostOneCommitted' } });
    for (let run = 0; run < 2; run++) {
      const two = await checkInWorkers({ module: fixtureModule, export: 'twoCommitted', params: { rms: 5 } });
      expect(reported(two)).toEqual(one);
    }
  }, 120_000);

  it('replays the same paths under symmetry, on one thread and on two workers', async () => {
    // The state a search expands is whichever member of its orbit it found first; the path is
    // replayed from fingerprints, so it does not depend on which.
    const params = { rms: 4, symmetry: 'ids' } as const;
    const one = reported(check(twoCommitted(params)));
    expect(one).toMatchObject({ verdict: 'violation', property: { name: 'AtMostOneCommitted' } });
    const two = await checkInWorkers({ module: fixtureModule, export: 'twoCommitted', params });
    expect(reported(two)).toEqual(one);
  }, 60_000);
});
