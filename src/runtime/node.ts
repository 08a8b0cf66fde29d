/**
 * One protocol node on a real network: another shell around `StepContext`.
 *
 * Events (an authenticated message, a timer, boot or recovery) each run one
 * step at once. A step's effects are carried out in the order DESIGN.md asks:
 * its persisted writes are staged, timers are set, log lines and client
 * events recorded; its sends wait. At the end of the event-loop turn, one
 * flush writes and syncs every staged write (one `fdatasync` for all the
 * steps of the turn: group commit) and only then hands the waiting sends to
 * the transport, in step order. So no message leaves before the writes of the
 * step that sent it, or of any earlier step, are durable.
 *
 * Reads answer from the real world: `now()` is the monotonic clock in ms
 * since the node process started, so that protocol code sees time start at 0
 * as in the simulator (a restart starts it at 0 again, like a reboot);
 * `random()` and timer delays come from seeded streams (the cluster's seed,
 * or one drawn at start). Client histories are stamped with the wall clock
 * instead, which orders the events of several processes on one host.
 *
 * A handler that breaks the rules is a finding, as in every engine: the node
 * reports it and stops, since its state may be half-changed.
 */

import { createHmac, randomInt } from 'node:crypto';
import type { Effect } from '../core/index.js';
import type { ProtocolFault } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { encodePlain, plainToJson } from '../core/index.js';
import type { Signature } from '../core/index.js';
import { StepContext, type StepEnvironment, type StepTrigger } from '../core/index.js';
import { randomStream, type RandomStream } from '../core/index.js';
import type { PlannedNode } from './cluster.js';
import type { NodeAddress } from './config.js';
import type { HistoryWriter } from './history-file.js';
import type { DurableStore } from './storage.js';
import type { TraceWriter } from './trace-file.js';
import { Transport, type TransportLimits, type TransportStats } from './transport.js';

/** The longest delay `setTimeout` honours. */
const TIMEOUT_MS_MAX = 2 ** 31 - 1;

/** What a node needs to run. */
export interface RuntimeNodeOptions {
  readonly node: PlannedNode;
  /** Every node of the system (its own address included). */
  readonly addresses: readonly NodeAddress[];
  readonly key: Buffer;
  /** Seeds `random()` and timer delays. */
  readonly seed: number;
  /** Check the state is plain after every step (the scenario's `checkState`, default true). */
  readonly checkState: boolean;
  /** Durable storage, opened; `recovered` says whether it held an earlier run's data. */
  readonly storage: DurableStore;
  /** Whether the node ran before: it then runs On Recover rather than On Boot. */
  readonly recovered: boolean;
  /** Opens the client history; called at the node's first client event. */
  readonly history?: () => HistoryWriter;
  /** Opens the trace once the node knows its incarnation (for the header). */
  readonly trace?: (node: RuntimeNode) => TraceWriter;
  /** A line the protocol logged. */
  readonly onLog?: (text: string) => void;
  /** The protocol broke a rule; the node has stopped. */
  readonly onFault?: (fault: ProtocolFault) => void;
  /** Writing or syncing durable storage failed; the node has stopped. */
  readonly onStorageError?: (error: Error) => void;
  readonly transportLimits?: Partial<TransportLimits>;
}

/** Where a node is in its life. */
export type NodeStatus = 'new' | 'running' | 'stopping' | 'stopped' | 'failed';

interface PendingSend {
  readonly to: NodeId;
  readonly message: unknown;
  readonly number: number;
}

/** A running node. */
export class RuntimeNode implements StepEnvironment {
  readonly id: NodeId;
  /** A random number per process start: tells this run's messages from an earlier run's in traces. */
  readonly incarnation = randomInt(0, 0x1_0000_0000);
  /** `performance.now()` at start: trace times count from here. */
  readonly startedAtMs = performance.now();
  /** The wall clock at start, ms since the Unix epoch. */
  readonly startedAtEpochMs = performance.timeOrigin + this.startedAtMs;
  readonly stats = { steps: 0, timersFired: 0 };
  private statusValue: NodeStatus = 'new';
  private readonly context: StepContext<unknown, unknown>;
  private readonly transport: Transport;
  private readonly known: ReadonlySet<string>;
  private readonly randomSource: RandomStream;
  private readonly timerRandom: RandomStream;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private pendingSends: PendingSend[] = [];
  private localDeliveries: PendingSend[] = [];
  private flushScheduled = false;
  private messageCount = 0;
  private operationCount = 0;
  private trace: TraceWriter | undefined;
  private history: HistoryWriter | undefined;
  private stopped: Promise<void> | undefined;
  private fault: ProtocolFault | undefined;
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(private readonly options: RuntimeNodeOptions) {
    const node = options.node;
    this.id = node.id;
    this.known = new Set(options.addresses.map((address) => address.id));
    this.randomSource = randomStream(options.seed, `node:${node.id}`);
    this.timerRandom = randomStream(options.seed, `timers:${node.id}`);
    this.context = new StepContext(
      node.id,
      node.members,
      node.peers,
      node.protocol,
      options.storage.values,
      this,
      { checkState: options.checkState },
    );
    // Its own stream, so that connection failures do not shift the protocol's timer delays.
    const transportRandom = randomStream(options.seed, `transport:${node.id}`);
    this.transport = new Transport({
      self: node.address,
      peers: options.addresses.filter((address) => address.id !== node.id),
      key: options.key,
      incarnation: this.incarnation,
      random: () => transportRandom.next(),
      deliver: (from, message, number, incarnation) => this.deliver(from, message, number, incarnation),
      dropped: (to, number) => {
        this.trace?.record({
          t: this.traceTime(),
          type: 'drop',
          node: to,
          from: this.id,
          msg: this.messageId(this.id, this.incarnation, number),
          reason: 'down',
        });
      },
      ...(options.transportLimits ? { limits: options.transportLimits } : {}),
    });
  }

