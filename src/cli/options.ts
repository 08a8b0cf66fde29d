/**
 * Parsers for command-line values: seeds, seed ranges, shards, durations.
 *
 * Each parser names the flag and the value it refused, so that the error line
 * alone tells the user what to fix. They throw {@link UsageError}, which
 * commander passes through unchanged (it rewraps only its own error codes).
 */

import { UsageError } from './usage.js';

/** The largest seed: seeds are whole numbers that a double holds exactly. */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

/** An inclusive range of seeds. */
export interface SeedRange {
  readonly from: number;
  readonly to: number;
}

/** A share of a seed range: the `index`-th (1-based) of `count` interleaved shares. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

const WHOLE_NUMBER = /^\d+$/;

/** Parses a seed: a whole number in [0, 2^53 - 1]. */
export function parseSeed(text: string, flag = '--seed'): number {
  const value = Number(text);
  if (!WHOLE_NUMBER.test(text) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag} ${quote(text)}: expected a whole number from 0 to ${SEED_MAX}`);
  }
  return value;
}

/** Parses `A..B`, an inclusive range of seeds with `A <= B`. */
export function parseSeedRange(text: string, flag = '--seeds'): SeedRange {
  const match = /^(\d+)\.\.(\d+)$/.exec(text);
  if (!match)
    throw new UsageError(`${flag} ${quote(text)}: expected A..B with whole numbers, such as 1..100`);
  const from = Number(match[1]);
  const to = Number(match[2]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new UsageError(`${flag} ${quote(text)}: seeds go from 0 to ${SEED_MAX}`);
  }
  if (from > to) throw new UsageError(`${flag} ${quote(text)}: the range is empty (${from} > ${to})`);
  return { from, to };
}

/** Parses `I/K`: the I-th of K shares, 1 <= I <= K. */
export function parseShard(text: string, flag = '--shard'): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count)) {
    throw new UsageError(`${flag} ${quote(text)}: expected I/K, such as 1/4 for the first of four shares`);
  }
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new UsageError(`${flag} ${quote(text)}: need 1 <= I <= K`);
  }
  return { index, count };
}

/** Parses a positive number of seconds (fractions allowed), returned in ms. */
export function parseSecondsToMs(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} ${quote(text)}: expected a number of seconds > 0`);
  }
  return Math.round(value * 1000);
}

/**
 * What is left of a `--time-limit` of `limitMs` now, counted from the process's start, as the
 * user's clock counts it: Node's own start-up, loading the modules and the scenario and starting
 * workers are all inside the limit. At least 1 ms (the engines take no limit of 0).
 */
export function timeLeftMs(limitMs: number): number {
  // performance.now() counts from the process's start (its time origin).
  return Math.max(1, Math.round(limitMs - performance.now()));
}

/** Parses a whole number in [min, max]. */
export function parseWholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!WHOLE_NUMBER.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} ${quote(text)}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Checks the shape of one `--param NAME=VALUE` (the scenario checks the name and type). */
export function parseParam(text: string): string {
  const equals = text.indexOf('=');
  if (equals <= 0)
    throw new UsageError(`--param ${quote(text)}: expected NAME=VALUE, such as --param nodes=5`);
  return text;
}

/** Commander's collector for repeatable options: each use appends. */
export function collect<T>(
  parse: (text: string) => T,
): (text: string, previous: readonly T[] | undefined) => T[] {
  return (text, previous) => [...(previous ?? []), parse(text)];
}

/** Quotes a value in an error message when it could be misread (empty, spaces). */
function quote(text: string): string {
  return /^[\w.:/=+-]+$/.test(text) ? text : JSON.stringify(text);
}
