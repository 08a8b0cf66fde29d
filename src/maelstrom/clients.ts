/**
 * Clients: Maelstrom's client processes, inside the workbench.
 *
 * A {@link Client} is one id on the network (`c3`) that sends requests and
 * matches replies by `in_reply_to`. The {@link WorkloadDriver} runs client
 * threads as Jepsen does: thread i talks to node i mod n and runs one
 * operation at a time; operations are started at the run's rate (Jepsen's
 * stagger: a uniform wait in [0, 2/rate] s between starts) on a random idle
 * thread. An operation whose outcome is unknown (`info`) crashes its process:
 * the thread carries on as a new process with a new client id, so that a late
 * reply cannot be mistaken for a new one.
 */

import type { RandomStream } from '../core/index.js';
import type { Diagnostics } from './diagnostics.js';
import type { LineOrigin, Network } from './network.js';
import type { Body, Envelope } from './protocol.js';
import type { RecordedOperation, RunHistory } from './run-history.js';
import { traceTime, type TraceRecorder } from './trace-recorder.js';
import {
  isBadReply,
  type FinalOperation,
  type Outcome,
  type Workload,
  type WorkloadOperation,
} from './workloads/workload.js';

/** A reply and where it came from. */
export interface Reply {
  readonly body: Body;
  readonly origin: LineOrigin | undefined;
}

/** Messages a client received that answered nothing it waits for (kept for diagnostics). */
const UNMATCHED_KEPT = 20;

/** One client id on the network. */
export class Client {
  private nextMessageId = 1;
  private readonly waiting = new Map<number, (reply: Reply | undefined) => void>();
  /** Messages that matched no request, the first few. */
  readonly unmatched: { readonly envelope: Envelope; readonly origin: LineOrigin | undefined }[] = [];

  constructor(
    readonly id: string,
    private readonly network: Network,
  ) {
    network.addClient(id, (envelope, origin) => this.receive(envelope, origin));
  }

  private receive(envelope: Envelope, origin: LineOrigin | undefined): void {
    const inReplyTo = envelope.body.in_reply_to;
    const resolve = typeof inReplyTo === 'number' ? this.waiting.get(inReplyTo) : undefined;
    if (resolve === undefined) {
      if (this.unmatched.length < UNMATCHED_KEPT) this.unmatched.push({ envelope, origin });
      return;
    }
    this.waiting.delete(inReplyTo as number);
    resolve({ body: envelope.body, origin });
  }

  /**
   * Sends `body` (plus a fresh `msg_id`) to `dest` and waits for the reply, at
   * most `timeoutMs`, or until `cancel` settles: `undefined` then.
   */
  rpc(
    dest: string,
    body: Omit<Body, 'msg_id'>,
    timeoutMs: number,
    cancel?: Promise<unknown>,
  ): Promise<Reply | undefined> {
    const messageId = this.nextMessageId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      const settle = (reply: Reply | undefined): void => {
        clearTimeout(timer);
        this.waiting.delete(messageId);
        resolve(reply);
      };
      this.waiting.set(messageId, settle);
      void cancel?.then(() => settle(undefined));
      this.network.send({ src: this.id, dest, body: { ...body, msg_id: messageId } as Body });
    });
  }

  /** Stops listening: replies still on their way go nowhere. */
  retire(): void {
    for (const settle of this.waiting.values()) settle(undefined);
    this.waiting.clear();
    this.network.retireClient(this.id);
  }
}

/** What the driver needs from the run. */
export interface DriverContext {
  readonly network: Network;
  readonly workload: Workload;
  readonly history: RunHistory;
  readonly diagnostics: Diagnostics;
  readonly trace: TraceRecorder;
  readonly random: RandomStream;
  readonly nodes: readonly string[];
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  /** Ms since the start of the run. */
  readonly clock: () => number;
  /** A fresh client id. */
  readonly newClientId: () => string;
  /** Told when a request goes to a node (for the unresponsive-node watchdog). */
  readonly requestSent: (node: string) => void;
}

interface Thread {
  readonly index: number;
  readonly node: string;
  process: number;
  client: Client;
  busy: boolean;
}

/** Runs the workload's client threads. */
export class WorkloadDriver {
  private readonly threads: Thread[];
  private readonly inFlight = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  private nextFinalProcess: number;
  private nextTraceOperation = 0;
  private waitsForThread = 0;

  constructor(private readonly context: DriverContext) {
    const { concurrency, nodes } = context;
    this.threads = Array.from({ length: concurrency }, (_, index) => ({
      index,
      node: nodes[index % nodes.length] as string,
      process: index,
      client: new Client(context.newClientId(), context.network),
      busy: false,
    }));
    this.nextFinalProcess = concurrency;
  }

  /** How many times an operation was due while every client thread was busy (the rate could not be kept). */
  get threadWaits(): number {
    return this.waitsForThread;
  }

  /** The number of operations started and not yet completed. */
  get pendingCount(): number {
    return this.inFlight.size;
  }

