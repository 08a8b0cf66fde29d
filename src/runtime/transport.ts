/**
 * TCP between runtime nodes: one listening socket on the configured address,
 * one outbound connection per peer, authenticated frames (see frames.ts).
 *
 * The model is the asynchronous one of the course, not a reliable stream:
 * - a message to a peer that cannot be reached is dropped (and counted); the
 *   protocol retransmits if it cares. Nothing is queued beyond a bound.
 * - an outbound connection is opened on the first send, and again after a
 *   failure once a backoff (50 ms doubling to 1 s, with jitter) has passed;
 *   sends during the backoff are dropped.
 * - a connection whose frames stay unacknowledged for `deadAfterMs` is taken
 *   for dead (a partition swallows packets without closing anything) and
 *   closed, so that traffic resumes on a fresh connection once the network
 *   heals rather than behind minutes of TCP retransmission backoff.
 * - inbound frames that fail authentication, are addressed to another node,
 *   come from an unknown node or repeat a sequence number are dropped and
 *   counted; none reaches a handler.
 */

import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { NodeId } from '../core/index.js';
import { decodePlain, encodePlain } from '../core/index.js';
import type { NodeAddress } from './config.js';
import {
  decodeAck,
  decodeData,
  decodeHello,
  encodeAck,
  encodeData,
  encodeHello,
  FrameReader,
  frameType,
  FrameType,
  type FramedMessage,
} from './frames.js';

/** Bounds and delays of the transport. */
export interface TransportLimits {
  /** Give up a connection attempt (TCP connect and hello) after this long. */
  readonly connectTimeoutMs: number;
  /** Take an open connection for dead when a frame stays unacknowledged this long. */
  readonly deadAfterMs: number;
  /** The first backoff after a failure; it doubles up to `backoffMaxMs`. */
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  /** Messages held per peer while its connection is being opened; more are dropped. */
  readonly queuedMessagesMax: number;
  /** Bytes the socket may hold unsent before new messages to that peer are dropped. */
  readonly unsentBytesMax: number;
  /** Inbound connections at most; more are refused. */
  readonly inboundConnectionsMax: number;
  /** A data frame is closed once its messages reach this many bytes (the rest go in the next frame). */
  readonly frameBytesTarget: number;
  /** A receiver acknowledges at most this often per connection. */
  readonly ackDelayMs: number;
  /** An inbound connection silent this long is closed. */
  readonly inboundIdleMs: number;
}

/** The defaults: right for loopback and a LAN. */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  connectTimeoutMs: 2_000,
  deadAfterMs: 3_000,
  backoffMinMs: 50,
  backoffMaxMs: 1_000,
  queuedMessagesMax: 10_000,
  unsentBytesMax: 16 * 1024 * 1024,
  inboundConnectionsMax: 128,
  frameBytesTarget: 1024 * 1024,
  ackDelayMs: 20,
  inboundIdleMs: 60_000,
};

/** Counters of one transport. */
export interface TransportStats {
  messagesSent: number;
  messagesDelivered: number;
  /** Messages dropped because their peer could not be reached or was too slow. */
  messagesDropped: number;
  framesSent: number;
  framesReceived: number;
  /** Frames whose MAC did not verify: dropped, never handled. */
  framesRejected: number;
  /** Authenticated frames addressed to another node or from a node outside the cluster. */
  framesMisaddressed: number;
  /** Authenticated frames whose sequence number was not above the last one (replays). */
  framesReplayed: number;
  /** Frames that could not be parsed (including bad message JSON). */
  framesMalformed: number;
  connectionsOpened: number;
  connectionsLost: number;
}

