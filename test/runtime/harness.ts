/**
 * Real clusters for tests: `fairlink node` processes (the built command, as
 * users run it: `npm test` builds first), each in its own process group so
 * that a test can SIGKILL it, and every one of them is killed when the test
 * ends, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  checkLinearizability,
  keyValueModel,
  pairOperations,
  parseJsonl,
  type LinearizabilityResult,
  type Operation,
} from '../../src/history/index.js';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fairlinkBin = join(repositoryRoot, 'bin', 'fairlink.js');
export const raftClusterScenario = join(repositoryRoot, 'examples', 'raft-cluster.ts');

/** A port that nothing listens on right now (on `host`). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('freePort: no port');
  return address.port;
}

/** Sleeps. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 50 ms until it holds; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** One node process (one incarnation). */
export interface NodeRun {
  readonly id: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/** A cluster file written to a scratch folder, and the node processes started from it. */
export class ClusterHarness {
  readonly folder = mkdtempSync(join(tmpdir(), 'fairlink-runtime-'));
  readonly configPath = join(this.folder, 'cluster.json');
  readonly runs: NodeRun[] = [];

  constructor(
    readonly nodes: readonly { readonly id: string; readonly host: string; readonly port: number }[],
    params: Readonly<Record<string, number | string | boolean>>,
    /** Turns the node command into what to run (such as `ip netns exec NS ...`). */
    private readonly wrap: (id: string, command: readonly string[]) => readonly string[] = (_id, command) =>
      command,
  ) {
    writeFileSync(
      this.configPath,
      JSON.stringify({
        scenario: raftClusterScenario,
        params,
        key: 'a1'.repeat(32),
        dataDir: 'data',
        nodes,
      }),
    );
  }

  /** Starts node `id` (again, after a kill: the same data folder, so it recovers). */
  start(id: string): NodeRun {
    const command = this.wrap(id, [
      process.execPath,
      fairlinkBin,
      'node',
      '--config',
      this.configPath,
      '--id',
      id,
      '--trace',
      join(this.folder, `${id}.${this.runs.filter((run) => run.id === id).length + 1}.trace.jsonl`),
    ]);
    const child = spawn(command[0] as string, command.slice(1), {
      cwd: this.folder,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const run: NodeRun = { id, child, lines: [], exit: undefined };
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => run.lines.push(line));
    }
    child.on('exit', (code, signal) => (run.exit = { code, signal }));
    this.runs.push(run);
    return run;
  }

  /** Waits until `run` printed a line matching `pattern`. */
  async waitForLine(run: NodeRun, pattern: RegExp, timeoutMs: number): Promise<string> {
    await waitFor(
      `${run.id} to print ${String(pattern)} (it printed: ${run.lines.slice(-5).join(' | ')})`,
      () => run.lines.some((line) => pattern.test(line)) || run.exit !== undefined,
      timeoutMs,
    );
    const line = run.lines.find((candidate) => pattern.test(candidate));
    if (line === undefined) {
      throw new Error(
        `${run.id} exited (${JSON.stringify(run.exit)}) before printing ${String(pattern)}: ${run.lines.join(' | ')}`,
      );
    }
    return line;
  }

  /** The latest run of node `id`. */
  latest(id: string): NodeRun {
    const run = this.runs.filter((candidate) => candidate.id === id).at(-1);
    if (run === undefined) throw new Error(`node ${id} was never started`);
    return run;
  }

  /** The server that announced the highest term so far (`nX: leader of term T`). */
  leader(): { readonly id: string; readonly term: number } | undefined {
    let best: { id: string; term: number } | undefined;
    for (const run of this.runs) {
      for (const line of run.lines) {
        const match = /^(\S+): leader of term (\d+)$/.exec(line);
        if (match && (best === undefined || Number(match[2]) > best.term)) {
          best = { id: match[1] as string, term: Number(match[2]) };
        }
      }
    }
    return best;
  }

