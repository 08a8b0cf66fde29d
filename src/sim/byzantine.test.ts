import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../core/index.js';
import { InputError } from '../core/index.js';
import { installGlobalGuard } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { findPlainViolation, plainToJson } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import type { Signature } from '../core/index.js';
import { alterForRecipient, byzantine } from './byzantine.js';
import type { ByzantineBehaviour, ByzantineTools } from './byzantine-types.js';
import { randomStream } from '../core/index.js';
import { simulate, type SimulationConfig } from './simulator.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'] as NodeId[];

function tools(seed = 1, id = 'n3'): ByzantineTools {
  return {
    id: id as NodeId,
    nodes,
    peers: nodes.filter((node) => node !== id),
    random: randomStream(seed, 'byzantine'),
    now: 0,
    sign: (value) => `${id}:${plainToJson(value)}` as Signature,
  };
}

function frozen<T>(value: T): T {
  findPlainViolation(value, true);
  return value;
}

function sends(effects: readonly Effect[]): { to: string; message: unknown }[] {
  return effects.flatMap((effect) =>
    effect.kind === 'send' ? [{ to: effect.to, message: effect.message }] : [],
  );
}

/** A scalar, a null or a non-empty array anywhere (Map values included): what mutate can alter. */
function hasSomethingToAlter(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return [...(value as Map<unknown, unknown>).values()].some(hasSomethingToAlter);
  return Object.values(value).some(hasSomethingToAlter);
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return true;
  if (!Object.isFrozen(value)) return false;
  if (value instanceof Map)
    return [...(value as Map<unknown, unknown>)].every(
      ([key, entry]) => isDeepFrozen(key) && isDeepFrozen(entry),
    );
  if (value instanceof Set) return [...(value as Set<unknown>)].every(isDeepFrozen);
  return Object.values(value).every(isDeepFrozen);
}

const vote = frozen({ type: 'vote', round: 4, value: 'yes', ok: true, voters: ['n1', 'n2'] });
const broadcastVote: Effect[] = [
  { kind: 'log', text: 'voting' },
  ...nodes.filter((node) => node !== 'n3').map((to): Effect => ({ kind: 'send', to, message: vote })),
  { kind: 'timer-set', name: 't', min: 1, max: 1, data: null },
];

/** A plain message generator for properties. */
const message = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(fc.string(), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
})).value;

describe('byzantine.silent', () => {
  it('drops every send and keeps every other effect', () => {
    expect(byzantine.silent().transform(broadcastVote, tools())).toEqual([
      broadcastVote[0],
      broadcastVote[5],
    ]);
  });
});

describe('byzantine.equivocate', () => {
  it('gives each recipient of one message a different value of the same field', () => {
    const out = byzantine.equivocate().transform(broadcastVote, tools());
    const messages = sends(out).map((send) => send.message as typeof vote);
    expect(messages).toHaveLength(4);
    expect(new Set(messages.map((entry) => plainToJson(entry))).size).toBe(4);
    // Only one field differs across recipients, and never the discriminant.
    const differing = Object.keys(vote).filter(
      (key) => new Set(messages.map((entry) => plainToJson(entry[key as keyof typeof vote]))).size > 1,
    );
    expect(differing).toHaveLength(1);
    expect(messages.every((entry) => entry.type === 'vote')).toBe(true);
    // Other effects pass unchanged, in place.
    expect(out[0]).toBe(broadcastVote[0]);
    expect(out[5]).toBe(broadcastVote[5]);
  });

  it('alters by recipient rank: distinct recipients, distinct numbers and strings; rank 0 unchanged', () => {
    const base = { round: 10, name: 'a' };
    expect(alterForRecipient(base, 0, 0)).toBe(base);
    expect(alterForRecipient(base, 1, 0)).toEqual({ round: 11, name: 'a' });
    expect(alterForRecipient(base, 3, 0)).toEqual({ round: 13, name: 'a' });
    expect(alterForRecipient(base, 2, 0.99)).toEqual({ round: 10, name: 'a#2' });
    expect(alterForRecipient({ type: 'ping' }, 1, 0)).toEqual({ type: 'ping#1' });
    expect(alterForRecipient({ flag: true }, 1, 0)).toEqual({ flag: false });
    expect(alterForRecipient({ big: 5n }, 2, 0)).toEqual({ big: 7n });
    expect(alterForRecipient(new Map([['k', 1]]), 2, 0)).toEqual(new Map([['k', 3]]));
    expect(alterForRecipient(7, 2, 0)).toBe(9);
    expect(alterForRecipient({}, 2, 0)).toEqual({});
  });

  it('never changes the original message, and keeps what it sends plain and frozen', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 1000 }), (original, seed) => {
        frozen(original);
        const before = plainToJson(original);
        const effects: Effect[] = nodes.map((to) => ({ kind: 'send', to, message: original }));
        const out = byzantine.equivocate().transform(effects, tools(seed));
        expect(plainToJson(original)).toBe(before);
        for (const send of sends(out)) {
          expect(findPlainViolation(send.message)).toBeUndefined();
          expect(isDeepFrozen(send.message)).toBe(true);
        }
      }),
    );
  });

  it('uses a variant of your own', () => {
    const behaviour = byzantine.equivocate({
      variant: (_message, recipient) => ({ type: 'vote', value: recipient }),
    });
    expect(sends(behaviour.transform(broadcastVote, tools())).map((send) => send.message)).toEqual([
      { type: 'vote', value: 'n1' },
      { type: 'vote', value: 'n2' },
      { type: 'vote', value: 'n4' },
      { type: 'vote', value: 'n5' },
    ]);
  });

  it('refuses a variant that makes a message not plain', () => {
    const behaviour = byzantine.equivocate({ variant: () => ({ at: new Date(0) }) });
    expect(() => behaviour.transform(broadcastVote, tools())).toThrow(InputError);
    expect(() => behaviour.transform(broadcastVote, tools())).toThrow(
      /^byzantine\.equivocate on n3: message to n1 is not plain at at: an instance of Date/,
    );
    expect(() => byzantine.equivocate({ variant: 3 as never })).toThrow(InputError);
  });
});

