/**
 * Raft's messages (the paper's RPCs as one-way messages) and the client
 * protocol in front of it.
 */

import type { NodeId } from '../../core/index.js';

/** One log entry. `client`/`request` identify the client request it carries (null for no-ops). */
export interface Entry<Command> {
  readonly term: number;
  readonly command: Command;
  readonly client: NodeId | null;
  readonly request: number | null;
}

/** Messages between servers. */
export type PeerMessage<Command> =
  | {
      readonly type: 'request-vote';
      readonly term: number;
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
    }
  | { readonly type: 'vote'; readonly term: number; readonly granted: boolean }
  | {
      readonly type: 'append';
      readonly term: number;
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry<Command>[];
      readonly commit: number;
    }
  | {
      readonly type: 'append-reply';
      readonly term: number;
      readonly success: boolean;
      /** On success, the index up to which the follower's log matches; on failure, where to retry from. */
      readonly index: number;
    };

/** A client's request: `request` is unique per client and repeated on retries. */
export interface ClientRequest<Command> {
  readonly type: 'request';
  readonly request: number;
  readonly command: Command;
}

/** What a server answers a client. */
export type ClientReply<Result> =
  | { readonly type: 'response'; readonly request: number; readonly result: Result }
  | { readonly type: 'redirect'; readonly request: number; readonly leader: NodeId | null };

/** Everything a Raft server may receive. */
export type RaftMessage<Command, Result> =
  PeerMessage<Command> | ClientRequest<Command> | ClientReply<Result>;
