import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { nodeId, type NodeId } from '../core/index.js';
import { defineProtocol, type Context, type Protocol } from '../core/index.js';
import type { TraceEvent } from '../trace/index.js';
import { byzantine } from './byzantine.js';
import { exponential, uniform } from './distributions.js';
import { always, eventually, invariant } from '../core/index.js';
import { EventQueue } from './queue.js';
import { simulate, validateConfig, type NodeSpec, type SimulationConfig } from './simulator.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

const n1 = 'n1' as NodeId;
const n2 = 'n2' as NodeId;

/** A protocol whose only handler is `onBoot` (for one-shot behaviours). */
function booting(onBoot: (ctx: Context<Record<string, unknown>>) => void): Protocol<Record<string, unknown>> {
  return defineProtocol({ name: 'booting', init: () => ({}), onBoot });
}

/** Sends nothing and ignores everything. */
const idle = defineProtocol({ name: 'idle', init: () => null });

describe('EventQueue', () => {
  it('pops in (time, sequence) order, with pushes (sequences growing, as the simulator numbers them) and pops interleaved', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { freq: 3 }), { maxLength: 300 }),
        (operations) => {
          const queue = new EventQueue<{ time: number; sequence: number }>();
          const model: { time: number; sequence: number }[] = [];
          let sequence = 0;
          for (const operation of operations) {
            if (operation === null) {
              model.sort((a, b) => a.time - b.time || a.sequence - b.sequence);
              expect(queue.pop()).toEqual(model.shift());
            } else {
              const item = { time: operation, sequence: ++sequence };
              queue.push(item);
              model.push(item);
            }
            expect(queue.size).toBe(model.length);
          }
          model.sort((a, b) => a.time - b.time || a.sequence - b.sequence);
          const rest: { time: number; sequence: number }[] = [];
          for (let item = queue.pop(); item; item = queue.pop()) rest.push(item);
          expect(rest).toEqual(model);
        },
      ),
    );
  });

  it('peeks without removing, and filter keeps the order', () => {
    const queue = new EventQueue<{ time: number; sequence: number; keep: boolean }>();
    [3, 1, 2, 1, 5].forEach((time, sequence) => queue.push({ time, sequence, keep: sequence % 2 === 0 }));
    expect(queue.peek()).toEqual({ time: 1, sequence: 1, keep: false });
    expect(queue.peek()).toEqual({ time: 1, sequence: 1, keep: false });
    expect(queue.size).toBe(5);
    queue.filter((item) => item.keep);
    expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()]).toEqual([
      { time: 2, sequence: 2, keep: true },
      { time: 3, sequence: 0, keep: true },
      { time: 5, sequence: 4, keep: true },
      undefined,
    ]);
  });
});

