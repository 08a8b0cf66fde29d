/**
 * Naming the send that froze an object a handler then tried to change.
 *
 * Messages are frozen on send (so that a duplicate or a recorded copy cannot
 * change under the receiver), and a node that keeps a reference to what it
 * sent, or to what it received, fails later with V8's "Cannot add property 1,
 * object is not extensible": true, and useless without the send that froze
 * the object. Remembering every send's objects would cost every run for the
 * sake of the few that fail this way, so nothing is remembered at first: a run
 * that fails with such an error is run again (it is deterministic), this time
 * with each sent object mapped to its send, and the failure then names it.
 */

import type { HandlerName } from '../core/index.js';

/** Where an object was first sent (and so frozen). */
export interface SendSite {
  readonly node: string;
  readonly handler: HandlerName;
  readonly timeMs: number;
}

/** How many objects an explanation looks at before it gives up (a state may be huge). */
const OBJECTS_VISITED_MAX = 1_000_000;

/**
 * V8's and fairlink's words for a write to a frozen object, and the property
 * it names (absent for a Map or Set, whose methods fairlink makes throw).
 */
const FROZEN_WRITE_PATTERNS: readonly { readonly pattern: RegExp; readonly has: boolean | undefined }[] = [
  { pattern: /^threw TypeError: Cannot add property (.+), object is not extensible/, has: false },
  { pattern: /^threw TypeError: Cannot define property (.+), object is not extensible/, has: false },
  { pattern: /^threw TypeError: Cannot assign to read only property '(.+)' of /, has: true },
  { pattern: /^threw TypeError: Cannot delete property '(.+)' of /, has: true },
  { pattern: /^threw TypeError: Cannot change a frozen Map or Set/, has: undefined },
];

/** What a failure's detail says about the frozen write, if it is one. */
interface FrozenWrite {
  /** The property written, when the error names one. */
  readonly property: string | undefined;
  /** Whether the object had that property (assign, delete) or not (add); undefined for a Map or Set. */
  readonly has: boolean | undefined;
}

/** The frozen write a handler's error detail describes, or `undefined`. */
export function frozenWriteOf(detail: string): FrozenWrite | undefined {
  for (const { pattern, has } of FROZEN_WRITE_PATTERNS) {
    const match = pattern.exec(detail);
    if (match) return { property: match[1], has };
  }
  return undefined;
}

/** The first send of every object sent, by identity, for one run. */
export class SendSites {
  private readonly sites = new WeakMap<object, SendSite>();

  /** Records `message` and every object inside it as sent at `site`, unless sent before. */
  record(message: unknown, site: SendSite): void {
    const pending: unknown[] = [message];
    while (pending.length > 0) {
      const value = pending.pop();
      if (typeof value !== 'object' || value === null || this.sites.has(value)) continue;
      // An object sent before was frozen whole then: what is inside was recorded with it.
      this.sites.set(value, site);
      pushChildren(value, pending);
    }
  }

  /**
   * The sentence that names the send which froze the object a handler tried
   * to change, searched among what the handler could reach (its state, its
   * message or timer data); a general hint when none matches.
   */
  explain(detail: string, reachable: readonly unknown[]): string | undefined {
    const write = frozenWriteOf(detail);
    if (write === undefined) return undefined;
    const site = this.find(write, reachable);
    if (site === undefined) {
      return (
        'tried to modify a frozen object (fairlink freezes messages on send, timer data and ' +
        'persisted values: copy before mutating, or send a copy)'
      );
    }
    return (
      `tried to modify an object that was frozen when it was sent by node ${site.node} in ` +
      `${site.handler} at ${site.timeMs} ms (messages are frozen on send: copy before mutating, or send a copy)`
    );
  }

  private find(write: FrozenWrite, reachable: readonly unknown[]): SendSite | undefined {
    const seen = new Set<object>();
    const pending = [...reachable].reverse();
    while (pending.length > 0 && seen.size < OBJECTS_VISITED_MAX) {
      const value = pending.pop();
      if (typeof value !== 'object' || value === null || seen.has(value)) continue;
      seen.add(value);
      const site = this.sites.get(value);
      if (site !== undefined && Object.isFrozen(value) && fits(value, write)) return site;
      const children: unknown[] = [];
      pushChildren(value, children);
      // Depth first, in the order the values appear: the first fit is the nearest in reading order.
      for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]);
    }
    return undefined;
  }
}

/** Whether `value` could be the object the write named. */
function fits(value: object, write: FrozenWrite): boolean {
  if (write.has === undefined) return value instanceof Map || value instanceof Set;
  if (write.property === undefined) return true;
  return Object.prototype.hasOwnProperty.call(value, write.property) === write.has;
}

/** The values directly inside a plain value (arrays, objects, Maps' keys and values, Sets). */
function pushChildren(value: object, into: unknown[]): void {
  if (Array.isArray(value)) {
    for (const element of value) into.push(element);
  } else if (value instanceof Map) {
    for (const [key, entry] of value as Map<unknown, unknown>) into.push(key, entry);
  } else if (value instanceof Set) {
    for (const element of value as Set<unknown>) into.push(element);
  } else if (!(value instanceof Uint8Array)) {
    const record = value as Record<string, unknown>;
    for (const key in record) into.push(record[key]);
  }
}
