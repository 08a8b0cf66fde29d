import { describe, expect, it } from 'vitest';
import { nodeId } from '../core/ids.js';
import { defineProtocol } from '../core/protocol.js';
import { actorModel, nodeState, type ActorState } from './actors.js';
import { check } from './check.js';
import { always, eventually } from './model.js';

const receiverId = nodeId('receiver');

type Message = { readonly type: 'm' } | { readonly type: 'ack' };

/** The lecture's stubborn sender, with finite state: it only remembers whether it saw an ack. */
const stubbornSender = defineProtocol<{ acked: boolean }, Message>({
  name: 'stubborn-sender',
  init: () => ({ acked: false }),
  onBoot(context) {
    context.send(receiverId, { type: 'm' });
    context.setTimer('resend', 10);
  },
  onMessage(context) {
    context.state.acked = true;
    context.cancelTimer('resend');
  },
  onTimer(context) {
    if (context.state.acked) return;
    context.send(receiverId, { type: 'm' });
    context.setTimer('resend', 10);
  },
});

/** Sends once and never again. */
const onceSender = defineProtocol<{ acked: boolean }, Message>({
  name: 'once-sender',
  init: () => ({ acked: false }),
  onBoot(context) {
    context.send(receiverId, { type: 'm' });
  },
  onMessage(context) {
    context.state.acked = true;
  },
});

const receiver = defineProtocol<{ delivered: boolean }, Message>({
  name: 'receiver',
  init: () => ({ delivered: false }),
  onMessage(context, from) {
    context.state.delivered = true;
    context.send(from, { type: 'ack' });
  },
});

const delivered = eventually<ActorState>(
  'eventually delivered',
  (state) => nodeState<{ delivered: boolean }>(state, 'receiver')?.delivered === true,
);

describe('actor systems as models', () => {
  it('retransmit-until-ack satisfies "eventually delivered" on a lossy network, although unfair runs drop every copy', () => {
    const model = actorModel({
      nodes: { sender: stubbornSender, receiver },
      network: { semantics: 'unordered', lossy: true },
      properties: [delivered],
    });
    const result = check(model);
    expect(result.verdict).toBe('ok');
    // The unfair behaviour exists: from the start, dropping m and resending forever is a cycle.
    expect(result.distinctStates).toBeGreaterThan(3);
  });

  it('a sender that sends only once violates it, with a fair counterexample: m is dropped', () => {
    const model = actorModel({
      nodes: { sender: onceSender, receiver },
      network: { semantics: 'unordered', lossy: true },
      properties: [delivered],
    });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('eventually delivered');
    expect(result.path?.actions).toEqual([
      { type: 'drop', from: 'sender', to: 'receiver', message: { type: 'm' } },
    ]);
    const trace = model.trace(result.path as NonNullable<typeof result.path>, {
      scenario: 'once',
      params: {},
    });
    expect(trace.events.map((event) => event.type)).toEqual(['boot', 'boot', 'send', 'drop']);
  });

  it('invariants get the shortest counterexample, in the simulator trace format', () => {
    const model = actorModel({
      nodes: { sender: stubbornSender, receiver },
      network: { semantics: 'unordered', lossy: true },
      properties: [
        always<ActorState>(
          'never acked',
          (state) => nodeState<{ acked: boolean }>(state, 'sender')?.acked !== true,
        ),
      ],
    });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.path?.actions.map((action) => action.type)).toEqual(['deliver', 'deliver']);
    const trace = model.trace(result.path as NonNullable<typeof result.path>, {
      scenario: 'ack',
      params: {},
    });
    expect(
      trace.events
        .filter((event) => event.type === 'deliver')
        .map((event) => ('msg' in event ? event.msg : '')),
    ).toEqual(['m1', 'm2']);
  });

  it('crashes within a budget: a crashed receiver never delivers, which is not a fairness violation', () => {
    const model = actorModel({
      nodes: { sender: stubbornSender, receiver },
      network: { semantics: 'unordered', lossy: true },
      crashes: { max: 1, nodes: ['receiver'] },
      properties: [delivered],
    });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.path?.actions.some((action) => action.type === 'crash')).toBe(true);
  });
});