describe('event order in a run', () => {
  it('delivers messages due at the same time in the order they were sent, boots in node order', () => {
    const sender = defineProtocol({
      name: 'sender',
      init: () => ({ got: [] as number[] }),
      onBoot: (ctx) => {
        if (ctx.id === 'n1') for (let index = 0; index < 20; index++) ctx.send(n2, index);
      },
      onMessage: (ctx, _from, message: number) => ctx.log(String(message)),
    });
    const result = simulate(
      { nodes: { n1: sender, n2: sender, n3: sender }, network: { delay: 5 }, durationMs: 10 },
      { seed: 1, trace: true },
    );
    const events = result.trace?.events ?? [];
    expect(
      events.filter((event) => event.type === 'boot').map((event) => event.type === 'boot' && event.node),
    ).toEqual(['n1', 'n2', 'n3']);
    const logged = events.flatMap((event) => (event.type === 'log' ? [event.text] : []));
    expect(logged).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
  });

  it('runs a message and a timer due at the same instant in scheduling order', () => {
    const protocol = defineProtocol({
      name: 'race',
      init: () => null,
      onBoot: (ctx) => {
        if (ctx.id === 'n1') {
          ctx.setTimer('first', 10);
          ctx.send(n1, 'second');
          ctx.setTimer('third', 10);
        }
      },
      onTimer: (ctx, timer) => ctx.log(timer.name),
      onMessage: (ctx, _from, message: string) => ctx.log(message),
    });
    const result = simulate(
      { nodes: { n1: protocol }, network: { delay: 10 }, durationMs: 20 },
      { seed: 1, trace: true },
    );
    expect(
      result.trace?.events.flatMap((event) => (event.type === 'log' ? [`${event.t} ${event.text}`] : [])),
    ).toEqual(['10 first', '10 second', '10 third']);
  });

  it('ends at durationMs, or earlier when nothing is left to do', () => {
    const ticking = defineProtocol({
      name: 'ticking',
      init: () => null,
      onBoot: (ctx) => ctx.setTimer('t', 7),
      onTimer: (ctx) => ctx.setTimer('t', 7),
    });
    expect(simulate({ nodes: { n1: ticking }, durationMs: 100 }, { seed: 1 }).endMs).toBe(100);
    expect(simulate({ nodes: { n1: ticking }, durationMs: 100 }, { seed: 1 }).stats.timersFired).toBe(14);
    expect(
      simulate({ nodes: { n1: booting((ctx) => ctx.setTimer('t', 3)) }, durationMs: 100 }, { seed: 1 }).endMs,
    ).toBe(3);
  });

  it('fires a timer at a time drawn uniformly from its [min, max] range', () => {
    const dues: number[] = [];
    for (let seed = 0; seed < 200; seed++) {
      const result = simulate(
        { nodes: { n1: booting((ctx) => ctx.setTimer('t', [10, 20])) }, durationMs: 100 },
        { seed, trace: true },
      );
      const set = result.trace?.events.find((event) => event.type === 'timer-set');
      if (set?.type !== 'timer-set') throw new Error('no timer-set');
      dues.push(set.due);
      expect(result.endMs).toBe(set.due);
    }
    expect(Math.min(...dues)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...dues)).toBeLessThanOrEqual(20);
    expect(new Set(dues).size).toBeGreaterThan(150);
  });

  it('replaces a pending timer of the same name, and cancelTimer stops it', () => {
    const protocol = defineProtocol({
      name: 'timers',
      init: () => null,
      onBoot: (ctx) => {
        ctx.setTimer('a', 10);
        ctx.setTimer('a', 30);
        ctx.setTimer('b', 5);
        ctx.cancelTimer('b');
        ctx.cancelTimer('never-set');
      },
      onTimer: (ctx, timer) => ctx.log(timer.name),
    });
    const result = simulate({ nodes: { n1: protocol }, durationMs: 100 }, { seed: 1, trace: true });
    const events = result.trace?.events ?? [];
    expect(events.filter((event) => event.type === 'timer-fire')).toEqual([
      { t: 30, type: 'timer-fire', node: 'n1', name: 'a' },
    ]);
    expect(events.filter((event) => event.type === 'timer-cancel')).toEqual([
      { t: 0, type: 'timer-cancel', node: 'n1', name: 'b' },
    ]);
  });

  it('delivers duplicates as two deliveries of one message id', () => {
    const result = simulate(
      {
        nodes: { n1: booting((ctx) => ctx.send(n2, 'x')), n2: idle },
        network: { duplicate: 1, delay: uniform(1, 9) },
        durationMs: 20,
      },
      { seed: 3, trace: true },
    );
    const events = result.trace?.events ?? [];
    expect(events.filter((event) => event.type === 'duplicate')).toHaveLength(1);
    expect(
      events
        .filter((event) => event.type === 'deliver')
        .map((event) => event.type === 'deliver' && event.msg),
    ).toEqual(['m1', 'm1']);
    expect(result.stats).toMatchObject({ sends: 1, duplicates: 1, deliveries: 2 });
  });
});

