import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/index.js';
import { defineProtocol, type Protocol } from '../../core/index.js';
import { constant, uniform } from '../../sim/index.js';
import { simulate, type SimulationConfig } from '../../sim/index.js';
import { loadTraceReader, traceToJsonl } from '../../trace/index.js';
import { checkLinearizability } from '../linearizability/check.js';
import { linearizable } from '../properties.js';
import { pairOperations } from '../types.js';
import {
  workloadClient,
  workloadClients,
  type WorkloadClientOptions,
  type WorkloadClientState,
  type WorkloadReply,
  type WorkloadRequest,
} from './client.js';
import {
  casRegisterWorkload,
  counterWorkload,
  keyValueWorkload,
  queueWorkload,
  registerWorkload,
  setWorkload,
  type Workload,
} from './generators.js';
import { historyFromSimulation, historyFromTrace } from './history.js';
import { isKeyedValue, recordedValue, splitRecordedValue, type WorkloadOperation } from './operation.js';
import { clientsProgress } from './progress.js';

/** The object a test server holds, applied one operation at a time: linearizable by construction. */
function apply(
  kind: string,
  object: unknown,
  operation: WorkloadOperation,
): { object: unknown; result: unknown } {
  const { f, value } = operation;
  if (kind === 'kv') {
    const map = object as Record<string, string>;
    const key = String(operation.key);
    const current = map[key] ?? '';
    switch (f) {
      case 'get':
        return { object, result: current };
      case 'put':
        return { object: { ...map, [key]: value as string }, result: value };
      case 'append':
        return { object: { ...map, [key]: current + (value as string) }, result: value };
      case 'cas': {
        const [from, to] = value as [string, string];
        return current === from ? { object: { ...map, [key]: to }, result: true } : { object, result: false };
      }
    }
  }
  if (kind === 'register' || kind === 'cas-register') {
    if (f === 'read') return { object, result: object };
    if (f === 'write') return { object: value, result: value };
    const [from, to] = value as [number, number];
    return object === from ? { object: to, result: true } : { object, result: false };
  }
  if (kind === 'queue') {
    const queue = object as number[];
    if (f === 'enqueue') return { object: [...queue, value as number], result: value };
    return { object: queue.slice(1), result: queue[0] ?? null };
  }
  if (kind === 'set') {
    const set = object as number[];
    if (f === 'add') return { object: [...set, value as number], result: value };
    return { object, result: set };
  }
  // counter
  if (f === 'add') return { object: (object as number) + (value as number), result: value };
  return { object, result: object };
}

const initialObject: Readonly<Record<string, unknown>> = {
  kv: {},
  register: null,
  'cas-register': null,
  queue: [],
  set: [],
  counter: 0,
};

interface ServerState {
  object: unknown;
  /** Each client's last request and its result, so that a retried request is applied once. */
  sessions: Record<string, { request: number; result: unknown }>;
  /** What reads see when the server is stale: the object before the last change. */
  previous: unknown;
}

type ServerMessage = WorkloadRequest<WorkloadOperation> | WorkloadReply<unknown>;

/** A one-node server of `kind`; `stale` makes reads return the value before the last write. */
function objectServer(
  kind: string,
  options: { stale?: boolean; redirectTo?: string } = {},
): Protocol<ServerState, ServerMessage> {
  return defineProtocol<ServerState, ServerMessage>({
    name: `${kind}-server`,
    init: () => ({ object: initialObject[kind], sessions: {}, previous: initialObject[kind] }),
    onMessage(context, from, message) {
      if (message.type !== 'request') return;
      if (options.redirectTo !== undefined) {
        context.send(from, { type: 'redirect', request: message.request, leader: options.redirectTo });
        return;
      }
      const state = context.state;
      const session = state.sessions[from];
      if (session !== undefined && session.request === message.request) {
        context.send(from, { type: 'response', request: message.request, result: session.result });
        return;
      }
      const reading = message.command.f === 'read' || message.command.f === 'get';
      const { object, result } = apply(
        kind,
        options.stale && reading ? state.previous : state.object,
        message.command,
      );
      if (!reading) {
        state.previous = state.object;
        state.object = object;
      }
      state.sessions = { ...state.sessions, [from]: { request: message.request, result } };
      context.send(from, { type: 'response', request: message.request, result });
    },
  });
}

