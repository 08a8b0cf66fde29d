import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeId } from '../core/index.js';
import type { NodeAddress } from './config.js';
import { decodeHello, encodeData, encodeHello, FRAME_BYTES_MAX, FrameReader } from './frames.js';
import { Transport, type TransportOptions } from './transport.js';

const key = Buffer.alloc(32, 1);

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function addresses(...ids: string[]): Promise<NodeAddress[]> {
  const result: NodeAddress[] = [];
  for (const id of ids) result.push({ id: id as NodeId, host: '127.0.0.1', port: await freePort() });
  return result;
}

/** Polls `condition` until it holds (or fails the test after `timeoutMs`). */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Delivered {
  readonly from: string;
  readonly message: unknown;
  readonly number: number;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function transport(
  self: NodeAddress,
  peers: readonly NodeAddress[],
  extra: Partial<TransportOptions> = {},
): { transport: Transport; delivered: Delivered[] } {
  const delivered: Delivered[] = [];
  const created = new Transport({
    self,
    peers,
    key,
    incarnation: 1,
    random: () => 0.5,
    deliver: (from, message, number) => delivered.push({ from, message, number }),
    ...extra,
  });
  cleanups.push(() => created.close());
  return { transport: created, delivered };
}

/** A raw client of a transport's port: reads the hello, then writes whatever the test wants. */
async function rawConnection(port: number): Promise<{ socket: Socket; nonce: Buffer }> {
  const socket = connect({ host: '127.0.0.1', port });
  cleanups.push(() => void socket.destroy());
  const reader = new FrameReader();
  const nonce = await new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      const bodies = reader.push(chunk);
      if (bodies === 'too-long') return reject(new Error('too long'));
      for (const body of bodies) {
        const hello = decodeHello(body);
        if (hello) resolve(hello);
      }
    });
    socket.on('error', reject);
  });
  return { socket, nonce };
}