describe('FIFO and unordered links in a run', () => {
  const burst = defineProtocol({
    name: 'burst',
    init: () => ({ got: [] as number[] }),
    onBoot: (ctx) => {
      if (ctx.id === 'n1') ctx.setTimer('send', 0, 0);
    },
    onTimer: (ctx, timer) => {
      const index = timer.data as number;
      ctx.send(n2, index);
      if (index < 199) ctx.setTimer('send', 1, index + 1);
    },
    onMessage: (ctx, _from, message: number) => {
      ctx.state.got.push(message);
    },
  });

  function received(ordering: 'fifo' | 'unordered', liveness?: SimulationConfig['liveness']): number[] {
    let got: number[] = [];
    simulate(
      {
        nodes: { n1: burst, n2: burst },
        network: { delay: exponential(30), ordering },
        durationMs: 100,
        ...(liveness ? { liveness } : {}),
        stopWhen: (view) => {
          got = view.state<{ got: number[] }>('n2')?.got ?? [];
          return false;
        },
      },
      { seed: 5 },
    );
    return [...got];
  }

  it('keeps per-pair order under fifo', () => {
    const got = received('fifo', { withinMs: 1000 });
    expect(got).toEqual(Array.from({ length: 200 }, (_, index) => index));
  });

  it('reorders when unordered', () => {
    const got = received('unordered', { withinMs: 1000 });
    expect(got).toHaveLength(200);
    expect(got).not.toEqual([...got].sort((a, b) => a - b));
  });

  it('keeps per-pair order when the liveness phase switches to another fifo network', () => {
    const got = received('fifo', { withinMs: 1000, network: { delay: 1, ordering: 'fifo' } });
    expect(got).toHaveLength(200);
    expect(got).toEqual([...got].sort((a, b) => a - b));
  });
});

describe('properties', () => {
  const counter = defineProtocol({
    name: 'counter',
    init: () => ({ count: 0 }),
    onBoot: (ctx) => ctx.setTimer('tick', 10),
    onTimer: (ctx) => {
      ctx.state.count++;
      ctx.setTimer('tick', 10);
    },
  });

  it('checks invariants after every step and stops at the first violation, naming property and time', () => {
    const checkedAt: number[] = [];
    const result = simulate(
      {
        nodes: { n1: counter },
        properties: [
          invariant('watch', (view) => {
            checkedAt.push(view.now);
            return true;
          }),
          invariant('count stays below 3', (view) => {
            const count = view.state<{ count: number }>('n1')?.count ?? 0;
            return count < 3 || `count is ${count}`;
          }),
        ],
        durationMs: 1000,
      },
      { seed: 1, trace: true },
    );
    expect(result.ok).toBe(false);
    expect(result.failure).toEqual({
      kind: 'invariant',
      property: 'count stays below 3',
      detail: 'count is 3',
      timeMs: 30,
    });
    expect(result.endMs).toBe(30);
    expect(checkedAt).toEqual([0, 10, 20, 30]);
    expect(result.trace?.events.at(-1)).toEqual({
      t: 30,
      type: 'violation',
      property: 'count stays below 3',
      detail: 'count is 3',
    });
  });

  it('says "does not hold" for a false verdict, and reports a property that throws', () => {
    const falseResult = simulate(
      { nodes: { n1: counter }, properties: [invariant('never', () => false)], durationMs: 100 },
      { seed: 1 },
    );
    expect(falseResult.failure).toMatchObject({
      kind: 'invariant',
      property: 'never',
      detail: 'does not hold',
      timeMs: 0,
    });
    const throwing = simulate(
      {
        nodes: { n1: counter },
        properties: [
          invariant('throws', () => {
            throw new Error('bad property');
          }),
        ],
        durationMs: 100,
      },
      { seed: 1 },
    );
    expect(throwing.failure).toMatchObject({
      kind: 'invariant',
      detail: 'the property itself threw: bad property',
    });
  });

  it('an eventually property that never holds fails at the end of the run', () => {
    const result = simulate(
      {
        nodes: { n1: counter },
        properties: [
          eventually('reaches 1000', (view) => (view.state<{ count: number }>('n1')?.count ?? 0) >= 1000),
        ],
        durationMs: 100,
      },
      { seed: 1 },
    );
    expect(result.failure).toEqual({
      kind: 'eventually',
      property: 'reaches 1000',
      detail: 'did not hold by 100 ms',
      timeMs: 100,
    });
  });

  it('an eventually property that holds once is satisfied for good', () => {
    const result = simulate(
      {
        nodes: { n1: counter },
        properties: [
          eventually('reaches 3', (view) => (view.state<{ count: number }>('n1')?.count ?? 0) === 3),
        ],
        durationMs: 100,
      },
      { seed: 1 },
    );
    expect(result.ok).toBe(true);
  });

  it('stopWhen ends the run early and successfully', () => {
    const result = simulate(
      {
        nodes: { n1: counter },
        stopWhen: (view) => (view.state<{ count: number }>('n1')?.count ?? 0) === 4,
        durationMs: 1000,
      },
      { seed: 1 },
    );
    expect(result).toMatchObject({ ok: true, endMs: 40 });
    expect(result.stats.steps).toBe(5);
  });

  it('the view shows states, durable storage, status, groups and the history', () => {
    const client = defineProtocol({
      name: 'client',
      init: () => ({ op: 0 }),
      onBoot: (ctx) => {
        ctx.state.op = ctx.invoke('write', 5);
        ctx.persist('k', 'v');
        ctx.setTimer('done', 10);
      },
      onTimer: (ctx) => ctx.complete(ctx.state.op, 'ok', null),
    });
    let seen: unknown;
    const result = simulate(
      {
        nodes: { n1: counter, n2: counter, c1: { protocol: client, group: 'clients' } },
        faults: [{ atMs: 5, fault: { kind: 'crash', node: 'n2' } }],
        durationMs: 10,
        properties: [
          invariant('look', (view) => {
            seen = {
              now: view.now,
              nodes: view.nodes,
              group: view.group('clients'),
              noGroup: view.group('nope'),
              n2: view.state('n2'),
              upN2: view.isUp('n2'),
              upN1: view.isUp('n1'),
              durable: [...view.durable('c1')],
              unknownDurable: view.durable('zz').size,
              history: view.history.map(
                (entry) => `${entry.time} ${entry.process} ${entry.type} ${entry.f} ${String(entry.value)}`,
              ),
            };
            return true;
          }),
        ],
      },
      { seed: 1 },
    );
    expect(result.ok).toBe(true);
    expect(seen).toEqual({
      now: 10,
      nodes: ['n1', 'n2', 'c1'],
      group: ['c1'],
      noGroup: [],
      n2: undefined,
      upN2: false,
      upN1: true,
      durable: [['k', 'v']],
      unknownDurable: 0,
      history: ['0 c1 invoke write 5', '10 c1 ok write null'],
    });
    expect(result.history).toHaveLength(2);
  });

  it('shows the messages in flight, in the order sent, until each is delivered', () => {
    const sender = defineProtocol<null, { readonly n: number }>({
      name: 'sender',
      init: () => null,
      onBoot(ctx) {
        if (ctx.id === 'n1') for (const n of [1, 2]) ctx.send(nodeId('n2'), { n });
      },
    });
    const seen: string[] = [];
    simulate(
      {
        nodes: { n1: sender, n2: sender },
        network: { delay: uniform(1, 5) },
        durationMs: 10,
        properties: [
          invariant('look', (view) => {
            seen.push(
              view
                .inFlight()
                .map((m) => `${m.from}->${m.to} ${(m.message as { n: number }).n}`)
                .join(', '),
            );
            return true;
          }),
        ],
      },
      { seed: 3 },
    );
    // After n1's boot both are in flight; they arrive one at a time, in either order.
    expect(seen[0]).toBe('n1->n2 1, n1->n2 2');
    expect(seen.some((text) => text === 'n1->n2 1' || text === 'n1->n2 2')).toBe(true);
    expect(seen.at(-1)).toBe('');
  });
});

