/**
 * Names for sends that survive changes elsewhere in a run, for shrinking.
 *
 * Shrinking changes a run (a fault left out, a loss cancelled) and then asks
 * the network to lose "the same" messages again. A send's global index is a
 * poor name for that: one extra message early on shifts every later index,
 * so a kept loss lands on an unrelated message. A send is named here by what
 * it is: a hash of (sender, receiver, content) and how many identical sends
 * came before it in the run. A retry of `put 5` to `n3` stays "the second
 * `put 5` to `n3`" whatever else changed. Measured on three buggy protocols
 * under random faults, these names shrink to fewer faults and losses than
 * global indices or per-pair counters (see shrink.ts).
 */

import { createHash } from 'node:crypto';
import { plainToJson } from '../core/index.js';

/**
 * Hex digits of the content hash: 40 bits. A collision only merges the
 * occurrence counts of two different messages (the names stay deterministic),
 * and with 10,000 distinct messages in a run it happens with probability 5e-5.
 */
const HASH_DIGITS = 10;

/** What a send key looks like: `<10 hex digits>.<occurrence from 1>`. */
export const SEND_KEY_PATTERN = /^[0-9a-f]{10}\.[1-9][0-9]*$/;

/** Names the sends of one run, in the order they happen. */
export class SendKeys {
  private readonly occurrences = new Map<string, number>();

  /** The key of the next send from `from` to `to` of `message` (plain data). */
  next(from: string, to: string, message: unknown): string {
    const hash = createHash('sha256')
      .update(from)
      .update('\u0000')
      .update(to)
      .update('\u0000')
      .update(plainToJson(message))
      .digest('hex')
      .slice(0, HASH_DIGITS);
    const occurrence = (this.occurrences.get(hash) ?? 0) + 1;
    this.occurrences.set(hash, occurrence);
    return `${hash}.${occurrence}`;
  }
}
