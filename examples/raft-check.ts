/**
 * The project's Raft, model-checked: the very servers of `raft-kv.ts`, in a configuration small
 * enough to explore every interleaving. Three servers, up to two clients with one or two
 * key-value operations each, an unordered network that may delay any message forever, bounds on
 * terms and on which servers stand for election (other election timers do not fire) and, for
 * the volatile vote, one crash-recovery.
 *
 * The properties are Raft's safety properties (`raftSafety`: election safety, log matching,
 * leader completeness, state machine safety) and linearizability of the client history: the
 * same definitions that `raft-kv.ts` judges in the simulator.
 *
 * Each planted bug of `raft-kv-broken.ts` (`--param bug=...`) has the smallest bounds under which
 * it shows ({@link CHECK_SETTINGS}); `--param fixed=true` explores the same bounds without the
 * bug, and passes; `--param termsMax=N` (and `clients`, `operations`, `candidates`, `crashes`, and
 * the flags `clientsStay`, `heartbeats`, `rotation`, `forget`, 0 or 1) changes one
 * bound (-1, the default, keeps the bug's own). Every configuration forgets the messages their
 * receiver ignores for ever (stale votes and replies), a reduction that keeps every behaviour of
 * the servers and clients (`forgetIgnored`). A counterexample replays in the simulator:
 * `fairlink sim examples/raft-check.ts --param bug=... --schedule out/raft-check.check.trace.jsonl`.
 *
 * Run it: `fairlink check examples/raft-check.ts` (correct Raft, one client's put, one term) or
 * `fairlink check examples/raft-check.ts --param bug=stale-reads`.
 */
import {
  actorModel,
  forgetIgnored,
  type ActorAction,
  type ActorState,
  type ActorSystem,
  type IgnoresForever,
} from 'fairlink/check';
import { InputError, type NodeId, type Property } from 'fairlink/core';
import { keyValueModel, linearizable } from 'fairlink/history';
import {
  kvMachine,
  raft,
  raftClient,
  raftClientIgnoresForever,
  raftSafety,
  raftServerIgnoresForever,
  type ClientOperation,
  type KvCommand,
  type KvResult,
  type RaftState,
} from 'fairlink/protocols';
import { defineScenario, oneOf, type SimulationConfig } from 'fairlink/sim';
import { BROKEN_BUGS } from './raft-kv-broken.js';
import { RAFT_BUGS } from './raft-kv.js';

/** `none`, or one of the planted bugs of `raft-kv-broken.ts`. */
export const CHECK_BUGS = ['none', ...BROKEN_BUGS] as const;
export type CheckBug = (typeof CHECK_BUGS)[number];

/** The bounds of one exhaustive check. */
export interface RaftCheckSettings {
  readonly servers: number;
  /** Clients `c1`, `c2`: `c1` puts then gets, `c2` gets then puts (see {@link clientOperations}). */
  readonly clients: number;
  /** Operations per client (1 or 2). */
  readonly operations: number;
  /** No server stands for election in a later term (its election timer does not fire). */
  readonly termsMax: number;
  /**
   * Only the first this many servers start elections: the others' election timers do not fire
   * (as if their timeout were longer than the run).
   */
  readonly candidates: number;
  /**
   * `n1` starts as leader of term 1 and the others as its followers (Raft's `initialLeader`, the
   * lab's fixed leader): the runs start after a first election, which saves the search its steps.
   */
  readonly initialLeader: boolean;
  /** Crash-recoveries in a behaviour. */
  readonly crashes: number;
  /**
   * Whether each client stays with the server it starts at: its retry timer does not fire, and a
   * state where it followed a redirect is judged, not expanded. The bugs need no retry, and a
   * client that moves multiplies the states by the servers it may be talking to.
   */
  readonly clientsStay: boolean;
  /** Entries per append message at most. */
  readonly batchMax: number;
  /**
   * Whether leaders' heartbeat timers fire: without, a leader sends appends only when it is
   * elected, when a client's request arrives and when a follower answers (as if its heartbeat
   * interval were longer than the run).
   */
  readonly heartbeats: boolean;
  /**
   * Whether the candidates take the terms in turn (with two, `n1` the odd terms and `n2` the even
   * ones), as Paxos proposers share out ballots: a server's election timer does not fire when the
   * next term is another's.
   */
  readonly rotation: boolean;
  /**
   * Whether the search forgets the messages that their receiver ignores for ever (stale votes and
   * replies: `raftServerIgnoresForever`, `raftClientIgnoresForever`). A reduction, not a bound:
   * every behaviour of the nodes stays, with the same shortest counterexamples (`forgetIgnored`).
   */
  readonly forget: boolean;
  readonly bug: CheckBug;
}

