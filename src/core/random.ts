/**
 * Seeded randomness, split into independent named streams.
 *
 * One seed feeds every stream (network, faults, each node, workload), but each
 * stream's generator is seeded from a hash of (seed, stream name), so drawing
 * more numbers from one stream never shifts another: adding a log line or a
 * node leaves the network's decisions as they were. The generator is
 * xoroshiro128+ from pure-rand, the PRNG library behind fast-check.
 */

import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/** A stream of random numbers. */
export interface RandomStream {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  /** Picks one element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Whether an event of probability `p` happens. */
  chance(p: number): boolean;
}

/** splitmix32: a strong 32-bit mixer, used to spread a seed over 128 bits of state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the characters of a string. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

class XoroshiroStream implements RandomStream {
  constructor(private readonly generator: RandomGenerator) {}

  next(): number {
    // 53 bits from two 32-bit draws, as pure-rand's uniformFloat64 does.
    const high = (this.generator.next() >>> 0) >>> 5;
    const low = (this.generator.next() >>> 0) >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick: no items to pick from');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
}

/** Creates the stream `name` of `seed`. */
export function randomStream(seed: number, name: string): RandomStream {
  const nameHash = hashString(name);
  let state = (seed ^ Math.imul(nameHash, 0x27d4eb2d)) >>> 0;
  const words: number[] = [];
  for (let index = 0; index < 4; index++) {
    state = splitmix32((state + index * 0x632be5ab + seed / 4294967296) | 0);
    words.push(state | 0);
  }
  if (!words.some((word) => word !== 0)) words[0] = 1;
  return new XoroshiroStream(xoroshiro128plusFromState(words));
}

/** All streams of one seed, created on first use. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {}

  /** The stream `name`, such as `network`, `faults` or `node:n1`. */
  stream(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = randomStream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
