import { describe, expect, it } from 'vitest';
import type { NodeId } from '../core/index.js';
import { defineProtocol, type Context } from '../core/index.js';
import type { Signature } from '../core/index.js';
import { StepContext, type StepEnvironment } from '../core/index.js';
import type { TraceEvent } from '../trace/index.js';
import { exponential, uniform } from './distributions.js';
import type { ClientEvent } from '../core/index.js';
import {
  registerClient,
  registerService,
  type RegisterReply,
  type RegisterRequest,
  type RegisterRequests,
} from './shared-memory.js';
import type { NetworkSettings } from './network.js';
import { simulate, type SimulationConfig } from './simulator.js';

const memory = registerClient('mem');

// --- The service alone, one step at a time. ---

function serviceContext(
  options: Parameters<typeof registerService>[0] = {},
  durable = new Map<string, unknown>(),
) {
  const environment: StepEnvironment = {
    now: () => 0,
    random: () => 0,
    sign: () => '' as Signature,
    verify: () => false,
    isKnownNode: () => true,
    nextOperation: () => 1,
  };
  const context = new StepContext(
    'mem' as NodeId,
    ['mem' as NodeId],
    [],
    registerService(options),
    durable,
    environment,
  );
  return {
    context,
    /** Delivers `message` from `from`; returns what the service sent back. */
    ask: (message: unknown, from = 'p1'): unknown[] => {
      const fault = context.run({ handler: 'onMessage', from: from as NodeId, message });
      expect(fault).toBeUndefined();
      if (context.persisted) for (const [key, value] of context.persisted) durable.set(key, value);
      return context.effects.map((effect) =>
        effect.kind === 'send' ? { to: effect.to, ...(effect.message as object) } : effect,
      );
    },
  };
}

describe('registerService', () => {
  it('reads the initial value of a register never written, then what was written', () => {
    const { ask } = serviceContext();
    expect(ask({ type: 'register-read', id: 1, register: 'x' })).toEqual([
      { to: 'p1', type: 'register-read-ok', id: 1, register: 'x', value: null },
    ]);
    expect(ask({ type: 'register-write', id: 2, register: 'x', value: { v: 7 } }, 'p2')).toEqual([
      { to: 'p2', type: 'register-write-ok', id: 2, register: 'x' },
    ]);
    expect(ask({ type: 'register-read', id: 3, register: 'x' })).toEqual([
      { to: 'p1', type: 'register-read-ok', id: 3, register: 'x', value: { v: 7 } },
    ]);
    // Registers are independent.
    expect(ask({ type: 'register-read', id: 4, register: 'y' })).toMatchObject([{ value: null }]);
  });

  it('takes the initial value from its options', () => {
    expect(serviceContext({ initial: 0 }).ask({ type: 'register-read', id: 1, register: 'x' })).toMatchObject(
      [{ value: 0 }],
    );
  });

  it('compare-and-set applies only when the register holds the expected value (compared as plain data)', () => {
    const { ask } = serviceContext();
    expect(ask({ type: 'register-cas', id: 1, register: 'x', expected: 0, value: 1 })).toMatchObject([
      { type: 'register-cas-ok', ok: false, value: null },
    ]);
    expect(ask({ type: 'register-cas', id: 2, register: 'x', expected: null, value: [1, 2] })).toMatchObject([
      { ok: true, value: [1, 2] },
    ]);
    expect(
      ask({ type: 'register-cas', id: 3, register: 'x', expected: [1, 2], value: new Map([['a', 1n]]) }),
    ).toMatchObject([{ ok: true }]);
    expect(ask({ type: 'register-read', id: 4, register: 'x' })).toMatchObject([
      { value: new Map([['a', 1n]]) },
    ]);
    expect(
      ask({ type: 'register-cas', id: 5, register: 'x', expected: new Map([['a', 2n]]), value: 0 }),
    ).toMatchObject([{ ok: false, value: new Map([['a', 1n]]) }]);
  });

  it.each([
    [null, null, 'a request must be an object'],
    [{ type: 'register-read', register: 'x' }, null, 'a request needs a numeric id'],
    [{ type: 'register-read', id: 4 }, 4, 'a request needs a register name'],
    [{ type: 'register-write', id: 5, register: 'x' }, 5, 'a write needs a value'],
    [
      { type: 'register-cas', id: 6, register: 'x', value: 1 },
      6,
      'a compare-and-set needs expected and value',
    ],
    [{ type: 'register-delete', id: 7, register: 'x' }, 7, 'unknown request type "register-delete"'],
  ])('answers a malformed request %j with an error', (request, id, detail) => {
    expect(serviceContext().ask(request)).toEqual([{ to: 'p1', type: 'register-error', id, detail }]);
  });

  it('never answers a reply (two services would otherwise echo errors forever)', () => {
    const { ask } = serviceContext();
    expect(ask({ type: 'register-error', id: null, detail: 'x' })).toEqual([]);
    expect(ask({ type: 'register-read-ok', id: 1, register: 'x', value: 1 })).toEqual([]);
  });

  it('keeps registers in durable storage unless told not to', () => {
    const durable = new Map<string, unknown>();
    serviceContext({}, durable).ask({ type: 'register-write', id: 1, register: 'x', value: 5 });
    const recovered = serviceContext({}, durable);
    recovered.context.run({ handler: 'onRecover' });
    expect(recovered.ask({ type: 'register-read', id: 2, register: 'x' })).toMatchObject([{ value: 5 }]);
    const volatile = new Map<string, unknown>();
    serviceContext({ durable: false }, volatile).ask({
      type: 'register-write',
      id: 1,
      register: 'x',
      value: 5,
    });
    expect(volatile.size).toBe(0);
  });
});

