/**
 * Subset-sum feasibility for the counter check: can `target` be written as the sum of some
 * subset of `values`? NP-hard in general, but counter histories are kind: few distinct deltas,
 * small ranges. The answer is exact (`true`/`false`) whenever one of these applies, and
 * `undefined` (undecided) only beyond all of them:
 *
 * 1. Range: the target must lie between the sum of the negative and of the positive values.
 * 2. Divisibility: integer values share a gcd that must divide the target.
 * 3. One distinct value `v` (with multiplicity `m`): target = k·v for some 0 <= k <= m.
 * 4. Dynamic programming over the reachable sums, values grouped by multiplicity with binary
 *    splitting, when range × items is at most ~2·10^8.
 * 5. Meet in the middle for up to 40 values.
 *
 * @module
 */

const DP_WORK_LIMIT = 2e8;
const MEET_IN_THE_MIDDLE_LIMIT = 40;

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function allSums(values: readonly number[]): Set<number> {
  let sums = new Set<number>([0]);
  for (const value of values) {
    const next = new Set(sums);
    for (const sum of sums) next.add(sum + value);
    sums = next;
  }
  return sums;
}

/** Whether some subset of `values` sums to `target`; `undefined` when too costly to decide. */
export function subsetSumReachable(target: number, values: readonly number[]): boolean | undefined {
  const nonZero = values.filter((value) => value !== 0);
  if (nonZero.length === 0) return target === 0;
  const integral = Number.isInteger(target) && nonZero.every((value) => Number.isSafeInteger(value));
  if (!integral) {
    // Floating-point deltas: only exhaustive enumeration, with a tolerance for rounding.
    if (nonZero.length > 20) return undefined;
    for (const sum of allSums(nonZero))
      if (Math.abs(sum - target) <= 1e-9 * Math.max(1, Math.abs(target))) return true;
    return false;
  }
  let low = 0;
  let high = 0;
  for (const value of nonZero) {
    if (value < 0) low += value;
    else high += value;
  }
  if (target < low || target > high) return false;
  const divisor = nonZero.reduce((g, value) => gcd(g, value), 0);
  if (target % divisor !== 0) return false;
  const scaled = nonZero.map((value) => value / divisor);
  const goal = target / divisor;
  const counts = new Map<number, number>();
  for (const value of scaled) counts.set(value, (counts.get(value) ?? 0) + 1);
  if (counts.size === 1) {
    const [[value, count]] = Array.from(counts) as [[number, number]];
    const k = goal / value;
    return Number.isInteger(k) && k >= 0 && k <= count;
  }
  // Binary splitting: a value with multiplicity m becomes items v, 2v, 4v, ..., rest·v, whose
  // subsets reach exactly 0..m copies.
  const items: number[] = [];
  for (const [value, count] of counts) {
    let left = count;
    for (let chunk = 1; left > 0; chunk *= 2) {
      const take = Math.min(chunk, left);
      items.push(value * take);
      left -= take;
    }
  }
  const scaledLow = low / divisor;
  const range = high / divisor - scaledLow + 1;
  if (range * items.length <= DP_WORK_LIMIT) {
    const reachable = new Uint8Array(range);
    reachable[-scaledLow] = 1; // the empty subset: sum 0
    for (const item of items) {
      if (item > 0) {
        for (let s = range - 1 - item; s >= 0; s--) if (reachable[s] === 1) reachable[s + item] = 1;
      } else {
        for (let s = -item; s < range; s++) if (reachable[s] === 1) reachable[s + item] = 1;
      }
    }
    return reachable[goal - scaledLow] === 1;
  }
  if (scaled.length <= MEET_IN_THE_MIDDLE_LIMIT) {
    const half = Math.floor(scaled.length / 2);
    const left = allSums(scaled.slice(0, half));
    for (const sum of allSums(scaled.slice(half))) if (left.has(goal - sum)) return true;
    return false;
  }
  return undefined;
}