describe('byzantine.replay', () => {
  it('re-sends remembered messages, at random steps, to random peers', () => {
    const behaviour = byzantine.replay({ probability: 0.5 });
    const tool = tools(2);
    const seen = ['a', 'b', 'c'].map((text) => frozen({ text }));
    seen.forEach((entry, index) => behaviour.observe?.(nodes[index] as NodeId, entry, tool));
    const replayed: { to: string; message: unknown }[] = [];
    for (let step = 0; step < 400; step++) {
      const out = behaviour.transform([{ kind: 'log', text: 'step' }], tool);
      expect(out[0]).toEqual({ kind: 'log', text: 'step' });
      replayed.push(...sends(out));
    }
    // About half the steps replay one message.
    expect(replayed.length).toBeGreaterThan(150);
    expect(replayed.length).toBeLessThan(250);
    for (const { message } of replayed) expect(seen).toContain(message);
    expect(new Set(replayed.map((send) => send.to))).toEqual(new Set(['n1', 'n2', 'n4', 'n5']));
    expect(new Set(replayed.map((send) => (send.message as { text: string }).text))).toEqual(
      new Set(['a', 'b', 'c']),
    );
  });

  it('replays nothing before it has seen anything, and keeps the protocol’s own effects', () => {
    const behaviour = byzantine.replay({ probability: 1 });
    expect(behaviour.transform(broadcastVote, tools())).toEqual(broadcastVote);
  });

  it('remembers at most `memory` messages', () => {
    const behaviour = byzantine.replay({ probability: 1, memory: 2 });
    const tool = tools(3);
    for (let index = 0; index < 50; index++) behaviour.observe?.('n1' as NodeId, index, tool);
    const replayed = new Set<unknown>();
    for (let step = 0; step < 200; step++)
      for (const send of sends(behaviour.transform([], tool))) replayed.add(send.message);
    expect(replayed.size).toBeLessThanOrEqual(2);
  });

  it('refuses bad options', () => {
    expect(() => byzantine.replay({ probability: 2 })).toThrow(
      'byzantine.replay: probability must be a probability in [0, 1], got 2',
    );
    expect(() => byzantine.replay({ memory: 0 })).toThrow(
      'byzantine.replay: memory must be a whole number >= 1, got 0',
    );
  });
});