function clientOptions(
  workload: Workload,
  client: number,
): WorkloadClientOptions<WorkloadOperation, unknown> {
  return {
    servers: ['server'],
    client,
    workload,
    operations: 25,
    encode: (operation) => operation,
    decode: (_operation, result) => ({ type: 'ok', value: result }),
    thinkMs: [0, 20],
    retryMs: 30,
    timeoutMs: 200,
  };
}

function system(
  workload: Workload,
  server: Protocol<ServerState, ServerMessage>,
  options: { clients?: number; drop?: number; duplicate?: number } = {},
): SimulationConfig {
  return {
    nodes: {
      server,
      ...workloadClients(options.clients ?? 3, (client) => workloadClient(clientOptions(workload, client))),
    },
    network: { delay: uniform(1, 10), drop: options.drop ?? 0, duplicate: options.duplicate ?? 0 },
    durationMs: 10_000,
    properties: [linearizable(workload.model)],
  };
}

const workloads: readonly (readonly [string, Workload])[] = [
  ['register', registerWorkload()],
  ['cas-register', casRegisterWorkload()],
  ['kv', keyValueWorkload()],
  ['queue', queueWorkload()],
  ['set', setWorkload()],
  ['counter', counterWorkload()],
];

describe('workload generators', () => {
  it.each(workloads)(
    '%s: a correct server passes the linearizability check, over a lossy network',
    (kind, workload) => {
      for (let seed = 1; seed <= 5; seed++) {
        const result = simulate(system(workload, objectServer(kind), { drop: 0.1, duplicate: 0.1 }), {
          seed,
        });
        expect(result.failure, `seed ${seed}`).toBeUndefined();
        const paired = pairOperations(historyFromSimulation(result.history));
        // 3 clients x 25 operations, each ended ok or (after a timeout) info.
        expect(paired.operations.length).toBe(75);
      }
    },
  );

  it.each([
    ['register', registerWorkload()],
    ['cas-register', casRegisterWorkload()],
    ['kv', keyValueWorkload()],
  ] as const)('%s: a server whose reads lag one write behind is caught within 5 seeds', (kind, workload) => {
    const failures = [1, 2, 3, 4, 5].map(
      (seed) => simulate(system(workload, objectServer(kind, { stale: true })), { seed }).failure,
    );
    const caught = failures.find((failure) => failure !== undefined);
    expect(caught).toMatchObject({ kind: 'at-end', property: `linearizable (${workload.model().name})` });
    expect(caught && 'detail' in caught ? caught.detail : '').toMatch(
      /^not linearizable .* no operation can come next: c\d /,
    );
  });

  it('draws each function in proportion to its share, and only functions with a share', () => {
    const workload = keyValueWorkload({ keys: ['a', 'b', 'c'], mix: { get: 1, put: 0, append: 1, cas: 2 } });
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 8,
          maxLength: 8,
        }),
        (draws) => {
          let next = 0;
          const random = (): number => draws[next++ % draws.length] as number;
          const operation = workload.next({ client: 1, issued: 0, random });
          expect(['get', 'append', 'cas']).toContain(operation.f);
          expect(['a', 'b', 'c']).toContain(operation.key);
          if (operation.f === 'cas')
            expect(operation.value).toEqual([expect.any(String), expect.any(String)]);
        },
      ),
    );
    let state = 7;
    const random = (): number => {
      state = (state * 48_271) % 2_147_483_647;
      return state / 2_147_483_647;
    };
    const counts = new Map<string, number>();
    for (let issued = 0; issued < 4_000; issued++) {
      const { f } = workload.next({ client: 1, issued, random });
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    expect(counts.get('put')).toBeUndefined();
    expect((counts.get('cas') ?? 0) / 4_000).toBeCloseTo(0.5, 1);
    expect((counts.get('get') ?? 0) / 4_000).toBeCloseTo(0.25, 1);
  });

  it('makes queue and set elements unique per client and operation', () => {
    const queue = queueWorkload({ mix: { enqueue: 1, dequeue: 0 } });
    const values = [1, 2].flatMap((client) =>
      [0, 1, 2].map((issued) => queue.next({ client, issued, random: () => 0.5 }).value),
    );
    expect(new Set(values).size).toBe(6);
    expect(setWorkload().final({ client: 1, issued: 3, random: () => 0 })).toEqual([
      { f: 'read', value: null },
    ]);
    expect(keyValueWorkload({ keys: ['a', 'b'] }).final({ client: 1, issued: 0, random: () => 0 })).toEqual([
      { f: 'get', key: 'a', value: null },
      { f: 'get', key: 'b', value: null },
    ]);
  });

  it('refuses bad options, naming the generator', () => {
    expect(() => keyValueWorkload({ keys: [] })).toThrow(InputError);
    expect(() => registerWorkload({ mix: { read: 0, write: 0 } })).toThrow(/registerWorkload: the mix gives/);
    expect(() => casRegisterWorkload({ mix: { read: -1, write: 1, cas: 1 } })).toThrow(/mix.read must be/);
    expect(() => counterWorkload({ deltaMax: 0 })).toThrow(/counterWorkload: deltaMax must be/);
  });
});

