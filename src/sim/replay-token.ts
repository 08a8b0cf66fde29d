/**
 * Shrink tokens: shrink directives as one short word, for `--shrunk TOKEN`.
 *
 * A shrunk run is replayed from its seed plus its directives; the token is
 * those directives written so that they survive a shell, a URL and a trace
 * header unquoted. Sections are separated by `:` and start with a letter:
 *
 * - `e1250`: the run ends at 1250 ms of virtual time;
 * - `f0,3-5`: faults 0, 3, 4 and 5 of the expanded schedule are left out;
 * - `d12-15,40`: the losses of send indices 12 to 15 and 40 are cancelled;
 * - `k9f3a1c20de.1,77b10e3a9c.2`: the only losses are these sends (send
 *   keys, see send-keys.ts); a bare `k` means no losses at all.
 *
 * Example: `e1250:f0,3-5:k9f3a1c20de.2`. No directives at all is `none`.
 * Sections come in that order and each at most once; ranges `a-b` include
 * both ends. Characters used: letters, digits, `.`, `,`, `:`, `-`, `+`.
 */

import { InputError } from '../core/index.js';
import { SEND_KEY_PATTERN } from './send-keys.js';
import type { ShrinkDirectives } from './simulator.js';

/** The token of empty directives (a run exactly as its seed makes it). */
const EMPTY_TOKEN = 'none';
/** A bound on the indices a token may expand to, so a typo like `f0-999999999` cannot exhaust memory. */
const INDICES_MAX = 1_000_000;

/** Section letters in the order they are written. */
const SECTION_ORDER = ['e', 'f', 'd', 'k'] as const;
type SectionLetter = (typeof SECTION_ORDER)[number];

/** Writes `indices` sorted, with runs of three or more as ranges: `0,3-5,9`. */
function formatIndices(indices: ReadonlySet<number>): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && (sorted[end + 1] as number) === (sorted[end] as number) + 1) end++;
    const first = sorted[start] as number;
    const last = sorted[end] as number;
    if (end - start >= 2) parts.push(`${first}-${last}`);
    else for (let index = start; index <= end; index++) parts.push(String(sorted[index]));
    start = end + 1;
  }
  return parts.join(',');
}

/**
 * The token of `directives`: canonical (sorted, ranges compressed), so equal
 * directives give equal tokens.
 */
export function formatShrinkToken(directives: ShrinkDirectives): string {
  const sections: string[] = [];
  if (directives.endMs !== undefined) {
    if (!(Number.isFinite(directives.endMs) && directives.endMs >= 0)) {
      throw new RangeError(`formatShrinkToken: endMs must be a finite number >= 0, got ${directives.endMs}`);
    }
    sections.push(`e${String(directives.endMs)}`);
  }
  for (const [letter, indices] of [
    ['f', directives.removedFaults],
    ['d', directives.forcedDeliveries],
  ] as const) {
    if (indices === undefined || indices.size === 0) continue;
    for (const index of indices) {
      if (!(Number.isSafeInteger(index) && index >= 0)) {
        throw new RangeError(`formatShrinkToken: index ${index} is not a whole number >= 0`);
      }
    }
    sections.push(`${letter}${formatIndices(indices)}`);
  }
  if (directives.keptLosses !== undefined) {
    for (const key of directives.keptLosses) {
      if (!SEND_KEY_PATTERN.test(key)) throw new RangeError(`formatShrinkToken: '${key}' is not a send key`);
    }
    sections.push(`k${[...directives.keptLosses].sort().join(',')}`);
  }
  return sections.length === 0 ? EMPTY_TOKEN : sections.join(':');
}

/**
 * Reads a token written by `formatShrinkToken`. Throws an `InputError` that
 * names the token and what is wrong with it.
 */
export function parseShrinkToken(text: string): ShrinkDirectives {
  const fail = (problem: string): never => {
    throw new InputError(`shrink token '${text}': ${problem}`);
  };
  if (typeof text !== 'string' || text.trim() === '')
    fail('empty (expected e.g. e1250:f0,3:k9f3a1c20de.1, or none)');
  if (text === EMPTY_TOKEN) return {};
  let endMs: number | undefined;
  let removedFaults: Set<number> | undefined;
  let forcedDeliveries: Set<number> | undefined;
  let keptLosses: Set<string> | undefined;
  let expanded = 0;
  let previous = -1;

  const parseIndices = (body: string, letter: SectionLetter): Set<number> => {
    const indices = new Set<number>();
    if (body === '') fail(`section '${letter}' lists no indices`);
    for (const item of body.split(',')) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(item);
      if (!match) return fail(`'${item}' in section '${letter}' is not an index or a range a-b`);
      const first = Number(match[1]);
      const last = match[2] === undefined ? first : Number(match[2]);
      if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) fail(`'${item}' is too large`);
      if (last < first) fail(`range '${item}' in section '${letter}' ends before it starts`);
      expanded += last - first + 1;
      if (expanded > INDICES_MAX) fail(`more than ${INDICES_MAX} indices`);
      for (let index = first; index <= last; index++) indices.add(index);
    }
    return indices;
  };

  for (const section of text.split(':')) {
    const letter = section.charAt(0);
    const body = section.slice(1);
    const position = (SECTION_ORDER as readonly string[]).indexOf(letter);
    if (position < 0) {
      fail(
        `unknown section '${section}' (sections are e<end ms>, f<faults left out>, d<deliveries>, k<kept losses>)`,
      );
    }
    if (position <= previous) fail(`section '${letter}' is repeated or out of order (order: e, f, d, k)`);
    previous = position;
    switch (letter as SectionLetter) {
      case 'e': {
        if (!/^\d+(\.\d+)?(e[+-]?\d+)?$/i.test(body)) fail(`end '${body}' is not a number of ms`);
        endMs = Number(body);
        if (!Number.isFinite(endMs)) fail(`end '${body}' is not finite`);
        break;
      }
      case 'f':
        removedFaults = parseIndices(body, 'f');
        break;
      case 'd':
        forcedDeliveries = parseIndices(body, 'd');
        break;
      case 'k':
        keptLosses = new Set();
        for (const key of body === '' ? [] : body.split(',')) {
          if (!SEND_KEY_PATTERN.test(key))
            fail(`'${key}' in section 'k' is not a send key (10 hex digits, '.', occurrence)`);
          keptLosses.add(key);
        }
        break;
    }
  }
  return {
    ...(endMs === undefined ? {} : { endMs }),
    ...(removedFaults === undefined ? {} : { removedFaults }),
    ...(forcedDeliveries === undefined ? {} : { forcedDeliveries }),
    ...(keptLosses === undefined ? {} : { keptLosses }),
  };
}