describe('byzantine.mutate', () => {
  it('with probability 1 alters every message that has anything to alter, into a plain, frozen value', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 10_000 }), (original, seed) => {
        frozen(original);
        const before = plainToJson(original);
        const out = byzantine
          .mutate({ probability: 1 })
          .transform([{ kind: 'send', to: 'n1' as NodeId, message: original }], tools(seed));
        const [altered] = sends(out);
        expect(plainToJson(original)).toBe(before);
        expect(findPlainViolation(altered?.message)).toBeUndefined();
        expect(isDeepFrozen(altered?.message)).toBe(true);
        expect(plainToJson(altered?.message) !== before).toBe(hasSomethingToAlter(original));
      }),
      { numRuns: 300 },
    );
  });

  it.each([0, 1e300, Number.NaN, Infinity, '', 'a', true, null, [1], [[]]])(
    'always changes %j',
    (original) => {
      for (let seed = 0; seed < 50; seed++) {
        const out = byzantine
          .mutate({ probability: 1 })
          .transform([{ kind: 'send', to: 'n1' as NodeId, message: original }], tools(seed));
        expect(plainToJson(sends(out)[0]?.message)).not.toBe(plainToJson(original));
      }
    },
  );

  it('reaches numbers, strings, booleans and array elements', () => {
    const original = frozen({ n: 1, s: 'text', b: true, list: ['x', 'y', 'z'] });
    const changed = new Set<string>();
    const behaviour = byzantine.mutate({ probability: 1 });
    const tool = tools(4);
    for (let step = 0; step < 200; step++) {
      const altered = sends(
        behaviour.transform([{ kind: 'send', to: 'n1' as NodeId, message: original }], tool),
      )[0]?.message as typeof original;
      for (const key of Object.keys(original) as (keyof typeof original)[]) {
        if (plainToJson(altered[key]) !== plainToJson(original[key])) changed.add(key);
      }
    }
    expect(changed).toEqual(new Set(['n', 's', 'b', 'list']));
  });

  it('with probability p alters about a fraction p of messages, and 0 alters none', () => {
    const original = frozen({ value: 1 });
    const effects: Effect[] = Array.from({ length: 10_000 }, () => ({
      kind: 'send',
      to: 'n1' as NodeId,
      message: original,
    }));
    const altered = sends(byzantine.mutate({ probability: 0.3 }).transform(effects, tools(5))).filter(
      (send) => send.message !== original,
    );
    expect(Math.abs(altered.length - 3000)).toBeLessThan(5 * Math.sqrt(10_000 * 0.3 * 0.7));
    expect(byzantine.mutate({ probability: 0 }).transform(effects, tools(5))).toEqual(effects);
  });

  it('can apply several alterations, and refuses bad options', () => {
    const original = frozen({ a: 1, b: 2, c: 3, d: 4 });
    const out = sends(
      byzantine
        .mutate({ probability: 1, alterations: 20 })
        .transform([{ kind: 'send', to: 'n2' as NodeId, message: original }], tools(6)),
    );
    const altered = out[0]?.message as Record<string, number>;
    expect(
      Object.keys(original).filter((key) => altered[key] !== original[key as keyof typeof original]).length,
    ).toBeGreaterThan(1);
    expect(() => byzantine.mutate({ probability: -1 })).toThrow(
      'byzantine.mutate: probability must be a probability in [0, 1], got -1',
    );
    expect(() => byzantine.mutate({ alterations: 0 })).toThrow(
      'byzantine.mutate: alterations must be a whole number >= 1, got 0',
    );
  });
});

describe('byzantine.custom', () => {
  it('runs your transform and observer', () => {
    const observed: string[] = [];
    const behaviour = byzantine.custom(
      'double',
      (effects) =>
        effects.flatMap((effect): Effect[] => (effect.kind === 'send' ? [effect, effect] : [effect])),
      (from, message) => observed.push(`${from}:${String(message)}`),
    );
    expect(behaviour.name).toBe('double');
    behaviour.observe?.('n1' as NodeId, 'hi', tools());
    expect(observed).toEqual(['n1:hi']);
    expect(sends(behaviour.transform(broadcastVote, tools()))).toHaveLength(8);
  });

  it('checks what the transform returns', () => {
    const sendTo = (to: string, payload: unknown) =>
      byzantine.custom('bad', () => [{ kind: 'send', to: to as NodeId, message: payload }]);
    expect(() => sendTo('n9', 1).transform([], tools())).toThrow(
      'byzantine.custom(\'bad\') on n3: sends to "n9", a node it cannot know',
    );
    expect(() => sendTo('n1', { f: () => 0 }).transform([], tools())).toThrow(
      "byzantine.custom('bad') on n3: message to n1 is not plain at f: a function",
    );
    expect(() => byzantine.custom('x', () => 'no' as never).transform([], tools())).toThrow(
      /transform must return an array/,
    );
    expect(() => byzantine.custom('x', () => [{ kind: 'explode' } as never]).transform([], tools())).toThrow(
      /not an effect/,
    );
    expect(() => byzantine.custom('', () => [])).toThrow(InputError);
    expect(() => byzantine.custom('x', 1 as never)).toThrow(
      "byzantine.custom('x'): transform must be a function",
    );
  });

  it('may send to a node outside the group that it heard from', () => {
    const behaviour = byzantine.custom('echo', () => [
      { kind: 'send', to: 'client' as NodeId, message: 'x' },
    ]);
    expect(() => behaviour.transform([], tools())).toThrow(InputError);
    behaviour.observe?.('client' as NodeId, 'hello', tools());
    expect(sends(behaviour.transform([], tools()))).toEqual([{ to: 'client', message: 'x' }]);
  });
});

