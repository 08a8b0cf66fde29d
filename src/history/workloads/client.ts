/**
 * A simulated client process that runs a workload against a service and records the history.
 *
 * Each client runs one operation at a time (Jepsen's process); concurrency is the number of
 * clients, and the rate is set by the pause between one client's operations (`thinkMs`: a
 * client pausing 50 ms on average between operations that take 10 ms runs about 16 per second).
 * Every operation is recorded as `invoke`, then `ok`, `fail` or `info` (see operation.ts for the
 * conventions): `info` when no answer came by the operation's timeout, because a request that
 * is still in flight, or in some server's log, may yet take effect.
 *
 * The client speaks a small request protocol that servers answer (Raft's client protocol is
 * this one): `{ type: 'request', request, command }`, where `request` numbers the client's
 * operations and is repeated on every retry so that a server can apply an operation once; the
 * server answers `{ type: 'response', request, result }`, or `{ type: 'redirect', request,
 * leader }` when another server (or, with `leader: null`, none it knows of) must serve it. Without
 * an answer, the client retries at the next server every `retryMs`.
 *
 * After its `operations`, a client may run the workload's final operations (a final read of
 * every key, say) once `final.afterMs` has passed: in a run whose faults heal at that time,
 * those show that the service makes progress again, and what the final state is. Ordinary
 * operations not started by then are left out (Jepsen's time limit).
 *
 * @module
 */
import { InputError } from '../../core/index.js';
import type { NodeId } from '../../core/index.js';
import { defineProtocol, type Context, type Protocol } from '../../core/index.js';
import type { Workload } from './generators.js';
import { recordedValue, type WorkloadOperation } from './operation.js';

/** A client's request. `request` is unique per client and repeated on retries. */
export interface WorkloadRequest<Command> {
  readonly type: 'request';
  readonly request: number;
  readonly command: Command;
}

/** A server's answer to a request. */
export type WorkloadReply<Result> =
  | { readonly type: 'response'; readonly request: number; readonly result: Result }
  | { readonly type: 'redirect'; readonly request: number; readonly leader: string | null };

/** How a completed operation is recorded: `ok` with its result, or `fail` (it definitely did not happen). */
export interface WorkloadCompletion {
  readonly type: 'ok' | 'fail';
  readonly value: unknown;
}

/** Settings of a {@link workloadClient}. */
export interface WorkloadClientOptions<Command, Result> {
  /** The servers, in the order the client tries them. */
  readonly servers: readonly string[];
  /** The first server to contact (default: the first of `servers`). */
  readonly firstServer?: string;
  /** This client's number, from 1 (workloads use it to make unique values). */
  readonly client: number;
  readonly workload: Workload;
  /**
   * How many operations the client runs (its final operations not counted); with `final`, those
   * not started by `final.afterMs` are left out.
   */
  readonly operations: number;
  /** The service's command for an operation. */
  readonly encode: (operation: WorkloadOperation) => Command;
  /** How an answered operation is recorded, given the service's result. */
  readonly decode: (operation: WorkloadOperation, result: Result) => WorkloadCompletion;
  /** Pause between one operation's end and the next one's start, ms (default [0, 0]). */
  readonly thinkMs?: readonly [number, number];
  /** Wait this long before the first operation, ms (default 0). */
  readonly startMs?: number;
  /** Retry at the next server after this long without an answer, ms (default 100). */
  readonly retryMs?: number;
  /** Give up (record `info`) after this long without an answer, ms (default 1,000). */
  readonly timeoutMs?: number;
  /**
   * Run the workload's final operations after the others, once the local clock reaches
   * `afterMs`, each with its own timeout (default: `timeoutMs`).
   */
  readonly final?: { readonly afterMs: number; readonly timeoutMs?: number };
}

/** A workload client's state. */
export interface WorkloadClientState {
  /** Operations issued so far (final ones not counted). */
  issued: number;
  /** The request number of the current operation (the last one when idle). */
  request: number;
  /** The operation in progress. */
  current: WorkloadOperation | null;
  /** Its id in the history. */
  operation: number;
  /** When its timeout runs out (local ms; the retry timer fires then at the latest). */
  deadlineMs: number;
  /** The server the client believes serves it. */
  server: string;
  /** Redirects followed at once since the last send by timer (a bound against redirect loops). */
  redirects: number;
  /** Final operations still to run: `null` before they are drawn. */
  finals: WorkloadOperation[] | null;
  /** Whether the client ran everything it had to. */
  done: boolean;
  /** How its operations ended so far, final operations included. */
  outcomes: { ok: number; fail: number; info: number };
  /** How its final operations ended so far. */
  finalOutcomes: { ok: number; fail: number; info: number };
}

