/**
 * fairlink's Maelstrom nodes are ordinary fairlink protocols: the same handlers run in the
 * simulator, seeded and replayable, under message loss and partitions.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/index.js';
import { defineProtocol, type Protocol } from '../../core/index.js';
import { checkLinearizability } from '../../history/index.js';
import { casRegisterModel } from '../../history/index.js';
import { pairOperations, type HistoryEvent } from '../../history/index.js';
import { uniform } from '../../sim/index.js';
import { eventually, type SystemView } from '../../core/index.js';
import { simulate, type SimulationConfig } from '../../sim/index.js';
import type { Body } from '../protocol.js';
import { broadcastNode, treeNeighbours, type BroadcastState } from './broadcast.js';
import { gCounterNode, type GCounterState } from './g-counter.js';
import { linKvNode, maelstromKvMachine, type LinKvCommand } from './lin-kv.js';

const SERVERS = ['n0', 'n1', 'n2', 'n3', 'n4'];

/** What a test client asks: the request body, and how the history records it. */
interface Request {
  readonly body: Omit<Body, 'msg_id'>;
  readonly f: string;
  readonly value: unknown;
}

interface ClientState {
  issued: number;
  nextMessageId: number;
  pending: { readonly messageId: number; readonly operation: number; readonly request: Request } | null;
}

/**
 * A Maelstrom client as a fairlink protocol: one request at a time to a random server, each
 * recorded in the history; no reply within 400 ms makes it `info`.
 */
function client(
  servers: readonly string[],
  count: number,
  next: (random: () => number) => Request,
  outcome: (request: Request, reply: Body) => { type: 'ok' | 'fail'; value: unknown },
): Protocol<ClientState, Body> {
  return defineProtocol<ClientState, Body>({
    name: 'maelstrom-test-client',
    init: () => ({ issued: 0, nextMessageId: 1, pending: null }),
    onBoot: (context) => context.setTimer('next', [20, 40]),
    onTimer(context, timer) {
      const state = context.state;
      if (timer.name === 'timeout' && state.pending !== null) {
        context.complete(state.pending.operation, 'info', null);
        state.pending = null;
      }
      if (timer.name !== 'next') return;
      if (state.pending === null && state.issued < count) {
        const request = next(() => context.random());
        const messageId = state.nextMessageId++;
        const operation = context.invoke(request.f, request.value);
        const server = servers[context.randomInt(0, servers.length - 1)] as NodeId;
        context.send(server, { ...request.body, msg_id: messageId } as Body);
        context.setTimer('timeout', 400);
        state.pending = { messageId, operation, request };
        state.issued++;
      }
      context.setTimer('next', [5, 25]);
    },
    onMessage(context, _from, message) {
      const pending = context.state.pending;
      if (pending === null || message.in_reply_to !== pending.messageId) return;
      const settled = outcome(pending.request, message);
      context.complete(pending.operation, settled.type, settled.value);
      context.cancelTimer('timeout');
      context.state.pending = null;
    },
  });
}

function cluster(
  server: Protocol<never, Body>,
  clients: Record<string, Protocol<ClientState, Body>>,
): SimulationConfig['nodes'] {
  return {
    ...Object.fromEntries(SERVERS.map((id) => [id, server])),
    ...Object.fromEntries(
      Object.entries(clients).map(([id, protocol]) => [id, { protocol, group: 'clients' }]),
    ),
  };
}

/** Whether the client `c1` issued all its operations and waits for none (before, an eventually property would hold vacuously). */
function clientDone(view: SystemView): boolean {
  const state = view.state<ClientState>('c1');
  return state !== undefined && state.issued === OPERATIONS && state.pending === null;
}

const OPERATIONS = 30;

const partitions: SimulationConfig['faults'] = [
  { atMs: 300, fault: { kind: 'partition', shape: { kind: 'halves' }, forMs: 700 } },
  { atMs: 1_300, fault: { kind: 'partition', shape: { kind: 'isolate', node: 'n0' }, forMs: 800 } },
];

