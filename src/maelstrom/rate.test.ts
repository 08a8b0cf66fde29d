import { describe, expect, it } from 'vitest';
import { rateShortfall } from './rate.js';

describe('rateShortfall', () => {
  it('flags a run far below its rate: 237 operations in 20 s at rate 100', () => {
    expect(rateShortfall(100, 20_000, 237)).toEqual({
      requested: 100,
      started: 237,
      expected: 2000,
      achieved: 11.85,
      reached: false,
    });
  });

  it("accepts what the stagger's chance explains", () => {
    // sd = sqrt(2000 / 3) ≈ 25.8: 3 sd + 1 below 2000 is about 1921.
    expect(rateShortfall(100, 20_000, 1930).reached).toBe(true);
    expect(rateShortfall(100, 20_000, 1915).reached).toBe(false);
    // Few operations: chance allows more, relatively.
    expect(rateShortfall(5, 2_000, 6).reached).toBe(true);
    expect(rateShortfall(5, 2_000, 3).reached).toBe(false);
    expect(rateShortfall(100, 20_000, 2100).reached).toBe(true);
  });
});