describe('recording conventions', () => {
  it('records a keyed value as { key, value } and splits it back', () => {
    expect(recordedValue('x', '3')).toEqual({ key: 'x', value: '3' });
    expect(recordedValue(undefined, [1, 2])).toEqual([1, 2]);
    expect(splitRecordedValue({ key: 'x', value: null })).toEqual({ key: 'x', value: null });
    expect(splitRecordedValue({ key: 'x', value: 1, other: 2 })).toEqual({
      value: { key: 'x', value: 1, other: 2 },
    });
    expect(isKeyedValue({ key: ['x'], value: 1 })).toBe(false);
    expect(isKeyedValue(new Map([['key', 1]]))).toBe(false);
  });

  it('rebuilds the same history from a saved trace as from the run', async () => {
    const workload = keyValueWorkload();
    const result = simulate(system(workload, objectServer('kv'), { drop: 0.5 }), { seed: 3, trace: true });
    const fromRun = historyFromSimulation(result.history, 'run');
    const { parseTraceJsonl } = await loadTraceReader();
    const trace = parseTraceJsonl(traceToJsonl(result.trace!), 'saved.jsonl');
    const fromTrace = historyFromTrace(trace, 'run');
    expect(fromTrace).toEqual(fromRun);
    expect(historyFromTrace(trace).source).toBe('unnamed seed 3');
    // Keys are split out of the recorded values; an info repeats its invocation's value.
    const events = fromRun.events;
    expect(events.every((event) => event.key === 'x' || event.key === 'y')).toBe(true);
    const info = events.find((event) => event.type === 'info');
    expect(info).toBeDefined();
    const invoke = events
      .filter((event) => event.process === info?.process && event.index < (info?.index ?? 0))
      .pop();
    expect(invoke).toMatchObject({ type: 'invoke', f: info?.f, key: info?.key, value: info?.value });
    const checked = checkLinearizability(pairOperations(fromTrace).operations, workload.model());
    expect(checked.verdict).toBe('linearizable');
  });
});