/**
 * For each bug, the bounds under which it shows: what it needs and no more, since every bound
 * multiplies the states. `none` is the correct Raft's own configuration.
 */
export const CHECK_SETTINGS: Readonly<Record<CheckBug, Omit<RaftCheckSettings, 'bug'>>> = {
  // One client's put, which may retry at any server and follow redirects, under the first
  // leader: 4,016 states, depth 17, exhaustive. No election (it would pass term 1).
  none: {
    servers: 3,
    clients: 1,
    operations: 1,
    termsMax: 1,
    candidates: 2,
    initialLeader: true,
    crashes: 0,
    clientsStay: false,
    batchMax: 64,
    heartbeats: true,
    rotation: false,
    forget: true,
  },
  // A read served by a deposed leader after a write through the new one: two terms, two clients.
  // Found in 12 steps, 41,121 states, depth 13.
  'stale-reads': {
    servers: 3,
    clients: 2,
    operations: 1,
    termsMax: 2,
    candidates: 2,
    initialLeader: true,
    crashes: 0,
    clientsStay: true,
    batchMax: 64,
    heartbeats: true,
    rotation: false,
    forget: true,
  },
  // The paper's Figure 8 with three servers: four terms, one entry per append, the leaders' no-ops.
  // Its path needs no heartbeat (appends go out on election, on a request and on each answer), and
  // n1 and n2 take the terms in turn (n2 leads terms 2 and 4, n1 term 3), so both are bounds here.
  // Found in 16 steps, 890,698 states, depth 17.
  'commit-old-terms': {
    servers: 3,
    clients: 1,
    operations: 1,
    termsMax: 4,
    candidates: 2,
    initialLeader: true,
    crashes: 0,
    clientsStay: true,
    batchMax: 1,
    heartbeats: false,
    rotation: true,
    forget: true,
  },
  // A voter that crashes and recovers votes again in the same term: one term, one crash.
  // Found in 8 steps, 2,197 states, depth 9.
  'volatile-vote': {
    servers: 3,
    clients: 0,
    operations: 0,
    termsMax: 1,
    candidates: 3,
    initialLeader: false,
    crashes: 1,
    clientsStay: false,
    batchMax: 64,
    heartbeats: true,
    rotation: false,
    forget: true,
  },
};

const KEY = 'x';

/** Client `client`'s operations: `c1` puts `'1'` then gets; `c2` gets then puts `'2'`. */
export function clientOperations(client: number, operations: number): readonly ClientOperation<KvCommand>[] {
  const put: ClientOperation<KvCommand> = {
    command: { op: 'put', key: KEY, value: String(client) },
    f: 'put',
    value: { key: KEY, value: String(client) },
  };
  const get: ClientOperation<KvCommand> = {
    command: { op: 'get', key: KEY },
    f: 'get',
    value: { key: KEY, value: null },
  };
  return (client % 2 === 1 ? [put, get] : [get, put]).slice(0, operations);
}

/**
 * The server client `c<client>` talks to first: the last client starts at n1, the one before at
 * n2, so that with two clients and n1 the first leader, one talks to the leader elected next and
 * the other to the deposed one.
 */
function firstServer(servers: readonly NodeId[], clients: number, client: number): NodeId {
  return servers[(clients - client) % servers.length] as NodeId;
}

