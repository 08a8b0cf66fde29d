/**
 * `fairlink maelstrom` end to end: the built command, spawned as a user runs it (`npm test`
 * builds first). Results folders, exit codes (Maelstrom's for verdicts, fairlink's 2 for bad
 * usage), and `maelstrom node` with a TypeScript protocol module.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
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
    // Maelstrom's last line, which scripts written for it look for.
    expect(run.stdout).toMatch(/\n {2}results: results\nEverything looks good! ヽ\(‘ー`\)ノ\n$/);
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
    "runs a built-in fairlink node with --node, into Maelstrom's store/<workload>/<timestamp> by default, with latest links",
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const args = ['maelstrom', 'test', '-w', 'broadcast', '--node', 'broadcast', ...QUICK, '-q'];
      const first = await runFairlink(args, { cwd });
      const run = await runFairlink(args, { cwd });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^maelstrom broadcast: VALID\n/);
      expect(run.stdout).toContain('2 nodes of fairlink maelstrom node broadcast');
      expect(run.code).toBe(0);
      const folderOf = (stdout: string): string | undefined =>
        /results: (store\/broadcast\/(\d{8}T\d{6}\.\d{3}Z)(-\d+)?)\n/.exec(stdout)?.[1];
      const folder = folderOf(run.stdout) as string;
      expect(folder).toBeDefined();
      expect(folderOf(first.stdout)).not.toBe(folder);
      expect(existsSync(join(cwd, folder, 'results.json'))).toBe(true);
      // The links point at the newest run, relatively (the store can move).
      expect(readlinkSync(join(cwd, 'store/broadcast/latest'))).toBe(folder.slice('store/broadcast/'.length));
      expect(readlinkSync(join(cwd, 'store/latest'))).toBe(folder.slice('store/'.length));
      expect(readFileSync(join(cwd, 'store/latest/summary.txt'), 'utf8')).toBe(run.stdout);
    },
  );

  it(
    'draws a fresh seed when none is given, prints it and records it; --seed replays it',
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const args = ['maelstrom', 'test', '-w', 'echo', '--bin', fixture('echo'), ...QUICK, '-q'];
      const seedOf = (stdout: string): string | undefined =>
        /\n {2}seed (\d+) \(replay with --seed (\d+)\)\n/.exec(stdout)?.slice(1, 3).join(' ');
      const [a, b] = await Promise.all([
        runFairlink([...args, '--out', 'a'], { cwd }),
        runFairlink([...args, '--out', 'b'], { cwd }),
      ]);
      const seedA = seedOf(a.stdout)?.split(' ') ?? [];
      const seedB = seedOf(b.stdout)?.split(' ') ?? [];
      expect(seedA[0]).toBeDefined();
      expect(seedA[0]).toBe(seedA[1]);
      expect(seedA[0]).not.toBe(seedB[0]);
      const results = JSON.parse(readFileSync(join(cwd, 'a/results.json'), 'utf8')) as {
        seed: number;
        options: { seed: number };
      };
      expect(results.seed).toBe(Number(seedA[0]));
      expect(results.options.seed).toBe(Number(seedA[0]));
      const replay = await runFairlink([...args, '--out', 'c', '--seed', seedA[0] as string], { cwd });
      expect(seedOf(replay.stdout)).toBe(`${seedA[0]} ${seedA[0]}`);
    },
  );

  it(
    'runs --test-count tests on seeds --seed, --seed+1…, each in its folder, with a closing line',
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const run = await runFairlink(
        ['maelstrom', 'test', '-w', 'echo', '--bin', fixture('echo'), ...QUICK, '-q'].concat([
          '--test-count',
          '3',
          '--seed',
          '10',
          '--out',
          'runs',
        ]),
        { cwd },
      );
      expect(run.code).toBe(0);
      expect(run.stdout.match(/^maelstrom echo: VALID$/gm)).toHaveLength(3);
      expect(run.stdout).toMatch(/\nmaelstrom echo x3: VALID: 3 of 3 tests ran \(seeds 10, 11, 12\)\n$/);
      for (const [index, seed] of [10, 11, 12].entries()) {
        const results = JSON.parse(readFileSync(join(cwd, `runs/${index + 1}/results.json`), 'utf8')) as {
          seed: number;
        };
        expect(results.seed).toBe(seed);
      }
    },
  );

  it('stops --test-count at the first invalid test and says which', { timeout: TIMEOUT_MS }, async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['maelstrom', 'test', '-w', 'unique-ids', '--bin', fixture('unique-ids'), ...QUICK, '-q'].concat([
        '--test-count',
        '3',
        '--',
        '--duplicates',
      ]),
      { cwd },
    );
    expect(run.code).toBe(1);
    expect(run.stdout.match(/^maelstrom unique-ids: INVALID$/gm)).toHaveLength(1);
    const seed = /\n {2}seed (\d+) /.exec(run.stdout)?.[1] as string;
    expect(run.stdout).toMatch(
      new RegExp(
        `\\nmaelstrom unique-ids x3: INVALID: test 1 of 3 is invalid \\(seed ${seed}\\); stopped there\\n$`,
      ),
    );
  });

  it(
    "runs the Datomic chapter's txn-list-append with its flags, naming the anomaly and drawing it",
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const txn = (
        mode: string,
        out: string,
        ...more: string[]
      ): Promise<{ code: number | null; stdout: string; stderr: string }> =>
        runFairlink(
          ['maelstrom', 'test', '-w', 'txn-list-append', '--bin', fixture('txn'), mode, '--node-count', '1']
            .concat(['--time-limit', '1.5', '--rate', '300', '--concurrency', '10', '--key-count', '2'])
            .concat(['--max-txn-length', '4', '--max-writes-per-key', '8', '-q', '--out', out, ...more]),
          { cwd },
        );
      const skew = await txn('write-skew', 'skew');
      expect(skew.code).toBe(1);
      expect(skew.stdout).toMatch(/^maelstrom txn-list-append: INVALID\n/);
      expect(skew.stdout).toMatch(/\n {2}txn-list-append: invalid under strict-serializable \(/);
      expect(skew.stdout).toMatch(/\n {2}anomalies: G2-item \(\d+\)/);
      expect(skew.stdout).toContain('\n  not repeatable-read; also not serializable,');
      expect(readFileSync(join(cwd, 'skew/anomalies.html'), 'utf8')).toMatch(/<h2>G2-item<\/h2>[^]*<svg/);
      const results = JSON.parse(readFileSync(join(cwd, 'skew/results.json'), 'utf8')) as {
        workloadCheck: Record<string, unknown>;
      };
      expect(results.workloadCheck['anomalyTypes']).toContain('G2-item');
      const si = await txn('write-skew', 'si', '--consistency-models', 'snapshot-isolation');
      expect(si.stdout).toMatch(/\n {2}txn-list-append: valid under snapshot-isolation \(/);
      expect(si.code).toBe(0);
    },
  );

  it(
    "takes the tutorial's flags: --nodes, --log-stderr, --rate 0, --consistency-models",
    { timeout: TIMEOUT_MS },
    async () => {
      const cwd = scratchFolder();
      const forwarding = await runFairlink(
        [
          'maelstrom',
          'test',
          '-w',
          'echo',
          '--bin',
          fixture('forwarding-echo'),
          ...QUICK.slice(2),
          '-q',
        ].concat([
          '--nodes',
          'n1,n2',
          '--log-stderr',
          '--consistency-models',
          'strict-serializable',
          '--out',
          'f',
        ]),
        { cwd },
      );
      expect(forwarding.code).toBe(0);
      expect(forwarding.stdout).toMatch(/^maelstrom echo: VALID\n/);
      expect(forwarding.stdout).toContain('  2 nodes (n1, n2) of ');
      expect(forwarding.stdout).toContain('  note: --consistency-models strict-serializable is ignored');
      expect(forwarding.stdout).toContain(
        '  node warnings (accepted, as Maelstrom does; not counted in the verdict):',
      );
      expect(forwarding.stderr).toMatch(/^n2: n2: forwarding c\d+'s echo to n1$/m);
      const idle = await runFairlink(
        [
          'maelstrom',
          'test',
          '-w',
          'echo',
          '--bin',
          fixture('echo'),
          ...QUICK,
          '-q',
          '--rate',
          '0',
          '--json',
        ],
        { cwd },
      );
      expect(idle.code).toBe(0);
      const results = JSON.parse(idle.stdout) as { verdict: string; notes: string[]; operations: unknown };
      expect(results.verdict).toBe('valid');
      expect(results.notes[0]).toMatch(/^no client operations \(--rate 0\)/);
      expect(results.operations).toMatchObject({ all: { count: 0 } });
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
      'fairlink: --workload "nope": expected one of echo, unique-ids, broadcast, g-set, g-counter, pn-counter, lin-kv, kafka, txn-list-append, txn-rw-register',
    ],
    [
      ['-w', 'echo', '--node', 'gossip'],
      'fairlink: gossip: not a built-in node (echo, unique-ids, broadcast, g-counter, lin-kv, txn) nor a .ts, .mts, .js or .mjs module',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--latency', '-3'],
      'fairlink: --latency "-3": expected a number from 0 to 60000',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--nemesis', 'clock'],
      'fairlink: --nemesis "clock": expected one of partition',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--nodes', 'n1,n2', '--node-count', '2'],
      'fairlink: give --nodes IDS or --node-count N, not both',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--nodes', 'n1,c2'],
      'fairlink: --nodes "n1,c2": node id c2: c followed by digits names a client',
    ],
    [
      ['-w', 'echo', '--node', 'n1,n2'],
      'fairlink: --node n1,n2: --node names a fairlink protocol to run as the nodes; for node ids, use --nodes n1,n2',
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--consistency-models', 'serializable,linearisable'],
      expect.stringMatching(
        /^fairlink: --consistency-models "linearisable": not one of the models the transaction checker judges \(read-uncommitted, .*, strict-serializable\)$/,
      ),
    ],
    [
      // An Elle name the checker cannot judge is refused, not silently left unjudged.
      ['-w', 'txn-list-append', '--bin', 'node', '--consistency-models', 'causal-cerone'],
      expect.stringMatching(/^fairlink: --consistency-models "causal-cerone": not one of the models/),
    ],
    [
      ['-w', 'echo', '--bin', 'node', '--test-count', '0'],
      'fairlink: --test-count 0: expected a whole number from 1 to 10000',
    ],
  ])(
    'refuses bad usage with one line and exit 2, writing nothing: %j',
    { timeout: TIMEOUT_MS },
    async (args, message) => {
      const cwd = scratchFolder();
      const run = await runFairlink(['maelstrom', 'test', ...args], { cwd });
      expect(run.stderr.split('\n')).toEqual([message, '']);
      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
      expect(filesUnder(cwd)).toEqual([]);
    },
  );
});

describe('fairlink maelstrom serve', () => {
  it('serves the store until SIGTERM, then exits 0', { timeout: TIMEOUT_MS }, async () => {
    const cwd = scratchFolder();
    const made = await runFairlink(
      ['maelstrom', 'test', '-w', 'echo', '--bin', fixture('echo'), ...QUICK, '-q'],
      { cwd },
    );
    expect(made.code).toBe(0);
    const child = spawn(process.execPath, [fairlinkBin, 'maelstrom', 'serve', '--port', '0'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /^serving store at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops\)\n/.exec(stdout);
        if (match) resolve(match[1] as string);
      });
      child.on('close', () => reject(new Error(`serve ended: ${stdout}`)));
    });
    try {
      const index = await (await fetch(url)).text();
      expect(index).toMatch(/<td>echo<\/td><td><a href="\/echo\/\d{8}T\d{6}\.\d{3}Z\/">/);
      const summary = await fetch(`${url}latest/summary.txt`);
      expect(await summary.text()).toMatch(/^maelstrom echo: VALID\n/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses a store that does not exist', { timeout: TIMEOUT_MS }, async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['maelstrom', 'serve', '--store', 'nope'], { cwd });
    expect(run.stderr).toBe('fairlink: --store nope: no such folder (run fairlink maelstrom test first)\n');
    expect(run.code).toBe(2);
  });
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
