import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProtocolFault } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { defineProtocol, type Protocol } from '../core/index.js';
import type { NodeAddress } from './config.js';
import { HistoryWriter } from './history-file.js';
import { RuntimeNode } from './node.js';
import { DurableStorage, readRecords, STORAGE_FILE, type DurableStore } from './storage.js';
import { Transport } from './transport.js';

const key = Buffer.alloc(32, 9);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'fairlink-node-'));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Node `a` running `protocol`, with peer `b` (a bare transport that records what arrives). */
async function system(
  protocol: Protocol<unknown, unknown>,
  options: {
    storage?: DurableStore;
    recovered?: boolean;
    history?: string;
    onFault?: (fault: ProtocolFault) => void;
    onDelivered?: (message: unknown) => void;
  } = {},
): Promise<{ node: RuntimeNode; received: unknown[] }> {
  const a: NodeAddress = { id: 'a' as NodeId, host: '127.0.0.1', port: await freePort() };
  const b: NodeAddress = { id: 'b' as NodeId, host: '127.0.0.1', port: await freePort() };
  const received: unknown[] = [];
  const peer = new Transport({
    self: b,
    peers: [a],
    key,
    incarnation: 2,
    random: () => 0.5,
    deliver: (_from, message) => {
      options.onDelivered?.(message);
      received.push(message);
    },
  });
  await peer.listen();
  cleanups.push(() => peer.close());
  const storage = options.storage ?? DurableStorage.open(folder());
  const history = options.history;
  const node = new RuntimeNode({
    node: { id: a.id, protocol, group: 'nodes', members: [a.id, b.id], peers: [b.id], address: a },
    addresses: [a, b],
    key,
    seed: 1,
    checkState: true,
    storage,
    recovered: options.recovered ?? false,
    ...(history ? { history: () => HistoryWriter.open(history, 'a', 0) } : {}),
    ...(options.onFault ? { onFault: options.onFault } : {}),
  });
  cleanups.push(() => node.stop());
  await node.start();
  return { node, received };
}