describe('registerClient', () => {
  function clientContext() {
    const sent: { to: string; message: RegisterRequest }[] = [];
    return { sent, context: { send: (to: NodeId, message: RegisterRequest) => sent.push({ to, message }) } };
  }

  it('numbers requests, sends them to the service and matches each reply once', () => {
    const requests = memory.initialState();
    const { sent, context } = clientContext();
    expect(memory.read(context, requests, 'x', 'first')).toBe(1);
    expect(memory.write(context, requests, 'x', 5)).toBe(2);
    expect(memory.compareAndSet(context, requests, 'y', null, 1, { op: 3 })).toBe(3);
    expect(sent).toEqual([
      { to: 'mem', message: { type: 'register-read', id: 1, register: 'x' } },
      { to: 'mem', message: { type: 'register-write', id: 2, register: 'x', value: 5 } },
      { to: 'mem', message: { type: 'register-cas', id: 3, register: 'y', expected: null, value: 1 } },
    ]);
    const reply: RegisterReply = { type: 'register-read-ok', id: 1, register: 'x', value: 9 };
    expect(memory.match(requests, 'other' as NodeId, reply)).toBeUndefined();
    expect(memory.match(requests, 'mem' as NodeId, { type: 'gossip', id: 1 })).toBeUndefined();
    expect(memory.match(requests, 'mem' as NodeId, reply)).toEqual({
      request: sent[0]?.message,
      reply,
      tag: 'first',
    });
    // A duplicate of the same reply matches nothing: the request is no longer pending.
    expect(memory.match(requests, 'mem' as NodeId, reply)).toBeUndefined();
    expect(
      memory.match(requests, 'mem' as NodeId, {
        type: 'register-cas-ok',
        id: 3,
        register: 'y',
        ok: true,
        value: 1,
      })?.tag,
    ).toEqual({ op: 3 });
    expect([...requests.pending.keys()]).toEqual([2]);
  });

  it('retry sends every pending request again', () => {
    const requests = memory.initialState();
    const { sent, context } = clientContext();
    memory.read(context, requests, 'x');
    memory.write(context, requests, 'x', 1);
    memory.match(requests, 'mem' as NodeId, { type: 'register-write-ok', id: 2, register: 'x' });
    expect(memory.retry(context, requests)).toBe(1);
    expect(sent.at(-1)).toEqual({ to: 'mem', message: { type: 'register-read', id: 1, register: 'x' } });
  });
});

// --- Two processes that share nothing but a register. ---

interface ProcessState {
  requests: RegisterRequests;
  written: number;
  /** Resend pending requests every 100 ms (needed when the network loses messages). */
  retries: boolean;
}

const WRITES = 10;

/**
 * p1 writes 1..WRITES into `x`, one after the other; p2 reads `x` every few
 * ms, without waiting for earlier reads, until it has read WRITES. Each
 * operation is recorded as a client operation, for the history. Lost
 * requests are retried after 100 ms.
 */
const processProtocol = defineProtocol<ProcessState, RegisterRequest | RegisterReply>({
  name: 'register-user',
  init: (id) => ({ requests: memory.initialState(), written: 0, retries: id.endsWith('r') }),
  onBoot: (ctx) => {
    if (ctx.id.startsWith('p1')) writeNext(ctx);
    else ctx.setTimer('read', 3);
    if (ctx.state.retries) ctx.setTimer('retry', 100);
  },
  onTimer: (ctx, timer) => {
    if (timer.name === 'retry') {
      memory.retry(ctx, ctx.state.requests);
      ctx.setTimer('retry', 100);
      return;
    }
    const operation = ctx.invoke('read', null);
    memory.read(ctx, ctx.state.requests, 'x', operation);
    ctx.setTimer('read', 3);
  },
  onMessage: (ctx, from, message) => {
    const matched = memory.match(ctx.state.requests, from, message);
    if (!matched) return;
    const operation = matched.tag as number;
    if (matched.reply.type === 'register-read-ok') {
      ctx.complete(operation, 'ok', matched.reply.value);
      if (matched.reply.value === WRITES) {
        ctx.cancelTimer('read');
        ctx.cancelTimer('retry');
      }
    } else if (matched.reply.type === 'register-write-ok') {
      ctx.complete(operation, 'ok', ctx.state.written);
      if (ctx.state.written < WRITES) writeNext(ctx);
      else ctx.cancelTimer('retry');
    }
  },
});