type ClientMessage<Command, Result> = WorkloadRequest<Command> | WorkloadReply<Result>;

const TIMER_NEXT = 'next';
const TIMER_RETRY = 'retry';
/** The data of a retry timer that fires at the operation's deadline. */
const DEADLINE = 'deadline';
/** The data of the timer that ends the wait for the final operations. */
const FINAL_TIME = 'final';

function checkOptions<C, R>(options: WorkloadClientOptions<C, R>): void {
  if (options.servers.length === 0) throw new InputError('workloadClient: servers must not be empty');
  if (options.firstServer !== undefined && !options.servers.includes(options.firstServer)) {
    throw new InputError(`workloadClient: firstServer '${options.firstServer}' is not one of the servers`);
  }
  if (!(Number.isInteger(options.operations) && options.operations >= 0)) {
    throw new InputError(
      `workloadClient: operations must be a whole number >= 0, got ${String(options.operations)}`,
    );
  }
  for (const [name, value] of [
    ['retryMs', options.retryMs],
    ['timeoutMs', options.timeoutMs],
    ['final.timeoutMs', options.final?.timeoutMs],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InputError(`workloadClient: ${name} must be a number of ms > 0, got ${String(value)}`);
    }
  }
}

/**
 * Builds a client process that runs `options.operations` operations of a workload against the
 * servers, then its final operations, recording the history.
 *
 * @example
 * ```ts
 * const client = workloadClient({
 *   servers: ['n1', 'n2', 'n3'],
 *   client: 1,
 *   workload: keyValueWorkload(),
 *   operations: 20,
 *   encode: (operation) => operation,            // the command the servers understand
 *   decode: (_operation, result) => ({ type: 'ok', value: result }),
 * });
 * ```
 */
