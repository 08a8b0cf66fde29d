/**
 * Delay distributions for links and for anything else that takes time.
 *
 * Each is plain data (so a scenario's configuration can be printed in a trace
 * header) except `custom`, which wraps a function of the random stream.
 */

import { InputError } from '../core/index.js';
import type { RandomStream } from '../core/index.js';

/** A distribution of durations in ms. */
export type Distribution =
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'exponential'; readonly meanMs: number; readonly minMs: number }
  | { readonly kind: 'custom'; readonly name: string; readonly draw: (random: RandomStream) => number };

/** Always `ms`. */
export function constant(ms: number): Distribution {
  requireDuration('constant', 'ms', ms);
  return { kind: 'constant', ms };
}

/** Uniform over [minMs, maxMs]. */
export function uniform(minMs: number, maxMs: number): Distribution {
  requireDuration('uniform', 'minMs', minMs);
  requireDuration('uniform', 'maxMs', maxMs);
  if (maxMs < minMs) throw new InputError(`uniform(${minMs}, ${maxMs}): maxMs must be at least minMs`);
  return { kind: 'uniform', minMs, maxMs };
}

/** `minMs` plus an exponential with mean `meanMs` (the course's fuzzer uses this). */
export function exponential(meanMs: number, minMs = 0): Distribution {
  requireDuration('exponential', 'meanMs', meanMs);
  requireDuration('exponential', 'minMs', minMs);
  return { kind: 'exponential', meanMs, minMs };
}

/** Any distribution: `draw` gets the network's random stream and returns ms (>= 0). */
export function custom(name: string, draw: (random: RandomStream) => number): Distribution {
  if (typeof draw !== 'function') throw new InputError(`custom('${name}'): draw must be a function`);
  return { kind: 'custom', name, draw };
}

function requireDuration(where: string, what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InputError(`${where}: ${what} must be a finite number of ms >= 0, got ${String(value)}`);
  }
}

/** Checks a distribution that arrived as data (from a scenario), naming `where` on error. */
export function validateDistribution(distribution: unknown, where: string): Distribution {
  if (typeof distribution === 'number') {
    requireDuration(where, 'delay', distribution);
    return { kind: 'constant', ms: distribution };
  }
  const candidate = distribution as Partial<Record<string, unknown>> | null;
  switch (candidate?.kind) {
    case 'constant':
      requireDuration(where, 'ms', candidate.ms as number);
      break;
    case 'uniform':
      requireDuration(where, 'minMs', candidate.minMs as number);
      requireDuration(where, 'maxMs', candidate.maxMs as number);
      if ((candidate.maxMs as number) < (candidate.minMs as number)) {
        throw new InputError(`${where}: uniform maxMs must be at least minMs`);
      }
      break;
    case 'exponential':
      requireDuration(where, 'meanMs', candidate.meanMs as number);
      requireDuration(where, 'minMs', candidate.minMs as number);
      break;
    case 'custom':
      if (typeof candidate.draw !== 'function')
        throw new InputError(`${where}: custom distribution needs draw()`);
      break;
    default:
      throw new InputError(
        `${where}: not a delay distribution (use a number of ms, constant(), uniform(), exponential() or custom())`,
      );
  }
  return distribution as Distribution;
}

/** Draws one duration, rounded to whole microseconds so traces print short, exact times. */
export function draw(distribution: Distribution, random: RandomStream): number {
  let ms: number;
  switch (distribution.kind) {
    case 'constant':
      return distribution.ms;
    case 'uniform':
      ms = distribution.minMs + random.next() * (distribution.maxMs - distribution.minMs);
      break;
    case 'exponential':
      ms = distribution.minMs - distribution.meanMs * Math.log(1 - random.next());
      break;
    case 'custom':
      ms = distribution.draw(random);
      if (!(Number.isFinite(ms) && ms >= 0)) {
        throw new InputError(
          `custom distribution '${distribution.name}' drew ${ms}: need a finite number >= 0`,
        );
      }
      break;
  }
  return Math.round(ms * 1000) / 1000;
}

/** A short readable description, for trace headers. */
export function describeDistribution(distribution: Distribution): string {
  switch (distribution.kind) {
    case 'constant':
      return `constant ${distribution.ms} ms`;
    case 'uniform':
      return `uniform ${distribution.minMs}..${distribution.maxMs} ms`;
    case 'exponential':
      return (
        `exponential mean ${distribution.meanMs} ms` +
        (distribution.minMs ? ` + ${distribution.minMs} ms` : '')
      );
    case 'custom':
      return `custom ${distribution.name}`;
  }
}