describe('every behaviour', () => {
  const all: [string, () => ByzantineBehaviour][] = [
    ['silent', byzantine.silent],
    ['equivocate', byzantine.equivocate],
    ['replay', () => byzantine.replay({ probability: 0.5 })],
    ['mutate', byzantine.mutate],
  ];

  it.each(all)(
    '%s draws only from tools.random: same stream, same output; no global randomness',
    (_name, make) => {
      const runOnce = (seed: number) => {
        const behaviour = make();
        const tool = tools(seed);
        const restore = installGlobalGuard();
        try {
          const out: unknown[] = [];
          for (let step = 0; step < 30; step++) {
            behaviour.observe?.('n1' as NodeId, { step }, tool);
            out.push(behaviour.transform(broadcastVote, tool));
          }
          return plainToJson(
            out.map((effects) =>
              (effects as Effect[]).map((effect) => ('message' in effect ? effect.message : effect.kind)),
            ),
          );
        } finally {
          restore();
        }
      };
      expect(runOnce(7)).toBe(runOnce(7));
    },
  );

  it.each(all)(
    '%s is usable directly as a NodeSpec factory, with its name in the trace header',
    (name, make) => {
      const protocol = defineProtocol({ name: 'p', init: () => null });
      const result = simulate(
        { nodes: { n1: protocol, n2: { protocol, byzantine: make } }, durationMs: 1 },
        { seed: 1, trace: true },
      );
      expect(result.trace?.header.nodes[1]).toEqual({
        id: 'n2',
        protocol: 'p',
        group: 'nodes',
        byzantine: name,
      });
    },
  );
});

// --- In a run. ---

interface Signed {
  readonly type: 'signed';
  /** Who signed it (a relay may carry a message signed by someone else). */
  readonly signer: NodeId;
  readonly round: number;
  readonly value: string;
  readonly signature: Signature;
}

/** What a voter made of one message. */
interface Received {
  readonly from: string;
  readonly signer: string;
  /** The round the message claims, and the receiver's round when it arrived. */
  readonly round: number;
  readonly myRound: number;
  /** Whether the signature is the claimed signer's, for exactly (round, value). */
  readonly genuine: boolean;
  readonly accepted: boolean;
}

interface VoterState {
  round: number;
  received: Received[];
}

/**
 * Every 10 ms a new round: each node signs (round, value) and broadcasts it.
 * A receiver accepts a message only if its signature is the claimed signer's
 * for exactly (round, value) and the round is the receiver's current round.
 */
const voter = defineProtocol<VoterState, Signed>({
  name: 'signed-voter',
  init: () => ({ round: 0, received: [] }),
  onBoot: (ctx) => ctx.setTimer('round', 10),
  onTimer: (ctx) => {
    ctx.state.round++;
    const round = ctx.state.round;
    const value = `${ctx.id}-says-${round}`;
    ctx.broadcast({ type: 'signed', signer: ctx.id, round, value, signature: ctx.sign({ round, value }) });
    ctx.setTimer('round', 10);
  },
  onMessage: (ctx, from, message) => {
    const genuine =
      message?.type === 'signed' &&
      typeof message.signer === 'string' &&
      ctx.nodes.includes(message.signer) &&
      ctx.verify(message.signer, { round: message.round, value: message.value }, message.signature);
    const myRound = ctx.state.round;
    const signer = typeof message?.signer === 'string' ? message.signer : '?';
    const round = typeof message?.round === 'number' ? message.round : -1;
    ctx.state.received.push({
      from,
      signer,
      round,
      myRound,
      genuine,
      accepted: genuine && round === myRound,
    });
  },
});

const fromN3 = (entry: Received) => entry.from === 'n3';

