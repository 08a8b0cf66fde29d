import { describe, expect, it } from 'vitest';
import { ProtocolFault } from './errors.js';
import { installGlobalGuard } from './guard.js';
import { nodeIds, type NodeId } from './ids.js';
import { defineProtocol, type Context, type Protocol } from './protocol.js';
import type { Signature } from './signature.js';
import { EFFECTS_PER_STEP_MAX, StepContext, type StepEnvironment } from './step.js';

const [n1, n2, n3] = nodeIds('n', 3) as [NodeId, NodeId, NodeId];

function environment(overrides: Partial<StepEnvironment> = {}): StepEnvironment {
  let operations = 0;
  let draws = 0;
  return {
    now: () => 1234,
    random: () => (draws++ % 10) / 10,
    sign: (signer) => `${signer}:sig` as Signature,
    verify: (signer, _value, signature) => signature === `${signer}:sig`,
    isKnownNode: (node) => [n1, n2, n3].includes(node),
    nextOperation: () => ++operations,
    ...overrides,
  };
}

type Handler = (context: Context<{ count: number }>) => void;

function contextFor(
  onBoot: Handler,
  durable: ReadonlyMap<string, unknown> = new Map(),
): StepContext<{ count: number }> {
  const protocol: Protocol<{ count: number }> = defineProtocol({
    name: 'test',
    init: () => ({ count: 0 }),
    onBoot,
  });
  return new StepContext(n1, [n1, n2, n3], [n2, n3], protocol, durable, environment());
}