export function workloadClient<Command, Result>(
  options: WorkloadClientOptions<Command, Result>,
): Protocol<WorkloadClientState, ClientMessage<Command, Result>> {
  checkOptions(options);
  const retryMs = options.retryMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const servers = options.servers;
  type ClientContext = Context<WorkloadClientState, ClientMessage<Command, Result>>;

  const nextServer = (server: string): string =>
    servers[(servers.indexOf(server) + 1) % servers.length] as string;

  const input = (context: ClientContext) => ({
    client: options.client,
    issued: context.state.issued,
    random: () => context.random(),
    // Recorded in the trace as choices: a shrunk schedule's replay keeps each operation's draws.
    pick: (count: number) => context.randomInt(0, count - 1),
  });

  /** Sends the current request and waits at most `retryMs`, or until the deadline if sooner. */
  const sendCurrent = (context: ClientContext): void => {
    const state = context.state;
    const operation = state.current as WorkloadOperation;
    context.send(state.server as NodeId, {
      type: 'request',
      request: state.request,
      command: options.encode(operation),
    });
    // The timer's data says whether it ends the operation's time: comparing clocks instead would
    // let rounding leave the deadline a hair ahead, and the client retry at it forever.
    const remainingMs = state.deadlineMs - context.now();
    if (remainingMs <= retryMs) context.setTimer(TIMER_RETRY, Math.max(0, remainingMs), DEADLINE);
    else context.setTimer(TIMER_RETRY, retryMs, null);
  };

  const begin = (context: ClientContext, operation: WorkloadOperation, limitMs: number): void => {
    const state = context.state;
    state.request++;
    state.current = operation;
    state.deadlineMs = context.now() + limitMs;
    state.redirects = 0;
    state.operation = context.invoke(operation.f, recordedValue(operation.key, operation.value));
    sendCurrent(context);
  };

  /** Starts the next operation; `finalTime` when the wait for the final operations is over. */
  const startNext = (context: ClientContext, finalTime = false): void => {
    const state = context.state;
    const final = options.final;
    // Once the final operations are due, the remaining ordinary ones are left out (Jepsen's time
    // limit), so that what runs after the heal is only what the liveness bound is about.
    const finalDue =
      final !== undefined && (finalTime || state.finals !== null || context.now() >= final.afterMs);
    if (state.issued < options.operations && !finalDue) {
      const operation = options.workload.next(input(context));
      state.issued++;
      begin(context, operation, timeoutMs);
      return;
    }
    if (final === undefined) {
      state.done = true;
      return;
    }
    if (state.finals === null) {
      if (!finalDue) {
        // The timer's data marks the end of the wait, as for deadlines (see sendCurrent).
        context.setTimer(TIMER_NEXT, final.afterMs - context.now(), FINAL_TIME);
        return;
      }
      state.finals = [...options.workload.final(input(context))];
    }
    const operation = state.finals.shift();
    if (operation === undefined) {
      state.done = true;
      return;
    }
    begin(context, operation, final.timeoutMs ?? timeoutMs);
  };

  const finish = (context: ClientContext, type: 'ok' | 'fail' | 'info', value: unknown): void => {
    const state = context.state;
    context.complete(state.operation, type, value);
    state.outcomes[type]++;
    if (state.finals !== null) state.finalOutcomes[type]++;
    state.current = null;
    context.cancelTimer(TIMER_RETRY);
    const finished =
      options.final === undefined ? state.issued >= options.operations : state.finals?.length === 0;
    if (finished) {
      // Nothing is left: no pause before saying so.
      state.done = true;
      return;
    }
    const [thinkMin, thinkMax] = options.thinkMs ?? [0, 0];
    if (thinkMax > 0) context.setTimer(TIMER_NEXT, [thinkMin, thinkMax]);
    else startNext(context);
  };

  return defineProtocol<WorkloadClientState, ClientMessage<Command, Result>>({
    name: `${options.workload.name}-client`,
    init: () => ({
      issued: 0,
      request: 0,
      current: null,
      operation: 0,
      deadlineMs: 0,
      server: options.firstServer ?? (servers[0] as string),
      redirects: 0,
      finals: null,
      done: false,
      outcomes: { ok: 0, fail: 0, info: 0 },
      finalOutcomes: { ok: 0, fail: 0, info: 0 },
    }),
    onBoot(context) {
      if (options.startMs) context.setTimer(TIMER_NEXT, options.startMs);
      else startNext(context);
    },
    onMessage(context, from, message) {
      const state = context.state;
      const operation = state.current;
      // Answers to earlier requests (duplicates, or late after a timeout) are not this operation's.
      if (operation === null || message.type === 'request' || message.request !== state.request) return;
      if (message.type === 'redirect') {
        const leader = message.leader;
        if (leader !== null && leader !== from && servers.includes(leader)) {
          state.server = leader;
          // Servers with stale views may redirect to each other: after one redirect per server,
          // the rest wait for the retry timer.
          if (state.redirects < servers.length) {
            state.redirects++;
            sendCurrent(context);
          }
        } else {
          // No leader known: try the next server when the retry timer fires, not at once, so
          // that an election in progress is not flooded with requests.
          state.server = nextServer(from);
        }
        return;
      }
      const completion = options.decode(operation, message.result);
      finish(context, completion.type, recordedValue(operation.key, completion.value));
    },
    onTimer(context, timer) {
      const state = context.state;
      if (timer.name === TIMER_NEXT) {
        startNext(context, timer.data === FINAL_TIME);
        return;
      }
      const operation = state.current;
      if (operation === null) return;
      if (timer.data === DEADLINE) {
        // Unknown outcome: the request may still be in flight or in a log, and take effect later.
        finish(context, 'info', recordedValue(operation.key, operation.value));
        return;
      }
      state.server = nextServer(state.server);
      state.redirects = 0;
      sendCurrent(context);
    },
  });
}

/**
 * Node entries for `count` clients named `c1` ... `c<count>` in the group `clients`, each built
 * by `build` from the client's number.
 */
export function workloadClients<P>(
  count: number,
  build: (client: number) => P,
): Record<string, { readonly protocol: P; readonly group: 'clients' }> {
  const entries: Record<string, { readonly protocol: P; readonly group: 'clients' }> = {};
  for (let client = 1; client <= count; client++)
    entries[`c${client}`] = { protocol: build(client), group: 'clients' };
  return entries;
}
