import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ordered, plain } from '../../test/support/plain-values.js';
import { hashLaneHigh, hashValue } from './fingerprint.js';
import { EncodedQueue } from './frontier.js';
import { InternedQueue, PartFingerprinter } from './interned-frontier.js';
import { PartExporter, PartImporter } from './part-transfer.js';

/** A successor as models write them: the state with one entry replaced or added. */
function successor(state: unknown, pick: number, replacement: unknown): unknown {
  if (Array.isArray(state)) {
    return state.length === 0 ? [replacement] : state.with(pick % state.length, replacement);
  }
  if (state instanceof Set) return new Set([...state, replacement]);
  if (state instanceof Map) return new Map(state).set(pick % 3, replacement);
  if (typeof state === 'object' && state !== null && !(state instanceof Uint8Array)) {
    const keys = Object.keys(state);
    const key = keys.length === 0 ? 'k' : (keys[pick % keys.length] as string);
    return { ...state, [key]: replacement };
  }
  return replacement;
}

/** A breadth-first run over random successors: every state taken is the one pushed. */
function run(states: readonly unknown[], steps: readonly [number, unknown][], compactAt?: number): void {
  const parts = new PartFingerprinter<unknown>(compactAt === undefined ? {} : { compactAt });
  const queue = new InternedQueue(parts, 64); // small chunks, so that most runs have several
  const pushed: unknown[] = [];
  const push = (state: unknown, depth: number): void => {
    parts.hash(state);
    expect([parts.low, parts.high]).toEqual([hashValue(state), hashLaneHigh]);
    queue.push(state, pushed.length, depth);
    pushed.push(state);
  };
  for (const state of states) push(state, 1);
  let step = 0;
  while (queue.size > 0) {
    const state = queue.take();
    expect(ordered(state)).toBe(ordered(pushed[queue.index]));
    for (let k = 0; k < 2 && step < steps.length; k++, step++) {
      const [pick, replacement] = steps[step] as [number, unknown];
      push(successor(state, pick, replacement), queue.depth + 1);
    }
    parts.compactIfDue([queue]);
  }
  expect(step).toBe(steps.length);
}

describe('InternedQueue', () => {
  it('gives back every state pushed, in order, and fingerprints each as hashValue does', () => {
    fc.assert(
      fc.property(
        fc.array(plain, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(10), plain), { maxLength: 40 }),
        (states, steps) => run(states, steps),
      ),
    );
  });

  it('does the same when its parts are compacted between expansions', () => {
    fc.assert(
      fc.property(
        fc.array(plain, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(10), plain), { maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        (states, steps, compactAt) => run(states, steps, compactAt),
      ),
    );
  });

  it('hands chunks to a worker with other part ids, with part definitions, and takes encoded ones', () => {
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 60 }), fc.boolean(), (states, asParts) => {
        const giver = new PartFingerprinter<unknown>();
        const source = new InternedQueue(giver, 64);
        const taker = new PartFingerprinter<unknown>();
        // The taker already knows some parts, under other ids.
        taker.hash({ unrelated: [1, 2, 3] });
        const target = new InternedQueue(taker, 64);
        states.forEach((state, i) => source.push(state, i, 3));
        if (asParts) {
          const load = source.giveParts(states.length, 1, new PartExporter(giver.interner));
          target.takeParts(0, load, new PartImporter(taker.interner));
        } else {
          // Binary-encoded, as the coordinator hands out the initial states.
          const encoded = new EncodedQueue<unknown>(256);
          while (source.size > 0) encoded.push(source.take(), source.index, source.depth);
          const { chunks, sizes } = encoded.giveChunks(states.length);
          target.takeChunks(chunks, sizes);
        }
        expect(source.size).toBe(0);
        expect(target.size).toBe(states.length);
        const out: string[] = [];
        while (target.size > 0) {
          const state = target.take();
          expect(target.depth).toBe(3);
          out[target.index] = ordered(state);
        }
        expect(out).toEqual(states.map(ordered));
      }),
    );
  });

  it('defines each part once to a worker: later moves carry the new parts only', () => {
    const giver = new PartFingerprinter<unknown>();
    const exporter = new PartExporter(giver.interner);
    const taker = new PartFingerprinter<unknown>();
    const importer = new PartImporter(taker.interner);
    const state = (i: number): unknown => ({
      rms: { a: 'working', b: i % 2 === 0 ? 'prepared' : 'aborted' },
      n: 1,
    });
    const move = (from: number): number => {
      const source = new InternedQueue(giver, 64);
      for (let i = from; i < from + 10; i++) source.push(state(i), i, 1);
      const load = source.giveParts(10, 1, exporter);
      new InternedQueue(taker, 64).takeParts(0, load, importer);
      return load.parts.records.length;
    };
    expect(move(0)).toBeGreaterThan(0);
    expect(move(10)).toBe(0); // the same parts again: nothing to define
    // After the taker forgets the giver (it compacted), definitions are sent again.
    exporter.forget(1);
    importer.forget(0);
    expect(move(20)).toBeGreaterThan(0);
  });
});
