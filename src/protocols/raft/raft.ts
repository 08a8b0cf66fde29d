/**
 * Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", 2014), as fairlink handlers: leader election, log replication,
 * commitment of current-term entries by counting, client redirection, and
 * durable term, vote and log so that crash-recover is safe.
 *
 * Section numbers in comments refer to the paper. The replicated state
 * machine is a parameter (the course's queue, or a key-value store), and
 * client requests are deduplicated per client so that a retried request is
 * applied once.
 *
 * Three classic bugs can be switched on, for the pipeline to catch:
 * - `staleReads`: the leader answers read-only commands from its own state
 *   without confirming it is still leader (a deposed leader serves stale data);
 * - `commitOldTerms`: the leader commits entries of older terms by counting
 *   replicas (the paper's Figure 8 shows why that loses committed entries);
 * - `volatileVote`: the vote is not persisted, so a node that crashes and
 *   recovers in the same term may vote twice (two leaders in one term).
 */

import type { NodeId } from '../../core/index.js';
import { defineProtocol, type Context, type Protocol } from '../../core/index.js';
import type { StateMachine } from './machines.js';
import type { ClientReply, ClientRequest, Entry, PeerMessage, RaftMessage } from './messages.js';

/** Which classic bugs to switch on. */
export interface RaftBugs {
  readonly staleReads?: boolean;
  readonly commitOldTerms?: boolean;
  readonly volatileVote?: boolean;
}

/** Settings of a Raft cluster. */
export interface RaftOptions<MachineState, Command, Result> {
  readonly machine: StateMachine<MachineState, Command, Result>;
  /** Election timeout range, ms (default [150, 300]). */
  readonly electionTimeoutMs?: readonly [number, number];
  /** Per-node election timeout ranges, for the lab scenarios. */
  readonly electionTimeoutByNode?: Readonly<Record<string, readonly [number, number]>>;
  /** Heartbeat interval, ms (default 50). */
  readonly heartbeatMs?: number;
  /** A node that starts as leader of term 1 (the lab's fixed leader); the others start as its followers. */
  readonly initialLeader?: string;
  /** Entries per append message at most (default 64). */
  readonly batchMax?: number;
  readonly bugs?: RaftBugs;
  /** A no-op command, appended by a new leader to commit earlier entries (5.4.2, 8). */
  readonly noop: Command;
}

/** The last request applied for a client and its result (for exactly-once application). */
interface Session<Result> {
  readonly request: number;
  readonly result: Result;
}

/** A server's volatile state (term, vote and log are also durable). */
export interface RaftState<MachineState, Command, Result> {
  role: 'follower' | 'candidate' | 'leader';
  term: number;
  votedFor: NodeId | null;
  log: Entry<Command>[];
  commitIndex: number;
  lastApplied: number;
  leader: NodeId | null;
  votes: NodeId[];
  /** Leader only: next index to send to each follower, and the highest index known replicated. */
  nextIndex: Record<string, number>;
  matchIndex: Record<string, number>;
  machine: MachineState;
  sessions: Record<string, Session<Result>>;
}

type Message<Command, Result> = RaftMessage<Command, Result>;
type RaftContext<S, C, R> = Context<RaftState<S, C, R>, Message<C, R>>;

const TIMER_ELECTION = 'election';
const TIMER_HEARTBEAT = 'heartbeat';