describe('the liveness phase', () => {
  const heartbeat = defineProtocol({
    name: 'heartbeat',
    init: () => ({ heard: 0 }),
    onBoot: (ctx) => ctx.setTimer('beat', 10),
    onRecover: (ctx) => ctx.setTimer('beat', 10),
    onTimer: (ctx) => {
      ctx.broadcast('beat');
      ctx.setTimer('beat', 10);
    },
    onMessage: (ctx) => {
      ctx.state.heard++;
    },
  });
  const everyoneHears = eventually(
    'everyone hears a beat after the faults',
    (view) =>
      view.now > 100 && view.nodes.every((node) => (view.state<{ heard: number }>(node)?.heard ?? 0) > 0),
  );

  it('heals partitions, resumes paused nodes and recovers crashed ones, then eventually must hold', () => {
    const config: SimulationConfig = {
      nodes: { n1: heartbeat, n2: heartbeat, n3: heartbeat },
      faults: [
        { atMs: 0, fault: { kind: 'partition', shape: { kind: 'isolate', node: 'n1' } } },
        { atMs: 1, fault: { kind: 'pause', node: 'n2', forMs: 10_000 } },
        { atMs: 2, fault: { kind: 'crash-recover', node: 'n3', downMs: 10_000 } },
        { atMs: 150, fault: { kind: 'crash', node: 'n1' } },
      ],
      durationMs: 100,
      liveness: { withinMs: 50 },
      properties: [everyoneHears],
    };
    const result = simulate(config, { seed: 1, trace: true });
    expect(result.ok).toBe(true);
    const events = result.trace?.events ?? [];
    const phaseChange = events.filter(
      (event) => event.t === 100 && ['phase', 'heal', 'resume', 'recover'].includes(event.type),
    );
    expect(phaseChange).toEqual([
      { t: 100, type: 'phase', phase: 'liveness' },
      { t: 100, type: 'heal' },
      { t: 100, type: 'resume', node: 'n2' },
      { t: 100, type: 'recover', node: 'n3' },
    ]);
    // Faults due during the liveness phase do not happen.
    expect(events.some((event) => event.type === 'crash' && event.t === 150)).toBe(false);
    expect(result.endMs).toBe(150);
  });

  it('without a liveness phase, the same eventually property fails', () => {
    const result = simulate(
      {
        nodes: { n1: heartbeat, n2: heartbeat, n3: heartbeat },
        faults: [{ atMs: 0, fault: { kind: 'partition', shape: { kind: 'isolate', node: 'n1' } } }],
        durationMs: 150,
        properties: [eventually('n1 hears', (view) => (view.state<{ heard: number }>('n1')?.heard ?? 0) > 0)],
      },
      { seed: 1 },
    );
    expect(result.failure).toMatchObject({ kind: 'eventually', property: 'n1 hears', timeMs: 150 });
  });

  it('keeps a permanently crashed node down', () => {
    const result = simulate(
      {
        nodes: { n1: heartbeat, n2: heartbeat },
        faults: [{ atMs: 5, fault: { kind: 'crash', node: 'n2' } }],
        durationMs: 50,
        liveness: { withinMs: 50 },
        properties: [eventually('n2 back', (view) => view.now > 50 && view.isUp('n2'))],
      },
      { seed: 1 },
    );
    expect(result.failure).toMatchObject({ kind: 'eventually', property: 'n2 back' });
  });
});

