/**
 * Raft's safety properties (the paper's Figure 3), as simulator invariants.
 *
 * Both look at the whole run, not just the present: a leader that was elected
 * and later deposed still counts for Election Safety, and an entry once
 * committed anywhere must never be replaced. They keep that memory in the
 * run's ghost storage (`view.ghost`), never in protocol state.
 */

import { invariant, type Property, type SystemView } from '../../core/index.js';
import type { Entry } from './messages.js';
import type { RaftState } from './raft.js';

type AnyRaftState = RaftState<unknown, unknown, unknown>;

function* servers(view: SystemView): Generator<{ node: string; state: AnyRaftState }> {
  for (const node of view.group('nodes')) {
    const state = view.state<AnyRaftState>(node);
    if (state) yield { node, state };
  }
}

/** Election Safety: at most one leader can be elected in a given term, over the whole run. */
export const electionSafety: Property = invariant('election safety', (view) => {
  const leaders = view.ghost('raft: leader of each term', () => new Map<number, string>());
  for (const { node, state } of servers(view)) {
    if (state.role !== 'leader') continue;
    const other = leaders.get(state.term);
    if (other === undefined) leaders.set(state.term, node);
    else if (other !== node) return `${other} and ${node} were both elected leader of term ${state.term}`;
  }
  return true;
});

function describeEntry(entry: Entry<unknown> | undefined): string {
  return entry === undefined ? 'nothing' : `term ${entry.term} ${JSON.stringify(entry.command)}`;
}

/**
 * State Machine Safety: once any server has committed an entry at an index, no
 * server ever commits a different entry at that index.
 */
export const committedEntriesStay: Property = invariant('committed entries never change', (view) => {
  const committed = view.ghost(
    'raft: committed entries',
    () => new Map<number, { entry: Entry<unknown>; node: string }>(),
  );
  for (const { node, state } of servers(view)) {
    for (let index = 1; index <= state.commitIndex; index++) {
      const entry = state.log[index - 1] as Entry<unknown>;
      const known = committed.get(index);
      if (known === undefined) committed.set(index, { entry, node });
      else if (
        known.entry !== entry &&
        (known.entry.term !== entry.term ||
          known.entry.request !== entry.request ||
          known.entry.client !== entry.client)
      ) {
        return `index ${index}: ${known.node} committed ${describeEntry(known.entry)}, ${node} committed ${describeEntry(entry)}`;
      }
    }
  }
  return true;
});

/** All of Raft's safety invariants. */
export const raftSafety: readonly Property[] = [electionSafety, committedEntriesStay];