/** What the transport needs from its node. */
export interface TransportOptions {
  readonly self: NodeAddress;
  /** Every other node of the system. */
  readonly peers: readonly NodeAddress[];
  readonly key: Buffer;
  /** A random number per process start, carried in frames so traces can name messages uniquely. */
  readonly incarnation: number;
  /** An authenticated message arrived. `number` and `incarnation` are the sender's. */
  readonly deliver: (from: NodeId, message: unknown, number: number, incarnation: number) => void;
  /** A message was dropped because `to` could not be reached. */
  readonly dropped?: (to: NodeId, number: number) => void;
  /** Jitter for the backoff, in [0, 1). */
  readonly random: () => number;
  readonly limits?: Partial<TransportLimits>;
}

type LinkState = 'idle' | 'connecting' | 'open' | 'backoff';

/** The outbound side towards one peer. */
interface PeerLink {
  readonly address: NodeAddress;
  state: LinkState;
  socket: Socket | undefined;
  nonce: Buffer | undefined;
  /** Sequence number of the last frame sent on this connection. */
  sequence: number;
  acknowledged: number;
  /** Since when the oldest unacknowledged frame has waited (undefined: nothing waits). */
  unacknowledgedSinceMs: number | undefined;
  queue: FramedMessage[];
  backoffMs: number;
  retryAtMs: number;
}

/** The inbound side of one connection. */
interface InboundConnection {
  readonly socket: Socket;
  readonly nonce: Buffer;
  readonly reader: FrameReader;
  lastSequence: number;
  ackTimer: NodeJS.Timeout | undefined;
}

/** How often the watchdog looks for dead connections. */
const WATCHDOG_MS = 250;
/** The hello and acks are tiny: an outbound connection refuses anything bigger. */
const CONTROL_FRAME_BYTES_MAX = 64;

