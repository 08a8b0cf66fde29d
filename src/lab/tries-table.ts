/**
 * The lab-1 table: how many tries a reliable send takes as the drop rate grows.
 *
 * For each drop rate, `trials` independent runs of one `reliableSend` from a sender to an
 * acknowledging receiver; each run records the number of copies sent until the ack arrived.
 *
 * Theory, for the defaults (constant delay, retransmission interval longer than a round trip):
 * each try is an independent round trip that succeeds when neither the message nor its ack is
 * lost, with probability `q = (1 - p)^2`; so the number of tries is geometric with mean `1 / q`,
 * and its median is the smallest `k` with `1 - (1 - q)^k >= 1/2`. With delays longer than the
 * retransmission interval, tries overlap and the counts grow beyond the theory.
 *
 * @module
 */

import { InputError } from '../core/index.js';
import { pingReceiver, reliableSender } from '../protocols/index.js';
import { simulate, type Distribution } from '../sim/index.js';

/** Options of {@link lab1TriesTable}. */
export interface TriesTableOptions {
  /** Runs per drop rate (default 100). */
  readonly trials?: number;
  /** The drop rates, each in [0, 1) (default the lab's: 0.1% to 50%). */
  readonly dropRates?: readonly number[];
  /** Trial `i` of every drop rate runs with seed `seed + i` (default 1). */
  readonly seed?: number;
  /** Link delay, ms or a distribution (default constant 10 ms). */
  readonly delay?: Distribution | number;
  /** Local ms between retransmissions (default 50, above the 20 ms round trip). */
  readonly resendMs?: number;
  /** A send fails after this many ms (default 10 s: at 50% drop, failing takes 200 lost tries). */
  readonly timeoutMs?: number;
}

/** One row: the statistics of the tries of the acknowledged sends at one drop rate. */
export interface TriesRow {
  readonly dropRate: number;
  readonly trials: number;
  /** Median tries (the mean of the two middle values for an even count); NaN if every send failed. */
  readonly medianTries: number;
  readonly meanTries: number;
  /** 90th percentile, nearest rank. */
  readonly p90Tries: number;
  /** Sends that timed out (excluded from the statistics). */
  readonly failures: number;
  /** The theory's mean, `1 / (1 - dropRate)^2` (see the module comment for when it applies). */
  readonly theoryMeanTries: number;
}

/** The lab's drop rates. */
export const LAB1_DROP_RATES: readonly number[] = [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5];

/** Median of a non-empty sorted list; NaN for an empty one. */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The `fraction` quantile of a sorted list by nearest rank; NaN for an empty one. */
export function nearestRank(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] as number;
}

/** The theory's median number of tries at drop rate `p`: the median of a geometric law with success `(1 - p)^2`. */
export function theoryMedianTries(dropRate: number): number {
  const success = (1 - dropRate) ** 2;
  if (success >= 1) return 1;
  return Math.max(1, Math.ceil(Math.log(0.5) / Math.log(1 - success)));
}

/** Runs the trials; a few thousand tiny simulations, well under a second for the defaults. */
export function lab1TriesTable(options: TriesTableOptions = {}): TriesRow[] {
  const trials = options.trials ?? 100;
  const dropRates = options.dropRates ?? LAB1_DROP_RATES;
  const seed = options.seed ?? 1;
  const resendMs = options.resendMs ?? 50;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(Number.isInteger(trials) && trials >= 1)) {
    throw new InputError(`lab1TriesTable: trials must be a whole number >= 1, got ${trials}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new InputError(`lab1TriesTable: seed must be a whole number, got ${seed}`);
  }
  if (dropRates.length === 0) throw new InputError('lab1TriesTable: give at least one drop rate');
  for (const dropRate of dropRates) {
    if (!(dropRate >= 0 && dropRate < 1)) {
      throw new InputError(`lab1TriesTable: drop rate ${dropRate} is not in [0, 1)`);
    }
  }

  const nodes = {
    sender: reliableSender({ to: 'receiver', resendMs, timeoutMs }),
    receiver: pingReceiver(),
  };
  return dropRates.map((dropRate) => {
    const tries: number[] = [];
    let failures = 0;
    for (let trial = 0; trial < trials; trial++) {
      const result = simulate(
        {
          nodes,
          network: { drop: dropRate, delay: options.delay ?? 10 },
          // The send ends by its timeout at the latest; the slack lets a last ack land.
          durationMs: timeoutMs + 1,
          stopWhen: (view) => view.history.length >= 2,
        },
        { seed: seed + trial },
      );
      const completion = result.history.find((event) => event.type !== 'invoke');
      if (completion?.type === 'ok') tries.push((completion.value as { tries: number }).tries);
      else failures++;
    }
    tries.sort((a, b) => a - b);
    return {
      dropRate,
      trials,
      medianTries: median(tries),
      meanTries: tries.length === 0 ? NaN : tries.reduce((sum, value) => sum + value, 0) / tries.length,
      p90Tries: nearestRank(tries, 0.9),
      failures,
      theoryMeanTries: 1 / (1 - dropRate) ** 2,
    };
  });
}

/** Formats a number for the table: integers as is, others with two decimals, NaN as `-`. */
function cell(value: number): string {
  if (Number.isNaN(value)) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The rows as an aligned text table, one line per drop rate, with a header line. */
export function formatTriesTable(rows: readonly TriesRow[]): string {
  const header = [
    'drop rate',
    'trials',
    'median tries',
    'mean tries',
    'p90 tries',
    'failures',
    'theory mean',
  ];
  const lines = rows.map((row) => [
    `${+(row.dropRate * 100).toPrecision(6)}%`,
    String(row.trials),
    cell(row.medianTries),
    cell(row.meanTries),
    cell(row.p90Tries),
    String(row.failures),
    cell(row.theoryMeanTries),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] as string).length)),
  );
  const format = (line: readonly string[]): string =>
    line.map((text, column) => text.padStart(widths[column] as number)).join('  ');
  return [format(header), ...lines.map(format)].join('\n') + '\n';
}