/** What both engines run: the nodes and the properties, for some bounds. */
export function raftCheckNodes(settings: RaftCheckSettings): {
  readonly nodes: NonNullable<ActorSystem['nodes']>;
  readonly properties: readonly Property[];
} {
  for (const [name, value, least] of [
    ['servers', settings.servers, 1],
    ['clients', settings.clients, 0],
    ['operations', settings.operations, 0],
    ['termsMax', settings.termsMax, 0],
    ['candidates', settings.candidates, 0],
    ['crashes', settings.crashes, 0],
    ['batchMax', settings.batchMax, 1],
  ] as const) {
    if (!(Number.isInteger(value) && value >= least))
      throw new InputError(`--param ${name}=${value}: expected a whole number >= ${least}`);
  }
  if (settings.operations > 2) throw new InputError(`--param operations=${settings.operations}: at most 2`);
  const servers = Array.from({ length: settings.servers }, (_, index) => `n${index + 1}` as NodeId);
  const server = raft({
    machine: kvMachine,
    noop: { op: 'nop' },
    // Time is abstract in the checker: only the timers' order rule reads these.
    electionTimeoutMs: [150, 300],
    heartbeatMs: 50,
    batchMax: settings.batchMax,
    ...(settings.initialLeader ? { initialLeader: servers[0] as string } : {}),
    bugs: RAFT_BUGS[settings.bug] ?? {},
  });
  const clients: Record<
    string,
    { protocol: ReturnType<typeof raftClient<KvCommand, KvResult>>; group: string }
  > = {};
  for (let client = 1; client <= settings.clients; client++) {
    const operations = clientOperations(client, settings.operations);
    clients[`c${client}`] = {
      group: 'clients',
      protocol: raftClient<KvCommand, KvResult>({
        servers,
        firstServer: firstServer(servers, settings.clients, client),
        next: (issued) => operations[issued] ?? null,
        completion: (operation, result) => ({
          key: KEY,
          value: operation.f === 'get' ? result : (operation.value as { value: unknown }).value,
        }),
        retryMs: 100,
        // Never give up: the checker's time is abstract, and a replay in the simulator must do
        // what the schedule says rather than time out.
        deadlineMs: 1e12,
        // Later clients start at any moment (the first at once), so that an operation may begin
        // after another has ended.
        ...(client > 1 ? { startMs: 10 } : {}),
      }),
    };
  }
  return {
    nodes: { ...Object.fromEntries(servers.map((id) => [id, server])), ...clients },
    properties: [...raftSafety, linearizable(() => keyValueModel({ initial: '' }))],
  };
}

/** The bounded model that `fairlink check` explores. */
export function raftCheckModel(settings: RaftCheckSettings): ReturnType<typeof actorModel> {
  const { nodes, properties } = raftCheckNodes(settings);
  const serverIds = Object.keys(nodes).filter((id) => id.startsWith('n'));
  const candidates = serverIds.slice(0, settings.candidates);
  const clientIds = Object.keys(nodes).filter((id) => id.startsWith('c'));
  const clientStays = (state: ActorState, id: string, client: number): boolean =>
    (state.nodes[id]?.state as { server?: string } | null)?.server ===
    firstServer(serverIds as NodeId[], settings.clients, client);
  const serverState = (state: ActorState, id: string): RaftState<unknown, unknown, unknown> | null =>
    (state.nodes[id]?.state ?? null) as RaftState<unknown, unknown, unknown> | null;
  /** Whether server `id` may stand for election in `term`. */
  const mayStand = (id: string, term: number): boolean =>
    settings.rotation ? candidates[(term - 1) % candidates.length] === id : candidates.includes(id);
  const model = actorModel({
    nodes,
    network: { semantics: 'unordered-duplicating' },
    ...(settings.crashes > 0 ? { crashes: { max: settings.crashes, recover: true, nodes: serverIds } } : {}),
    properties,
    // Servers are interchangeable unless clients or the candidates tell them apart.
    ...(settings.clients === 0 && settings.candidates >= serverIds.length && !settings.rotation
      ? { interchangeable: [serverIds] }
      : {}),
    within: (state) =>
      serverIds.every((id) => {
        const server = serverState(state, id);
        const term = server?.term ?? 0;
        // A server votes for itself only as a candidate (or as the initial leader, in term 1).
        return term <= settings.termsMax && (server?.votedFor !== id || mayStand(id, term));
      }) &&
      (!settings.clientsStay || clientIds.every((id) => clientStays(state, id, Number(id.slice(1))))),
  });
  // A timer that would take its node out of the bounds does not fire, as if it were longer than
  // the run: the step itself would break no property (it only makes a server a candidate, or
  // sends a client's request again), and the state after it would not be expanded. `within`
  // still judges the states that leave the bounds otherwise (a client that follows a redirect).
  const fires = (state: ActorState, action: ActorAction): boolean => {
    if (action.type !== 'timer') return true;
    switch (action.name) {
      case 'heartbeat':
        return settings.heartbeats;
      case 'election': {
        const term = (serverState(state, action.node)?.term ?? 0) + 1;
        return term <= settings.termsMax && mayStand(action.node, term);
      }
      case 'retry':
        return !settings.clientsStay;
      default:
        return true;
    }
  };
  const limited = withTimers(model, fires);
  if (!settings.forget) return limited;
  const ignoresForever = Object.fromEntries<IgnoresForever[string]>([
    ...serverIds.map((id) => [id, raftServerIgnoresForever] as const),
    ...clientIds.map((id) => [id, raftClientIgnoresForever] as const),
  ]);
  return forgetIgnored(limited, ignoresForever);
}