function writeNext(ctx: Context<ProcessState, RegisterRequest | RegisterReply>): void {
  ctx.state.written++;
  const operation = ctx.invoke('write', ctx.state.written);
  memory.write(ctx, ctx.state.requests, 'x', ctx.state.written, operation);
}

/** p1 writes, p2 reads; with `retries`, the processes are named p1r and p2r and resend lost requests. */
function system(network: NetworkSettings, retries = false): SimulationConfig {
  const suffix = retries ? 'r' : '';
  return {
    nodes: {
      [`p1${suffix}`]: processProtocol,
      [`p2${suffix}`]: processProtocol,
      mem: { protocol: registerService(), group: 'services' },
    },
    network,
    durationMs: 5000,
    stopWhen: (view) =>
      view.history.some((entry) => entry.type === 'ok' && entry.f === 'read' && entry.value === WRITES),
  };
}

interface Operation {
  readonly f: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly invokedMs: number;
  readonly completedMs: number;
  readonly id: number;
}

/** Completed operations of a history, with their invocation and completion times. */
function operations(history: readonly ClientEvent[]): Operation[] {
  const invoked = new Map<number, ClientEvent>();
  const done: Operation[] = [];
  for (const entry of history) {
    if (entry.type === 'invoke') invoked.set(entry.operation, entry);
    else {
      const start = invoked.get(entry.operation) as ClientEvent;
      done.push({
        f: start.f,
        input: start.value,
        output: entry.value,
        invokedMs: start.time,
        completedMs: entry.time,
        id: entry.operation,
      });
    }
  }
  return done;
}

describe('two processes communicating through a register', () => {
  it('share nothing but the register, and the reader learns the last value under arbitrary delays and losses', () => {
    for (let seed = 0; seed < 20; seed++) {
      const result = simulate(system({ delay: exponential(20, 1), drop: 0.1, duplicate: 0.1 }, true), {
        seed,
        trace: true,
      });
      expect(result.ok).toBe(true);
      const events = result.trace?.events ?? [];
      const sends = events.filter(
        (event): event is Extract<TraceEvent, { type: 'send' }> => event.type === 'send',
      );
      expect(sends.every((event) => event.node === 'mem' || event.to === 'mem')).toBe(true);
      const reads = operations(result.history).filter((operation) => operation.f === 'read');
      expect(reads.at(-1)?.output).toBe(WRITES);
      // A read never returns a value never written: each is the initial null or a value whose write had begun.
      for (const read of reads) {
        if (read.output === null) continue;
        const write = result.history.find(
          (entry) => entry.type === 'invoke' && entry.f === 'write' && entry.value === read.output,
        );
        expect(write).toBeDefined();
        expect((write as ClientEvent).time).toBeLessThanOrEqual(read.completedMs);
      }
    }
  });

  it('is linearizable without duplication (and so without retries, which duplicate): reads see completed writes', () => {
    let checkedReads = 0;
    for (let seed = 0; seed < 30; seed++) {
      const result = simulate(system({ delay: uniform(1, 40) }), { seed });
      expect(result.ok).toBe(true);
      const done = operations(result.history);
      const writes = done.filter((operation) => operation.f === 'write');
      for (const read of done.filter((operation) => operation.f === 'read')) {
        const value = (read.output ?? 0) as number;
        const completedBefore = writes
          .filter((write) => write.completedMs < read.invokedMs)
          .map((write) => write.input as number);
        expect(value).toBeGreaterThanOrEqual(Math.max(0, ...completedBefore));
        // Invoked, not necessarily completed: the run stops once the last value is read.
        const begunBefore = result.history
          .filter((entry) => entry.type === 'invoke' && entry.f === 'write' && entry.time <= read.completedMs)
          .map((entry) => entry.value as number);
        expect(value).toBeLessThanOrEqual(Math.max(0, ...begunBefore));
        checkedReads++;
      }
    }
    expect(checkedReads).toBeGreaterThan(300);
  });

  /** Whether, in one run, a read sent after another returned an older value. */
  function overtaken(ordering: 'fifo' | 'unordered', seed: number): boolean {
    const result = simulate(system({ delay: uniform(1, 40), ordering }), { seed });
    const reads = operations(result.history)
      .filter((operation) => operation.f === 'read')
      .sort((a, b) => a.id - b.id);
    return reads.some(
      (read, index) =>
        index > 0 && ((read.output ?? 0) as number) < ((reads[index - 1]?.output ?? 0) as number),
    );
  }

  it('without FIFO, a later read may overtake an earlier one and return an older value', () => {
    const seeds = Array.from({ length: 20 }, (_, seed) => seed);
    expect(seeds.filter((seed) => overtaken('unordered', seed)).length).toBeGreaterThan(5);
  });

  it('with FIFO, reads from one process are applied in the order sent', () => {
    const seeds = Array.from({ length: 20 }, (_, seed) => seed);
    expect(seeds.filter((seed) => overtaken('fifo', seed))).toEqual([]);
  });
});