  get status(): NodeStatus {
    return this.statusValue;
  }

  /** The fault that stopped the node, if one did. */
  get protocolFault(): ProtocolFault | undefined {
    return this.fault;
  }

  get transportStats(): Readonly<TransportStats> {
    return this.transport.stats;
  }

  /** Keys in durable storage. */
  get storageKeys(): number {
    return this.options.storage.values.size;
  }

  /** Whether the node recorded client events (its history file exists). */
  get recordedHistory(): boolean {
    return this.history !== undefined;
  }

  /** The port the node listens on (the configured one). */
  get port(): number {
    return this.transport.boundPort();
  }

  /** Listens, then runs On Boot (first start) or On Recover (a restart with durable storage). */
  async start(): Promise<void> {
    if (this.statusValue !== 'new')
      throw new Error(`RuntimeNode.start: node ${this.id} is ${this.statusValue}`);
    await this.transport.listen();
    this.trace = this.options.trace?.(this);
    this.statusValue = 'running';
    const handler = this.options.recovered ? 'onRecover' : 'onBoot';
    this.trace?.record({
      t: this.traceTime(),
      type: this.options.recovered ? 'recover' : 'boot',
      node: this.id,
    });
    this.step({ handler });
  }

  /**
   * Stops gracefully: what earlier steps staged is synced and sent, timers are
   * cancelled, connections closed, files closed. Idempotent.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    if (this.statusValue === 'running') {
      this.statusValue = 'stopping';
      this.flush();
    }
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.transport.close();
    this.options.storage.close();
    this.history?.close();
    this.trace?.close();
    if (this.statusValue !== 'failed') this.statusValue = 'stopped';
  }

  // --- StepEnvironment: the reads a handler may make. ---

  now(): number {
    return performance.now() - this.startedAtMs;
  }

  random(): number {
    return this.randomSource.next();
  }

  /**
   * HMAC under a key derived from the cluster key and the signer. Every member
   * holds the cluster key, so this keeps outsiders from forging, not members:
   * the runtime runs correct nodes only (Byzantine behaviour is the simulator's).
   */
  sign(signer: NodeId, value: unknown): Signature {
    let key = this.signingKeys.get(signer);
    if (key === undefined) {
      key = createHmac('sha256', this.options.key).update('fairlink-signature\u0000').update(signer).digest();
      this.signingKeys.set(signer, key);
    }
    const mac = createHmac('sha256', key).update(plainToJson(value)).digest('base64url');
    return `${signer}:${mac.slice(0, 22)}` as Signature;
  }

  verify(signer: NodeId, value: unknown, signature: Signature): boolean {
    return typeof signature === 'string' && this.known.has(signer) && signature === this.sign(signer, value);
  }

  isKnownNode(node: NodeId): boolean {
    return this.known.has(node);
  }

  nextOperation(): number {
    return ++this.operationCount;
  }

  // --- Steps and their effects. ---

  private deliver(from: NodeId, message: unknown, number: number, incarnation: number): void {
    if (this.statusValue !== 'running') return;
    this.trace?.record({
      t: this.traceTime(),
      type: 'deliver',
      node: this.id,
      from,
      msg: this.messageId(from, incarnation, number),
    });
    this.step({ handler: 'onMessage', from, message });
  }

  private step(trigger: StepTrigger): void {
    if (this.statusValue !== 'running') return;
    this.stats.steps++;
    const context = this.context;
    const fault =
      trigger.handler === 'onMessage'
        ? context.runMessage(trigger.from, trigger.message)
        : context.run(trigger);
    if (fault !== undefined) {
      this.fail(fault);
      return;
    }
    const persisted = context.persisted;
    if (persisted !== undefined) {
      const durable = this.options.storage.values;
      for (const [key, value] of persisted) durable.set(key, value);
      this.options.storage.stage(persisted);
    }
    for (const effect of context.effects) this.apply(effect);
    this.scheduleFlush();
  }

