/**
 * The workbench's network, in real time: every message between participants
 * passes through here, is counted, recorded in the trace, delayed and,
 * between servers, subjected to partitions.
 *
 * - Client-to-node and node-to-client messages are not delayed (Maelstrom's
 *   rule); node-to-node and node-to-service messages wait a latency drawn from
 *   the run's distribution.
 * - A partition is a grudge (Jepsen's word): each server drops the messages of
 *   the servers it holds a grudge against. It is checked on delivery, so a
 *   message in flight when a partition starts is lost too.
 * - Messages to a server that has exited are dropped (`down`).
 */

import type { Grudge } from '../sim/index.js';
import { draw, type Distribution } from '../sim/index.js';
import type { RandomStream } from '../core/index.js';
import type { DropReason } from '../trace/index.js';
import type { NodeProcess } from './node-process.js';
import type { Body, Envelope } from './protocol.js';
import type { Service } from './services.js';
import { traceTime, type TraceRecorder } from './trace-recorder.js';

/** Message counts of one category. */
export interface MessageCounts {
  /** Messages sent. */
  sendCount: number;
  /** Messages delivered. */
  recvCount: number;
  /** Messages dropped (partitions, a dead receiver). */
  dropCount: number;
}

/** Message counts by category, as Maelstrom's net checker reports them. */
export interface NetworkStats {
  /** Every message. */
  readonly all: MessageCounts;
  /** Messages to or from a client. */
  readonly clients: MessageCounts;
  /** Messages between two servers (what msgs-per-op counts). */
  readonly servers: MessageCounts;
  /** Messages between a server and a service. */
  readonly services: MessageCounts;
}

/** Where a message came from, when a node wrote it. */
export interface LineOrigin {
  readonly node: string;
  readonly line: number;
}

/** Receives the messages addressed to a client. */
export type ClientInbox = (envelope: Envelope, origin: LineOrigin | undefined) => void;

type Category = 'clients' | 'servers' | 'services';

type Participant =
  | { readonly kind: 'server'; readonly process: NodeProcess }
  | { readonly kind: 'client'; inbox: ClientInbox | undefined }
  | { readonly kind: 'service'; readonly service: Service };

/** Settings of a network. */
export interface NetworkOptions {
  /** Latency of node-to-node and node-to-service messages. */
  readonly latency: Distribution;
  readonly random: RandomStream;
  /** Ms since the start of the run. */
  readonly clock: () => number;
  readonly trace: TraceRecorder;
}

function emptyCounts(): MessageCounts {
  return { sendCount: 0, recvCount: 0, dropCount: 0 };
}

