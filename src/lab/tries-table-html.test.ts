import { describe, expect, it } from 'vitest';
import { renderTriesTableHtml } from './tries-table-html.js';
import type { TriesRow } from './tries-table.js';

const ROWS: TriesRow[] = [0.001, 0.01, 0.1, 0.5].map((dropRate, index) => ({
  dropRate,
  trials: 100,
  medianTries: [1, 1, 1, 3][index] as number,
  meanTries: 1 / (1 - dropRate) ** 2,
  p90Tries: 2,
  failures: 0,
  theoryMeanTries: 1 / (1 - dropRate) ** 2,
}));

describe('the lab-1 table as HTML', () => {
  const html = renderTriesTableHtml(ROWS);

  it('is one self-contained page: no scripts, links, images or remote URLs', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(|@import/i);
    // The SVG namespace is the only URL, and it is an identifier, not a fetch.
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('plots one median point per drop rate, with labelled axes and decade ticks on a log x axis', () => {
    expect(html).toContain('<svg');
    expect(html).toContain('drop rate (log scale)');
    expect(html).toContain('tries per send');
    for (const label of ['0.1%', '1%', '10%', '100%']) expect(html).toContain(`>${label}</text>`);
    const medians = [...html.matchAll(/<circle class="median" cx="([\d.]+)" cy="([\d.]+)"/g)].map((match) => [
      Number(match[1]),
      Number(match[2]),
    ]);
    expect(medians).toHaveLength(4);
    // Log axis: the decades 0.1%, 1%, 10% are equally spaced.
    const [a, b, c] = medians.map(([x]) => x as number);
    expect((b as number) - (a as number)).toBeCloseTo((c as number) - (b as number), 0);
    // Higher median, higher on the page (smaller y).
    expect(medians[3]?.[1]).toBeLessThan(medians[0]?.[1] as number);
  });

  it('includes the table', () => {
    expect(html).toContain('<pre>');
    expect(html).toMatch(/median tries/);
  });

  it('refuses rows that cannot be placed on a log axis', () => {
    expect(() => renderTriesTableHtml([])).toThrow(/no rows/);
    expect(() => renderTriesTableHtml([{ ...(ROWS[0] as TriesRow), dropRate: 0 }])).toThrow(/log axis/);
  });
});
