import { describe, expect, it } from 'vitest';
import { always, defineProtocol, nodeId, type NodeId } from '../core/index.js';
import { actorModel, type ActorSystem } from './actors.js';
import { check } from './check.js';
import { forgetIgnored } from './forget.js';

type Message =
  { readonly type: 'ping'; readonly round: number } | { readonly type: 'pong'; readonly round: number };
interface PingerState {
  round: number;
  acked: number;
}

/**
 * Pings round after round (up to 3) and takes only the pong of its current round: a pong of an
 * earlier round, or of a round already acknowledged, is ignored for ever (rounds only grow).
 */
const pinger = defineProtocol<PingerState, Message>({
  name: 'pinger',
  init: () => ({ round: 0, acked: 0 }),
  onBoot(context) {
    context.state.round = 1;
    context.send(nodeId('ponger'), { type: 'ping', round: 1 });
    context.setTimer('next', 10);
  },
  onMessage(context, _from, message) {
    if (
      message.type === 'pong' &&
      message.round === context.state.round &&
      message.round > context.state.acked
    )
      context.state.acked = message.round;
  },
  onTimer(context) {
    if (context.state.round >= 3) return;
    context.state.round++;
    context.send(nodeId('ponger'), { type: 'ping', round: context.state.round });
    context.setTimer('next', 10);
  },
});

const ponger = defineProtocol<Record<string, never>, Message>({
  name: 'ponger',
  init: () => ({}),
  onMessage(context, from, message) {
    if (message.type === 'ping') context.send(from, { type: 'pong', round: message.round });
  },
});

const pongIgnoredForEver = (state: PingerState, _from: NodeId, message: Message): boolean =>
  message.type !== 'pong' || message.round < state.round || message.round <= state.acked;

function system(acknowledgedMax: number): ActorSystem {
  return {
    nodes: { pinger, ponger },
    network: { semantics: 'unordered-duplicating' },
    properties: [
      always(
        `at most round ${acknowledgedMax} acknowledged`,
        (view) => (view.state<PingerState>('pinger')?.acked ?? 0) <= acknowledgedMax,
      ),
    ],
  };
}

describe('forgetIgnored', () => {
  it('explores fewer states, with the same verdict, when every property holds', () => {
    const full = check(actorModel(system(3)));
    const reduced = check(forgetIgnored(actorModel(system(3)), { pinger: pongIgnoredForEver }));
    expect(full).toMatchObject({ verdict: 'ok', complete: true });
    expect(reduced).toMatchObject({ verdict: 'ok', complete: true });
    expect(reduced.distinctStates).toBeLessThan(full.distinctStates);
  });

  it('finds the same violation with a counterexample of the same length, which replays in the full model', () => {
    const full = check(actorModel(system(2)));
    const reduced = check(forgetIgnored(actorModel(system(2)), { pinger: pongIgnoredForEver }));
    expect(full.verdict).toBe('violation');
    expect(reduced.verdict).toBe('violation');
    expect(reduced.path?.actions.length).toBe(full.path?.actions.length);
    // The reduced path is a path of the full model: its actions take the full model there too.
    const model = actorModel(system(2));
    let state = model.init()[0];
    for (const action of reduced.path?.actions ?? []) state = state && model.next(state, action);
    expect(state?.nodes['pinger']?.state).toEqual(reduced.path?.states.at(-1)?.nodes['pinger']?.state);
  });

  it('removes a dead message as it is sent, keeps the messages to a node that is down, refuses a fifo network', () => {
    const system3 = system(3);
    const model = forgetIgnored(
      actorModel({ ...system3, crashes: { max: 1, recover: true, nodes: ['pinger'] } }),
      {
        pinger: pongIgnoredForEver,
      },
    );
    const ping1 = {
      type: 'deliver',
      from: 'pinger',
      to: 'ponger',
      message: { type: 'ping', round: 1 },
    } as const;
    const [initial] = model.init();
    if (initial === undefined) throw new Error('no initial state');
    // The pinger moved on to round 2: the pong of round 1 is dead as it is sent.
    const moved = model.next(initial, { type: 'timer', node: 'pinger', name: 'next' });
    const answered = moved && model.next(moved, ping1);
    expect(answered?.network).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ to: 'pinger' })]),
    );
    // The pinger is down: its pong is kept, whatever its state was.
    const crashed = model.next(moved ?? initial, { type: 'crash', node: 'pinger' });
    const kept = crashed && model.next(crashed, ping1);
    expect(kept?.network).toContainEqual({
      from: 'ponger',
      to: 'pinger',
      message: { type: 'pong', round: 1 },
    });
    expect(() =>
      forgetIgnored(actorModel({ ...system3, network: { semantics: 'fifo' } }), { pinger: () => true }),
    ).toThrow('forgetIgnored: needs an unordered network');
  });
});