describe('StepContext', () => {
  it('collects effects in the order asked, and persistence apart', () => {
    const context = contextFor((ctx) => {
      ctx.log('start');
      ctx.send(n2, { type: 'a' });
      ctx.setTimer('tick', [10, 20], { round: 1 });
      ctx.persist('term', 3);
      ctx.broadcast({ type: 'b' });
      ctx.cancelTimer('tick');
      const operation = ctx.invoke('read', 'x');
      ctx.complete(operation, 'ok', 7);
    });
    expect(context.run({ handler: 'onBoot' })).toBeUndefined();
    expect(context.effects).toEqual([
      { kind: 'log', text: 'start' },
      { kind: 'send', to: n2, message: { type: 'a' } },
      { kind: 'timer-set', name: 'tick', min: 10, max: 20, data: { round: 1 } },
      { kind: 'send', to: n2, message: { type: 'b' } },
      { kind: 'send', to: n3, message: { type: 'b' } },
      { kind: 'timer-cancel', name: 'tick' },
      { kind: 'client', type: 'invoke', operation: 1, f: 'read', value: 'x' },
      { kind: 'client', type: 'ok', operation: 1, f: '', value: 7 },
    ]);
    expect([...(context.persisted ?? [])]).toEqual([['term', 3]]);
  });

  it('starts every step with no effects', () => {
    const context = contextFor((ctx) => ctx.log('x'));
    context.run({ handler: 'onBoot' });
    context.run({ handler: 'onTimer', timer: { name: 't', data: null } });
    expect(context.effects).toEqual([]);
    expect(context.persisted).toBeUndefined();
  });

  it('gives a fixed timer delay as min = max, and null data by default', () => {
    const context = contextFor((ctx) => ctx.setTimer('t', 5));
    context.run({ handler: 'onBoot' });
    expect(context.effects).toEqual([{ kind: 'timer-set', name: 't', min: 5, max: 5, data: null }]);
  });

  it('is atomic: a handler that throws leaves no effects and no durable writes', () => {
    const context = contextFor((ctx) => {
      ctx.send(n2, 'before');
      ctx.persist('key', 1);
      throw new Error('boom');
    });
    const fault = context.run({ handler: 'onBoot' });
    expect(fault).toBeInstanceOf(ProtocolFault);
    expect(fault?.kind).toBe('threw');
    expect(fault?.detail).toBe('threw Error: boom');
    expect(fault?.message).toBe('n1.onBoot: threw Error: boom');
    expect(context.effects).toEqual([]);
    expect(context.persisted).toBeUndefined();
  });

  it('is atomic when the state turns out not to be plain', () => {
    const protocol = defineProtocol({
      name: 'bad-state',
      init: (): { callback: unknown } => ({ callback: null }),
      onBoot: (ctx) => {
        ctx.send(n2, 'x');
        ctx.state.callback = () => 0;
      },
    });
    const context = new StepContext(n1, [n1, n2], [n2], protocol, new Map(), environment());
    const fault = context.run({ handler: 'onBoot' });
    expect(fault?.kind).toBe('non-plain-state');
    expect(fault?.detail).toMatch(/state is not plain at callback: a function/);
    expect(context.effects).toEqual([]);
  });

  it('skips the state check when asked to', () => {
    const protocol = defineProtocol({ name: 'p', init: () => ({ when: new Date(0) }) });
    const context = new StepContext(n1, [n1], [], protocol, new Map(), environment(), { checkState: false });
    expect(context.run({ handler: 'onBoot' })).toBeUndefined();
  });

  it('reads durable storage, seeing this step’s own writes first', () => {
    const seen: unknown[] = [];
    const context = contextFor(
      (ctx) => {
        seen.push(ctx.load('term'), ctx.load('missing'));
        ctx.persist('term', 5);
        seen.push(ctx.load('term'));
      },
      new Map([['term', 4]]),
    );
    context.run({ handler: 'onBoot' });
    expect(seen).toEqual([4, undefined, 5]);
    // The engine applies `persisted`; the durable map itself is untouched by the step.
    expect(context.durable.get('term')).toBe(4);
  });

  it('freezes what it persists and sends, so a node cannot change it afterwards', () => {
    const message = { list: [1] };
    const stored = { votes: [n2] };
    const context = contextFor((ctx) => {
      ctx.send(n2, message);
      ctx.persist('votes', stored);
    });
    context.run({ handler: 'onBoot' });
    expect(Object.isFrozen(message.list)).toBe(true);
    expect(Object.isFrozen(stored.votes)).toBe(true);
  });

  it('answers reads from the environment', () => {
    const seen: unknown[] = [];
    const context = contextFor((ctx) => {
      seen.push(ctx.now(), ctx.random(), ctx.randomInt(1, 10), ctx.id, ctx.nodes, ctx.peers);
      const signature = ctx.sign('v');
      seen.push(signature, ctx.verify(n1, 'v', signature), ctx.verify(n2, 'v', signature));
    });
    context.run({ handler: 'onBoot' });
    expect(seen).toEqual([1234, 0, 2, n1, [n1, n2, n3], [n2, n3], 'n1:sig', true, false]);
  });

  it('asks the engine for each choice, with its count of options, and answers from its index', () => {
    const asked: [NodeId, number][] = [];
    const protocol = defineProtocol<{ picks: unknown[] }>({
      name: 'picker',
      init: () => ({ picks: [] }),
      onBoot(ctx) {
        ctx.state.picks.push(ctx.choose(['x', 'y', 'z']), ctx.randomInt(5, 8), ctx.choose([true]));
      },
    });
    const context = new StepContext(
      n1,
      [n1],
      [],
      protocol,
      new Map(),
      environment({
        choose: (node, options) => {
          asked.push([node, options]);
          return options - 1;
        },
      }),
    );
    expect(context.run({ handler: 'onBoot' })).toBeUndefined();
    expect(asked).toEqual([
      [n1, 3],
      [n1, 4],
      [n1, 1],
    ]);
    expect(context.state.picks).toEqual(['z', 8, true]);
  });

  it('without an engine choice, draws a choice from the random stream as randomInt always did', () => {
    const seen: unknown[] = [];
    const context = contextFor((ctx) => {
      seen.push(ctx.random(), ctx.choose(['a', 'b', 'c', 'd', 'e']), ctx.randomInt(0, 9));
    });
    context.run({ handler: 'onBoot' });
    // Draws 0, 0.1, 0.2: floor(0.1 * 5) = 0, floor(0.2 * 10) = 2.
    expect(seen).toEqual([0, 'a', 2]);
  });

  it('refuses a choice with more options than the engine explores, naming the call', () => {
    const protocol = defineProtocol<{ n: number }>({
      name: 'wide',
      init: () => ({ n: 0 }),
      onBoot(ctx) {
        ctx.state.n = ctx.randomInt(1, 100);
      },
    });
    const context = new StepContext(n1, [n1], [], protocol, new Map(), environment({ choiceOptionsMax: 64 }));
    const fault = context.run({ handler: 'onBoot' });
    expect(fault).toBeInstanceOf(ProtocolFault);
    expect(fault?.kind).toBe('bad-call');
    expect(fault?.message).toMatch(/^n1\.onBoot: randomInt\(1, 100\) has 100 outcomes; .* at most 64/);
  });

  it('passes the trigger to the right handler', () => {
    const calls: string[] = [];
    const protocol = defineProtocol({
      name: 'all',
      init: () => null,
      onBoot: () => calls.push('boot'),
      onRecover: () => calls.push('recover'),
      onMessage: (_ctx, from, message) => calls.push(`message ${from} ${String(message)}`),
      onTimer: (_ctx, timer) => calls.push(`timer ${timer.name} ${String(timer.data)}`),
    });
    const context = new StepContext(n1, [n1, n2], [n2], protocol, new Map(), environment());
    context.run({ handler: 'onBoot' });
    context.run({ handler: 'onMessage', from: n2, message: 'hi' });
    context.run({ handler: 'onTimer', timer: { name: 't', data: 9 } });
    context.run({ handler: 'onRecover' });
    expect(calls).toEqual(['boot', 'message n2 hi', 'timer t 9', 'recover']);
    expect(context.currentHandler).toBe('onRecover');
  });

  it('treats a missing handler as a step that does nothing', () => {
    const context = new StepContext(
      n1,
      [n1],
      [],
      defineProtocol({ name: 'empty', init: () => 0 }),
      new Map(),
      environment(),
    );
    expect(context.run({ handler: 'onMessage', from: n1, message: 1 })).toBeUndefined();
    expect(context.effects).toEqual([]);
  });

  it.each<[string, Handler, ProtocolFault['kind'], RegExp]>([
    [
      'an unknown node',
      (ctx) => ctx.send('n9' as NodeId, 1),
      'bad-call',
      /send to "n9", which is not a node/,
    ],
    ['a non-string node', (ctx) => ctx.send(3 as unknown as NodeId, 1), 'bad-call', /send to 3/],
    [
      'a function in a message',
      (ctx) => ctx.send(n2, { payload: { when: () => 0 } }),
      'non-plain-message',
      /message to n2 is not plain at payload\.when: a function/,
    ],
    [
      'undefined in a broadcast',
      (ctx) => ctx.broadcast({ a: undefined }),
      'non-plain-message',
      /broadcast message is not plain at a: undefined/,
    ],
    [
      'a negative timer',
      (ctx) => ctx.setTimer('t', -1),
      'bad-call',
      /setTimer\('t'\) with delay -1: need 0 <= min <= max/,
    ],
    ['an inverted range', (ctx) => ctx.setTimer('t', [5, 2]), 'bad-call', /need 0 <= min <= max/],
    ['an infinite timer', (ctx) => ctx.setTimer('t', Infinity), 'bad-call', /need 0 <= min <= max/],
    [
      'a non-string timer name',
      (ctx) => ctx.setTimer(1 as unknown as string, 1),
      'bad-call',
      /setTimer needs a string name/,
    ],
    [
      'non-plain timer data',
      (ctx) => ctx.setTimer('t', 1, new Map([[1, Symbol('s')]])),
      'bad-call',
      /setTimer\('t'\) data is not plain at <map value for 1>/,
    ],
    [
      'non-plain durable data',
      (ctx) => ctx.persist('k', { at: new Date(0) }),
      'bad-call',
      /persist\('k'\) value is not plain at at: an instance of Date/,
    ],
    ['a bad randomInt range', (ctx) => ctx.randomInt(3, 1), 'bad-call', /randomInt\(3, 1\): need integers/],
    ['a choice of nothing', (ctx) => ctx.choose([]), 'bad-call', /choose\(options\) needs a non-empty array/],
    [
      'a non-plain invoke value',
      (ctx) => ctx.invoke('f', () => 0),
      'non-plain-message',
      /invoke\('f'\) value is not plain/,
    ],
    [
      'a non-plain completion',
      (ctx) => ctx.complete(1, 'ok', undefined),
      'non-plain-message',
      /complete\(1\) value is not plain/,
    ],
    [
      'a thrown string',
      () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless protocol does
        throw 'oops';
      },
      'threw',
      /threw a thrown string: oops/,
    ],
    [
      'unbounded recursion',
      function recurse(this: void, ctx) {
        recurse(ctx);
      },
      'threw',
      /unbounded recursion/,
    ],
  ])('reports %s as a fault naming node and handler', (_label, handler, kind, detail) => {
    const context = contextFor(handler);
    const fault = context.run({ handler: 'onBoot' });
    expect(fault?.kind).toBe(kind);
    expect(fault?.node).toBe(n1);
    expect(fault?.handler).toBe('onBoot');
    expect(fault?.detail).toMatch(detail);
    expect(context.effects).toEqual([]);
  });

  it('stops a step that asks for more than EFFECTS_PER_STEP_MAX effects', () => {
    const context = contextFor((ctx) => {
      for (;;) ctx.log('again');
    });
    const fault = context.run({ handler: 'onBoot' });
    expect(fault?.kind).toBe('too-many-effects');
    expect(fault?.detail).toContain(String(EFFECTS_PER_STEP_MAX));
  });

  it('allows exactly EFFECTS_PER_STEP_MAX effects', () => {
    const context = contextFor((ctx) => {
      for (let index = 0; index < EFFECTS_PER_STEP_MAX; index++) ctx.log('x');
    });
    expect(context.run({ handler: 'onBoot' })).toBeUndefined();
    expect(context.effects).toHaveLength(EFFECTS_PER_STEP_MAX);
  });

  it('reports a forbidden global, named, under an installed guard', () => {
    const context = contextFor(() => {
      Date.now();
    });
    const restore = installGlobalGuard();
    let fault: ProtocolFault | undefined;
    try {
      fault = context.run({ handler: 'onBoot' });
    } finally {
      restore();
    }
    expect(fault?.kind).toBe('forbidden-global');
    expect(fault?.detail).toMatch(/^called Date\.now,/);
  });

  it('takes its initial state from init(id)', () => {
    const protocol = defineProtocol({ name: 'p', init: (id) => ({ me: id }) });
    expect(new StepContext(n3, [n3], [], protocol, new Map(), environment()).state).toEqual({ me: n3 });
  });
});

describe('defineProtocol', () => {
  it('returns the protocol itself', () => {
    const protocol = { name: 'p', init: () => 0 };
    expect(defineProtocol(protocol)).toBe(protocol);
  });

  it('refuses a protocol without a name or init', () => {
    expect(() => defineProtocol({ name: '', init: () => 0 })).toThrow(/needs a non-empty `name`/);
    expect(() => defineProtocol({ name: 'p' } as unknown as Protocol)).toThrow(
      /protocol 'p' needs an `init` function/,
    );
  });
});