describe('signatures', () => {
  it('verify accepts a node’s own signature of the value and nothing else', () => {
    const results: boolean[] = [];
    const protocol = defineProtocol({
      name: 'signer',
      init: () => null,
      onBoot: (ctx) => {
        if (ctx.id !== 'n1') return;
        const signature = ctx.sign({ round: 1, value: 'a' });
        results.push(
          ctx.verify(n1, { round: 1, value: 'a' }, signature),
          ctx.verify(n2, { round: 1, value: 'a' }, signature),
          ctx.verify(n1, { round: 2, value: 'a' }, signature),
          ctx.verify(n1, { round: 1, value: 'a' }, 'n1:forged' as typeof signature),
        );
      },
    });
    simulate({ nodes: { n1: protocol, n2: protocol }, durationMs: 1 }, { seed: 1 });
    expect(results).toEqual([true, false, false, false]);
  });
});

describe('protocol faults are findings', () => {
  const realGlobals = { random: Math.random, date: Date, setTimeout: globalThis.setTimeout };

  function expectFault(
    protocol: NodeSpec['protocol'],
    expected: Record<string, unknown>,
    extra: Partial<SimulationConfig> = {},
  ) {
    const result = simulate(
      { nodes: { n1: protocol, n2: idle }, durationMs: 100, ...extra },
      { seed: 1, trace: true },
    );
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject(expected);
    expect(Math.random).toBe(realGlobals.random);
    expect(Date).toBe(realGlobals.date);
    expect(globalThis.setTimeout).toBe(realGlobals.setTimeout);
    expect(performance.now()).toBeGreaterThan(0);
    return result;
  }

  it('a handler that throws', () => {
    const result = expectFault(
      defineProtocol({
        name: 'thrower',
        init: () => null,
        onBoot: (ctx) => ctx.setTimer('t', 5),
        onTimer: () => {
          throw new RangeError('index out of range');
        },
      }),
      {
        kind: 'protocol-fault',
        node: 'n1',
        handler: 'onTimer',
        fault: 'threw',
        detail: 'threw RangeError: index out of range',
        timeMs: 5,
      },
    );
    expect(result.trace?.events.at(-1)).toMatchObject({
      type: 'fault',
      node: 'n1',
      handler: 'onTimer',
      kind: 'threw',
    });
  });

  it('a failed step has no effects: nothing it sent leaves, nothing it persisted stays', () => {
    const result = expectFault(
      booting((ctx) => {
        ctx.send(n2, 'lost');
        ctx.persist('k', 1);
        throw new Error('x');
      }),
      { fault: 'threw' },
    );
    expect(result.stats.sends).toBe(0);
  });

  it.each<[string, unknown, string]>([
    ['a function', { payload: { when: () => 0 } }, 'message to n2 is not plain at payload.when: a function'],
    [
      'a class instance',
      { payload: { when: new Date(0) } },
      'message to n2 is not plain at payload.when: an instance of Date',
    ],
    ['undefined', { payload: undefined }, 'message to n2 is not plain at payload: undefined'],
  ])('a message holding %s, with the path inside it', (_label, message, detail) => {
    expectFault(
      booting((ctx) => ctx.send(n2, message)),
      {
        kind: 'protocol-fault',
        node: 'n1',
        handler: 'onBoot',
        fault: 'non-plain-message',
        detail: expect.stringContaining(detail),
      },
    );
  });

  it.each<[string, unknown, (message: never) => void]>([
    ['an array', { list: [1, 2] }, (message: { list: number[] }) => message.list.push(3)],
    ['a field', { count: 1 }, (message: { count: number }) => void (message.count = 2)],
    [
      'a Map',
      { seen: new Map([['a', 1]]) },
      (message: { seen: Map<string, number> }) => void message.seen.set('b', 2),
    ],
    ['a Set', { seen: new Set([1]) }, (message: { seen: Set<number> }) => void message.seen.add(2)],
  ])('a handler that changes %s of a message it received', (_label, sent, change) => {
    const protocol = defineProtocol({
      name: 'mutator',
      init: () => null,
      onBoot: (ctx) => {
        if (ctx.id === 'n2') ctx.send(n1, sent);
      },
      onMessage: (_ctx, _from, message: never) => change(message),
    });
    const result = simulate({ nodes: { n1: protocol, n2: protocol }, durationMs: 100 }, { seed: 1 });
    expect(result.failure).toMatchObject({
      kind: 'protocol-fault',
      node: 'n1',
      handler: 'onMessage',
      fault: 'threw',
    });
    expect(result.failure?.detail).toMatch(/TypeError: .*(not extensible|read only|frozen)/);
  });

  it.each<[string, () => unknown]>([
    ['Math.random', () => Math.random()],
    ['Date.now', () => Date.now()],
    ['Date', () => new Date()],
    ['setTimeout', () => setTimeout(() => {}, 0)],
    ['performance.now', () => performance.now()],
  ])('a handler that calls %s, naming the global and the handler', (global, call) => {
    const protocol = defineProtocol({
      name: 'impure',
      init: () => null,
      onBoot: (ctx) => {
        if (ctx.id === 'n2') ctx.send(n1, 'go');
      },
      onMessage: () => {
        call();
      },
    });
    const result = simulate({ nodes: { n1: protocol, n2: protocol }, durationMs: 100 }, { seed: 1 });
    expect(result.failure).toMatchObject({
      kind: 'protocol-fault',
      node: 'n1',
      handler: 'onMessage',
      fault: 'forbidden-global',
    });
    expect(result.failure?.detail).toContain(`called ${global},`);
    expect(Math.random).toBe(realGlobals.random);
    expect(Date).toBe(realGlobals.date);
    expect(typeof Date.now()).toBe('number');
  });

  it('a send to an unknown node', () => {
    expectFault(
      booting((ctx) => ctx.send('n7' as NodeId, 1)),
      { fault: 'bad-call', detail: 'send to "n7", which is not a node of this system' },
    );
  });

  it('a negative timer', () => {
    expectFault(
      booting((ctx) => ctx.setTimer('t', -5)),
      { fault: 'bad-call', detail: expect.stringContaining("setTimer('t') with delay -5") },
    );
  });

  it('more than 100,000 effects in one step', () => {
    expectFault(
      booting((ctx) => {
        for (let index = 0; index <= 100_000; index++) ctx.send(n2, index);
      }),
      { fault: 'too-many-effects', detail: expect.stringContaining('more than 100000 effects') },
    );
  });

  it('a state that stops being plain', () => {
    expectFault(
      defineProtocol({
        name: 'stateful',
        init: (): { at: unknown } => ({ at: null }),
        onBoot: (ctx) => {
          ctx.state.at = new Map([['k', () => 1]]);
        },
      }),
      {
        fault: 'non-plain-state',
        detail: 'state is not plain at at<map value for "k">: a function (anonymous)',
      },
    );
  });

  it('a zero-delay timer loop is a livelock', () => {
    const result = expectFault(
      defineProtocol({
        name: 'spinner',
        init: () => null,
        onBoot: (ctx) => ctx.setTimer('spin', 0),
        onTimer: (ctx) => ctx.setTimer('spin', 0),
      }),
      { kind: 'livelock', timeMs: 0 },
    );
    expect(result.failure?.detail).toMatch(/time never advances/);
  });

  it('more steps than stepsMax is a livelock', () => {
    const result = expectFault(
      defineProtocol({
        name: 'busy',
        init: () => null,
        onBoot: (ctx) => ctx.setTimer('t', 1),
        onTimer: (ctx) => ctx.setTimer('t', 1),
      }),
      { kind: 'livelock', detail: 'more than 10 steps (stepsMax)' },
      { stepsMax: 10 },
    );
    expect(result.endMs).toBe(9);
  });
});