export class Transport {
  readonly stats: TransportStats = {
    messagesSent: 0,
    messagesDelivered: 0,
    messagesDropped: 0,
    framesSent: 0,
    framesReceived: 0,
    framesRejected: 0,
    framesMisaddressed: 0,
    framesReplayed: 0,
    framesMalformed: 0,
    connectionsOpened: 0,
    connectionsLost: 0,
  };
  private readonly limits: TransportLimits;
  private readonly links = new Map<string, PeerLink>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly server: Server;
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: TransportOptions) {
    this.limits = { ...DEFAULT_TRANSPORT_LIMITS, ...options.limits };
    for (const address of options.peers) {
      this.links.set(address.id, {
        address,
        state: 'idle',
        socket: undefined,
        nonce: undefined,
        sequence: 0,
        acknowledged: 0,
        unacknowledgedSinceMs: undefined,
        queue: [],
        backoffMs: 0,
        retryAtMs: 0,
      });
    }
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on the node's own address, and nowhere else. */
  listen(): Promise<void> {
    const { host, port } = this.options.self;
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => reject(error);
      this.server.once('error', failed);
      this.server.listen({ host, port, exclusive: true }, () => {
        this.server.off('error', failed);
        // After start, a server error (rare: EMFILE) must not crash the node; connections retry.
        this.server.on('error', () => undefined);
        this.watchdog = setInterval(() => this.checkLinks(), WATCHDOG_MS);
        this.watchdog.unref();
        resolve();
      });
    });
  }

  /** The address the server is bound to (the configured one; the port is known when 0 was asked). */
  boundPort(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.options.self.port;
  }

  /**
   * Queues `message` for `to`; it leaves at the next {@link flush}. Dropped
   * at once when the peer is in backoff or its queue is full.
   */
  send(to: NodeId, message: unknown, number: number): void {
    const link = this.links.get(to);
    if (link === undefined) throw new Error(`Transport.send: '${to}' is not a peer of this node`);
    if (this.closed) return this.drop(link, number);
    if (link.state === 'backoff' && performance.now() < link.retryAtMs) return this.drop(link, number);
    if (link.state === 'idle' || link.state === 'backoff') this.open(link);
    if (link.queue.length >= this.limits.queuedMessagesMax) return this.drop(link, number);
    link.queue.push({ number, json: JSON.stringify(encodePlain(message)) });
  }

  /** Writes every queued message of every open connection. */
  flush(): void {
    for (const link of this.links.values()) {
      if (link.state === 'open' && link.queue.length > 0) this.writeQueue(link);
    }
  }

  /**
   * Stops listening and closes every connection. Queued messages are written
   * first where a connection is open (a graceful stop loses nothing it can send).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    const closing: Promise<void>[] = [];
    closing.push(new Promise((resolve) => this.server.close(() => resolve())));
    for (const connection of this.inbound) {
      clearTimeout(connection.ackTimer);
      connection.socket.destroy();
    }
    for (const link of this.links.values()) {
      const socket = link.socket;
      if (socket === undefined) continue;
      closing.push(
        new Promise((resolve) => {
          socket.once('close', () => resolve());
          // Let written frames drain, but not forever.
          socket.end();
          setTimeout(() => socket.destroy(), 500).unref();
        }),
      );
    }
    await Promise.all(closing);
  }

  private drop(link: PeerLink, number: number): void {
    this.stats.messagesDropped++;
    this.options.dropped?.(link.address.id, number);
  }

  // --- The outbound side. ---

  private open(link: PeerLink): void {
    link.state = 'connecting';
    link.nonce = undefined;
    link.sequence = 0;
    link.acknowledged = 0;
    link.unacknowledgedSinceMs = undefined;
    const socket = connect({ host: link.address.host, port: link.address.port });
    link.socket = socket;
    socket.setNoDelay(true);
    const reader = new FrameReader(CONTROL_FRAME_BYTES_MAX);
    const timeout = setTimeout(() => socket.destroy(), this.limits.connectTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      const bodies = reader.push(chunk);
      if (bodies === 'too-long') return void socket.destroy();
      for (const body of bodies) {
        if (frameType(body) === FrameType.hello && link.nonce === undefined && link.socket === socket) {
          const nonce = decodeHello(body);
          if (nonce === undefined) return void socket.destroy();
          clearTimeout(timeout);
          link.nonce = nonce;
          link.state = 'open';
          link.backoffMs = 0;
          this.stats.connectionsOpened++;
          if (link.queue.length > 0) this.writeQueue(link);
        } else if (frameType(body) === FrameType.ack && link.nonce !== undefined) {
          const sequence = decodeAck(body);
          if (sequence === undefined) return void socket.destroy();
          link.acknowledged = Math.max(link.acknowledged, Math.min(sequence, link.sequence));
          link.unacknowledgedSinceMs = link.acknowledged >= link.sequence ? undefined : performance.now();
        } else {
          return void socket.destroy();
        }
      }
    });
    socket.on('error', () => undefined); // 'close' follows and handles it.
    socket.on('close', () => {
      clearTimeout(timeout);
      if (link.socket === socket) this.linkDown(link);
    });
  }

  private linkDown(link: PeerLink): void {
    if (link.state === 'open') this.stats.connectionsLost++;
    link.socket = undefined;
    link.nonce = undefined;
    for (const message of link.queue) this.drop(link, message.number);
    link.queue = [];
    link.backoffMs =
      link.backoffMs === 0
        ? this.limits.backoffMinMs
        : Math.min(this.limits.backoffMaxMs, link.backoffMs * 2);
    link.state = 'backoff';
    // Jitter keeps nodes that lost the same peer from reconnecting in lockstep.
    link.retryAtMs = performance.now() + link.backoffMs * (0.5 + 0.5 * this.options.random());
  }

  private writeQueue(link: PeerLink): void {
    const socket = link.socket as Socket;
    const nonce = link.nonce as Buffer;
    const queue = link.queue;
    link.queue = [];
    if (socket.writableLength > this.limits.unsentBytesMax) {
      // The peer (or the path to it) does not keep up: drop rather than buffer without bound.
      for (const message of queue) this.drop(link, message.number);
      return;
    }
    const { self, key, incarnation } = this.options;
    // One system call for all the frames of this flush.
    socket.cork();
    let start = 0;
    while (start < queue.length) {
      let end = start;
      let bytes = 0;
      // Messages join the frame while it stays under the target; a big message gets a frame of its own.
      while (end < queue.length) {
        const size = (queue[end] as FramedMessage).json.length;
        if (end > start && bytes + size > this.limits.frameBytesTarget) break;
        bytes += size;
        end++;
      }
      const messages = start === 0 && end === queue.length ? queue : queue.slice(start, end);
      start = end;
      const header = { from: self.id, to: link.address.id, incarnation, sequence: link.sequence + 1 };
      let frame: Buffer;
      try {
        frame = encodeData(key, nonce, header, messages);
      } catch {
        // A message alone over the frame limit cannot be sent, like a datagram too large: dropped.
        for (const message of messages) this.drop(link, message.number);
        continue;
      }
      link.sequence++;
      socket.write(frame);
      link.unacknowledgedSinceMs ??= performance.now();
      this.stats.framesSent++;
      this.stats.messagesSent += messages.length;
    }
    socket.uncork();
  }

  private checkLinks(): void {
    const now = performance.now();
    for (const link of this.links.values()) {
      if (
        link.state === 'open' &&
        link.unacknowledgedSinceMs !== undefined &&
        now - link.unacknowledgedSinceMs > this.limits.deadAfterMs
      ) {
        link.socket?.destroy();
      }
    }
  }

  // --- The inbound side. ---

  private accept(socket: Socket): void {
    if (this.closed || this.inbound.size >= this.limits.inboundConnectionsMax) {
      socket.destroy();
      return;
    }
    const connection: InboundConnection = {
      socket,
      nonce: randomBytes(16),
      reader: new FrameReader(),
      lastSequence: 0,
      ackTimer: undefined,
    };
    this.inbound.add(connection);
    socket.setNoDelay(true);
    socket.setTimeout(this.limits.inboundIdleMs, () => socket.destroy());
    socket.write(encodeHello(connection.nonce));
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(connection.ackTimer);
      this.inbound.delete(connection);
    });
  }

  private receive(connection: InboundConnection, chunk: Buffer): void {
    const bodies = connection.reader.push(chunk);
    if (bodies === 'too-long') {
      this.stats.framesMalformed++;
      connection.socket.destroy();
      return;
    }
    for (const body of bodies) {
      if (this.closed) return;
      if (frameType(body) !== FrameType.data) {
        // A sender sends data frames only: this is not a fairlink node speaking.
        this.stats.framesMalformed++;
        connection.socket.destroy();
        return;
      }
      const frame = decodeData(this.options.key, connection.nonce, body);
      if (frame === 'authentication') {
        this.stats.framesRejected++;
        continue;
      }
      if (frame === 'malformed') {
        this.stats.framesMalformed++;
        continue;
      }
      if (frame.to !== this.options.self.id || !this.links.has(frame.from)) {
        this.stats.framesMisaddressed++;
        continue;
      }
      if (frame.sequence <= connection.lastSequence) {
        this.stats.framesReplayed++;
        continue;
      }
      connection.lastSequence = frame.sequence;
      this.stats.framesReceived++;
      this.scheduleAck(connection);
      for (const framed of frame.messages) {
        let message: unknown;
        try {
          message = decodePlain(JSON.parse(framed.json));
        } catch {
          this.stats.framesMalformed++;
          continue;
        }
        this.stats.messagesDelivered++;
        this.options.deliver(frame.from as NodeId, message, framed.number, frame.incarnation);
        if (this.closed) return;
      }
    }
  }

  private scheduleAck(connection: InboundConnection): void {
    if (connection.ackTimer !== undefined) return;
    connection.ackTimer = setTimeout(() => {
      connection.ackTimer = undefined;
      if (!connection.socket.destroyed) connection.socket.write(encodeAck(connection.lastSequence));
    }, this.limits.ackDelayMs);
  }
}
