/**
 * Raft's safety properties (the paper's Figure 3), written once for `fairlink sim` and
 * `fairlink check`.
 *
 * They read only what both engines show of the present: each server's state while it is up.
 * No ghost memory: the checker reaches a state along many paths, so a property that remembered
 * the past (a leader since deposed, an entry committed by a node that has crashed since) could
 * not be judged there. What is lost by judging the present only is a matter of when, not
 * whether, for the checker: a path that breaks a property over the past has a prefix on which
 * the witnesses are still there (the deposed leader still leads until a message reaches it, and
 * the checker may deliver that message later), and a shortest counterexample is such a prefix.
 * The simulator, which runs one schedule, may see a violation later or not at all in that run.
 *
 * Servers are the group `nodes`; clients (group `clients`) are skipped.
 */

import { invariant, type Property, type SystemView } from '../../core/index.js';
import type { Entry } from './messages.js';
import type { RaftState } from './raft.js';

type AnyRaftState = RaftState<unknown, unknown, unknown>;
type AnyEntry = Entry<unknown>;

function* servers(view: SystemView): Generator<{ node: string; state: AnyRaftState }> {
  for (const node of view.group('nodes')) {
    const state = view.state<AnyRaftState>(node);
    // A Byzantine member, or any node that is not a Raft server, has no log to judge.
    if (state !== undefined && state !== null && Array.isArray((state as { log?: unknown }).log))
      yield { node, state };
  }
}

function sameEntry(a: AnyEntry | undefined, b: AnyEntry | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.term === b.term &&
    a.client === b.client &&
    a.request === b.request &&
    JSON.stringify(a.command) === JSON.stringify(b.command)
  );
}

function describeEntry(entry: AnyEntry | undefined): string {
  return entry === undefined ? 'nothing' : `term ${entry.term} ${JSON.stringify(entry.command)}`;
}

/**
 * Election Safety: at most one leader in a term. A leader names itself, and a follower names the
 * leader of its term (the sender of the appends it accepted), so a leader already deposed still
 * counts while someone remembers it.
 */
export const electionSafety: Property = invariant('election safety', (view) => {
  const leaders = new Map<number, { leader: string; witness: string }>();
  for (const { node, state } of servers(view)) {
    if (state.leader === null) continue;
    const known = leaders.get(state.term);
    if (known === undefined) leaders.set(state.term, { leader: state.leader, witness: node });
    else if (known.leader !== state.leader) {
      return `${known.leader} (for ${known.witness}) and ${state.leader} (for ${node}) were both leader of term ${state.term}`;
    }
  }
  return true;
});

/**
 * Log Matching: if two logs hold an entry with the same index and term, the logs are identical
 * in all entries up to that index.
 */
export const logMatching: Property = invariant('log matching', (view) => {
  const all = [...servers(view)];
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) {
      const left = all[a] as { node: string; state: AnyRaftState };
      const right = all[b] as { node: string; state: AnyRaftState };
      const shorter = Math.min(left.state.log.length, right.state.log.length);
      // The highest index where both hold an entry of the same term; below it, all must agree.
      let agreed = 0;
      for (let index = shorter; index >= 1; index--) {
        if (left.state.log[index - 1]?.term === right.state.log[index - 1]?.term) {
          agreed = index;
          break;
        }
      }
      for (let index = 1; index <= agreed; index++) {
        const x = left.state.log[index - 1];
        const y = right.state.log[index - 1];
        if (!sameEntry(x, y)) {
          return `${left.node} and ${right.node} agree on term ${left.state.log[agreed - 1]?.term} at index ${agreed} but differ at index ${index}: ${describeEntry(x)} and ${describeEntry(y)}`;
        }
      }
    }
  }
  return true;
});

/**
 * Leader Completeness: an entry committed in a term is in the log of every leader of a later
 * term. Judged on the present: a server that knows an entry committed learnt it in its own term
 * or an earlier one, so a leader of that term or a later one must hold the entry (in its own term
 * only it commits, and it holds what it commits).
 */
export const leaderCompleteness: Property = invariant('leader completeness', (view) => {
  const all = [...servers(view)];
  for (const leader of all) {
    if (leader.state.role !== 'leader') continue;
    for (const server of all) {
      if (server.state.term > leader.state.term) continue;
      for (let index = 1; index <= server.state.commitIndex; index++) {
        const committed = server.state.log[index - 1];
        const held = leader.state.log[index - 1];
        if (!sameEntry(committed, held)) {
          return `${server.node} committed ${describeEntry(committed)} at index ${index}, and ${leader.node}, leader of term ${leader.state.term}, holds ${describeEntry(held)} there`;
        }
      }
    }
  }
  return true;
});

/**
 * State Machine Safety: no two servers have committed (and so applied) different entries at
 * the same index.
 */
export const stateMachineSafety: Property = invariant('state machine safety', (view) => {
  const committed = new Map<number, { entry: AnyEntry | undefined; node: string }>();
  for (const { node, state } of servers(view)) {
    for (let index = 1; index <= state.commitIndex; index++) {
      const entry = state.log[index - 1];
      const known = committed.get(index);
      if (known === undefined) committed.set(index, { entry, node });
      else if (!sameEntry(known.entry, entry)) {
        return `index ${index}: ${known.node} committed ${describeEntry(known.entry)}, ${node} committed ${describeEntry(entry)}`;
      }
    }
  }
  return true;
});

/** All of Raft's safety invariants, for both engines. */
export const raftSafety: readonly Property[] = [
  electionSafety,
  logMatching,
  leaderCompleteness,
  stateMachineSafety,
];
