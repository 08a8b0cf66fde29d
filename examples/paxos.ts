/**
 * Single-decree Paxos as an actor system, checked for linearizability over every interleaving:
 * the model of Stateright's `examples/paxos.rs` (version 0.31), with the same semantics, so that
 * both checkers explore the same state space.
 *
 * Three servers run Paxos for one value; each client writes its own value once (to one server),
 * then reads (from the next). The network is unordered and never duplicates (a multiset, no
 * bound on copies); a delivery that a handler ignores is no transition (the message stays in
 * flight, as in Stateright). The client history is kept in the state, and "linearizable" is an
 * invariant of every state, judged against a register.
 *
 * Known state-space sizes (Stateright 0.31, BFS): 16,668 distinct states (32,971 generated,
 * depth 21) with 2 clients; 1,194,428 (2,420,477 generated, depth 28) with 3.
 *
 * Run it: `fairlink check examples/paxos.ts --param clients=3 --workers 2`.
 */
import { actorModel } from 'fairlink/check';
import { defineProtocol, sometimes, type Context, type NodeId } from 'fairlink/core';
import { linearizable, registerModel } from 'fairlink/history';
import { defineScenario } from 'fairlink/sim';

const SERVERS = 3;

/** A ballot: a round, and the index of the server that leads it. Ordered as a pair. */
type Ballot = readonly [round: number, leader: number];
/** A proposal: the client's request id, the client, and the value to write. */
type Proposal = readonly [request: number, requester: string, value: string];
/** What an acceptor accepted last: the ballot, and the proposal. */
type Accepted = readonly [ballot: Ballot, proposal: Proposal];

/** The register protocol clients speak (Stateright's `RegisterMsg`), and Paxos's own messages. */
type Message =
  | { readonly type: 'put'; readonly request: number; readonly value: string }
  | { readonly type: 'get'; readonly request: number }
  | { readonly type: 'put-ok'; readonly request: number }
  | { readonly type: 'get-ok'; readonly request: number; readonly value: string }
  | { readonly type: 'prepare'; readonly ballot: Ballot }
  | { readonly type: 'prepared'; readonly ballot: Ballot; readonly lastAccepted: Accepted | null }
  | { readonly type: 'accept'; readonly ballot: Ballot; readonly proposal: Proposal }
  | { readonly type: 'accepted'; readonly ballot: Ballot }
  | { readonly type: 'decided'; readonly ballot: Ballot; readonly proposal: Proposal };

interface ServerState {
  /** Shared: the highest ballot seen. */
  ballot: Ballot;
  /** Leader: the proposal of this server's current ballot, and the replies to its phases. */
  proposal: Proposal | null;
  prepares: Map<string, Accepted | null>;
  accepts: Set<string>;
  /** Acceptor: what it accepted last, and whether the value is decided. */
  accepted: Accepted | null;
  decided: boolean;
}

const serverId = (index: number): NodeId => `s${index}` as NodeId;
const clientId = (index: number): NodeId => `c${index}` as NodeId;
/** Node ids number servers and clients together, servers first, as Stateright's ids do. */
const indexOf = (id: string): number => Number(id.slice(1));
const majority = (count: number): number => Math.floor(count / 2) + 1;

