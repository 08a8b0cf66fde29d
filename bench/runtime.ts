/**
 * The runtime benchmark: messages per second between two `fairlink node` processes on
 * loopback, next to a bare `node:net` exchange of frames of the same size, in the same run.
 *
 * The workload (bench/scenarios/runtime-pair.ts): node `a` keeps WINDOW messages in flight to node
 * `b`, which echoes each one, and `a` sends every echo straight back; a message is
 * `{ n, pad }` with PAD_BYTES of padding. Messages per second count both directions.
 *
 * The bare exchange does the same with two plain processes and no fairlink at all: a client
 * keeps WINDOW length-prefixed frames in flight, a server echoes each, the client sends each
 * echo back. Each frame is as long as the runtime's frame for one such message (length prefix,
 * header, JSON, MAC), so the bytes per message match. The bare side does the least a message
 * protocol over node:net can: read the length prefix, hand each frame back with one
 * `socket.write`. No encoding, no authentication, no step. The target compares against it.
 * For information, a second bare variant writes all the frames of a received chunk back in
 * one `socket.write` (batching, as the runtime does per event-loop turn): the floor of any
 * framing code.
 *
 * Run with `npx tsx bench/runtime.ts` after `npm run build` (the nodes are the built
 * `fairlink node` command, as users run it). Prints one JSON object on stdout; progress goes
 * to stderr. Runs alternate (runtime, bare, bare batched) RUNS times; figures are medians.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encodePlain } from '../src/core/plain.js';
import { encodeData } from '../src/runtime/frames.js';

// --- Settings. ---

/** Measured runs per figure; the report gives their median. */
const RUNS = 3;
/** Messages in flight at once. */
const WINDOW = 64;
/** Padding per message: with the rest, a frame of about 150 bytes. */
const PAD_BYTES = 64;
/** Echoes between two progress lines of the sender. */
const REPORT_EVERY = 20_000;
/** Measurement starts this long after the first progress line (JIT warm-up). */
const WARMUP_MS = 1_000;
/** And lasts this long. */
const MEASURE_MS = 3_000;
/** A run that has not measured by then failed. */
const RUN_TIMEOUT_MS = 30_000;

const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));
const fairlinkBin = join(repositoryRoot, 'bin', 'fairlink.js');
const scenarioPath = join(repositoryRoot, 'bench', 'scenarios', 'runtime-pair.ts');

// --- The bare exchange (child processes of this script). ---

/** Calls `onFrame` for each whole frame in the stream; returns the unconsumed rest. */
function frames(pending: Buffer, chunk: Buffer, onFrame: (frame: Buffer) => void): Buffer {
  const buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  let offset = 0;
  while (buffer.length - offset >= 4) {
    const length = 4 + buffer.readUInt32BE(offset);
    if (buffer.length - offset < length) break;
    onFrame(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
}

/** Echoes each frame back: one write per frame, or one per chunk when `batched`. */
function echoFrames(socket: Socket, batched: boolean, onFrame: () => void = () => undefined): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    const whole: Buffer[] = [];
    pending = frames(pending, chunk, (frame) => {
      onFrame();
      if (batched) whole.push(frame);
      else socket.write(frame);
    });
    if (batched && whole.length > 0)
      socket.write(whole.length === 1 ? (whole[0] as Buffer) : Buffer.concat(whole));
  });
}

function bareServer(port: number, batched: boolean): void {
  const server = createServer((socket) => echoFrames(socket, batched));
  server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
}

function bareClient(port: number, frameBytes: number, batched: boolean): void {
  const startedAtMs = performance.now();
  const socket = connect({ host: '127.0.0.1', port }, () => {
    const frame = Buffer.alloc(frameBytes, 0x78);
    frame.writeUInt32BE(frameBytes - 4, 0);
    for (let n = 0; n < WINDOW; n++) socket.write(frame);
  });
  let delivered = 0;
  echoFrames(socket, batched, () => {
    delivered++;
    if (delivered % REPORT_EVERY === 0) {
      process.stdout.write(`delivered ${delivered} at ${performance.now() - startedAtMs}\n`);
    }
  });
}

// --- Measuring. ---

/** A free port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function start(args: readonly string[]): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  }
  return { child, lines };
}

/**
 * Reads `delivered N at T` lines until they span the warm-up and the measurement, then
 * returns the messages per second between them (both directions: twice the echoes).
 */
