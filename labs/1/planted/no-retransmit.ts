/**
 * Planted bug (lab 1): `reliableSender` sends each ping once and never again; it still fails at
 * the timeout. Loses every test where a ping or its ack can be lost (drop, partition, crash),
 * keeps the ones on a lossless link. The key-value part is fairlink's own.
 */
import { defineProtocol, type NodeId, type Protocol } from 'fairlink/core';
import type { PingMessage, ReliableSenderState, ReliableSendOptions } from 'fairlink/protocols';

export {
  keyValueClient,
  keyValueServer,
  pingReceiver,
  type KeyValueClientState,
  type KeyValueOperation,
  type KeyValueServerState,
  type PingMessage,
  type ReliableSenderState,
} from 'fairlink/protocols';

export function reliableSender(options: ReliableSendOptions): Protocol<ReliableSenderState, PingMessage> {
  const to = options.to as NodeId;
  const pings = options.pings ?? 1;
  return defineProtocol<ReliableSenderState, PingMessage>({
    name: 'reliable-sender',
    init: () => ({ current: null, results: [] }),
    onBoot(context) {
      const operation = context.invoke('send', { ping: 0 });
      context.state.current = { ping: 0, operation, tries: 1, startedMs: context.now() };
      context.send(to, { type: 'ping', ping: 0 });
      context.setTimer('timeout', options.timeoutMs);
    },
    onMessage(context, from, message) {
      const current = context.state.current;
      if (message.type === 'ack' && from === to && current?.ping === message.ping) {
        finish(context, 'acknowledged');
      }
    },
    onTimer(context) {
      if (context.state.current !== null) finish(context, 'failed');
    },
  });

  function finish(
    context: Parameters<NonNullable<Protocol<ReliableSenderState, PingMessage>['onBoot']>>[0],
    outcome: 'acknowledged' | 'failed',
  ): void {
    const current = context.state.current;
    if (current === null) return;
    context.state.results.push({
      ping: current.ping,
      outcome,
      tries: current.tries,
      elapsedMs: context.now() - current.startedMs,
    });
    context.state.current = null;
    context.cancelTimer('timeout');
    context.complete(current.operation, outcome === 'acknowledged' ? 'ok' : 'fail', { tries: current.tries });
    const ping = current.ping + 1;
    if (ping < pings) {
      const operation = context.invoke('send', { ping });
      context.state.current = { ping, operation, tries: 1, startedMs: context.now() };
      context.send(to, { type: 'ping', ping });
      context.setTimer('timeout', options.timeoutMs);
    }
  }
}
