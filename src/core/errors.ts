/**
 * Findings: a protocol that breaks the rules is reported, never a crash of fairlink.
 *
 * A `ProtocolFault` carries the node and handler where it happened; the engine
 * adds the seed and the replay command when it reports it.
 */

import type { NodeId } from './ids.js';
import type { HandlerName } from './protocol.js';

/** What kind of rule a handler broke. */
export type ProtocolFaultKind =
  'threw' | 'non-plain-message' | 'non-plain-state' | 'forbidden-global' | 'bad-call' | 'too-many-effects';

/** A rule broken by protocol code during one step. */
export class ProtocolFault extends Error {
  override readonly name = 'ProtocolFault';

  constructor(
    readonly kind: ProtocolFaultKind,
    readonly node: NodeId,
    readonly handler: HandlerName,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${node}.${handler}: ${detail}`, options);
  }
}

/** Bad input from outside (configuration, files, flags): exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The text of anything thrown, for reports. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  return `a thrown ${typeof thrown}: ${String(thrown)}`;
}
