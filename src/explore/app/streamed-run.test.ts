import { describe, expect, it } from 'vitest';
import { pageOrder } from './streamed-run.js';

describe('the order the app loads a run in', () => {
  it('the small page around the event opened at first, then the rest from the start, each event once', () => {
    const pages = pageOrder(25_500, 12_345, 2_000, 10_000);
    expect(pages[0]).toEqual([12_000, 2_000]);
    expect(pages.slice(1)).toEqual([
      [0, 10_000],
      [10_000, 2_000],
      [14_000, 10_000],
      [24_000, 1_500],
    ]);
    const covered = pages.flatMap(([from, count]) =>
      Array.from({ length: count }, (_, offset) => from + offset),
    );
    expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: 25_500 }, (_, index) => index));
  });

  it('a short run is one page; an empty one none; an event past the end opens the last page', () => {
    expect(pageOrder(700, 0, 2_000, 10_000)).toEqual([[0, 700]]);
    expect(pageOrder(0, 0, 2_000, 10_000)).toEqual([]);
    expect(pageOrder(5_000, 99_999, 2_000, 10_000)[0]).toEqual([4_000, 1_000]);
  });
});
