/**
 * Echo as a fairlink protocol: `echo{echo}` -> `echo_ok{echo}`.
 */

import { defineProtocol, type Protocol } from '../../core/index.js';
import { ErrorCode, type Body } from '../protocol.js';
import { reply, replyError } from './body.js';

/** The echo node. */
export function echoNode(): Protocol<null, Body> {
  return defineProtocol<null, Body>({
    name: 'maelstrom-echo',
    init: () => null,
    onMessage(context, from, message) {
      if (message.type === 'echo') reply(context, from, message, { type: 'echo_ok', echo: message['echo'] });
      else if (message.msg_id !== undefined)
        replyError(context, from, message, ErrorCode.notSupported, `no ${message.type}`);
    },
  });
}
