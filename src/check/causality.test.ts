/**
 * Happened-before between recorded events (`context.record`, `view.happenedBefore`), judged by
 * both engines: on random runs it is exactly the transitive closure of program order and
 * send -> receive; one property judges the clocks example alike in `fairlink sim` and
 * `fairlink check`; and planted clock bugs are found by both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import clocksScenario from '../../examples/clocks.js';
import {
  always,
  defineProtocol,
  invariant,
  nodeId,
  type NodeId,
  type Protocol,
  type RecordedEvent,
  type SystemView,
} from '../core/index.js';
import { exponential, simulate } from '../sim/index.js';
import { actorModel, type ActorAction, type ActorState } from './actors.js';
import { check } from './check.js';
import type { Model } from './model.js';

// --- A protocol that does random things, and notes what it did for the oracle. ---

/** What a node does: record an event, or send a message that asks its receiver to do `then`. */
type Act =
  { readonly kind: 'record' } | { readonly kind: 'send'; readonly to: number; readonly then: readonly Act[] };

/** What a node did, in program order: a record (its index), a send or a receive (the message id). */
type Done = readonly ['record', number] | readonly ['send', string] | readonly ['receive', string];

interface RandomState {
  step: number;
  sent: number;
  records: number;
  done: Done[];
}

interface RandomMessage {
  readonly id: string;
  readonly then: readonly Act[];
}

/**
 * Node `i` runs `plans[i]`, one act per timer; a receive does what the message asks. Each act is
 * noted in `done`, in the order of the step's effects: the oracle reads the run off the states.
 */
function randomActs(plans: readonly (readonly Act[])[]): Protocol<RandomState, RandomMessage> {
  const ids = plans.map((_, index) => nodeId(`n${index}`));
  const act = (
    context: {
      id: NodeId;
      state: RandomState;
      record(label: string): void;
      send(to: NodeId, m: RandomMessage): void;
    },
    what: Act,
  ): void => {
    const state = context.state;
    if (what.kind === 'record') {
      context.record(`r${state.records}`);
      state.done.push(['record', state.records++]);
    } else {
      const id = `${context.id}.${state.sent++}`;
      context.send(ids[what.to] as NodeId, { id, then: what.then });
      state.done.push(['send', id]);
    }
  };
  return defineProtocol<RandomState, RandomMessage>({
    name: 'random-acts',
    init: () => ({ step: 0, sent: 0, records: 0, done: [] }),
    onBoot: (context) => {
      if ((plans[ids.indexOf(context.id)] ?? []).length > 0) context.setTimer('act', 1);
    },
    onTimer: (context) => {
      const plan = plans[ids.indexOf(context.id)] ?? [];
      act(context, plan[context.state.step++] as Act);
      if (context.state.step < plan.length) context.setTimer('act', 1);
    },
    onMessage: (context, _from, message) => {
      context.state.done.push(['receive', message.id]);
      for (const what of message.then) act(context, what);
    },
  });
}

/**
 * The oracle: Lamport's relation as the transitive closure of program order and send -> receive,
 * over everything the nodes did, restricted to recorded events. Answers `a -> b`.
 */
function closureOracle(
  view: SystemView,
  nodes: readonly string[],
): (a: RecordedEvent, b: RecordedEvent) => boolean {
  const positions: { node: string; done: Done }[] = [];
  const next: number[][] = [];
  const sendAt = new Map<string, number>();
  const recordAt = new Map<string, number>();
  for (const node of nodes) {
    const done = view.state<RandomState>(node)?.done ?? [];
    done.forEach((entry, index) => {
      const at = positions.length;
      positions.push({ node, done: entry });
      next.push(index + 1 < done.length ? [at + 1] : []);
      if (entry[0] === 'send') sendAt.set(entry[1], at);
      if (entry[0] === 'record') recordAt.set(`${node}#${entry[1]}`, at);
    });
  }
  positions.forEach(({ done }, at) => {
    if (done[0] === 'receive') next[sendAt.get(done[1]) as number]?.push(at);
  });
  const reach = (from: number): Set<number> => {
    const seen = new Set<number>();
    const stack = [...(next[from] ?? [])];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...(next[at] ?? []));
    }
    return seen;
  };
  const reached = new Map<number, Set<number>>();
  return (a, b) => {
    const from = recordAt.get(`${a.node}#${a.index}`) as number;
    const to = recordAt.get(`${b.node}#${b.index}`) as number;
    let set = reached.get(from);
    if (set === undefined) reached.set(from, (set = reach(from)));
    return set.has(to);
  };
}