describe('workloadClient', () => {
  const register = registerWorkload();

  function run(
    options: Partial<WorkloadClientOptions<WorkloadOperation, unknown>>,
    nodes: SimulationConfig['nodes'],
    config: Partial<SimulationConfig> = {},
  ) {
    return simulate(
      {
        nodes: {
          ...nodes,
          c1: { protocol: workloadClient({ ...clientOptions(register, 1), ...options }), group: 'clients' },
        },
        network: { delay: constant(5) },
        durationMs: 5_000,
        ...config,
      },
      { seed: 1 },
    );
  }

  it('follows a redirect to the leader it names', () => {
    const result = run(
      { servers: ['s1', 's2'], firstServer: 's2', operations: 2, thinkMs: [0, 0] },
      { s1: objectServer('register'), s2: objectServer('register', { redirectTo: 's1' }) },
    );
    expect(result.history.map((event) => `${event.time} ${event.type}`)).toEqual([
      // Out to s2 and back (10 ms), out to s1 and back (10 ms); the second goes to s1 at once.
      '0 invoke',
      '20 ok',
      '20 invoke',
      '30 ok',
    ]);
  });

  it('records info at the timeout when nobody answers, retrying at each server meanwhile', () => {
    const silent = defineProtocol<{ requests: number }, ServerMessage>({
      name: 'silent',
      init: () => ({ requests: 0 }),
      onMessage(context) {
        context.state.requests++;
      },
    });
    const result = run(
      { servers: ['s1', 's2'], operations: 1, retryMs: 30, timeoutMs: 100 },
      { s1: silent, s2: silent },
      { stopWhen: (view) => view.history.length === 2 },
    );
    const [invoke, info] = result.history;
    expect([invoke?.time, invoke?.type, info?.time, info?.type]).toEqual([0, 'invoke', 100, 'info']);
    expect(info?.value).toEqual(invoke?.value);
    // Sends at 0, 30, 60 and 90: alternately to s1 and s2.
    expect(result.stats.sends).toBe(4);
  });

  it('follows at most one redirect per server between retries, so that stale servers cannot loop it', () => {
    const result = simulate(
      {
        nodes: {
          s1: objectServer('register', { redirectTo: 's2' }),
          s2: objectServer('register', { redirectTo: 's1' }),
          c1: {
            protocol: workloadClient({
              ...clientOptions(register, 1),
              servers: ['s1', 's2'],
              operations: 1,
              retryMs: 30,
              timeoutMs: 100,
            }),
            group: 'clients',
          },
        },
        network: { delay: constant(5) },
        durationMs: 1_000,
      },
      { seed: 1, trace: true },
    );
    const requests =
      result.trace?.events.filter((event) => event.type === 'send' && event.node === 'c1') ?? [];
    // At 0, 10 and 20 ms (two redirects), then by timer at 50, with redirects at 60 and 70; info at 100.
    expect(requests.map((event) => event.t)).toEqual([0, 10, 20, 50, 60, 70]);
    expect(result.history.map((event) => `${event.time} ${event.type}`)).toEqual(['0 invoke', '100 info']);
  });

  it('records fail when the service says the operation did not happen', () => {
    const result = run(
      {
        workload: casRegisterWorkload({ mix: { read: 0, write: 0, cas: 1 } }),
        operations: 3,
        decode: (_operation, result) =>
          result === false ? { type: 'fail', value: null } : { type: 'ok', value: result },
      },
      { server: objectServer('cas-register') },
    );
    // The register stays null, so every cas fails its comparison.
    expect(result.history.filter((event) => event.type !== 'invoke').map((event) => event.type)).toEqual([
      'fail',
      'fail',
      'fail',
    ]);
  });

  it('runs the final operations after afterMs and leaves out ordinary ones not started by then', () => {
    const result = run(
      { operations: 1_000, thinkMs: [50, 50], final: { afterMs: 400 } },
      { server: objectServer('register') },
      { stopWhen: (view) => view.state<WorkloadClientState>('c1')?.done === true },
    );
    const state = result.history;
    const invokes = state.filter((event) => event.type === 'invoke');
    // Every 60 ms (10 ms round trip, 50 ms pause) up to 400 ms: 0, 60, ..., 360; then the final read.
    expect(invokes.map((event) => event.time)).toEqual([0, 60, 120, 180, 240, 300, 360, 420]);
    expect(invokes.at(-1)?.f).toBe('read');
    expect(result.endMs).toBe(430);
  });

  it('waits for afterMs before its final operations when it finishes early', () => {
    const result = run(
      { operations: 1, thinkMs: [0, 0], final: { afterMs: 1_000 } },
      { server: objectServer('register') },
      { stopWhen: (view) => view.state<WorkloadClientState>('c1')?.done === true },
    );
    expect(result.history.filter((event) => event.type === 'invoke').map((event) => event.time)).toEqual([
      0, 1_000,
    ]);
  });

  it('refuses bad options', () => {
    const base = clientOptions(register, 1);
    expect(() => workloadClient({ ...base, servers: [] })).toThrow(/servers must not be empty/);
    expect(() => workloadClient({ ...base, firstServer: 'elsewhere' })).toThrow(/firstServer 'elsewhere'/);
    expect(() => workloadClient({ ...base, operations: -1 })).toThrow(/operations must be/);
    expect(() => workloadClient({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs must be/);
  });
});

describe('clientsProgress', () => {
  it('holds once every client has run its final operations successfully, and not otherwise', () => {
    const ok = simulate(
      {
        ...system(registerWorkload(), objectServer('register'), { clients: 2 }),
        nodes: {
          server: objectServer('register'),
          ...workloadClients(2, (client) =>
            workloadClient({ ...clientOptions(registerWorkload(), client), final: { afterMs: 2_000 } }),
          ),
        },
        properties: [clientsProgress()],
        durationMs: 3_000,
      },
      { seed: 1 },
    );
    expect(ok.failure).toBeUndefined();
    const silent = defineProtocol<null, ServerMessage>({ name: 'silent', init: () => null });
    const stuck = simulate(
      {
        nodes: {
          server: silent,
          c1: {
            protocol: workloadClient({
              ...clientOptions(registerWorkload(), 1),
              operations: 0,
              final: { afterMs: 100 },
            }),
            group: 'clients',
          },
        },
        properties: [clientsProgress()],
        durationMs: 1_000,
      },
      { seed: 1 },
    );
    expect(stuck.failure).toMatchObject({
      kind: 'eventually',
      property: 'every client finishes, its final operations served',
    });
  });
});