/** `model` where only the timers that `fires` allows fire. */
function withTimers(
  model: ReturnType<typeof actorModel>,
  fires: (state: ActorState, action: ActorAction) => boolean,
): ReturnType<typeof actorModel> {
  return {
    ...model,
    actions(state, out) {
      model.actions(state, out);
      const kept = out.filter((action) => fires(state, action));
      out.length = 0;
      out.push(...kept);
    },
  };
}

/** The same system for the simulator, which `--schedule` drives through a checker trace. */
export function raftCheckSimulation(settings: RaftCheckSettings): SimulationConfig {
  const { nodes, properties } = raftCheckNodes(settings);
  return { nodes, network: { delay: 1 }, properties, durationMs: 10_000 };
}

/** The bounds a parameter may override: -1 keeps the bug's own (see {@link CHECK_SETTINGS}). */
const OVERRIDABLE = [
  'clients',
  'operations',
  'termsMax',
  'candidates',
  'crashes',
  'clientsStay',
  'heartbeats',
  'rotation',
  'forget',
] as const;

/** The bounds that are flags, given as 0 or 1. */
const FLAGS: ReadonlySet<string> = new Set(['clientsStay', 'heartbeats', 'rotation', 'forget']);

/** The settings for the scenario's parameters. */
export function checkSettings(
  params: { readonly bug: CheckBug; readonly fixed: boolean } & Record<(typeof OVERRIDABLE)[number], number>,
): RaftCheckSettings {
  for (const flag of FLAGS) {
    const value = params[flag as (typeof OVERRIDABLE)[number]];
    if (![-1, 0, 1].includes(value))
      throw new InputError(`--param ${flag}=${value}: expected 0 or 1 (or -1, the bug's own)`);
  }
  const overrides = Object.fromEntries(
    OVERRIDABLE.filter((name) => params[name] !== -1).map((name) => [
      name,
      FLAGS.has(name) ? params[name] !== 0 : params[name],
    ]),
  );
  return { ...CHECK_SETTINGS[params.bug], ...overrides, bug: params.fixed ? 'none' : params.bug };
}

export default defineScenario({
  name: 'raft-check',
  description:
    "Raft's servers model-checked in a bounded configuration (3 servers, up to 2 clients, a bound on terms): Raft's safety properties and linearizability on every path.",
  params: {
    bug: oneOf(CHECK_BUGS),
    fixed: false,
    clients: -1,
    operations: -1,
    termsMax: -1,
    candidates: -1,
    crashes: -1,
    clientsStay: -1,
    heartbeats: -1,
    rotation: -1,
    forget: -1,
  },
  model: (params) => raftCheckModel(checkSettings(params)),
  build: (params) => raftCheckSimulation(checkSettings(params)),
});