/** The property both engines judge: the view's relation is the oracle's, on every pair. */
function relationIsClosure(nodes: readonly string[]) {
  return always('happenedBefore is the closure of program order and send -> receive', (view) => {
    const oracle = closureOracle(view, nodes);
    const events = view.recorded();
    for (const a of events) {
      for (const b of events) {
        if (view.happenedBefore(a, b) !== oracle(a, b)) {
          return `${a.node}:${a.label} -> ${b.node}:${b.label}: view says ${view.happenedBefore(a, b)}, the closure ${oracle(a, b)}`;
        }
      }
    }
    const noted = nodes.reduce((count, node) => count + (view.state<RandomState>(node)?.records ?? 0), 0);
    return events.length === noted || `${events.length} recorded events listed, ${noted} recorded`;
  });
}

const plansArbitrary = (nodesMax: number, actsMax: number, thenMax: number) =>
  fc.integer({ min: 2, max: nodesMax }).chain((count) => {
    const to = fc.integer({ min: 0, max: count - 1 });
    const leaf: fc.Arbitrary<Act> = fc.oneof(
      fc.constant<Act>({ kind: 'record' }),
      to.map((target): Act => ({ kind: 'send', to: target, then: [] })),
    );
    const act: fc.Arbitrary<Act> = fc.oneof(
      fc.constant<Act>({ kind: 'record' }),
      fc
        .record({ to, then: fc.array(leaf, { maxLength: thenMax }) })
        .map(({ to: target, then }): Act => ({ kind: 'send', to: target, then })),
    );
    return fc.array(fc.array(act, { maxLength: actsMax }), { minLength: count, maxLength: count });
  });

const nodesOf = (plans: readonly unknown[]): string[] => plans.map((_, index) => `n${index}`);

