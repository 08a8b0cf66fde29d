/**
 * A client of a Raft cluster: sends each operation to the server it believes
 * is leader, follows redirects, retries on a timeout at the next server with
 * the same request number (so the cluster applies it at most once), and
 * records every operation in the history as invoke, then ok or info.
 *
 * An operation that is still unanswered at its deadline is recorded as
 * `info`: it may or may not have taken effect, which is exactly what a
 * linearizability checker must be told.
 */

import type { NodeId } from '../../core/index.js';
import { defineProtocol, type Context, type Protocol } from '../../core/index.js';
import type { ClientReply, ClientRequest } from './messages.js';

/** One operation: the command to send and how the history names it. */
export interface ClientOperation<Command> {
  readonly command: Command;
  /** Jepsen's `f`, such as `read`, `write` or `cas`. */
  readonly f: string;
  /** The invocation's value, as the history records it. */
  readonly value: unknown;
}

/** Settings of a client. */
export interface RaftClientOptions<Command, Result> {
  /** The servers, in the order the client tries them. */
  readonly servers: readonly NodeId[];
  /** The first server to contact (default: the first of `servers`). */
  readonly firstServer?: NodeId;
  /**
   * The next operation, given how many were issued before and a random source;
   * `null` when the client is done.
   */
  readonly next: (issued: number, random: () => number) => ClientOperation<Command> | null;
  /** How the history records a completed operation's value (default: the result). */
  readonly completion?: (operation: ClientOperation<Command>, result: Result) => unknown;
  /** Retry at the next server after this long without an answer (default 100 ms). */
  readonly retryMs?: number;
  /** Give up (record `info`) after this long (default 1,000 ms). */
  readonly deadlineMs?: number;
  /** Pause between operations (default 0: the next starts when one ends). */
  readonly thinkMs?: readonly [number, number];
  /** Wait this long before the first operation (default 0). */
  readonly startMs?: number;
}

/** A client's state. */
export interface RaftClientState<Command, Result> {
  issued: number;
  request: number;
  current: ClientOperation<Command> | null;
  operation: number;
  server: NodeId;
  startedAt: number;
  results: Result[];
  done: boolean;
}

type ClientMessage<Command, Result> = ClientRequest<Command> | ClientReply<Result>;

/** Builds a Raft client protocol. */
export function raftClient<Command, Result>(
  options: RaftClientOptions<Command, Result>,
): Protocol<RaftClientState<Command, Result>, ClientMessage<Command, Result>> {
  const retryMs = options.retryMs ?? 100;
  const deadlineMs = options.deadlineMs ?? 1_000;
  type ClientContext = Context<RaftClientState<Command, Result>, ClientMessage<Command, Result>>;

  const nextServer = (server: NodeId): NodeId => {
    const index = options.servers.indexOf(server);
    return options.servers[(index + 1) % options.servers.length] as NodeId;
  };

  const sendCurrent = (context: ClientContext): void => {
    const state = context.state;
    if (!state.current) return;
    context.send(state.server, { type: 'request', request: state.request, command: state.current.command });
    context.setTimer('retry', retryMs);
  };

  const startNext = (context: ClientContext): void => {
    const state = context.state;
    const operation = options.next(state.issued, () => context.random());
    if (operation === null) {
      state.current = null;
      state.done = true;
      return;
    }
    state.issued++;
    state.request++;
    state.current = operation;
    state.startedAt = context.now();
    state.operation = context.invoke(operation.f, operation.value);
    sendCurrent(context);
  };

  const finish = (context: ClientContext): void => {
    const state = context.state;
    state.current = null;
    context.cancelTimer('retry');
    if (options.thinkMs) context.setTimer('think', options.thinkMs);
    else startNext(context);
  };

  return defineProtocol<RaftClientState<Command, Result>, ClientMessage<Command, Result>>({
    name: 'raft-client',
    init: () => ({
      issued: 0,
      request: 0,
      current: null,
      operation: 0,
      server: options.firstServer ?? (options.servers[0] as NodeId),
      startedAt: 0,
      results: [],
      done: false,
    }),
    onBoot(context) {
      if (options.startMs) context.setTimer('think', options.startMs);
      else startNext(context);
    },
    onMessage(context, from, message) {
      const state = context.state;
      if (!state.current || message.type === 'request' || message.request !== state.request) return;
      if (message.type === 'redirect') {
        // Follow the redirect, or try the next server when the follower knows no leader.
        state.server = message.leader ?? nextServer(from);
        sendCurrent(context);
        return;
      }
      state.results.push(message.result);
      const value = options.completion ? options.completion(state.current, message.result) : message.result;
      context.complete(state.operation, 'ok', value);
      finish(context);
    },
    onTimer(context, timer) {
      const state = context.state;
      if (timer.name === 'think') {
        startNext(context);
        return;
      }
      if (!state.current) return;
      if (context.now() - state.startedAt >= deadlineMs) {
        // Unknown outcome: the request may still be applied later.
        context.complete(state.operation, 'info', null);
        finish(context);
        return;
      }
      state.server = nextServer(state.server);
      sendCurrent(context);
    },
  });
}