  /** Sends `signal` to the process group of `run` (the node and anything it started). */
  signal(run: NodeRun, signal: NodeJS.Signals): void {
    if (run.exit !== undefined || run.child.pid === undefined) return;
    try {
      process.kill(-run.child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Waits for `run` to exit. */
  async exited(run: NodeRun, timeoutMs: number): Promise<void> {
    await waitFor(`${run.id} to exit`, () => run.exit !== undefined, timeoutMs);
  }

  /** Graceful stop of every running node (SIGTERM), then SIGKILL for any left after `graceMs`. */
  async stopAll(graceMs = 5_000): Promise<void> {
    for (const run of this.runs) this.signal(run, 'SIGTERM');
    try {
      await waitFor('every node to stop', () => this.runs.every((run) => run.exit !== undefined), graceMs);
    } finally {
      this.killAll();
    }
  }

  /** SIGKILL to every process group still running: for afterEach, never leaves a process behind. */
  killAll(): void {
    for (const run of this.runs) this.signal(run, 'SIGKILL');
  }

  /** The history file of client `id` (its text, or '' before its first operation). */
  historyText(id: string): string {
    const path = join(this.folder, 'data', id, 'history.jsonl');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  /** Events in the history of `id` so far. */
  historyLength(id: string): number {
    return this.historyText(id)
      .split('\n')
      .filter((line) => line.trim() !== '').length;
  }
}

/** What the checks of a Raft key-value run found. */
export interface RaftRunVerdict {
  readonly operations: number;
  readonly acknowledged: number;
  readonly unknown: number;
  /** Acknowledged puts to the clients' own keys, and how many of them the final reads miss. */
  readonly acknowledgedOwnWrites: number;
  readonly lostOwnWrites: readonly string[];
  /** Acknowledged own writes whose final read is missing or did not succeed (the cluster did not serve it). */
  readonly unreadOwnWrites: number;
  readonly linearizability: LinearizabilityResult;
}

/**
 * Judges the clients' histories of a `raft-cluster` run: linearizable (key-value model, each key
 * on its own), and every acknowledged put to a client's own key present in its final read.
 */
export function judgeRaftRun(histories: readonly string[], timeoutMs = 20_000): RaftRunVerdict {
  const text = histories.join('');
  const history = parseJsonl(text, 'clients');
  const paired = pairOperations(history);
  const operations = paired.operations;
  const ownPuts = operations.filter(
    (operation) =>
      operation.f === 'put' && typeof operation.key === 'string' && operation.key.startsWith('w'),
  );
  const acknowledgedOwn = ownPuts.filter((operation) => operation.status === 'ok');
  // The final read of a key: the last get of it by the client that wrote it.
  const finalRead = new Map<string, Operation>();
  for (const operation of operations) {
    if (operation.f === 'get' && typeof operation.key === 'string' && operation.key.startsWith('w')) {
      finalRead.set(operation.key, operation);
    }
  }
  const lost = acknowledgedOwn
    .filter((write) => {
      const read = finalRead.get(write.key as string);
      return read !== undefined && read.status === 'ok' && read.output !== write.input;
    })
    .map(
      (write) =>
        `${String(write.key)}=${String(write.input)} read ${String(finalRead.get(write.key as string)?.output)}`,
    );
  const unread = acknowledgedOwn.filter(
    (write) => finalRead.get(write.key as string)?.status !== 'ok',
  ).length;
  return {
    operations: operations.length,
    acknowledged: operations.filter((operation) => operation.status === 'ok').length,
    unknown: paired.unknown,
    acknowledgedOwnWrites: acknowledgedOwn.length,
    lostOwnWrites: lost,
    unreadOwnWrites: unread,
    linearizability: checkLinearizability(operations, keyValueModel({ initial: '' }), {
      partition: true,
      timeoutMs,
    }),
  };
}

/** Whether a client's history file ends with an operation still open. */
function endsPending(text: string): boolean {
  const last = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .at(-1);
  return last !== undefined && (JSON.parse(last) as { type: string }).type === 'invoke';
}

/**
 * Waits until the clients have run out their time and read every key: their histories stop
 * growing for 1.5 s and none ends with an open operation.
 */
export async function waitForClientsQuiet(
  cluster: ClusterHarness,
  clients: readonly string[],
): Promise<void> {
  let lastLength = -1;
  let quietSince = performance.now();
  await waitFor(
    `${clients.join(' and ')} to finish their final reads`,
    () => {
      const length = clients.reduce((sum, client) => sum + cluster.historyLength(client), 0);
      if (length !== lastLength) {
        lastLength = length;
        quietSince = performance.now();
      }
      return (
        performance.now() - quietSince > 1_500 &&
        clients.every((client) => !endsPending(cluster.historyText(client)))
      );
    },
    90_000,
  );
}
