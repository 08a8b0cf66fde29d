/**
 * Quantiles by the nearest-rank method, as Jepsen reports latencies.
 *
 * @module
 */

/** The quantiles reported for latencies. */
export const reportedQuantiles = [0, 0.5, 0.95, 0.99, 1] as const;

/** Latency quantiles: `{ '0': min, '0.5': median, '0.95': ..., '0.99': ..., '1': max }`. */
export type Quantiles = Readonly<Record<'0' | '0.5' | '0.95' | '0.99' | '1', number>>;

/** Nearest-rank quantiles of `values`; undefined for no values. */
export function quantiles(values: readonly number[]): Quantiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.slice().sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return { '0': at(0), '0.5': at(0.5), '0.95': at(0.95), '0.99': at(0.99), '1': at(1) };
}
