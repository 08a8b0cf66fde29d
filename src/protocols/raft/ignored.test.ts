import { describe, expect, it } from 'vitest';
import { CHECK_SETTINGS, raftCheckModel, type RaftCheckSettings } from '../../../examples/raft-check.js';
import type { ActorAction, ActorState } from '../../check/index.js';
import type { MessageInFlight } from '../../core/index.js';
import { fingerprint } from '../../check/index.js';
import type { NodeId } from '../../core/index.js';
import { raftClientIgnoresForever, raftServerIgnoresForever } from './ignored.js';
import type { RaftMessage } from './messages.js';

/** Whether `envelope`'s receiver, up in `state`, ignores it for ever by the rules under test. */
function dead(state: ActorState, envelope: MessageInFlight): boolean {
  const node = state.nodes[envelope.to];
  if (node?.status !== 'up' || node.state === null) return false;
  const message = envelope.message as RaftMessage<unknown, unknown>;
  return envelope.to.startsWith('n')
    ? raftServerIgnoresForever(node.state as never, envelope.from as NodeId, message)
    : raftClientIgnoresForever(node.state as never, envelope.from as NodeId, message);
}

const sameEnvelope = (a: MessageInFlight, b: MessageInFlight): boolean =>
  a.from === b.from && a.to === b.to && fingerprint(a.message) === fingerprint(b.message);

/**
 * Breadth-first over the model without forgetting (the first `statesMax` states), checking the
 * two halves of "ignored for ever": a message judged dead is not delivered (its delivery is
 * ignored, so the model lists no such action) and is still judged dead in every successor
 * where it is, across a crash and recovery of its receiver too.
 */
function checkRules(settings: RaftCheckSettings, statesMax: number): { states: number; dead: number } {
  const model = raftCheckModel({ ...settings, forget: false });
  const frontier = [...model.init()];
  const seen = new Set(frontier.map((state) => fingerprint(state)));
  /** Per state after a crash: the messages that were dead for the crashed node before it. */
  const deadBeforeCrash = new Map<bigint, MessageInFlight[]>();
  let judged = 0;
  const actions: ActorAction[] = [];
  for (let index = 0; index < frontier.length && seen.size < statesMax; index++) {
    const state = frontier[index] as ActorState;
    if (!(model.within?.(state) ?? true)) continue;
    const network = state.network as readonly MessageInFlight[];
    const deadHere = network.filter((envelope) => dead(state, envelope));
    judged += deadHere.length;
    actions.length = 0;
    model.actions(state, actions);
    for (const action of actions) {
      if (action.type === 'deliver')
        expect(deadHere.some((envelope) => sameEnvelope(envelope, action))).toBe(false);
      const after = model.next(state, action);
      if (after === undefined) continue;
      const inAfter = (envelope: MessageInFlight): boolean =>
        (after.network as readonly MessageInFlight[]).some((other) => sameEnvelope(other, envelope));
      for (const envelope of deadHere) {
        if (after.nodes[envelope.to]?.status === 'up' && inAfter(envelope))
          expect(dead(after, envelope)).toBe(true);
      }
      const key = fingerprint(after);
      if (action.type === 'crash') {
        const list = deadBeforeCrash.get(key) ?? [];
        list.push(...deadHere.filter((envelope) => envelope.to === action.node));
        deadBeforeCrash.set(key, list);
      }
      if (action.type === 'recover') {
        for (const envelope of deadBeforeCrash.get(fingerprint(state)) ?? [])
          if (inAfter(envelope)) expect(dead(after, envelope)).toBe(true);
      }
      if (!seen.has(key)) {
        seen.add(key);
        frontier.push(after);
      }
    }
  }
  return { states: seen.size, dead: judged };
}

describe('the messages a Raft server or client ignores for ever', () => {
  it.each(['commit-old-terms', 'stale-reads', 'volatile-vote'] as const)(
    '%s bounds: a message judged dead is never delivered, and stays dead',
    (bug) => {
      const { states, dead: judged } = checkRules({ ...CHECK_SETTINGS[bug], bug }, 2_500);
      expect(states).toBeGreaterThanOrEqual(2_500);
      // The rules have something to say on these paths.
      expect(judged).toBeGreaterThan(0);
    },
  );
});