describe('treeNeighbours', () => {
  it('links every node to its parent and children', () => {
    expect(treeNeighbours(SERVERS, 'n0', 4)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(treeNeighbours(SERVERS, 'n3', 4)).toEqual(['n0']);
    expect(treeNeighbours(SERVERS, 'n1', 2)).toEqual(['n0', 'n3', 'n4']);
    expect(treeNeighbours(SERVERS, 'n9', 2)).toEqual([]);
  });
});

describe('the broadcast node in the simulator', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'delivers every acknowledged value to every node despite loss and partitions (seed %i)',
    (seed) => {
      const broadcast = client(
        SERVERS,
        OPERATIONS,
        () => ({ body: { type: 'broadcast', message: 0 }, f: 'broadcast', value: 0 }),
        () => ({ type: 'ok', value: null }),
      );
      let counter = 0;
      // Values must be unique per run: number them as the client invokes them.
      const numbered = defineProtocol<ClientState, Body>({
        ...broadcast,
        onTimer(context, timer) {
          const send = context.send.bind(context);
          const invoke = context.invoke.bind(context);
          let value = 0;
          context.invoke = (f, _input) => invoke(f, (value = counter++));
          context.send = (to, message) => send(to, { ...message, message: value });
          try {
            broadcast.onTimer?.(context, timer);
          } finally {
            context.send = send;
            context.invoke = invoke;
          }
        },
      });
      const result = simulate(
        {
          nodes: cluster(
            broadcastNode({ gossipMs: 30, retransmitMs: 100 }) as unknown as Protocol<never, Body>,
            { c1: numbered },
          ),
          network: { delay: uniform(1, 15), drop: 0.1 },
          faults: partitions,
          durationMs: 2_500,
          liveness: { withinMs: 5_000 },
          properties: [
            eventually('every node has every acknowledged value', (view) => {
              if (!clientDone(view)) return false;
              const okOperations = new Set(
                view.history.filter((event) => event.type === 'ok').map((event) => event.operation),
              );
              const needed = view.history
                .filter((event) => event.type === 'invoke' && okOperations.has(event.operation))
                .map((event) => event.value);
              return SERVERS.every((server) => {
                const state = view.state<BroadcastState>(server);
                return state !== undefined && needed.every((value) => state.known.has(JSON.stringify(value)));
              });
            }),
          ],
          checkState: true,
        },
        { seed },
      );
      expect(result.failure).toBeUndefined();
      expect(result.history.filter((event) => event.type === 'ok').length).toBeGreaterThan(OPERATIONS / 2);
    },
  );
});

describe('the g-counter node in the simulator', () => {
  it.each([1, 2, 3])('converges on the sum of the acknowledged adds (seed %i)', (seed) => {
    const adder = client(
      SERVERS,
      OPERATIONS,
      (random) => {
        const delta = 1 + Math.floor(random() * 5);
        return { body: { type: 'add', delta }, f: 'add', value: delta };
      },
      (request) => ({ type: 'ok', value: request.value }),
    );
    const result = simulate(
      {
        nodes: cluster(gCounterNode({ gossipMs: 30, refreshMs: 100 }) as unknown as Protocol<never, Body>, {
          c1: adder,
        }),
        network: { delay: uniform(1, 15), drop: 0.2 },
        faults: partitions,
        durationMs: 2_500,
        liveness: { withinMs: 5_000 },
        properties: [
          eventually('every node counts the acknowledged adds, and maybe the unknown ones', (view) => {
            if (!clientDone(view)) return false;
            const completed = new Map(
              view.history
                .filter((event) => event.type !== 'invoke')
                .map((event) => [event.operation, event.type]),
            );
            let low = 0;
            let high = 0;
            for (const event of view.history) {
              if (event.type !== 'invoke') continue;
              const type = completed.get(event.operation);
              if (type === 'ok') low += event.value as number;
              if (type === 'ok' || type === 'info' || type === undefined) high += event.value as number;
            }
            const totals = SERVERS.map((server) =>
              Object.values(view.state<GCounterState>(server)?.counts ?? {}).reduce(
                (sum, count) => sum + count,
                0,
              ),
            );
            return totals.every((total) => total === totals[0] && total >= low && total <= high);
          }),
        ],
      },
      { seed },
    );
    expect(result.failure).toBeUndefined();
  });
});