describe('Transport', () => {
  it('carries plain data between two nodes, in order', async () => {
    const [a, b] = (await addresses('a', 'b')) as [NodeAddress, NodeAddress];
    const sender = transport(a, [b]);
    const receiver = transport(b, [a]);
    await sender.transport.listen();
    await receiver.transport.listen();
    for (let number = 1; number <= 100; number++) {
      sender.transport.send(b.id, { n: number, tags: new Set(['x']), big: 2n ** 70n }, number);
      if (number % 10 === 0) sender.transport.flush();
    }
    await until(() => receiver.delivered.length === 100);
    expect(receiver.delivered.map((entry) => entry.number)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(receiver.delivered[41]).toEqual({
      from: 'a',
      message: { n: 42, tags: new Set(['x']), big: 2n ** 70n },
      number: 42,
    });
    expect(receiver.transport.stats.framesRejected).toBe(0);
  });

  it('drops and counts a tampered frame, a replayed one, one under another key and one for another node; none is handled', async () => {
    const [a, b] = (await addresses('a', 'b')) as [NodeAddress, NodeAddress];
    const receiver = transport(b, [a]);
    await receiver.transport.listen();
    const { socket, nonce } = await rawConnection(b.port);
    const frame = (sequence: number, to = 'b', frameKey = key): Buffer =>
      encodeData(frameKey, nonce, { from: 'a', to, incarnation: 1, sequence }, [
        { number: sequence, json: `{"n":${sequence}}` },
      ]);

    const tampered = frame(1);
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] as number) ^ 0xff;
    socket.write(tampered);
    socket.write(frame(2, 'b', Buffer.alloc(32, 2)));
    socket.write(frame(3, 'c'));
    const genuine = frame(4);
    socket.write(genuine);
    socket.write(genuine);
    socket.write(frame(3));
    socket.write(frame(5));
    await until(() => receiver.delivered.length === 2 && receiver.transport.stats.framesReplayed === 2);
    expect(receiver.delivered.map((entry) => entry.message)).toEqual([{ n: 4 }, { n: 5 }]);
    expect(receiver.transport.stats).toMatchObject({
      framesRejected: 2,
      framesMisaddressed: 1,
      framesReplayed: 2,
      framesReceived: 2,
      messagesDelivered: 2,
    });
  });

  it('closes a connection that speaks no fairlink, counting it', async () => {
    const [b] = (await addresses('b')) as [NodeAddress];
    const receiver = transport(b, []);
    await receiver.transport.listen();
    const { socket } = await rawConnection(b.port);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await closed;
    expect(receiver.transport.stats.framesMalformed).toBe(1);
  });

  it('drops messages to a peer that cannot be reached, then reconnects once it is up', async () => {
    const [a, b] = (await addresses('a', 'b')) as [NodeAddress, NodeAddress];
    const dropped: number[] = [];
    const sender = transport(a, [b], { dropped: (_to, number) => dropped.push(number) });
    await sender.transport.listen();
    sender.transport.send(b.id, 'lost', 1);
    sender.transport.flush();
    await until(() => dropped.length === 1);
    // In backoff: dropped at once.
    sender.transport.send(b.id, 'lost too', 2);
    expect(dropped).toEqual([1, 2]);

    const receiver = transport(b, [a]);
    await receiver.transport.listen();
    let number = 3;
    await until(() => {
      sender.transport.send(b.id, 'hello', number++);
      sender.transport.flush();
      return receiver.delivered.length > 0;
    });
    expect(receiver.delivered[0]?.message).toBe('hello');
    expect(sender.transport.stats.messagesDropped).toBe(dropped.length);
  });

  it('takes a connection whose frames are never acknowledged for dead (a partition), and reconnects', async () => {
    const [a, b] = (await addresses('a', 'b')) as [NodeAddress, NodeAddress];
    // A peer that says hello on every connection and then swallows everything.
    let connections = 0;
    const sink = createServer((socket) => {
      connections++;
      socket.on('error', () => undefined);
      // Read (and ignore) everything, so that the end of the connection is noticed.
      socket.resume();
      socket.write(encodeHello(Buffer.alloc(16, connections)));
    });
    await new Promise<void>((resolve) => sink.listen(b.port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));
    const sender = transport(a, [b], { limits: { deadAfterMs: 300, backoffMinMs: 10 } });
    await sender.transport.listen();
    sender.transport.send(b.id, 'into the void', 1);
    await until(() => sender.transport.stats.connectionsLost === 1);
    await until(() => {
      sender.transport.send(b.id, 'again', 2);
      return connections === 2;
    });
  });

  it('keeps a connection that is acknowledged', async () => {
    const [a, b] = (await addresses('a', 'b')) as [NodeAddress, NodeAddress];
    // Acknowledgements come every 20 ms; 500 ms leaves room for a busy machine's stalls, and
    // the sends go on for well beyond it.
    const sender = transport(a, [b], { limits: { deadAfterMs: 500 } });
    const receiver = transport(b, [a]);
    await sender.transport.listen();
    await receiver.transport.listen();
    const startedAt = performance.now();
    let number = 0;
    while (performance.now() - startedAt < 1_500) {
      sender.transport.send(b.id, number, ++number);
      sender.transport.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(() => receiver.delivered.length === number);
    expect(sender.transport.stats.connectionsLost).toBe(0);
    expect(sender.transport.stats.connectionsOpened).toBe(1);
  });

  it('drops a message too big for a frame, and still sends the others', async () => {
    const [a, b] = (await addresses('a', 'b')) as [NodeAddress, NodeAddress];
    const dropped: number[] = [];
    const sender = transport(a, [b], { dropped: (_to, number) => dropped.push(number) });
    const receiver = transport(b, [a]);
    await sender.transport.listen();
    await receiver.transport.listen();
    sender.transport.send(b.id, 'before', 1);
    sender.transport.send(b.id, 'x'.repeat(FRAME_BYTES_MAX), 2);
    sender.transport.send(b.id, 'after', 3);
    await until(() => receiver.delivered.length === 2);
    expect(receiver.delivered.map((entry) => entry.message)).toEqual(['before', 'after']);
    expect(dropped).toEqual([2]);
  });

  it('listens only on its own address', async () => {
    const [a] = (await addresses('a')) as [NodeAddress];
    const node = transport(a, []);
    await node.transport.listen();
    expect(node.transport.boundPort()).toBe(a.port);
    const other = transport({ ...a }, []);
    await expect(other.transport.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
