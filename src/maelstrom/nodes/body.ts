/**
 * Helpers for fairlink protocols that speak Maelstrom: replies carry the
 * request's `msg_id` as `in_reply_to`, errors use Maelstrom's codes.
 */

import type { NodeId } from '../../core/index.js';
import type { Context } from '../../core/index.js';
import type { Body } from '../protocol.js';

/** A context whose messages are Maelstrom bodies. */
export type MaelstromContext<State> = Context<State, Body>;

/** Answers `request` (from `to`) with `body`, adding `in_reply_to`. */
export function reply<State>(
  context: MaelstromContext<State>,
  to: NodeId,
  request: Body,
  body: Omit<Body, 'in_reply_to'>,
): void {
  context.send(to, {
    ...(body as Body),
    ...(request.msg_id === undefined ? {} : { in_reply_to: request.msg_id }),
  });
}

/** Answers `request` with a Maelstrom error. */
export function replyError<State>(
  context: MaelstromContext<State>,
  to: NodeId,
  request: Body,
  code: number,
  text: string,
): void {
  reply(context, to, request, { type: 'error', code, text });
}

/** Whether `from` is a client (`c…`) rather than a node or a service. */
export function fromClient(from: NodeId): boolean {
  return /^c\d+$/.test(from);
}