  private apply(effect: Effect): void {
    switch (effect.kind) {
      case 'send': {
        const number = ++this.messageCount;
        this.trace?.record({
          t: this.traceTime(),
          type: 'send',
          node: this.id,
          to: effect.to,
          msg: this.messageId(this.id, this.incarnation, number),
          body: encodePlain(effect.message),
        });
        const pending = { to: effect.to, message: effect.message, number };
        if (effect.to === this.id) this.localDeliveries.push(pending);
        else this.pendingSends.push(pending);
        return;
      }
      case 'timer-set':
        this.setTimer(effect.name, effect.min, effect.max, effect.data);
        return;
      case 'timer-cancel': {
        const timer = this.timers.get(effect.name);
        if (timer === undefined) return;
        clearTimeout(timer);
        this.timers.delete(effect.name);
        this.trace?.record({ t: this.traceTime(), type: 'timer-cancel', node: this.id, name: effect.name });
        return;
      }
      case 'log':
        this.trace?.record({ t: this.traceTime(), type: 'log', node: this.id, text: effect.text });
        this.options.onLog?.(effect.text);
        return;
      case 'record':
        // Recorded events serve the engines' properties (view.happenedBefore); a real run judges none.
        return;
      case 'client': {
        const history = (this.history ??= this.options.history?.());
        const timeMs = performance.timeOrigin + performance.now();
        const f = effect.type === 'invoke' ? effect.f : (history?.operationName(effect.operation) ?? '?');
        if (effect.type === 'invoke') history?.invoke(effect.operation, effect.f, effect.value, timeMs);
        else history?.complete(effect.operation, effect.type, effect.value, timeMs);
        this.trace?.record({
          t: this.traceTime(),
          type: effect.type,
          node: this.id,
          op: effect.operation,
          f,
          value: encodePlain(effect.value),
        });
        return;
      }
    }
  }

  private setTimer(name: string, minMs: number, maxMs: number, data: unknown): void {
    const previous = this.timers.get(name);
    if (previous !== undefined) clearTimeout(previous);
    const delayMs = minMs === maxMs ? minMs : minMs + (maxMs - minMs) * this.timerRandom.next();
    const dueMs = this.now() + delayMs;
    const arm = (waitMs: number): void => {
      // setTimeout fires at once for delays above 2^31 - 1 ms: wait in steps instead.
      const timer = setTimeout(
        () => {
          const leftMs = dueMs - this.now();
          if (leftMs > 1) return arm(leftMs);
          this.timers.delete(name);
          if (this.statusValue !== 'running') return;
          this.stats.timersFired++;
          this.trace?.record({ t: this.traceTime(), type: 'timer-fire', node: this.id, name });
          this.step({ handler: 'onTimer', timer: { name, data } });
        },
        Math.min(waitMs, TIMEOUT_MS_MAX),
      );
      this.timers.set(name, timer);
    };
    arm(delayMs);
    this.trace?.record({ t: this.traceTime(), type: 'timer-set', node: this.id, name, due: dueMs });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.statusValue === 'running') this.flush();
    });
  }

  /** Persist, then send: the order that makes crash-recover safe. */
  private flush(): void {
    try {
      this.options.storage.commit();
    } catch (error) {
      // Nothing staged may be taken for durable: the waiting sends must never leave.
      this.pendingSends = [];
      this.localDeliveries = [];
      this.statusValue = 'failed';
      this.options.onStorageError?.(error as Error);
      return;
    }
    if (this.pendingSends.length > 0) {
      const sends = this.pendingSends;
      this.pendingSends = [];
      for (const send of sends) this.transport.send(send.to, send.message, send.number);
      this.transport.flush();
    }
    if (this.localDeliveries.length > 0 && this.statusValue === 'running') {
      const local = this.localDeliveries;
      this.localDeliveries = [];
      for (const delivery of local)
        this.deliver(this.id, delivery.message, delivery.number, this.incarnation);
    }
  }

  private fail(fault: ProtocolFault): void {
    this.fault = fault;
    this.statusValue = 'failed';
    this.trace?.record({
      t: this.traceTime(),
      type: 'fault',
      node: this.id,
      handler: fault.handler,
      kind: fault.kind,
      detail: fault.detail,
    });
    // What earlier steps staged is still synced and sent: those steps completed.
    this.flush();
    this.options.onFault?.(fault);
  }

  private traceTime(): number {
    return this.now();
  }

  private messageId(sender: string, incarnation: number, number: number): string {
    return `${sender}:${incarnation.toString(16)}:${number}`;
  }
}
