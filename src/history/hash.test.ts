import { describe, expect, it } from 'vitest';
import { structuralEqual, structuralHash } from './hash.js';

describe('structuralEqual on unordered containers', () => {
  it('pairs equal elements off one to one: two equal arrays in a Set are two elements', () => {
    const twice = new Set([[1], [1]]);
    const distinct = new Set([[1], [2]]);
    expect(structuralEqual(twice, distinct)).toBe(false);
    expect(structuralEqual(distinct, twice)).toBe(false);
    expect(structuralHash(twice)).not.toBe(structuralHash(distinct));
    expect(structuralEqual(twice, new Set([[1], [1]]))).toBe(true);
    expect(structuralEqual(new Set([[2], [1], 'a']), new Set(['a', [1], [2]]))).toBe(true);
  });

  it('pairs structured Map keys off one to one, by key and value', () => {
    const twice = new Map([
      [[1], 'x'],
      [[1], 'x'],
    ]);
    const distinct = new Map([
      [[1], 'x'],
      [[2], 'x'],
    ]);
    expect(structuralEqual(twice, distinct)).toBe(false);
    expect(structuralEqual(new Map([[[1], 'x']]), new Map([[[1], 'y']]))).toBe(false);
    expect(
      structuralEqual(
        new Map<unknown, string>([
          ['k', 'v'],
          [[2], 'b'],
          [[1], 'a'],
        ]),
        new Map<unknown, string>([
          [[1], 'a'],
          [[2], 'b'],
          ['k', 'v'],
        ]),
      ),
    ).toBe(true);
  });

  it('matches the same object once only', () => {
    const shared = [1];
    expect(structuralEqual(new Set([shared, [1]]), new Set([shared, [3]]))).toBe(false);
  });
});