/** Lexicographic order of pairs and triples of numbers and strings (Rust's tuple order). */
function compareTuples(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
const compareBallots = (a: Ballot, b: Ballot): number => compareTuples(a, b);
/** `None` before every `Some`; then by ballot, then by proposal (request, requester, value). */
function compareAccepted(a: Accepted | null, b: Accepted | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return (
    compareBallots(a[0], b[0]) ||
    compareTuples([a[1][0], indexOf(a[1][1]), a[1][2]], [b[1][0], indexOf(b[1][1]), b[1][2]])
  );
}

/** A Paxos server. Each client request starts a new ballot, led by the server it reached. */
const paxosServer = defineProtocol<ServerState, Message>({
  name: 'paxos-server',
  init: () => ({
    ballot: [0, 0],
    proposal: null,
    prepares: new Map(),
    accepts: new Set(),
    accepted: null,
    decided: false,
  }),
  onMessage(context, from, message) {
    const state = context.state;
    if (state.decided) {
      // A decided server answers reads; undecided ones do not, since a decision may be on its way.
      if (message.type === 'get') {
        const value = (state.accepted as Accepted)[1][2];
        context.send(from, { type: 'get-ok', request: message.request, value });
      }
      return;
    }
    const self = indexOf(context.id);
    switch (message.type) {
      case 'put':
        if (state.proposal !== null) return;
        // Phase 1a, with this server's own Prepare and Prepared taken as read.
        state.proposal = [message.request, from, message.value];
        state.ballot = [state.ballot[0] + 1, self];
        state.prepares = new Map([[context.id, state.accepted]]);
        state.accepts = new Set();
        context.broadcast({ type: 'prepare', ballot: state.ballot });
        return;
      case 'prepare':
        // Phase 1b: promise to ignore older ballots, and report what was accepted.
        if (compareBallots(state.ballot, message.ballot) >= 0) return;
        state.ballot = message.ballot;
        context.send(from, { type: 'prepared', ballot: message.ballot, lastAccepted: state.accepted });
        return;
      case 'prepared': {
        if (compareBallots(message.ballot, state.ballot) !== 0) return;
        state.prepares.set(from, message.lastAccepted);
        if (state.prepares.size !== majority(SERVERS)) return;
        // Phase 2a: drive the most recently accepted proposal, or else the client's own.
        const latest = [...state.prepares.values()].reduce((a, b) => (compareAccepted(a, b) >= 0 ? a : b));
        const proposal = latest === null ? (state.proposal as Proposal) : latest[1];
        state.proposal = proposal;
        state.accepted = [message.ballot, proposal];
        state.accepts.add(context.id);
        context.broadcast({ type: 'accept', ballot: message.ballot, proposal });
        return;
      }
      case 'accept':
        // Phase 2b: accept unless a newer ballot was promised.
        if (compareBallots(state.ballot, message.ballot) > 0) return;
        state.ballot = message.ballot;
        state.accepted = [message.ballot, message.proposal];
        context.send(from, { type: 'accepted', ballot: message.ballot });
        return;
      case 'accepted': {
        if (compareBallots(message.ballot, state.ballot) !== 0) return;
        state.accepts.add(from);
        if (state.accepts.size !== majority(SERVERS)) return;
        // A majority accepted: the value is decided; tell the others and the client.
        state.decided = true;
        const proposal = state.proposal as Proposal;
        context.broadcast({ type: 'decided', ballot: message.ballot, proposal });
        context.send(proposal[1] as NodeId, { type: 'put-ok', request: proposal[0] });
        return;
      }
      case 'decided':
        state.ballot = message.ballot;
        state.accepted = [message.ballot, message.proposal];
        state.decided = true;
        return;
      default:
        return;
    }
  },
});

interface ClientState {
  /** The request id of the reply awaited, or null when done. */
  awaiting: number | null;
  /** Operations sent so far. */
  sent: number;
  /** The history's id of the operation in flight. */
  operation: number;
}

/**
 * A register client (Stateright's `RegisterActor::Client` with one put): writes its value to one
 * server, then reads from the next. Request ids are multiples of the client's index.
 */
const registerClient = defineProtocol<ClientState, Message>({
  name: 'register-client',
  init: () => ({ awaiting: null, sent: 0, operation: 0 }),
  onBoot(context) {
    const index = indexOf(context.id);
    const value = String.fromCharCode('A'.charCodeAt(0) + index - SERVERS);
    request(context, { type: 'put', request: index, value }, 'write', value);
  },
  onMessage(context, _from, message) {
    const state = context.state;
    if (message.type === 'put-ok' && message.request === state.awaiting) {
      context.complete(state.operation, 'ok', null);
      const index = indexOf(context.id);
      request(context, { type: 'get', request: (state.sent + 1) * index }, 'read', null);
    } else if (message.type === 'get-ok' && message.request === state.awaiting) {
      context.complete(state.operation, 'ok', message.value);
      state.awaiting = null;
      state.sent++;
    }
  },
});

/** Sends a request to the client's next server and records its invocation. */
function request(
  context: Context<ClientState, Message>,
  message: Extract<Message, { type: 'put' | 'get' }>,
  f: 'write' | 'read',
  value: string | null,
): void {
  const state = context.state;
  const server = serverId((indexOf(context.id) + state.sent) % SERVERS);
  state.operation = context.invoke(f, value);
  context.send(server, message);
  state.awaiting = message.request;
  state.sent++;
}

export default defineScenario({
  name: 'paxos',
  description:
    'Single-decree Paxos behind a register: every interleaving, checked for linearizability (Stateright’s paxos example).',
  params: { clients: 2 },
  model: (params) => {
    if (!Number.isInteger(params.clients) || params.clients < 1 || params.clients > 9) {
      throw new RangeError(`clients must be a whole number from 1 to 9, got ${params.clients}`);
    }
    const servers = Array.from({ length: SERVERS }, (_, index) => serverId(index));
    const clients = Array.from({ length: params.clients }, (_, index) => clientId(SERVERS + index));
    return actorModel({
      nodes: {
        ...Object.fromEntries(servers.map((id) => [id, { protocol: paxosServer, group: 'servers' }])),
        ...Object.fromEntries(clients.map((id) => [id, { protocol: registerClient, group: 'clients' }])),
      },
      network: { semantics: 'unordered', copiesMax: Infinity, ignoredDeliveries: 'stay-in-flight' },
      properties: [
        linearizable(registerModel(), { name: 'linearizable' }),
        sometimes('value chosen', (view) =>
          view.inFlight().some((envelope) => (envelope.message as Message).type === 'get-ok'),
        ),
      ],
    });
  },
});