describe('happened-before between recorded events', () => {
  it('in the simulator, equals the transitive closure of program order and send -> receive (random runs, loss and duplication)', () => {
    fc.assert(
      fc.property(plansArbitrary(4, 5, 3), fc.integer({ min: 1, max: 1_000 }), (plans, seed) => {
        const protocol = randomActs(plans);
        const nodes = nodesOf(plans);
        const result = simulate(
          {
            nodes: Object.fromEntries(nodes.map((node) => [node, protocol])),
            network: { drop: 0.2, duplicate: 0.2, delay: exponential(3) },
            durationMs: 200,
            properties: [relationIsClosure(nodes)],
          },
          { seed },
        );
        expect(result.failure).toBeUndefined();
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it('in the model checker, equals it in every reachable state (random plans, every interleaving)', () => {
    let states = 0;
    fc.assert(
      fc.property(plansArbitrary(3, 3, 1), (plans) => {
        const protocol = randomActs(plans);
        const nodes = nodesOf(plans);
        const result = check(
          actorModel({
            nodes: Object.fromEntries(nodes.map((node) => [node, protocol])),
            network: { semantics: 'unordered', lossy: true },
            properties: [relationIsClosure(nodes)],
          }),
          { maxStates: 20_000 },
        );
        expect(
          result.verdict === 'ok' || result.stopReason !== undefined,
          JSON.stringify(result.property),
        ).toBe(true);
        expect(result.verdict).not.toBe('violation');
        states += result.distinctStates;
      }),
      { numRuns: 25, seed: 7 },
    );
    expect(states).toBeGreaterThan(100);
  });

  it('survives a crash in the checker: a recovered node still comes after what it recorded before', () => {
    const recorder = defineProtocol<{ booted: number }>({
      name: 'recorder',
      init: () => ({ booted: 0 }),
      onBoot: (context) => context.record('boot'),
      onRecover: (context) => context.record('recover'),
    });
    const result = check(
      actorModel({
        nodes: { a: recorder },
        crashes: { max: 1, recover: true },
        properties: [
          always('boot -> recover', (view) => {
            const [boot, recover] = view.recorded('a');
            return recover === undefined || (boot !== undefined && view.happenedBefore(boot, recover));
          }),
          always('never recovered', (view) => view.recorded().length < 2),
        ],
      }),
    );
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('never recovered');
  });

  it('a delivery the handler ignores still counts when it brings news of a recorded event (stay-in-flight keeps it a step)', () => {
    // b ignores a's message but records after it: on the run where the message came first, a's
    // record happened before b's, which only a step that delivers the ignored message shows.
    const sender = defineProtocol<null>({
      name: 'sender',
      init: () => null,
      onBoot: (context) => {
        context.record('a');
        context.send('b', 'hello');
      },
    });
    const receiver = defineProtocol<{ ticks: number }>({
      name: 'receiver',
      init: () => ({ ticks: 0 }),
      onBoot: (context) => context.setTimer('tick', 1),
      onTimer: (context) => context.record('b'),
    });
    const result = check(
      actorModel({
        nodes: { a: sender, b: receiver },
        network: { semantics: 'unordered', ignoredDeliveries: 'stay-in-flight' },
        properties: [
          always('a and b are concurrent', (view) => {
            const [a] = view.recorded('a');
            const [b] = view.recorded('b');
            return a === undefined || b === undefined || !view.happenedBefore(a, b);
          }),
        ],
      }),
    );
    expect(result.verdict).toBe('violation');
    expect(result.path?.actions.map((action) => action.type)).toEqual(['deliver', 'timer']);
  });

  it('costs nothing in the checker when nothing is recorded: no state has a causal part', () => {
    const protocol = randomActs([[{ kind: 'send', to: 1, then: [{ kind: 'send', to: 0, then: [] }] }], []]);
    const model = actorModel({ nodes: { n0: protocol, n1: protocol }, properties: [] });
    const seen: ActorState[] = [];
    const frontier = [...model.init()];
    while (frontier.length > 0 && seen.length < 1_000) {
      const state = frontier.pop() as ActorState;
      seen.push(state);
      const actions: ActorAction[] = [];
      model.actions(state, actions);
      for (const action of actions) {
        const next = model.next(state, action);
        if (next !== undefined) frontier.push(next);
      }
    }
    expect(seen.length).toBeGreaterThan(3);
    expect(JSON.stringify(seen)).not.toMatch(/"past"|"recorded"/);
  });

  it('refuses events that are not of the run', () => {
    const result = simulate(
      {
        nodes: {
          a: defineProtocol({ name: 'r', init: () => null, onBoot: (context) => context.record('x') }),
        },
        durationMs: 10,
        properties: [
          invariant('asks about a stranger', (view) => {
            const [x] = view.recorded();
            if (x === undefined) return true;
            return view.happenedBefore(x, { node: nodeId('a'), index: 3, label: 'y', data: null });
          }),
        ],
      },
      { seed: 1 },
    );
    expect(JSON.stringify(result.failure)).toMatch(
      /a's recorded event #3 \('y'\) is not an event of this run/,
    );
  });
});

// --- One property, both engines: the clocks example and its planted bugs. ---

type ClocksParams = (typeof clocksScenario)['params'];

function simVerdict(params: ClocksParams): string | undefined {
  for (let seed = 1; seed <= 5; seed++) {
    const failure = simulate(clocksScenario.build(params), { seed }).failure;
    if (failure !== undefined) return failure.kind === 'invariant' ? failure.property : failure.kind;
  }
  return undefined;
}

function checkVerdict(params: ClocksParams): string | undefined {
  const model = clocksScenario.model?.(params) as Model<ActorState, ActorAction>;
  const result = check(model);
  return result.verdict === 'violation'
    ? result.property?.name
    : result.verdict === 'ok'
      ? undefined
      : result.verdict;
}

describe('the clocks example, judged alike by fairlink sim and fairlink check', () => {
  const LAMPORT = 'clock condition: happened before implies a smaller Lamport time';
  const VECTOR = 'vector clocks: happened before exactly when V(a) < V(b)';
  it.each([
    ['none', true, undefined],
    ['none', false, undefined],
    ['receive-without-max', true, LAMPORT],
    ['receive-without-max', false, LAMPORT],
    ['vector-receive-without-merge', true, VECTOR],
    ['vector-receive-without-merge', false, VECTOR],
  ] as const)('bug %s, concurrent=%s: %s', (bug, concurrent, violated) => {
    const params = { ...clocksScenario.params, bug, concurrent };
    expect(simVerdict(params)).toBe(violated);
    expect(checkVerdict(params)).toBe(violated);
  });
});