/** The routing network of one run. */
export class Network {
  private readonly participants = new Map<string, Participant>();
  private grudge: Grudge | undefined;
  private nextMessageId = 0;
  private readonly counts: NetworkStats = {
    all: emptyCounts(),
    clients: emptyCounts(),
    servers: emptyCounts(),
    services: emptyCounts(),
  };
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: NetworkOptions) {}

  /** Adds a server node. */
  addServer(id: string, process: NodeProcess, protocol: string): void {
    this.participants.set(id, { kind: 'server', process });
    this.options.trace.participant(id, 'servers', protocol);
  }

  /** Adds a client; its replies go to `inbox` until it is retired. */
  addClient(id: string, inbox: ClientInbox): void {
    this.participants.set(id, { kind: 'client', inbox });
    this.options.trace.participant(id, 'clients', 'client');
  }

  /** Retires a client: messages still addressed to it are delivered to nobody, silently. */
  retireClient(id: string): void {
    const participant = this.participants.get(id);
    if (participant?.kind === 'client') participant.inbox = undefined;
  }

  /** Adds a service. */
  addService(service: Service): void {
    this.participants.set(service.name, { kind: 'service', service });
    this.options.trace.participant(service.name, 'services', service.name);
  }

  /** Whether `id` is a participant of this run (a retired client still is). */
  knows(id: string): boolean {
    return this.participants.has(id);
  }

  /** Starts a partition (or heals, with `undefined`). */
  setGrudge(grudge: Grudge | undefined): void {
    this.grudge = grudge;
  }

  /** The counts so far (a copy). */
  stats(): NetworkStats {
    const copy = (counts: MessageCounts): MessageCounts => ({ ...counts });
    return {
      all: copy(this.counts.all),
      clients: copy(this.counts.clients),
      servers: copy(this.counts.servers),
      services: copy(this.counts.services),
    };
  }

  /** Stops delivering: messages in flight are discarded. */
  close(): void {
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  /**
   * Sends `envelope`. `rawLine` is the JSON text a node wrote, forwarded as it
   * is (plus Maelstrom's `id`) rather than re-encoded. The destination must be
   * known (see {@link knows}).
   */
  send(envelope: Envelope, origin?: LineOrigin, rawLine?: string): void {
    if (this.closed) return;
    const source = this.participants.get(envelope.src);
    const target = this.participants.get(envelope.dest);
    if (source === undefined || target === undefined) {
      throw new Error(`Network.send: unknown participant in ${envelope.src} -> ${envelope.dest}`);
    }
    const id = ++this.nextMessageId;
    const category = categoryOf(source.kind, target.kind);
    this.counts.all.sendCount++;
    this.counts[category].sendCount++;
    const now = this.options.clock();
    this.options.trace.record({
      t: traceTime(now),
      type: 'send',
      node: envelope.src,
      to: envelope.dest,
      msg: `m${id}`,
      body: envelope.body,
    });
    const delayed = source.kind !== 'client' && target.kind !== 'client';
    const delayMs = delayed ? draw(this.options.latency, this.options.random) : 0;
    if (delayMs <= 0) {
      this.deliver(id, envelope, category, target, origin, rawLine);
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.deliver(id, envelope, category, target, origin, rawLine);
    }, delayMs);
    this.pending.add(timer);
  }

  private deliver(
    id: number,
    envelope: Envelope,
    category: Category,
    target: Participant,
    origin: LineOrigin | undefined,
    rawLine: string | undefined,
  ): void {
    if (this.closed) return;
    const now = this.options.clock();
    if (category === 'servers' && this.grudge?.get(envelope.dest)?.has(envelope.src)) {
      this.drop(id, envelope, category, now, 'partition');
      return;
    }
    switch (target.kind) {
      case 'server': {
        const line = rawLine === undefined ? undefined : withMessageId(rawLine, id);
        if (!target.process.writeLine(line ?? JSON.stringify({ id, ...envelope }))) {
          this.drop(id, envelope, category, now, 'down');
          return;
        }
        break;
      }
      case 'client':
        this.received(id, envelope, category, now);
        target.inbox?.(envelope, origin);
        return;
      case 'service': {
        this.received(id, envelope, category, now);
        const reply: Body = target.service.handle(envelope.src, envelope.body);
        this.send({ src: target.service.name, dest: envelope.src, body: reply });
        return;
      }
    }
    this.received(id, envelope, category, now);
  }

  private received(id: number, envelope: Envelope, category: Category, now: number): void {
    this.counts.all.recvCount++;
    this.counts[category].recvCount++;
    this.options.trace.record({
      t: traceTime(now),
      type: 'deliver',
      node: envelope.dest,
      from: envelope.src,
      msg: `m${id}`,
    });
  }

  private drop(id: number, envelope: Envelope, category: Category, now: number, reason: DropReason): void {
    this.counts.all.dropCount++;
    this.counts[category].dropCount++;
    this.options.trace.record({
      t: traceTime(now),
      type: 'drop',
      node: envelope.dest,
      from: envelope.src,
      msg: `m${id}`,
      reason,
    });
  }
}

function categoryOf(source: Participant['kind'], target: Participant['kind']): Category {
  if (source === 'client' || target === 'client') return 'clients';
  if (source === 'service' || target === 'service') return 'services';
  return 'servers';
}

/** The node's own JSON text with Maelstrom's `id` put first. */
function withMessageId(rawLine: string, id: number): string {
  const text = rawLine.trimStart();
  return `{"id":${id},${text.slice(1)}`;
}
