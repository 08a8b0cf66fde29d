/**
 * `fairlink node` and `fairlink cluster up`: bad input in-process (one line,
 * exit code 2, before any socket opens), and the real command spawned as a
 * user runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ExitCodeValue } from '../../src/cli/usage.js';
import { ClusterHarness, fairlinkBin, freePort, repositoryRoot, waitFor } from './harness.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  let exitCode: ExitCodeValue = 0;
  const code = await main(args, {
    stdout,
    stderr,
    setExitCode: (value) => {
      exitCode = value;
    },
    exitCode: () => exitCode,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const pingScenario = join(repositoryRoot, 'test', 'runtime', 'fixtures', 'ping.ts');

/** A cluster file for the ping scenario in a fresh folder. */
async function pingCluster(
  overrides: Record<string, unknown> = {},
): Promise<{ folder: string; path: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'fairlink-cli-runtime-'));
  const path = join(folder, 'cluster.json');
  writeFileSync(
    path,
    JSON.stringify({
      scenario: pingScenario,
      key: 'ab'.repeat(16),
      nodes: [
        { id: 'a', host: '127.0.0.1', port: await freePort() },
        { id: 'b', host: '127.0.0.1', port: await freePort() },
      ],
      ...overrides,
    }),
  );
  return { folder, path };
}

const children: ChildProcess[] = [];
let harness: ClusterHarness | undefined;
afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  harness?.killAll();
  harness = undefined;
});

describe('fairlink node: bad input is one line and exit code 2', () => {
  it('names a missing cluster file', async () => {
    const result = await run('node', '--config', '/nonexistent/cluster.json', '--id', 'a');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'fairlink: /nonexistent/cluster.json: no such file\n',
    });
  });

  it('asks for --id', async () => {
    const { path } = await pingCluster();
    const result = await run('node', '--config', path);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("fairlink: required option '--id <ID>' not specified\n");
  });

  it('names the field of an invalid cluster file', async () => {
    const { path } = await pingCluster({ nodes: [{ id: 'a', host: '127.0.0.1', port: 0 }] });
    const result = await run('node', '--config', path, '--id', 'a');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^fairlink: .*cluster\.json: nodes\[0\]\.port: .*\n$/);
  });

  it("refuses a cluster file whose nodes are not the scenario's", async () => {
    const { path } = await pingCluster({ nodes: [{ id: 'a', host: '127.0.0.1', port: 1 }] });
    const result = await run('node', '--config', path, '--id', 'a');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^fairlink: .*cluster\.json: the nodes must be those of scenario 'ping' \(a, b\): no address for b\n$/,
    );
  });

  it('refuses an unknown node and a wrong scenario parameter', async () => {
    const { path } = await pingCluster();
    expect((await run('node', '--config', path, '--id', 'z')).stderr).toMatch(
      /^fairlink: --id z: .*cluster\.json has no such node \(it has: a, b\)\n$/,
    );
    const { path: withParams } = await pingCluster({ params: { intervalMs: 'soon' } });
    expect((await run('node', '--config', withParams, '--id', 'a')).stderr).toMatch(
      /^fairlink: .*cluster\.json: params: intervalMs=soon: expected a number\n$/,
    );
  });

  it('says when its address is taken', async () => {
    const { path } = await pingCluster();
    const config = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8')) as {
      nodes: { port: number }[];
    };
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(config.nodes[0]?.port, '127.0.0.1', resolve));
    try {
      const result = await run('node', '--config', path, '--id', 'a');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^fairlink: .*cluster\.json: node a cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)\n$/,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

describe('fairlink node: running', () => {
  it(
    'a protocol fault is a finding: the node says so and exits with code 1',
    { timeout: 150_000 },
    async () => {
      const nodes = [
        { id: 'a', host: '127.0.0.1', port: await freePort() },
        { id: 'b', host: '127.0.0.1', port: await freePort() },
      ];
      harness = new ClusterHarness(nodes, {});
      // The harness writes a Raft cluster file; point it at the ping scenario instead.
      writeFileSync(
        harness.configPath,
        JSON.stringify({ scenario: pingScenario, params: { bThrows: true }, key: 'cd'.repeat(16), nodes }),
      );
      const b = harness.start('b');
      const a = harness.start('a');
      await harness.exited(b, 60_000);
      expect(b.exit).toEqual({ code: 1, signal: null });
      expect(b.lines.join('\n')).toMatch(
        /fairlink node b: FAULT: threw in onMessage: threw Error: cannot stand ping \d+ \(a finding/,
      );
      harness.signal(a, 'SIGTERM');
      await harness.exited(a, 30_000);
      expect(a.exit).toEqual({ code: 0, signal: null });
      expect(a.lines.at(-1)).toMatch(
        /^fairlink node a: stopped; \d+ steps, \d+ messages sent, \d+ delivered, \d+ dropped, 0 frames rejected$/,
      );
    },
  );
});

describe('fairlink cluster up', () => {
  it(
    'starts every node, shows their output, and stops them all cleanly on SIGINT',
    { timeout: 180_000 },
    async () => {
      const { folder, path } = await pingCluster();
      const child = spawn(process.execPath, [fairlinkBin, 'cluster', 'up', path, '--trace-dir', 'traces'], {
        cwd: folder,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const lines: string[] = [];
      for (const stream of [child.stdout, child.stderr])
        createInterface({ input: stream }).on('line', (line) => lines.push(line));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Three pongs, whichever: a ping sent while the link is still connecting is dropped
      // (the asynchronous model), so no particular number is sure to come back.
      await waitFor(
        'pongs to arrive',
        () => lines.filter((line) => /^a: pong \d+$/.test(line)).length >= 3,
        90_000,
      );
      // Only the `cluster up` process gets the signal, as from `kill -INT`: it stops its nodes.
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const text = lines.join('\n');
      expect(text).toMatch(
        /^fairlink cluster: started 2 nodes of .*cluster\.json \(a pid \d+, b pid \d+\); Ctrl-C stops them$/m,
      );
      expect(text).toMatch(
        /^fairlink node a: listening on 127\.0\.0\.1:\d+, pinger in group nodes, no data folder/m,
      );
      expect(text).toMatch(/^fairlink node a: SIGTERM, stopping$/m);
      expect(text).toMatch(/^fairlink node b: stopped; /m);
      expect(text).toMatch(/^fairlink cluster: stopped$/m);
      // Its node processes are gone.
      const pids = [...text.matchAll(/([ab]) pid (\d+)/g)].map((match) => Number(match[2]));
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
      // Each node wrote its trace.
      const { parseTraceJsonl } = await import('../../src/trace/public.js');
      const trace = parseTraceJsonl(
        (await import('node:fs')).readFileSync(join(folder, 'traces', 'a.trace.jsonl'), 'utf8'),
        'a',
      );
      expect(trace.header.engine).toBe('runtime');
      expect(trace.events.some((event) => event.type === 'deliver')).toBe(true);
    },
  );
});