async function rateFromLines(lines: string[], prefix: string, what: string): Promise<number> {
  const pattern = new RegExp(`^${prefix}delivered (\\d+) at ([\\d.]+)$`);
  const deadline = performance.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const points = lines.flatMap((line) => {
      const match = pattern.exec(line);
      return match ? [{ delivered: Number(match[1]), atMs: Number(match[2]) }] : [];
    });
    const first = points[0];
    if (first !== undefined) {
      const from = points.find((point) => point.atMs >= first.atMs + WARMUP_MS);
      const to = points.at(-1);
      if (from !== undefined && to !== undefined && to.atMs >= from.atMs + MEASURE_MS) {
        return (2 * (to.delivered - from.delivered)) / ((to.atMs - from.atMs) / 1_000);
      }
    }
    if (performance.now() > deadline)
      throw new Error(`${what}: no measurement after ${RUN_TIMEOUT_MS} ms: ${lines.slice(-5).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stop(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        }),
    ),
  );
}

async function measureRuntime(): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'fairlink-bench-runtime-'));
  const configPath = join(folder, 'cluster.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      scenario: scenarioPath,
      params: { window: WINDOW, padBytes: PAD_BYTES, reportEvery: REPORT_EVERY },
      key: 'be'.repeat(32),
      nodes: [
        { id: 'a', host: '127.0.0.1', port: await freePort() },
        { id: 'b', host: '127.0.0.1', port: await freePort() },
      ],
    }),
  );
  const nodes = ['b', 'a'].map((id) => start([fairlinkBin, 'node', '--config', configPath, '--id', id]));
  try {
    return await rateFromLines((nodes[1] as { lines: string[] }).lines, 'a: ', 'runtime');
  } finally {
    await stop(nodes.map((node) => node.child));
  }
}

async function measureBare(frameBytes: number, batched: boolean): Promise<number> {
  const port = await freePort();
  const self = fileURLToPath(import.meta.url);
  const mode = batched ? 'batched' : 'per-frame';
  const server = start([...process.execArgv, self, '--bare-server', String(port), mode]);
  try {
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    while (!server.lines.includes('listening')) {
      if (performance.now() > deadline) throw new Error('bare server did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const client = start([
      ...process.execArgv,
      self,
      '--bare-client',
      String(port),
      String(frameBytes),
      mode,
    ]);
    try {
      return await rateFromLines(client.lines, '', `bare (${mode})`);
    } finally {
      await stop([client.child]);
    }
  } finally {
    await stop([server.child]);
  }
}

/** The runtime's frame for one benchmark message: the size the bare frames copy. */
function runtimeFrameBytes(): number {
  const message = { n: WINDOW - 1, pad: 'x'.repeat(PAD_BYTES) };
  const json = JSON.stringify(encodePlain(message));
  return encodeData(Buffer.alloc(32), Buffer.alloc(16), { from: 'a', to: 'b', incarnation: 1, sequence: 1 }, [
    { number: 1, json },
  ]).length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function main(): Promise<void> {
  const serverAt = process.argv.indexOf('--bare-server');
  if (serverAt >= 0)
    return bareServer(Number(process.argv[serverAt + 1]), process.argv[serverAt + 2] === 'batched');
  const clientAt = process.argv.indexOf('--bare-client');
  if (clientAt >= 0) {
    return bareClient(
      Number(process.argv[clientAt + 1]),
      Number(process.argv[clientAt + 2]),
      process.argv[clientAt + 3] === 'batched',
    );
  }

  const startedAt = performance.now();
  const frameBytes = runtimeFrameBytes();
  const runtime: number[] = [];
  const bare: number[] = [];
  const bareBatched: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`run ${run}/${RUNS}: runtime...`);
    runtime.push(await measureRuntime());
    process.stderr.write(' bare...');
    bare.push(await measureBare(frameBytes, false));
    process.stderr.write(' bare batched...');
    bareBatched.push(await measureBare(frameBytes, true));
    process.stderr.write(' done\n');
  }
  const runtimeRate = median(runtime);
  const bareRate = median(bare);
  const bareBatchedRate = median(bareBatched);
  const ratio = runtimeRate / bareRate;
  const results = [
    {
      name: `runtime vs bare node:net, 2 processes on loopback, ${WINDOW} messages in flight, ${frameBytes}-byte frames`,
      messagesPerSecond: Math.round(runtimeRate),
      bareMessagesPerSecond: Math.round(bareRate),
      ratio: round(ratio),
      target: 'ratio >= 0.5',
      met: ratio >= 0.5,
      runsMessagesPerSecond: runtime.map(Math.round).join(' '),
      bareRunsMessagesPerSecond: bare.map(Math.round).join(' '),
    },
    {
      name: 'runtime vs bare node:net with batched writes (one write per received chunk), for information',
      messagesPerSecond: Math.round(runtimeRate),
      bareMessagesPerSecond: Math.round(bareBatchedRate),
      ratio: round(runtimeRate / bareBatchedRate),
      bareRunsMessagesPerSecond: bareBatched.map(Math.round).join(' '),
    },
  ];
  const report = {
    method:
      `median of ${RUNS} runs, runtime and bare alternating; each run measures ${MEASURE_MS} ms after ${WARMUP_MS} ms ` +
      'of warm-up; messages per second count both directions; runtime: the built fairlink node command, ' +
      'HMAC-SHA256 frames, JSON messages, plain-data checks on (the default), no persistence in the workload',
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', loadAverage1m: round(loadavg()[0] ?? 0) },
    results,
    allTargetsMet: results.every((entry) => entry.met !== false),
    wallSeconds: round((performance.now() - startedAt) / 1_000, 1),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
