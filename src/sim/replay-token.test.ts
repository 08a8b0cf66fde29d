import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { formatShrinkToken, parseShrinkToken } from './replay-token.js';
import type { ShrinkDirectives } from './simulator.js';

const KEY_A = '9f3a1c20de.1';
const KEY_B = '77b10e3a9c.12';

describe('formatShrinkToken', () => {
  it('writes sections in order, with ranges for runs of three or more', () => {
    const directives: ShrinkDirectives = {
      endMs: 1250,
      removedFaults: new Set([5, 0, 3, 4]),
      forcedDeliveries: new Set([40, 12, 13, 14, 15, 20, 21]),
      keptLosses: new Set([KEY_B, KEY_A]),
    };
    expect(formatShrinkToken(directives)).toBe(`e1250:f0,3-5:d12-15,20,21,40:k${KEY_B},${KEY_A}`);
  });

  it('writes no directives as none, and no losses as a bare k', () => {
    expect(formatShrinkToken({})).toBe('none');
    expect(formatShrinkToken({ removedFaults: new Set(), forcedDeliveries: new Set() })).toBe('none');
    expect(formatShrinkToken({ keptLosses: new Set() })).toBe('k');
    expect(formatShrinkToken({ endMs: 1093.333, keptLosses: new Set() })).toBe('e1093.333:k');
  });

  it('refuses directives it cannot write', () => {
    expect(() => formatShrinkToken({ endMs: Number.NaN })).toThrow(RangeError);
    expect(() => formatShrinkToken({ removedFaults: new Set([1.5]) })).toThrow(
      'index 1.5 is not a whole number >= 0',
    );
    expect(() => formatShrinkToken({ keptLosses: new Set(['n1>n2#3']) })).toThrow(
      "'n1>n2#3' is not a send key",
    );
  });
});

describe('parseShrinkToken', () => {
  it('reads what formatShrinkToken writes', () => {
    expect(parseShrinkToken(`e1250:f0,3-5:d12-15,40:k${KEY_A}`)).toEqual({
      endMs: 1250,
      removedFaults: new Set([0, 3, 4, 5]),
      forcedDeliveries: new Set([12, 13, 14, 15, 40]),
      keptLosses: new Set([KEY_A]),
    });
    expect(parseShrinkToken('none')).toEqual({});
    expect(parseShrinkToken('k')).toEqual({ keptLosses: new Set() });
    expect(parseShrinkToken('e0.5')).toEqual({ endMs: 0.5 });
    expect(parseShrinkToken('f2-2,2')).toEqual({ removedFaults: new Set([2]) });
  });

  it.each([
    ['', "shrink token '': empty (expected e.g. e1250:f0,3:k9f3a1c20de.1, or none)"],
    [
      'x12',
      "shrink token 'x12': unknown section 'x12' (sections are e<end ms>, f<faults left out>, d<deliveries>, k<kept losses>)",
    ],
    ['e12:e13', "shrink token 'e12:e13': section 'e' is repeated or out of order (order: e, f, d, k)"],
    ['f1:e12', "shrink token 'f1:e12': section 'e' is repeated or out of order (order: e, f, d, k)"],
    ['e', "shrink token 'e': end '' is not a number of ms"],
    ['e-5', "shrink token 'e-5': end '-5' is not a number of ms"],
    ['e1e999', "shrink token 'e1e999': end '1e999' is not finite"],
    ['f', "shrink token 'f': section 'f' lists no indices"],
    ['f1,,2', "shrink token 'f1,,2': '' in section 'f' is not an index or a range a-b"],
    ['d5-3', "shrink token 'd5-3': range '5-3' in section 'd' ends before it starts"],
    ['d1.5', "shrink token 'd1.5': '1.5' in section 'd' is not an index or a range a-b"],
    ['f0-9999999', "shrink token 'f0-9999999': more than 1000000 indices"],
    ['f99999999999999999999', "shrink token 'f99999999999999999999': '99999999999999999999' is too large"],
    [
      'kabc.1',
      "shrink token 'kabc.1': 'abc.1' in section 'k' is not a send key (10 hex digits, '.', occurrence)",
    ],
    [
      `k${KEY_A},`,
      `shrink token 'k${KEY_A},': '' in section 'k' is not a send key (10 hex digits, '.', occurrence)`,
    ],
    [
      'e10::f1',
      "shrink token 'e10::f1': unknown section '' (sections are e<end ms>, f<faults left out>, d<deliveries>, k<kept losses>)",
    ],
  ])('refuses %j with an input error naming the token and the problem', (token, message) => {
    expect(() => parseShrinkToken(token)).toThrow(InputError);
    expect(() => parseShrinkToken(token)).toThrow(message);
  });
});

const indexSet = fc.uniqueArray(fc.nat({ max: 5000 }), { maxLength: 30 }).map((items) => new Set(items));
const sendKey = fc
  .tuple(fc.stringMatching(/^[0-9a-f]{10}$/), fc.integer({ min: 1, max: 10_000 }))
  .map(([hash, occurrence]) => `${hash}.${occurrence}`);
const directivesArbitrary: fc.Arbitrary<ShrinkDirectives> = fc.record(
  {
    endMs: fc.oneof(fc.nat({ max: 10_000_000 }), fc.double({ min: 0, max: 1e7, noNaN: true })),
    removedFaults: indexSet,
    forcedDeliveries: indexSet,
    keptLosses: fc.uniqueArray(sendKey, { maxLength: 10 }).map((items) => new Set(items)),
  },
  { requiredKeys: [] },
);

/** Directives as parsing returns them: empty index sets are not written. */
function normalized(directives: ShrinkDirectives): ShrinkDirectives {
  return {
    ...(directives.endMs === undefined ? {} : { endMs: directives.endMs }),
    ...(directives.removedFaults?.size ? { removedFaults: directives.removedFaults } : {}),
    ...(directives.forcedDeliveries?.size ? { forcedDeliveries: directives.forcedDeliveries } : {}),
    ...(directives.keptLosses === undefined ? {} : { keptLosses: directives.keptLosses }),
  };
}

describe('tokens, as properties', () => {
  it('round-trip: parsing a token gives back the directives, and formatting is canonical', () => {
    fc.assert(
      fc.property(directivesArbitrary, (directives) => {
        const token = formatShrinkToken(directives);
        const parsed = parseShrinkToken(token);
        expect(parsed).toEqual(normalized(directives));
        expect(formatShrinkToken(parsed)).toBe(token);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('are safe unquoted in a shell and in a URL', () => {
    fc.assert(
      fc.property(directivesArbitrary, (directives) => {
        expect(formatShrinkToken(directives)).toMatch(/^[A-Za-z0-9.,:+-]+$/);
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});
