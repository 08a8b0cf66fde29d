/**
 * `fairlink maelstrom` end to end: the built command, spawned as a user runs it (`npm test`
 * builds first). Results folders, exit codes (Maelstrom's for verdicts, fairlink's 2 for bad
 * usage), and `maelstrom node` with a TypeScript protocol module.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_KILL_AFTER_MS, fairlinkBin, filesUnder, runFairlink, scratchFolder } from '../cli/run-cli.js';
import { fixture } from './helpers.js';

// Two runs of the command at most per test, each killed after CLI_KILL_AFTER_MS.
const TIMEOUT_MS = 2 * CLI_KILL_AFTER_MS + 30_000;
const QUICK = ['--node-count', '2', '--time-limit', '1', '--rate', '20', '--recovery-time', '0.2'];

describe('fairlink maelstrom test', () => {
  it('runs a node program and writes one results folder', { timeout: TIMEOUT_MS }, async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['maelstrom', 'test', '-w', 'echo', '--bin', fixture('echo'), ...QUICK, '--out', 'results'],
      { cwd },
    );
    expect(run.stdout).toMatch(/^maelstrom echo: VALID\n/);
    expect(run.stdout).toContain('  results: results\n');
    expect(run.stderr).toContain('maelstrom: starting 2 nodes');
    expect(run.code).toBe(0);
    expect(filesUnder(cwd)).toEqual([
      'results/history.html',
      'results/history.jsonl',
      'results/messages.html',
      'results/node-logs/n0.log',
      'results/node-logs/n1.log',
      'results/results.json',
      'results/summary.txt',
      'results/trace.jsonl',
    ]);
    const results = JSON.parse(readFileSync(join(cwd, 'results/results.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(results['verdict']).toBe('valid');
    expect(results['network']).toMatchObject({ servers: { sendCount: 0 }, msgsPerOp: 0 });
    expect(readFileSync(join(cwd, 'results/summary.txt'), 'utf8')).toBe(run.stdout);
    expect(readFileSync(join(cwd, 'results/messages.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it(
    'runs a built-in fairlink node with --node, into out/maelstrom by default',
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const run = await runFairlink(
        ['maelstrom', 'test', '-w', 'broadcast', '--node', 'broadcast', ...QUICK, '-q'],
        { cwd },
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^maelstrom broadcast: VALID\n/);
      expect(run.stdout).toContain('2 nodes of fairlink maelstrom node broadcast');
      expect(run.code).toBe(0);
      const folder = /results: (out\/maelstrom\/broadcast-\d{8}T\d{6}Z)\n/.exec(run.stdout)?.[1];
      expect(folder).toBeDefined();
      expect(existsSync(join(cwd, folder as string, 'results.json'))).toBe(true);
    },
  );

  it('exits 1 for an invalid verdict (program arguments after --)', { timeout: TIMEOUT_MS }, async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      [
        'maelstrom',
        'test',
        '-w',
        'unique-ids',
        '--bin',
        fixture('unique-ids'),
        ...QUICK,
        '--json',
        '--',
        '--duplicates',
      ],
      { cwd },
    );
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as { verdict: string; workloadCheck: { duplicated: number } };
    expect(results.verdict).toBe('invalid');
    expect(results.workloadCheck.duplicated).toBeGreaterThan(0);
  });

  it(
    'exits 2 for an unknown verdict as Maelstrom does, or 3 with --exit-codes fairlink',
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const args = ['maelstrom', 'test', '-w', 'echo', '--bin', fixture('echo'), ...QUICK, '-q'];
      const maelstrom = await runFairlink([...args, '--out', 'a', '--', '--unavailable'], { cwd });
      expect(maelstrom.stdout).toMatch(/^maelstrom echo: UNKNOWN\n/);
      expect(maelstrom.code).toBe(2);
      expect(existsSync(join(cwd, 'a', 'results.json'))).toBe(true);
      const fairlink = await runFairlink(
        [...args, '--out', 'b', '--exit-codes', 'fairlink', '--', '--unavailable'],
        { cwd },
      );
      expect(fairlink.code).toBe(3);
    },
  );

  it.each([
    [
      ['-w', 'echo'],
      'fairlink: give the node program with --bin PATH, or a fairlink protocol with --node MODULE (one of them)',
    ],
    [
      ['-w', 'echo', '--bin', 'missing.mjs'],
      'fairlink: --bin missing.mjs: not found on PATH (give a path such as ./missing.mjs)',
    ],
    [
      ['-w', 'echo', '--bin', fixture('node-lib')],
      `fairlink: --bin ${fixture('node-lib')}: not executable (chmod +x it, or give its interpreter: --bin node ${fixture('node-lib')})`,
    ],
    [
      ['-w', 'nope', '--bin', 'x'],
      'fairlink: --workload "nope": expected one of echo, unique-ids, broadcast, g-set, g-counter, pn-counter, lin-kv, kafka',
    ],
    [
      ['-w', 'echo', '--node', 'gossip'],
      'fairlink: gossip: not a built-in node (echo, unique-ids, broadcast, g-counter, lin-kv) nor a .ts, .mts, .js or .mjs module',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--latency', '-3'],
      'fairlink: --latency "-3": expected a number from 0 to 60000',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--nemesis', 'clock'],
      'fairlink: --nemesis "clock": expected one of partition',
    ],
  ])(
    'refuses bad usage with one line and exit 2, writing nothing: %j',
    { timeout: TIMEOUT_MS },
    async (args, message) => {
      const cwd = scratchFolder();
      const run = await runFairlink(['maelstrom', 'test', ...args], { cwd });
      expect(run.stderr).toBe(`${message}\n`);
      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
      expect(filesUnder(cwd)).toEqual([]);
    },
  );
});

describe('fairlink maelstrom node', () => {
  it('runs a TypeScript protocol module over stdin and stdout', { timeout: TIMEOUT_MS }, async () => {
    const child = spawn(
      process.execPath,
      [fairlinkBin, 'maelstrom', 'node', fixture('shouting-echo.ts'), '--seed', '5'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const lines = [
      { src: 'c0', dest: 'n1', body: { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1', 'n2'] } },
      { id: 9, src: 'c4', dest: 'n1', body: { type: 'echo', msg_id: 7, echo: 'hello' } },
    ];
    child.stdin.end(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), CLI_KILL_AFTER_MS);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(
      stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { src: 'n1', dest: 'c0', body: { type: 'init_ok', in_reply_to: 1 } },
      { src: 'n1', dest: 'c4', body: { type: 'echo_ok', in_reply_to: 7, echo: 'HELLO' } },
    ]);
    expect(stderr).toBe('fairlink: shouting-echo is n1 of n1,n2 (seed 5)\nn1: echoed 1\n');
    expect(code).toBe(0);
  });
});
