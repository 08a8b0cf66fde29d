import { describe, expect, it } from 'vitest';
import {
  formatTriesTable,
  lab1TriesTable,
  LAB1_DROP_RATES,
  median,
  nearestRank,
  theoryMedianTries,
} from './tries-table.js';

describe('statistics', () => {
  it('median averages the two middle values of an even count; nearest rank picks an element', () => {
    expect(median([1, 2, 3])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([4], 0.9)).toBe(4);
  });

  it('the theory median is the geometric median with success (1 - p)^2', () => {
    expect(LAB1_DROP_RATES.map(theoryMedianTries)).toEqual([1, 1, 1, 1, 1, 2, 2, 3]);
  });
});

describe('the lab-1 tries table', () => {
  const rows = lab1TriesTable({ trials: 100, dropRates: LAB1_DROP_RATES, seed: 1 });

  it('prints the table', () => {
    console.log(`lab 1 tries table (100 trials per drop rate, seed 1):\n${formatTriesTable(rows)}`);
    expect(rows.map((row) => row.dropRate)).toEqual(LAB1_DROP_RATES);
    expect(rows.every((row) => row.trials === 100 && row.failures === 0)).toBe(true);
  });

  it('medians never decrease as the drop rate grows, and grow from 0.1% to 50%', () => {
    const medians = rows.map((row) => row.medianTries);
    medians
      .slice(1)
      .forEach((value, index) => expect(value).toBeGreaterThanOrEqual(medians[index] as number));
    expect(medians.at(-1)).toBeGreaterThan(medians[0] as number);
  });

  // What is asserted against the theory (constant 10 ms delay, 50 ms resend: each try is an
  // independent round trip succeeding with probability q = (1 - p)^2, so tries ~ Geometric(q)):
  // - the mean is within 4 standard errors of 1/q, the standard error being sqrt(1 - q) / q / sqrt(100);
  // - the sample median is within 1 of the geometric median.
  it('means match 1 / (1 - p)^2 within 4 standard errors, medians the geometric median within 1', () => {
    for (const row of rows) {
      const success = (1 - row.dropRate) ** 2;
      const standardError = Math.sqrt(1 - success) / success / Math.sqrt(row.trials);
      expect(Math.abs(row.meanTries - 1 / success), `drop ${row.dropRate}`).toBeLessThanOrEqual(
        4 * standardError + 1e-9,
      );
      expect(
        Math.abs(row.medianTries - theoryMedianTries(row.dropRate)),
        `drop ${row.dropRate}`,
      ).toBeLessThanOrEqual(1);
      expect(row.theoryMeanTries).toBeCloseTo(1 / success, 12);
      expect(row.p90Tries).toBeGreaterThanOrEqual(row.medianTries);
    }
  });

  it('is deterministic for a seed, and another seed gives another sample', () => {
    const again = lab1TriesTable({ trials: 100, dropRates: [0.5], seed: 1 });
    expect(again[0]).toEqual(rows.at(-1));
    const other = lab1TriesTable({ trials: 100, dropRates: [0.5], seed: 1_000 });
    expect(other[0]?.meanTries).not.toBe(rows.at(-1)?.meanTries);
  });

  it('counts a send that times out as a failure, outside the statistics', () => {
    // A 40 ms timeout allows one try (at 0 ms; the next would be at 50 ms): at 50% drop, most fail.
    const [row] = lab1TriesTable({ trials: 50, dropRates: [0.5], timeoutMs: 40 });
    expect(row?.failures).toBeGreaterThan(20);
    expect(row?.medianTries).toBe(1);
  });

  it('formats aligned columns, NaN as -', () => {
    const text = formatTriesTable([
      {
        dropRate: 0.001,
        trials: 100,
        medianTries: 1,
        meanTries: 1.5,
        p90Tries: 2,
        failures: 0,
        theoryMeanTries: 1.002,
      },
      {
        dropRate: 0.5,
        trials: 100,
        medianTries: NaN,
        meanTries: NaN,
        p90Tries: NaN,
        failures: 100,
        theoryMeanTries: 4,
      },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\s*0\.1%\s+100\s+1\s+1\.50\s+2\s+0\s+1\.00$/);
    expect(lines[2]).toMatch(/50%\s+100\s+-\s+-\s+-\s+100\s+4$/);
  });

  it('refuses bad options', () => {
    expect(() => lab1TriesTable({ trials: 0 })).toThrow(/trials/);
    expect(() => lab1TriesTable({ dropRates: [1] })).toThrow(/drop rate/);
    expect(() => lab1TriesTable({ dropRates: [] })).toThrow(/drop rate/);
  });
});
