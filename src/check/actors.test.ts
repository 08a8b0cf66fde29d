import { describe, expect, it } from 'vitest';
import { nodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { actorModel } from './actors.js';
import { check } from './check.js';
import { always, eventually } from '../core/index.js';

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

const delivered = eventually(
  'eventually delivered',
  (view) => view.state<{ delivered: boolean }>('receiver')?.delivered === true,
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
      properties: [always('never acked', (view) => view.state<{ acked: boolean }>('sender')?.acked !== true)],
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

  it('recovery is owed nothing by default: a receiver that crashes may stay down, though only recovering is enabled', () => {
    const system = {
      nodes: { sender: onceSender, receiver },
      network: { semantics: 'unordered' },
      properties: [delivered],
    } as const;
    const unfair = check(actorModel({ ...system, crashes: { max: 1, recover: true, nodes: ['receiver'] } }));
    expect(unfair.verdict).toBe('violation');
    // The behaviour stops with m in flight to a receiver that is down: nothing owed is enabled.
    expect(unfair.path?.actions).toEqual([{ type: 'crash', node: 'receiver' }]);
    expect(unfair.path?.cycleStart).toBeUndefined();
    const model = actorModel({
      ...system,
      crashes: { max: 1, recover: true, nodes: ['receiver'], fairRecovery: true },
    });
    // With fair recovery it comes back, and m (still in flight) must then be delivered.
    expect(check(model).verdict).toBe('ok');
    expect(
      model.trace({ states: [], actions: [] }, { scenario: 'fair', params: {} }).header.config,
    ).toMatchObject({ crashes: 1, fairRecovery: true });
    expect(() => actorModel({ ...system, crashes: { max: 1, fairRecovery: true } })).toThrow(
      /fairRecovery needs crashes.recover/,
    );
  });

  it('a Byzantine node may send any message of its finite universe: a forged ack fools the naive sender', () => {
    const model = actorModel({
      nodes: { sender: onceSender, receiver },
      network: { semantics: 'unordered' },
      byzantine: { mallory: [{ to: 'sender', message: { type: 'ack' } }] },
      properties: [
        always('acked only after delivery', (view) => {
          const acked = view.state<{ acked: boolean }>('sender')?.acked === true;
          return !acked || view.state<{ delivered: boolean }>('receiver')?.delivered === true;
        }),
      ],
    });
    const result = check(model);
    expect(result.verdict).toBe('violation');
    expect(result.path?.actions).toEqual([
      { type: 'inject', from: 'mallory', to: 'sender', message: { type: 'ack' } },
      { type: 'deliver', from: 'mallory', to: 'sender', message: { type: 'ack' } },
    ]);
  });

  it('symmetry over interchangeable nodes merges their permutations and keeps the verdict', () => {
    const receiverOf = (id: string) =>
      defineProtocol<{ delivered: boolean }, Message>({
        name: `receiver-${id}`,
        init: () => ({ delivered: false }),
        onMessage(context, from) {
          context.state.delivered = true;
          context.send(from, { type: 'ack' });
        },
      });
    const broadcaster = defineProtocol<{ acked: number }, Message>({
      name: 'broadcaster',
      init: () => ({ acked: 0 }),
      onBoot(context) {
        context.send(nodeId('r1'), { type: 'm' });
        context.send(nodeId('r2'), { type: 'm' });
      },
      onMessage(context) {
        context.state.acked++;
      },
    });
    const system = {
      nodes: { s: broadcaster, r1: receiverOf('r'), r2: receiverOf('r') },
      network: { semantics: 'unordered' as const },
      properties: [
        always('at most two acks', (view) => (view.state<{ acked: number }>('s')?.acked ?? 0) <= 2),
      ],
    };
    const full = check(actorModel(system), { symmetry: false });
    const reduced = check(actorModel({ ...system, interchangeable: [['r1', 'r2']] }), { symmetry: true });
    expect(full.verdict).toBe('ok');
    expect(reduced.verdict).toBe('ok');
    expect(reduced.distinctStates).toBeLessThan(full.distinctStates);
  });
});

