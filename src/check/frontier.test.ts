import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodedQueue } from './frontier.js';

describe('EncodedQueue', () => {
  it('hands whole chunks to another queue: every state comes out of exactly one, intact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string(), tags: fc.array(fc.string(), { maxLength: 4 }) }), {
          maxLength: 400,
        }),
        fc.nat(500),
        fc.nat(50),
        (states, give, readFirst) => {
          // Small chunks, so that most runs have several.
          const source = new EncodedQueue<{ name: string; tags: string[] }>(256);
          states.forEach((state, i) => source.push(state, i, 7));
          const out: [number, unknown][] = [];
          // Reading first leaves a chunk half-read: it is not given away.
          for (let i = 0; i < Math.min(readFirst, states.length); i++) {
            const state = source.take();
            out.push([source.index, state]);
          }
          const target = new EncodedQueue<{ name: string; tags: string[] }>(256);
          const { chunks, sizes } = source.giveChunks(give);
          target.takeChunks(chunks, sizes);
          expect(source.size + target.size + out.length).toBe(states.length);
          for (const queue of [source, target]) {
            while (queue.size > 0) {
              const state = queue.take();
              expect(queue.depth).toBe(7);
              out.push([queue.index, state]);
            }
          }
          out.sort(([a], [b]) => a - b);
          expect(out).toEqual(states.map((state, i) => [i, state]));
        },
      ),
    );
  });
});