function runVoters(behaviour: () => ByzantineBehaviour, seed: number) {
  const states = new Map<string, VoterState>();
  const config: SimulationConfig = {
    nodes: { n1: voter, n2: voter, n3: { protocol: voter, byzantine: behaviour }, n4: voter },
    network: { delay: 2 },
    durationMs: 300,
    stopWhen: (view) => {
      for (const node of view.nodes) states.set(node, view.state<VoterState>(node) as VoterState);
      return false;
    },
  };
  const result = simulate(config, { seed, trace: true });
  expect(result.ok).toBe(true);
  return { states, events: result.trace?.events ?? [] };
}

describe('Byzantine nodes cannot forge signatures', () => {
  it('a correct node rejects every mutated message of a Byzantine node', () => {
    for (let seed = 0; seed < 5; seed++) {
      const { states } = runVoters(() => byzantine.mutate({ probability: 1 }), seed);
      for (const node of ['n1', 'n2', 'n4']) {
        const received = (states.get(node) as VoterState).received;
        expect(received.filter(fromN3).length).toBeGreaterThan(20);
        expect(received.filter((entry) => fromN3(entry) && entry.accepted)).toEqual([]);
        // Correct nodes are accepted: the protocol does not simply reject everything.
        expect(received.filter((entry) => !fromN3(entry) && entry.accepted).length).toBeGreaterThan(50);
      }
    }
  });

  it('a replayed message keeps its genuine signature, and is rejected out of its context', () => {
    const { states } = runVoters(() => byzantine.replay({ probability: 1 }), 3);
    let outOfContext = 0;
    let relayedToOthers = 0;
    for (const node of ['n1', 'n2', 'n4']) {
      const replays = (states.get(node) as VoterState).received.filter(
        (entry) => fromN3(entry) && entry.signer !== 'n3',
      );
      // Replay cannot alter a signed message, so the signature still verifies for its true signer...
      expect(replays.every((entry) => entry.genuine)).toBe(true);
      // ...and only the round check stops it: a replay from an earlier round is never accepted.
      for (const entry of replays) expect(entry.accepted).toBe(entry.round === entry.myRound);
      outOfContext += replays.filter((entry) => entry.round < entry.myRound).length;
      relayedToOthers += replays.filter((entry) => entry.signer !== node).length;
    }
    expect(outOfContext).toBeGreaterThan(20);
    expect(relayedToOthers).toBeGreaterThan(10);
  });

  it('an equivocating node’s altered copies fail verification; its unaltered copy passes', () => {
    const { states } = runVoters(byzantine.equivocate, 1);
    const accepted = ['n1', 'n2', 'n4'].map(
      (node) =>
        (states.get(node) as VoterState).received.filter((entry) => fromN3(entry) && entry.accepted).length,
    );
    // Rank 0 (n1) gets the message unchanged; n2 and n4 get altered copies and reject them all.
    expect(accepted[0]).toBeGreaterThan(20);
    expect(accepted.slice(1)).toEqual([0, 0]);
  });

  it('a Byzantine node can sign only as itself', () => {
    let madeByN3: { value: unknown; signature: Signature } | undefined;
    const results: boolean[] = [];
    const checker = defineProtocol({
      name: 'checker',
      init: () => null,
      onBoot: (ctx) => ctx.setTimer('check', 5),
      onTimer: (ctx) => {
        if (ctx.id !== 'n1' || !madeByN3) return;
        results.push(
          ctx.verify('n3' as NodeId, madeByN3.value, madeByN3.signature),
          ctx.verify('n2' as NodeId, madeByN3.value, madeByN3.signature),
          ctx.verify('n3' as NodeId, { other: 1 }, madeByN3.signature),
        );
      },
    });
    const thief = byzantine.custom('thief', (effects, tool) => {
      // The tools offer `sign(value)` and nothing that takes a signer.
      expect(tool.sign.length).toBe(1);
      madeByN3 = {
        value: { round: 1, value: 'n2-says-1' },
        signature: tool.sign({ round: 1, value: 'n2-says-1' }),
      };
      return effects;
    });
    simulate(
      {
        nodes: { n1: checker, n2: checker, n3: { protocol: voter, byzantine: () => thief } },
        durationMs: 20,
      },
      { seed: 1 },
    );
    expect(results).toEqual([true, false, false]);
  });

  it('a silent node receives but sends nothing', () => {
    const { states, events } = runVoters(byzantine.silent, 1);
    expect(events.some((event) => event.type === 'send' && event.node === 'n3')).toBe(false);
    expect(
      (states.get('n3') as VoterState).received.filter((entry) => entry.accepted).length,
    ).toBeGreaterThan(50);
  });
});
