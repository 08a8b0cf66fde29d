/**
 * Whether a run reached the rate it was asked for.
 *
 * Operations start after waits drawn uniformly from [0, 2/R] s (Jepsen's
 * stagger), so even a workbench that keeps up starts a random number of them:
 * in T seconds about R·T, with a standard deviation of about √(R·T/3) (a
 * renewal process whose gaps have mean 1/R and variance 1/(3R²)). A count more
 * than three standard deviations (and one operation) below R·T is not chance:
 * the run did not do what was asked, and says so.
 */

/** The rate asked for and the rate reached. */
export interface RateReport {
  /** Operations per second asked for. */
  readonly requested: number;
  /** Operations started in the workload phase. */
  readonly started: number;
  /** Operations a run at the requested rate starts on average. */
  readonly expected: number;
  /** Operations per second reached. */
  readonly achieved: number;
  /** Whether `started` is within chance of `expected`. */
  readonly reached: boolean;
}

/** Judges `started` operations in `durationMs` against `requested` operations per second. */
export function rateShortfall(requested: number, durationMs: number, started: number): RateReport {
  const expected = (requested * durationMs) / 1000;
  const allowed = 3 * Math.sqrt(expected / 3) + 1;
  return {
    requested,
    started,
    expected,
    achieved: durationMs > 0 ? (started * 1000) / durationMs : 0,
    reached: started >= expected - allowed,
  };
}