  /**
   * Starts operations at `rate` per second for `durationMs`, then waits for the
   * ones in flight (each bounded by the request timeout).
   */
  async runPhase(durationMs: number, rate: number, stopped: () => boolean): Promise<void> {
    const endMs = this.context.clock() + durationMs;
    const random = this.context.random;
    // Start times are kept on a schedule of their own, so that waits shorter than a timer's
    // 1 ms granularity still average out to the rate (1,000 operations per second and more).
    let nextStartMs = this.context.clock();
    for (;;) {
      nextStartMs += random.between(0, 2000 / rate);
      if (nextStartMs >= endMs || stopped()) break;
      const waitMs = nextStartMs - this.context.clock();
      if (waitMs >= 1) await sleep(waitMs);
      else await new Promise((resolve) => setImmediate(resolve));
      if (this.context.clock() >= endMs || stopped()) break;
      let idle = this.threads.filter((thread) => !thread.busy);
      if (idle.length === 0) this.waitsForThread++;
      while (idle.length === 0) {
        await this.untilIdle(endMs - this.context.clock());
        if (this.context.clock() >= endMs || stopped()) break;
        idle = this.threads.filter((thread) => !thread.busy);
        // Time spent waiting for a free thread is not made up for with a burst afterwards.
        nextStartMs = Math.max(nextStartMs, this.context.clock());
      }
      if (idle.length === 0) break;
      this.start(random.pick(idle));
    }
    await Promise.all([...this.inFlight]);
  }

  private untilIdle(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private start(thread: Thread): void {
    thread.busy = true;
    const operation = this.context.workload.next(thread.index);
    const promise = this.runOperation(thread.process, thread.client, thread.node, operation, false).then(
      (outcome) => {
        this.context.workload.observe?.(thread.index, operation, outcome);
        if (outcome.type === 'info') {
          // The process crashed: a new one takes the thread, with a new client id.
          thread.client.retire();
          thread.process += this.context.concurrency;
          thread.client = new Client(this.context.newClientId(), this.context.network);
          this.context.workload.reset?.(thread.index);
        }
        thread.busy = false;
        this.inFlight.delete(promise);
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      },
    );
    this.inFlight.add(promise);
  }

  /**
   * Runs the final operations, each on its node by a fresh process, in
   * parallel across nodes; one that fails or times out is tried again, up to
   * `attempts` times, `retryDelayMs` apart.
   */
  async runFinal(
    operations: readonly FinalOperation[],
    attempts: number,
    retryDelayMs: number,
  ): Promise<void> {
    await Promise.all(
      operations.map(async ({ node, operation }) => {
        for (let attempt = 1; attempt <= attempts; attempt++) {
          const client = new Client(this.context.newClientId(), this.context.network);
          const outcome = await this.runOperation(this.nextFinalProcess++, client, node, operation, true);
          client.retire();
          if (outcome.type === 'ok') return;
          if (attempt < attempts) await sleep(retryDelayMs);
        }
      }),
    );
  }

  /** Runs one operation to its outcome and records it. */
  private async runOperation(
    process: number,
    client: Client,
    node: string,
    operation: WorkloadOperation,
    final: boolean,
  ): Promise<Outcome> {
    const { history, workload, clock, trace } = this.context;
    const record: RecordedOperation = history.invoke({
      process,
      client: client.id,
      node,
      f: operation.f,
      ...(operation.key === undefined ? {} : { key: operation.key }),
      input: operation.value,
      invokeMs: clock(),
      final,
    });
    const traceOperation = ++this.nextTraceOperation;
    trace.record({
      t: traceTime(record.invokeMs),
      type: 'invoke',
      node: client.id,
      op: traceOperation,
      f: operation.f,
      value: operation.value,
    });
    this.context.requestSent(node);
    const reply = await client.rpc(node, workload.request(operation), this.context.requestTimeoutMs);
    let outcome: Outcome;
    if (reply === undefined) {
      outcome = {
        type: workload.idempotent.has(operation.f) ? 'fail' : 'info',
        value: operation.value,
        error: 'timeout',
      };
    } else {
      const interpreted = workload.interpret(operation, reply.body);
      if (isBadReply(interpreted)) {
        this.context.diagnostics.add({
          node,
          kind: 'bad-reply',
          detail: `${interpreted.problem} (to ${client.id}'s ${operation.f})`,
          atMs: clock(),
          ...(reply.origin === undefined ? {} : { line: reply.origin.line }),
          text: JSON.stringify(reply.body),
        });
        outcome = {
          type: workload.idempotent.has(operation.f) ? 'fail' : 'info',
          value: operation.value,
          error: 'bad reply',
        };
      } else outcome = interpreted;
    }
    const atMs = clock();
    history.complete(record, outcome.type, outcome.value, atMs, outcome.error);
    trace.record({
      t: traceTime(atMs),
      type: outcome.type,
      node: client.id,
      op: traceOperation,
      f: operation.f,
      value: outcome.value,
    });
    return outcome;
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