describe('the lin-kv node (Raft) in the simulator', () => {
  const machine = maelstromKvMachine;
  const command = (request: LinKvCommand['request']): LinKvCommand => ({ request, origin: 'n0' });

  it('gives the Maelstrom answers: missing keys, compare-and-set, create_if_not_exists', () => {
    let state = machine.init();
    const run = (request: LinKvCommand['request']): unknown => {
      const outcome = machine.apply(state, command(request));
      state = outcome.state;
      return outcome.result.reply;
    };
    expect(run({ op: 'read', key: 1 })).toMatchObject({ type: 'error', code: 20 });
    expect(run({ op: 'cas', key: 1, from: 0, to: 1, create: false })).toMatchObject({
      type: 'error',
      code: 20,
    });
    expect(run({ op: 'cas', key: 1, from: 0, to: 1, create: true })).toEqual({ type: 'cas_ok' });
    expect(run({ op: 'cas', key: 1, from: 0, to: 2, create: false })).toMatchObject({
      type: 'error',
      code: 22,
    });
    expect(run({ op: 'write', key: 1, value: 4 })).toEqual({ type: 'write_ok' });
    expect(run({ op: 'read', key: 1 })).toEqual({ type: 'read_ok', value: 4 });
    expect(run(null)).toEqual({ type: 'noop' });
  });

  it.each([1, 2, 3])(
    'is linearizable under loss and partitions, forwarding to the leader (seed %i)',
    (seed) => {
      const operations = (random: () => number): Request => {
        const key = Math.floor(random() * 2);
        const value = Math.floor(random() * 3);
        const choice = Math.floor(random() * 3);
        if (choice === 0) return { body: { type: 'read', key }, f: 'read', value: { key, value: null } };
        if (choice === 1) return { body: { type: 'write', key, value }, f: 'write', value: { key, value } };
        const to = Math.floor(random() * 3);
        return { body: { type: 'cas', key, from: value, to }, f: 'cas', value: { key, value: [value, to] } };
      };
      const outcome = (request: Request, reply: Body): { type: 'ok' | 'fail'; value: unknown } => {
        const argument = (request.value as { value: unknown }).value;
        if (reply.type === 'error')
          return reply['code'] === 20 && request.f === 'read'
            ? { type: 'ok', value: null }
            : { type: 'fail', value: argument };
        return { type: 'ok', value: request.f === 'read' ? reply['value'] : argument };
      };
      const clients = Object.fromEntries(
        ['c1', 'c2', 'c3'].map((id) => [id, client(SERVERS, 25, operations, outcome)]),
      );
      const result = simulate(
        {
          nodes: cluster(
            linKvNode({ electionTimeoutMs: [150, 300], heartbeatMs: 40 }) as unknown as Protocol<never, Body>,
            clients,
          ),
          network: { delay: uniform(1, 10), drop: 0.05 },
          faults: partitions,
          durationMs: 4_000,
        },
        { seed },
      );
      expect(result.failure).toBeUndefined();
      // The client history, with each operation's key, as the history checkers read it.
      const keys = new Map<number, number>();
      const events: HistoryEvent[] = result.history.map((event, index) => {
        if (event.type === 'invoke') keys.set(event.operation, (event.value as { key: number }).key);
        const value = event.type === 'invoke' ? (event.value as { value: unknown }).value : event.value;
        return {
          process: event.process,
          type: event.type,
          f: event.f,
          value,
          key: keys.get(event.operation) as number,
          index,
          time: event.time,
        };
      });
      const paired = pairOperations({ events, source: `seed ${seed}` });
      expect(paired.operations.filter((operation) => operation.status === 'ok').length).toBeGreaterThan(20);
      expect(checkLinearizability(paired.operations, casRegisterModel()).verdict).toBe('linearizable');
    },
  );
});