/** Builds the Raft server protocol for a state machine. */
export function raft<S, C, R>(options: RaftOptions<S, C, R>): Protocol<RaftState<S, C, R>, Message<C, R>> {
  const heartbeatMs = options.heartbeatMs ?? 50;
  const batchMax = options.batchMax ?? 64;
  const bugs = options.bugs ?? {};
  const machine = options.machine;

  const electionTimeout = (context: RaftContext<S, C, R>): readonly [number, number] =>
    options.electionTimeoutByNode?.[context.id] ?? options.electionTimeoutMs ?? [150, 300];

  const lastIndex = (state: RaftState<S, C, R>): number => state.log.length;
  const termAt = (state: RaftState<S, C, R>, index: number): number =>
    index === 0 ? 0 : (state.log[index - 1]?.term ?? -1);
  const majority = (context: RaftContext<S, C, R>): number => Math.floor(context.nodes.length / 2) + 1;

  // --- Durable storage: term, vote, and the log one entry per key so that an append costs O(1). ---

  const persistTermAndVote = (context: RaftContext<S, C, R>): void => {
    context.persist('term', context.state.term);
    if (!bugs.volatileVote) context.persist('votedFor', context.state.votedFor);
  };

  const persistLogFrom = (context: RaftContext<S, C, R>, fromIndex: number): void => {
    const log = context.state.log;
    for (let index = fromIndex; index <= log.length; index++) context.persist(`log:${index}`, log[index - 1]);
    context.persist('logLength', log.length);
  };

  const resetElectionTimer = (context: RaftContext<S, C, R>): void => {
    context.setTimer(TIMER_ELECTION, electionTimeout(context));
  };

  /** 5.1: any message with a higher term makes the receiver a follower of that term. */
  const observeTerm = (context: RaftContext<S, C, R>, term: number): void => {
    const state = context.state;
    if (term <= state.term) return;
    state.term = term;
    state.votedFor = null;
    state.votes = [];
    if (state.role === 'leader') context.cancelTimer(TIMER_HEARTBEAT);
    state.role = 'follower';
    state.leader = null;
    persistTermAndVote(context);
    resetElectionTimer(context);
  };

  const applyCommitted = (context: RaftContext<S, C, R>): void => {
    const state = context.state;
    while (state.lastApplied < state.commitIndex) {
      state.lastApplied++;
      const entry = state.log[state.lastApplied - 1] as Entry<C>;
      let result: R;
      const session = entry.client === null ? undefined : state.sessions[entry.client];
      if (entry.client !== null && entry.request !== null && session && session.request >= entry.request) {
        // A retried request that is already applied: answer with the first result, do not apply twice.
        result = session.result;
      } else {
        const outcome = machine.apply(state.machine, entry.command);
        state.machine = outcome.state;
        result = outcome.result;
        if (entry.client !== null && entry.request !== null) {
          state.sessions = { ...state.sessions, [entry.client]: { request: entry.request, result } };
        }
      }
      if (state.role === 'leader' && entry.client !== null && entry.request !== null) {
        context.send(entry.client, { type: 'response', request: entry.request, result });
      }
    }
  };

  const sendAppend = (context: RaftContext<S, C, R>, peer: NodeId): void => {
    const state = context.state;
    const next = state.nextIndex[peer] ?? lastIndex(state) + 1;
    const prevIndex = next - 1;
    context.send(peer, {
      type: 'append',
      term: state.term,
      prevIndex,
      prevTerm: termAt(state, prevIndex),
      entries: state.log.slice(prevIndex, prevIndex + batchMax),
      commit: state.commitIndex,
    });
  };

  const broadcastAppend = (context: RaftContext<S, C, R>): void => {
    for (const peer of context.peers) sendAppend(context, peer);
  };

  const becomeLeader = (context: RaftContext<S, C, R>, appendNoop: boolean): void => {
    const state = context.state;
    state.role = 'leader';
    state.leader = context.id;
    state.nextIndex = {};
    state.matchIndex = {};
    if (appendNoop) {
      // 8: a no-op of the new term lets the leader commit entries of earlier terms.
      state.log.push({ term: state.term, command: options.noop, client: null, request: null });
      persistLogFrom(context, state.log.length);
    }
    for (const peer of context.peers) {
      state.nextIndex[peer] = lastIndex(state) + 1;
      state.matchIndex[peer] = 0;
    }
    context.cancelTimer(TIMER_ELECTION);
    context.log(`leader of term ${state.term}`);
    broadcastAppend(context);
    context.setTimer(TIMER_HEARTBEAT, heartbeatMs);
  };

  const advanceCommit = (context: RaftContext<S, C, R>): void => {
    const state = context.state;
    for (let index = lastIndex(state); index > state.commitIndex; index--) {
      // 5.4.2: only entries of the current term are committed by counting replicas.
      if (!bugs.commitOldTerms && termAt(state, index) !== state.term) break;
      let replicas = 1;
      for (const peer of context.peers) if ((state.matchIndex[peer] ?? 0) >= index) replicas++;
      if (replicas >= majority(context)) {
        state.commitIndex = index;
        applyCommitted(context);
        return;
      }
    }
  };

  const startElection = (context: RaftContext<S, C, R>): void => {
    const state = context.state;
    state.role = 'candidate';
    state.term++;
    state.votedFor = context.id;
    state.votes = [context.id];
    state.leader = null;
    persistTermAndVote(context);
    resetElectionTimer(context);
    if (state.votes.length >= majority(context)) {
      becomeLeader(context, true);
      return;
    }
    context.broadcast({
      type: 'request-vote',
      term: state.term,
      lastLogIndex: lastIndex(state),
      lastLogTerm: termAt(state, lastIndex(state)),
    });
  };

  const onPeerMessage = (context: RaftContext<S, C, R>, from: NodeId, message: PeerMessage<C>): void => {
    observeTerm(context, message.term);
    const state = context.state;
    switch (message.type) {
      case 'request-vote': {
        // 5.2 and 5.4.1: one vote per term, only for a candidate whose log is at least as up to date.
        const upToDate =
          message.lastLogTerm > termAt(state, lastIndex(state)) ||
          (message.lastLogTerm === termAt(state, lastIndex(state)) &&
            message.lastLogIndex >= lastIndex(state));
        const granted =
          message.term === state.term && upToDate && (state.votedFor === null || state.votedFor === from);
        if (granted) {
          state.votedFor = from;
          persistTermAndVote(context);
          resetElectionTimer(context);
        }
        context.send(from, { type: 'vote', term: state.term, granted });
        return;
      }
      case 'vote':
        if (state.role !== 'candidate' || message.term !== state.term || !message.granted) return;
        if (!state.votes.includes(from)) state.votes.push(from);
        if (state.votes.length >= majority(context)) becomeLeader(context, true);
        return;
      case 'append': {
        if (message.term < state.term) {
          context.send(from, { type: 'append-reply', term: state.term, success: false, index: 0 });
          return;
        }
        // A current leader exists: a candidate of this term steps down.
        state.role = 'follower';
        state.leader = from;
        resetElectionTimer(context);
        if (message.prevIndex > lastIndex(state) || termAt(state, message.prevIndex) !== message.prevTerm) {
          // 5.3: ask the leader to back up one entry, or to our end when our log is short.
          const retryFrom = message.prevIndex > lastIndex(state) ? lastIndex(state) + 1 : message.prevIndex;
          context.send(from, {
            type: 'append-reply',
            term: state.term,
            success: false,
            index: Math.max(1, retryFrom),
          });
          return;
        }
        let firstChanged = 0;
        message.entries.forEach((entry, offset) => {
          const index = message.prevIndex + 1 + offset;
          if (termAt(state, index) === entry.term) return;
          // 5.3: a conflicting entry and all that follow it are deleted, then the new ones appended.
          if (firstChanged === 0) {
            firstChanged = index;
            state.log.length = index - 1;
          }
          state.log.push(entry);
        });
        if (firstChanged !== 0) persistLogFrom(context, firstChanged);
        const matched = message.prevIndex + message.entries.length;
        // Only up to what this message shows to match the leader's log, and never backwards (a
        // late, reordered append may carry a higher commit index but fewer entries).
        const commit = Math.min(message.commit, matched);
        if (commit > state.commitIndex) {
          state.commitIndex = commit;
          applyCommitted(context);
        }
        context.send(from, { type: 'append-reply', term: state.term, success: true, index: matched });
        return;
      }
      case 'append-reply': {
        if (state.role !== 'leader' || message.term !== state.term) return;
        if (message.success) {
          state.matchIndex[from] = Math.max(state.matchIndex[from] ?? 0, message.index);
          state.nextIndex[from] = Math.max(state.nextIndex[from] ?? 1, message.index + 1);
          advanceCommit(context);
          if ((state.nextIndex[from] ?? 1) <= lastIndex(state)) sendAppend(context, from);
        } else if (message.index > 0) {
          // A stale rejection must not move nextIndex forward again.
          state.nextIndex[from] = Math.max(
            1,
            Math.min(message.index, state.nextIndex[from] ?? message.index),
          );
          sendAppend(context, from);
        }
        return;
      }
    }
  };

  const onClientRequest = (context: RaftContext<S, C, R>, from: NodeId, message: ClientRequest<C>): void => {
    const state = context.state;
    if (state.role !== 'leader') {
      context.send(from, { type: 'redirect', request: message.request, leader: state.leader });
      return;
    }
    if (bugs.staleReads && machine.readOnly(message.command)) {
      // The bug: answer from local state without checking that we are still leader.
      context.send(from, {
        type: 'response',
        request: message.request,
        result: machine.apply(state.machine, message.command).result,
      });
      return;
    }
    const session = state.sessions[from];
    if (session && session.request === message.request) {
      context.send(from, { type: 'response', request: message.request, result: session.result });
      return;
    }
    const pending = state.log.some(
      (entry, offset) =>
        offset >= state.lastApplied && entry.client === from && entry.request === message.request,
    );
    if (pending) return; // Already in the log: its response comes when it is applied.
    state.log.push({ term: state.term, command: message.command, client: from, request: message.request });
    persistLogFrom(context, state.log.length);
    if (context.peers.length === 0) advanceCommit(context);
    broadcastAppend(context);
  };

  return defineProtocol<RaftState<S, C, R>, Message<C, R>>({
    name: `raft-${machine.name}${bugs.staleReads ? '-stale-reads' : ''}${bugs.commitOldTerms ? '-commit-old-terms' : ''}${bugs.volatileVote ? '-volatile-vote' : ''}`,
    init: () => ({
      role: 'follower',
      term: 0,
      votedFor: null,
      log: [],
      commitIndex: 0,
      lastApplied: 0,
      leader: null,
      votes: [],
      nextIndex: {},
      matchIndex: {},
      machine: machine.init(),
      sessions: {},
    }),
    onBoot(context) {
      const state = context.state;
      if (options.initialLeader !== undefined) {
        state.term = 1;
        state.votedFor = options.initialLeader as NodeId;
        persistTermAndVote(context);
        if (context.id === options.initialLeader) {
          becomeLeader(context, false);
          return;
        }
        state.leader = options.initialLeader as NodeId;
      }
      resetElectionTimer(context);
    },
    onRecover(context) {
      // Only term, vote and log survive; commit index and machine are rebuilt as entries commit again.
      const state = context.state;
      state.term = context.load<number>('term') ?? 0;
      state.votedFor = bugs.volatileVote ? null : (context.load<NodeId | null>('votedFor') ?? null);
      const length = context.load<number>('logLength') ?? 0;
      state.log = Array.from(
        { length },
        (_, offset) => context.load<Entry<C>>(`log:${offset + 1}`) as Entry<C>,
      );
      resetElectionTimer(context);
    },
    onMessage(context, from, message) {
      switch (message.type) {
        case 'request':
          onClientRequest(context, from, message);
          return;
        case 'response':
        case 'redirect':
          return; // Client replies are not for servers.
        case 'request-vote':
        case 'vote':
        case 'append':
        case 'append-reply':
          onPeerMessage(context, from, message);
      }
    },
    onTimer(context, timer) {
      const state = context.state;
      if (timer.name === TIMER_ELECTION) {
        if (state.role !== 'leader') startElection(context);
      } else if (timer.name === TIMER_HEARTBEAT && state.role === 'leader') {
        broadcastAppend(context);
        context.setTimer(TIMER_HEARTBEAT, heartbeatMs);
      }
    },
  });
}

export type { ClientReply, ClientRequest };