describe('RuntimeNode', () => {
  it("persists before it sends: when a message is handed to the network, its step's write is in the file", async () => {
    const data = folder();
    const file = join(data, STORAGE_FILE);
    const storage = DurableStorage.open(data);
    const keysOnDisk = (): string[] =>
      readRecords(readFileSync(file), file)
        .records.flat()
        .map(([name]) => name);
    // At the moment each message leaves for the network, is its write already on disk?
    const onDiskAtSend: boolean[] = [];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with its receiver.
    const send = Transport.prototype.send;
    vi.spyOn(Transport.prototype, 'send').mockImplementation(function (this: Transport, to, message, number) {
      onDiskAtSend.push(keysOnDisk().includes(`k${String(message)}`));
      send.call(this, to, message, number);
    });
    cleanups.push(() => {
      vi.restoreAllMocks();
    });
    const writer = defineProtocol<{ count: number }, number>({
      name: 'writer',
      init: () => ({ count: 0 }),
      onBoot: (context) => context.setTimer('tick', 1),
      onTimer(context) {
        const count = ++context.state.count;
        context.persist(`k${count}`, count);
        context.send('b' as NodeId, count);
        if (count < 20) context.setTimer('tick', 1);
      },
    });
    const { received } = await system(writer, { storage });
    await until(() => received.length === 20);
    expect(received).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(onDiskAtSend).toEqual(Array.from({ length: 20 }, () => true));
  });

  it('boots the first time, recovers with its durable storage after a restart', async () => {
    const data = folder();
    const calls: string[] = [];
    const counter = defineProtocol<null>({
      name: 'counter',
      init: () => null,
      onBoot(context) {
        calls.push('boot');
        context.persist('runs', 1);
      },
      onRecover(context) {
        const runs = context.load<number>('runs') ?? 0;
        calls.push(`recover after ${runs}`);
        context.persist('runs', runs + 1);
      },
    });
    const first = DurableStorage.open(data);
    const started = await system(counter, {
      storage: first,
      recovered: first.recovery.existed,
    });
    await started.node.stop();
    for (let restart = 0; restart < 2; restart++) {
      const again = DurableStorage.open(data);
      const restarted = await system(counter, {
        storage: again,
        recovered: again.recovery.existed,
      });
      await restarted.node.stop();
    }
    expect(calls).toEqual(['boot', 'recover after 1', 'recover after 2']);
  });

  it('fires timers after a delay in their range, on a clock that starts near 0; cancelled ones never', async () => {
    const fired: { name: string; atMs: number }[] = [];
    let bootedAtMs = -1;
    const timers = defineProtocol<null>({
      name: 'timers',
      init: () => null,
      onBoot(context) {
        bootedAtMs = context.now();
        context.setTimer('ranged', [40, 60]);
        context.setTimer('cancelled', 10);
        context.cancelTimer('cancelled');
        context.setTimer('replaced', 5);
        context.setTimer('replaced', 30);
      },
      onTimer(context, timer) {
        fired.push({ name: timer.name, atMs: context.now() });
      },
    });
    const beforeStartMs = performance.now();
    await system(timers);
    await until(() => fired.length === 2);
    const firedByMs = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The clock counts from the node's start (not the process's, nor the epoch): boot reads a
    // time no later than this test has run, a bound that holds however busy the machine is.
    expect(bootedAtMs).toBeGreaterThanOrEqual(0);
    expect(bootedAtMs).toBeLessThanOrEqual(firedByMs - beforeStartMs);
    expect(fired.map((entry) => entry.name)).toEqual(['replaced', 'ranged']);
    expect(fired[0]?.atMs).toBeGreaterThanOrEqual(bootedAtMs + 29);
    expect(fired[1]?.atMs).toBeGreaterThanOrEqual(bootedAtMs + 39);
  });

  it('delivers messages to itself, after the step that sent them', async () => {
    const seen: string[] = [];
    const echo = defineProtocol<null, string>({
      name: 'echo',
      init: () => null,
      onBoot(context) {
        context.send('a' as NodeId, 'to myself');
        seen.push('boot done');
      },
      onMessage(_context, from, message) {
        seen.push(`${from}: ${message}`);
      },
    });
    await system(echo);
    await until(() => seen.length === 2);
    expect(seen).toEqual(['boot done', 'a: to myself']);
  });

  it('stops at a protocol fault, and nothing of the faulty step happens', async () => {
    const faults: ProtocolFault[] = [];
    const faulty = defineProtocol<null>({
      name: 'faulty',
      init: () => null,
      onBoot(context) {
        context.send('b' as NodeId, 'before');
        context.setTimer('boom', 1);
      },
      onTimer(context) {
        context.send('b' as NodeId, 'never');
        throw new Error('boom');
      },
    });
    const { node, received } = await system(faulty, {
      onFault: (fault) => faults.push(fault),
    });
    await until(() => faults.length === 1 && received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(node.status).toBe('failed');
    expect(faults[0]).toMatchObject({ kind: 'threw', handler: 'onTimer', node: 'a' });
    expect(received).toEqual(['before']);
  });

  it("writes a client's history: keyed values split, completions named after their invocation", async () => {
    const path = join(folder(), 'history.jsonl');
    const client = defineProtocol<null>({
      name: 'client',
      init: () => null,
      onBoot(context) {
        const put = context.invoke('put', { key: 'x', value: '1' });
        context.complete(put, 'ok', { key: 'x', value: '1' });
        context.invoke('get', { key: 'x', value: null });
      },
    });
    const { node } = await system(client, { history: path });
    await node.stop();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ time: _time, ...rest }) => rest)).toEqual([
      { process: 'a', type: 'invoke', f: 'put', key: 'x', value: '1' },
      { process: 'a', type: 'ok', f: 'put', key: 'x', value: '1' },
      { process: 'a', type: 'invoke', f: 'get', key: 'x', value: null },
    ]);
    // A restart closes the pending get with info: its outcome is unknown.
    HistoryWriter.open(path, 'a', 5).close();
    expect(readFileSync(path, 'utf8').trim().split('\n').at(-1)).toBe(
      JSON.stringify({ process: 'a', type: 'info', f: 'get', value: null, time: 5 }),
    );
  });
});