describe('configuration errors', () => {
  const base: SimulationConfig = { nodes: { n1: idle, n2: idle }, durationMs: 10 };

  it.each<[string, SimulationConfig, string]>([
    ['no nodes', { ...base, nodes: {} }, 'nodes: a system needs at least one node'],
    ['a bad node name', { ...base, nodes: { 'n 1': idle } }, "nodes: 'n 1' is not a valid node name"],
    [
      'a non-protocol node',
      { ...base, nodes: { n1: { hello: 1 } as unknown as Protocol } },
      'nodes.n1: not a protocol (needs a name and an init function)',
    ],
    [
      'a protocol without a name',
      { ...base, nodes: { n1: { init: () => null } as unknown as Protocol } },
      'nodes.n1: not a protocol (needs a name and an init function)',
    ],
    [
      'a bad Byzantine factory',
      { ...base, nodes: { n1: { protocol: idle, byzantine: 'silent' as unknown as () => never } } },
      'nodes.n1.byzantine must be a behaviour factory',
    ],
    [
      'a clock drift of -1',
      { ...base, nodes: { n1: { protocol: idle, clock: { drift: -1 } } } },
      'nodes.n1.clock.drift must be above -1',
    ],
    [
      'a negative duration',
      { ...base, durationMs: -1 },
      'durationMs must be a finite number of ms >= 0, got -1',
    ],
    [
      'an infinite duration',
      { ...base, durationMs: Infinity },
      'durationMs must be a finite number of ms >= 0, got Infinity',
    ],
    [
      'a negative liveness bound',
      { ...base, liveness: { withinMs: -3 } },
      'liveness.withinMs must be a finite number of ms >= 0, got -3',
    ],
    [
      'a negative delay',
      { ...base, network: { delay: -1 } },
      'network.delay: delay must be a finite number of ms >= 0, got -1',
    ],
    [
      'a drop probability above 1',
      { ...base, network: { drop: 1.2 } },
      'network.drop must be a probability in [0, 1), got 1.2',
    ],
    [
      'a drop probability of 1',
      { ...base, network: { drop: 1 } },
      'network.drop must be a probability in [0, 1), got 1 (a link that drops everything is not fair-loss)',
    ],
    [
      'a duplicate probability above 1',
      { ...base, network: { duplicate: 2 } },
      'network.duplicate must be a probability in [0, 1], got 2',
    ],
    [
      'a link override naming an unknown node',
      { ...base, network: { links: [{ from: 'n1', to: 'n9', drop: 0.1 }] } },
      "network.links[0].to: unknown node 'n9'",
    ],
    [
      'a bad liveness network',
      { ...base, liveness: { withinMs: 1, network: { drop: 1 } } },
      'network.drop must be a probability in [0, 1)',
    ],
    [
      'a partition naming an unknown node',
      {
        ...base,
        faults: [{ atMs: 1, fault: { kind: 'partition', shape: { kind: 'isolate', node: 'n5' } } }],
      },
      "faults[0]: partition names unknown node 'n5'",
    ],
    [
      'a fault naming an unknown node',
      { ...base, faults: [{ atMs: 1, fault: { kind: 'pause', node: 'x', forMs: 1 } }] },
      "faults[0]: unknown node 'x'",
    ],
    [
      'a bad property',
      { ...base, properties: [{ name: 'p' } as never] },
      'properties[0]: not a property (use always(name, fn), sometimes(name, fn) or eventually(name, fn))',
    ],
    [
      'a list of the old configuration',
      { ...base, invariants: [] } as SimulationConfig,
      'invariants: list every property under `properties` instead',
    ],
    [
      'a property of no kind',
      { ...base, properties: [always('p', () => true), { name: 'q', holds: () => true } as never] },
      'properties[1]: not a property',
    ],
  ])('%s is an InputError naming the field', (_label, config, message) => {
    expect(() => simulate(config, { seed: 1 })).toThrow(InputError);
    expect(() => simulate(config, { seed: 1 })).toThrow(message);
    expect(() => validateConfig(config)).toThrow(message);
  });

  it('names the configuration when there is none', () => {
    expect(() => validateConfig(null as unknown as SimulationConfig)).toThrow(
      'the scenario built no configuration object',
    );
  });

  it('error messages are one line', () => {
    try {
      simulate({ ...base, network: { drop: 1 } }, { seed: 1 });
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('determinism', () => {
  interface GossipState {
    known: number[];
    round: number;
  }
  // Gossip with retries, durable progress and a Byzantine participant: every source of randomness is used.
  const gossip = defineProtocol<GossipState, { type: 'value'; value: number; proof: string }>({
    name: 'gossip',
    init: () => ({ known: [], round: 0 }),
    onBoot: (ctx) => {
      ctx.state.known.push(ctx.randomInt(0, 1000));
      ctx.setTimer('gossip', [5, 15]);
    },
    onRecover: (ctx) => {
      ctx.state.round = ctx.load<number>('round') ?? 0;
      ctx.setTimer('gossip', [5, 15]);
    },
    onTimer: (ctx) => {
      ctx.state.round++;
      ctx.persist('round', ctx.state.round);
      const value = ctx.state.known[ctx.randomInt(0, ctx.state.known.length - 1)] ?? 0;
      const peer = ctx.peers[ctx.randomInt(0, ctx.peers.length - 1)] as NodeId;
      ctx.send(peer, { type: 'value', value, proof: ctx.sign(value) });
      ctx.setTimer('gossip', [5, 15]);
    },
    onMessage: (ctx, from, message) => {
      if (
        ctx.verify(from, message.value, message.proof as never) &&
        !ctx.state.known.includes(message.value)
      ) {
        ctx.state.known.push(message.value);
        ctx.log(`learned ${message.value} at ${ctx.now()}`);
      }
    },
  });

  const config: SimulationConfig = {
    nodes: {
      n1: gossip,
      n2: gossip,
      n3: gossip,
      n4: { protocol: gossip, byzantine: byzantine.mutate },
      n5: { protocol: gossip, clock: { skewMs: 30, drift: 0.01 } },
    },
    network: { delay: exponential(8, 1), drop: 0.2, duplicate: 0.1 },
    faults: {
      kind: 'random',
      intervalMs: 40,
      faults: ['partition', 'crash-recover', 'pause', 'clog', 'clock'],
    },
    durationMs: 400,
    liveness: { withinMs: 100 },
  };

  it('the same configuration and seed give deep-equal traces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const first = simulate(config, { seed, trace: true });
        const second = simulate(config, { seed, trace: true });
        expect(second).toEqual(first);
        expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
      }),
      { numRuns: 25 },
    );
  });

  it('different seeds give different runs', () => {
    const traces = new Set<string>();
    for (let seed = 0; seed < 5; seed++)
      traces.add(JSON.stringify(simulate(config, { seed, trace: true }).trace?.events));
    expect(traces.size).toBe(5);
  });

  it('the run exercised every feature (so the property above means something)', () => {
    const events: TraceEvent[] = [];
    for (let seed = 0; seed < 5; seed++)
      events.push(...(simulate(config, { seed, trace: true }).trace?.events ?? []));
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      'drop',
      'duplicate',
      'partition',
      'crash',
      'recover',
      'pause',
      'resume',
      'clog',
      'clock',
      'log',
    ] as const) {
      expect(types).toContain(type);
    }
  });
});