describe('successor states', () => {
  it("keep a node's timer list when the step sets and cancels none, and the network sorted with every copy", () => {
    const model = actorModel({
      nodes: { sender: stubbornSender, receiver },
      network: { semantics: 'unordered', copiesMax: 2 },
      properties: [],
    });
    const [initial] = model.init();
    if (initial === undefined) throw new Error('no initial state');
    // The receiver's delivery sets no timer: its list is the very one it had (no new part).
    const deliver = { type: 'deliver', from: 'sender', to: 'receiver', message: { type: 'm' } } as const;
    const after = model.next(initial, deliver);
    expect(after?.nodes['receiver']?.timers).toBe(initial.nodes['receiver']?.timers);
    // The sender's timer fires and resends: two copies of one message, sorted after the ack.
    const fire = model.next(after as typeof initial, { type: 'timer', node: 'sender', name: 'resend' });
    const resent = fire && model.next(fire, { type: 'timer', node: 'sender', name: 'resend' });
    const network = (resent?.network ?? []) as readonly { from: string; to: string }[];
    expect(network.map((envelope) => `${envelope.from}->${envelope.to}`)).toEqual([
      'receiver->sender',
      'sender->receiver',
      'sender->receiver',
    ]);
  });
});

describe('ignored deliveries', () => {
  /** Counts pings once it is open; ignores them before. Opening comes from a second sender. */
  const gate = defineProtocol<{ open: boolean; pings: number }, { readonly type: 'ping' | 'open' }>({
    name: 'gate',
    init: () => ({ open: false, pings: 0 }),
    onMessage(context, _from, message) {
      if (message.type === 'open') context.state.open = true;
      else if (context.state.open) context.state.pings++;
    },
  });
  const sender = (type: 'ping' | 'open') =>
    defineProtocol<null, { readonly type: 'ping' | 'open' }>({
      name: `send-${type}`,
      init: () => null,
      onBoot(context) {
        context.send(nodeId('gate'), { type });
      },
    });
  const system = (ignoredDeliveries?: 'stay-in-flight' | 'consumed') => ({
    nodes: { gate, pinger: sender('ping'), opener: sender('open') },
    network: { semantics: 'unordered' as const, ...(ignoredDeliveries ? { ignoredDeliveries } : {}) },
    properties: [
      always('never a ping counted', (view) => view.state<{ pings: number }>('gate')?.pings === 0),
    ],
  });

  it('stay in flight by default on the unordered network: no transition, the same violation, as short', () => {
    const stay = check(actorModel(system()));
    const consumed = check(actorModel(system('consumed')));
    expect(actorModel(system()).network).toEqual({
      semantics: 'unordered',
      lossy: false,
      copiesMax: 1,
      ignoredDeliveries: 'stay-in-flight',
    });
    expect(stay.verdict).toBe('violation');
    expect(consumed.verdict).toBe('violation');
    expect(stay.path?.actions).toHaveLength(consumed.path?.actions.length ?? -1);
    // Consuming adds the state where the early ping is gone; staying does not.
    expect(stay.distinctStates).toBeLessThan(consumed.distinctStates);
  });

  it('that stay in flight are not listed as actions; consumed ones are', () => {
    const listed = (ignoredDeliveries?: 'consumed') => {
      const model = actorModel(system(ignoredDeliveries));
      const [initial] = model.init();
      if (initial === undefined) throw new Error('no initial state');
      const out: { type: string; from?: string }[] = [];
      model.actions(initial, out as never);
      return out.map((action) => `${action.type} from ${action.from}`);
    };
    // The closed gate ignores the ping: no transition, so no action.
    expect(listed()).toEqual(['deliver from opener']);
    expect(listed('consumed')).toEqual(['deliver from opener', 'deliver from pinger']);
  });

  it('are consumed by default when the system has eventually properties, and always on fifo', () => {
    const live = { ...system(), properties: [eventually('opened', () => true)] };
    expect(actorModel(live).network.ignoredDeliveries).toBe('consumed');
    expect(actorModel({ ...system(), network: { semantics: 'fifo' } }).network.ignoredDeliveries).toBe(
      'consumed',
    );
    expect(() =>
      actorModel({ ...system(), network: { semantics: 'fifo', ignoredDeliveries: 'stay-in-flight' } }),
    ).toThrow(/needs an unordered network/);
  });
});
