/**
 * Unique ids as a fairlink protocol: each id is the node's id and a counter of
 * the node's own (`n3-17`), so ids are unique without any coordination, and
 * available during partitions.
 */

import { defineProtocol, type Protocol } from '../../core/index.js';
import { ErrorCode, type Body } from '../protocol.js';
import { reply, replyError } from './body.js';

/** The unique-ids node's state: how many ids it gave out. */
export interface UniqueIdsState {
  issued: number;
}

/** The unique-ids node. */
export function uniqueIdsNode(): Protocol<UniqueIdsState, Body> {
  return defineProtocol<UniqueIdsState, Body>({
    name: 'maelstrom-unique-ids',
    init: () => ({ issued: 0 }),
    onMessage(context, from, message) {
      if (message.type === 'generate') {
        reply(context, from, message, { type: 'generate_ok', id: `${context.id}-${context.state.issued++}` });
      } else if (message.msg_id !== undefined) {
        replyError(context, from, message, ErrorCode.notSupported, `no ${message.type}`);
      }
    },
  });
}
