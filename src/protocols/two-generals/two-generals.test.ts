import { describe, expect, it } from 'vitest';
import { constant, simulate } from '../../sim/index.js';
import twoGeneralsScenario from '../../../examples/two-generals.js';
import { lastMessageFor, twoGenerals } from './two-generals.js';

/** The stated bound: for every k in 1..4, a seed below this makes one general attack alone. */
const SEARCH_SEEDS = 50;

describe('the two generals', () => {
  it('each general waits for the last message of the chain addressed to it', () => {
    expect([1, 2, 3, 4].map((rounds) => lastMessageFor('first', rounds))).toEqual([1, 1, 3, 3]);
    expect([1, 2, 3, 4].map((rounds) => lastMessageFor('second', rounds))).toEqual([0, 2, 2, 4]);
  });

  it('over a fast reliable link, both attack, for k = 1..4', () => {
    for (const rounds of [1, 2, 3, 4]) {
      const config = twoGeneralsScenario.build({ ...twoGeneralsScenario.params, rounds });
      const result = simulate({ ...config, network: { delay: constant(1) } }, { seed: 1 });
      expect(result.failure, `rounds ${rounds}`).toBeUndefined();
    }
  });

  for (const rounds of [1, 2, 3, 4]) {
    it(`with k = ${rounds}, 30% drop finds a seed below ${SEARCH_SEEDS} where one general attacks alone`, () => {
      const found: number[] = [];
      for (let seed = 1; seed <= SEARCH_SEEDS; seed++) {
        const result = simulate(twoGeneralsScenario.build({ ...twoGeneralsScenario.params, rounds }), {
          seed,
        });
        if (result.ok) continue;
        // Only this property may fail: nothing else is wrong with the protocol.
        expect(result.failure?.kind === 'invariant' && result.failure.property).toBe(
          'both attack or neither',
        );
        // The general who attacks alone is the sender of the last, unacknowledged message.
        const lastSender = rounds % 2 === 1 ? 'bob' : 'alice';
        expect(result.failure?.detail).toBe(
          lastSender === 'bob'
            ? 'alice decided to retreat, bob to attack'
            : 'alice decided to attack, bob to retreat',
        );
        found.push(seed);
      }
      console.log(
        `two generals, k = ${rounds}: one attacks alone with seeds ${found.join(', ')} (of 1..${SEARCH_SEEDS})`,
      );
      expect(found.length).toBeGreaterThan(0);
    });
  }

  it('refuses fewer than one acknowledgement or one general playing both parts', () => {
    expect(() => twoGenerals({ first: 'a', second: 'b', rounds: 0, deadlineMs: 10, resendMs: 1 })).toThrow(
      /rounds/,
    );
    expect(() => twoGenerals({ first: 'a', second: 'a', rounds: 1, deadlineMs: 10, resendMs: 1 })).toThrow(
      /different/,
    );
  });
});
