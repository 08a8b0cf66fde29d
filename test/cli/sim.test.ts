/**
 * `fairlink sim` end to end: the built command, spawned as a user runs it.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, fixture, repositoryRoot, runFairlink, scratchFolder, type CliRun } from './run-cli.js';

describe('fairlink sim: verdicts', () => {
  it('passes a passing scenario, writing nothing unasked', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', fixture('pass.ts')], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^PASS pass: 8 seeds \(1\.\.8\), no violation; [\d.]+ ms of virtual time in [\d.]+ s\n$/,
    );
    expect(filesUnder(cwd)).toEqual([]);
  });

  it('writes the first seed trace and diagram of a pass when asked', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['sim', fixture('pass.ts'), '--seeds', '3..5', '--trace', 'run/t.jsonl', '--html', 'run/t.html'],
      {
        cwd,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS pass: 3 seeds (3..5)');
    expect(run.stdout).toContain('  trace:   run/t.jsonl\n  diagram: run/t.html\n');
    expect(filesUnder(cwd)).toEqual(['run/t.html', 'run/t.jsonl']);
    const header = JSON.parse(readFileSync(join(cwd, 'run/t.jsonl'), 'utf8').split('\n')[0] as string) as {
      seed: number;
    };
    expect(header.seed).toBe(3);
    expect(readFileSync(join(cwd, 'run/t.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('lists every file it wrote in --json, the history drawing too', async () => {
    const cwd = scratchFolder();
    const args = ['--trace', 't.jsonl', '--html', 't.html', '--history-html', 'h.html', '--json'];
    const run = await runFairlink(['sim', fixture('pass.ts'), '--seed', '1', ...args], { cwd });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { files: Record<string, string> };
    expect(result.files).toEqual({ trace: 't.jsonl', html: 't.html', historyHtml: 'h.html' });
    expect(filesUnder(cwd)).toEqual(['h.html', 't.html', 't.jsonl']);
  });

  it('marks the operations that make a run not linearizable on its history page, with the verdict', async () => {
    const cwd = scratchFolder();
    const args = ['--seed', '1', '--no-shrink', '--param', 'rounds=3', '--history-html', 'h.html'];
    const run = await runFairlink(['sim', fixture('stale-read.ts'), ...args], { cwd });
    expect(run.code).toBe(1);
    const page = readFileSync(join(cwd, 'h.html'), 'utf8');
    expect(page).toContain('<p>not-linearizable — model register, 6 operations, 1 processes,');
    // As `history check --html` draws it: the placed operations numbered, the stale read in red.
    const marked = [
      ...page.matchAll(/<g class="([^"]*)"><title>op (\d+), process c1: ([^<(]*\([^)]*\) → \S+)/g),
    ].map((match) => `${match[2]} ${match[3]}: ${match[1]}`);
    expect(marked).toEqual([
      '0 write(1) → 1: op linearized',
      '1 read() → 1: op linearized',
      '2 write(2) → 2: op linearized',
      '3 read() → 2: op linearized',
      '4 write(3) → 3: op linearized',
      '5 read() → null: op blocked illegal',
    ]);
    expect(page).toContain('<p>Operations that cannot be placed next:</p>');
  });

  it("reports a client history that breaks Jepsen's rules as a finding, and says so on its history page", async () => {
    const cwd = scratchFolder();
    const args = ['--seed', '1', '--no-shrink', '--param', 'rounds=3', '--param', 'completeTwice=true'];
    const run = await runFairlink(['sim', fixture('stale-read.ts'), ...args, '--history-html', 'h.html'], {
      cwd,
    });
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("breaks Jepsen's rules");
    const page = readFileSync(join(cwd, 'h.html'), 'utf8');
    expect(page).toContain('process c1 completes read (ok) but invoked nothing');
  });

  it('loads a JavaScript scenario (no TypeScript hooks)', async () => {
    const cwd = scratchFolder();
    const sim = pathToFileURL(join(repositoryRoot, 'dist/bundle/sim.js')).href;
    writeFileSync(
      join(cwd, 'tiny.mjs'),
      `import { defineScenario } from ${JSON.stringify(sim)};\n` +
        "const quiet = { name: 'quiet', init: () => ({}) };\n" +
        "export default defineScenario({ name: 'tiny', params: {}, build: () => ({ nodes: { n1: quiet }, durationMs: 5 }) });\n",
    );
    const run = await runFairlink(['sim', 'tiny.mjs'], { cwd });
    expect(run.stdout).toMatch(/^PASS tiny: 1 seed \(1\), no violation/);
    expect(run.code).toBe(0);
  });

  it('cuts a failing schedule: the replay command runs its trace as a schedule, byte for byte', async () => {
    const cwd = scratchFolder();
    const scenario = fixture('in-order.ts');
    const run = await runFairlink(['sim', scenario, '--seeds', '1..30'], { cwd });
    expect(run.code).toBe(1);
    const seed = /^FAIL in-order: seed (\d+): /.exec(run.stdout)?.[1];
    const stem = `out/in-order-seed${seed}.trace`;
    expect(run.stdout).toMatch(
      / {2}shrunk: {2}\d+ steps?, .* -> \d+ steps?, .* \(\d+ runs? in \d+\.\d s\)\n/,
    );
    const replay = /^ {2}replay: {2}(.*)$/m.exec(run.stdout)?.[1] ?? '';
    expect(replay).toBe(`npx fairlink sim ${scenario} --schedule ${stem}.jsonl`);
    // The original run stays one flag away.
    expect(run.stdout).toContain(`  original: npx fairlink sim ${scenario} --seed ${seed} --no-shrink\n`);
    const again = await runFairlink([...replay.split(' ').slice(2), '--trace', 'again.jsonl'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      /^FAIL in-order: the scripted replay of \d+ steps violates 'arrives in order'/,
    );
    expect(readFileSync(join(cwd, 'again.jsonl'), 'utf8')).toBe(
      readFileSync(join(cwd, `${stem}.jsonl`), 'utf8'),
    );
  });

  it('cuts the schedule within a run budget (--shrink-schedule-runs): the same shrunk trace every time, and says when it ran out', async () => {
    const cwd = scratchFolder();
    const twoGenerals = join(repositoryRoot, 'examples', 'two-generals.ts');
    const args = ['sim', twoGenerals, '--seeds', '1..20', '--shrink-schedule-runs', '3'];
    const first = await runFairlink([...args, '--trace', 'first.jsonl'], { cwd });
    const second = await runFairlink([...args, '--trace', 'second.jsonl'], { cwd });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(
      /^ {2}shrunk: {2}15 steps, .* -> \d+ steps, .*\(3 runs in [\d.]+ s; the run budget ran out: the smallest run found within it\)$/m,
    );
    expect(second.code).toBe(1);
    expect(readFileSync(join(cwd, 'second.jsonl'), 'utf8')).toBe(
      readFileSync(join(cwd, 'first.jsonl'), 'utf8'),
    );
    const bad = await runFairlink([...args.slice(0, 4), '--shrink-schedule-runs', 'many'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shrink-schedule-runs many: expected a whole number/);
  });

  it('reports a failure with its seed and a replay command that reproduces it byte for byte', async () => {
    const cwd = scratchFolder();
    const scenario = fixture('in-order.ts');
    // The seed-level shrink alone (--shrink-time 0 leaves the schedule as the seed makes it).
    const run = await runFairlink(['sim', scenario, '--seeds', '1..30', '--shrink-time', '0'], { cwd });
    expect(run.code).toBe(1);
    const seed =
      /^FAIL in-order: seed (\d+): invariant 'arrives in order' violated at [\d.]+ ms: n2 received /.exec(
        run.stdout,
      )?.[1];
    expect(seed).toBeDefined();
    const stem = `out/in-order-seed${seed}.trace`;
    const replay = /^ {2}replay: {2}(.*)$/m.exec(run.stdout)?.[1] ?? '';
    expect(replay).toMatch(
      new RegExp(
        `^npx fairlink sim ${scenario} --seed ${seed} --shrunk \\S+ --trace ${stem}\\.jsonl --html ${stem}\\.html$`,
      ),
    );
    expect(run.stdout).toContain(`  shrunk:  `);
    expect(run.stdout).toContain(`  trace:   ${stem}.jsonl (no --trace given)\n  diagram: ${stem}.html\n`);
    expect(filesUnder(cwd)).toEqual([`${stem}.html`, `${stem}.jsonl`]);
    const firstTrace = readFileSync(join(cwd, `${stem}.jsonl`), 'utf8');
    copyFileSync(join(cwd, `${stem}.jsonl`), join(cwd, 'first.jsonl'));

    // The printed command, run as it is (npx fairlink is this repository's bin/fairlink.js).
    const args = replay.split(' ').slice(2);
    const again = await runFairlink(args, { cwd });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      new RegExp(`^FAIL in-order: seed ${seed}: invariant 'arrives in order' violated`),
    );
    expect(again.stdout).not.toContain('shrunk:');
    expect(readFileSync(join(cwd, `${stem}.jsonl`), 'utf8')).toBe(firstTrace);
  });

  it('prints one JSON result object with --json', async () => {
    const cwd = scratchFolder();
    const failing = await runFairlink(['sim', fixture('in-order.ts'), '--seeds', '1..30', '--json'], { cwd });
    expect(failing.code).toBe(1);
    expect(failing.stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(failing.stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual([
      'verdict',
      'scenario',
      'scenarioPath',
      'params',
      'seeds',
      'failure',
      'shrunk',
      'replay',
      'original',
      'files',
      'stats',
      'wallMs',
    ]);
    const seed = (result.failure as { seed: number }).seed;
    // Two workers: seeds above the failing one may have run before it was found.
    expect((result.seeds as { run: number }).run).toBeGreaterThanOrEqual(seed);
    expect(result).toMatchObject({
      verdict: 'fail',
      scenario: 'in-order',
      params: { count: 4, jitterMs: 6, intervalMs: 5 },
      seeds: { from: 1, to: 30, failed: 1, failing: [seed] },
      failure: { kind: 'invariant', property: 'arrives in order', seed },
      files: { trace: `out/in-order-seed${seed}.trace.jsonl`, html: `out/in-order-seed${seed}.trace.html` },
    });
    expect((result.shrunk as { token: string }).token).toMatch(/^e/);
    expect(result.replay).toBe(
      `npx fairlink sim ${fixture('in-order.ts')} --schedule out/in-order-seed${seed}.trace.jsonl`,
    );
    expect(result.stats).toMatchObject({
      steps: expect.any(Number) as unknown,
      virtualMs: expect.any(Number) as unknown,
    });

    const passing = await runFairlink(['sim', fixture('pass.ts'), '--json', '--param', 'count=2'], {
      cwd: scratchFolder(),
    });
    expect(passing.code).toBe(0);
    expect(JSON.parse(passing.stdout)).toMatchObject({
      verdict: 'pass',
      params: { count: 2, drop: 0.2 },
      seeds: { from: 1, to: 8, run: 8, failed: 0 },
      files: {},
    });
  });

  it('checks determinism: a protocol with state outside its context fails', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', fixture('nondeterministic.ts'), '--check-determinism'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^FAIL nondeterministic: seed 1: the run is not deterministic: two runs of the same seed differ at trace line 4: .*boot number 2.* \| .*boot number 3/,
    );
    expect(run.stdout).toContain('--seed 1 --check-determinism');
    expect(run.stdout).toContain('  note:    no trace: the seed does not run the same way twice\n');
  });
});

describe('fairlink sim: protocol bugs are findings (exit 1)', () => {
  it('reports a handler that throws with node, handler, seed and replay', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', fixture('handler-throws.ts')], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^FAIL handler-throws: seed 1: n2\.onMessage threw Error: boom at 6 ms\n/);
    expect(run.stdout).toContain(
      `replay:  npx fairlink sim ${fixture('handler-throws.ts')} --schedule out/handler-throws-seed1.trace.jsonl`,
    );
    expect(filesUnder(cwd)).toEqual([
      'out/handler-throws-seed1.trace.html',
      'out/handler-throws-seed1.trace.jsonl',
    ]);
  });

  it("gives a throwing handler's stack in the user's .ts source: report, --json and trace", async () => {
    const cwd = scratchFolder();
    // Line and column of `throw` in the fixture, found rather than written down.
    const source = readFileSync(fixture('handler-throws.ts'), 'utf8').split('\n');
    const line = source.findIndex((text) => text.includes("throw new Error('boom')")) + 1;
    const at = `handler-throws.ts:${line}:`;
    const text = await runFairlink(['sim', fixture('handler-throws.ts'), '--seeds', '1..3'], { cwd });
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[1]).toMatch(new RegExp(`^  stack: +at .*onMessage \\(.*${at}\\d+\\)$`));
    // Only the protocol's frames: none of fairlink's engine, none of Node's.
    expect(text.stdout).not.toMatch(/core\/step|simulator|node:internal/);

    const json = await runFairlink(['sim', fixture('handler-throws.ts'), '--json', '--trace', 't.jsonl'], {
      cwd,
    });
    const result = JSON.parse(json.stdout) as { failure: { stack?: string[] } };
    expect(result.failure.stack).toHaveLength(1);
    expect(result.failure.stack?.[0]).toContain(at);
    const fault = readFileSync(join(cwd, 't.jsonl'), 'utf8')
      .split('\n')
      .filter((entry) => entry.includes('"type":"fault"'))
      .map((entry) => JSON.parse(entry) as { stack?: string[] });
    expect(fault[0]?.stack).toEqual(result.failure.stack);
  });

  it('names the send that froze an object a handler then changed, and what to do', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', fixture('mutates-sent.ts')], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      'FAIL mutates-sent: seed 1: n1.onTimer threw TypeError: Cannot add property 1, object is not extensible: ' +
        'tried to modify an object that was frozen when it was sent by node n1 in onTimer at 40 ms ' +
        '(messages are frozen on send: copy before mutating, or send a copy) at 50 ms',
    );
  });

  it('maps the stack in the main thread too (a scenario loaded and simulated without workers)', async () => {
    const cwd = scratchFolder();
    const script = join(cwd, 'main-thread.mjs');
    const dist = (path: string): string => pathToFileURL(join(repositoryRoot, 'dist', path)).href;
    writeFileSync(
      script,
      [
        `import { loadScenario, prepareScenario } from '${dist('sim/load-scenario.js')}';`,
        `import { simulate } from '${dist('sim/simulator.js')}';`,
        `const scenario = await loadScenario(${JSON.stringify(fixture('handler-throws.ts'))});`,
        `const { config } = prepareScenario(scenario, 'handler-throws.ts', []);`,
        `console.log(JSON.stringify(simulate(config, { seed: 1 }).failure.stack));`,
      ].join('\n'),
    );
    const run = await runFairlink([], { cwd, script });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([expect.stringMatching(/handler-throws\.ts:10:\d+\)$/)]);
  });

  it('reports a handler that never returns, within seconds, and exits', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', fixture('infinite-loop.ts'), '--step-timeout', '1'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^FAIL infinite-loop: seed 1: n2\.onMessage did not return within 1 s \(an infinite loop\?\)\n/,
    );
    expect(run.stdout).toContain(
      `replay:  npx fairlink sim ${fixture('infinite-loop.ts')} --seed 1 --step-timeout 1\n`,
    );
  });

  it('reports a message that is not plain data, naming node, handler and path', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', fixture('non-plain-message.ts')], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      'FAIL non-plain-message: seed 1: n1.onBoot broke a rule (non-plain-message) at 0 ms: message to n2 is not plain at payload: ' +
        'an instance of Payload (only JSON values, Map, Set, bigint and Uint8Array are plain)',
    );
  });
});

describe('fairlink sim: bad input (exit 2, one line, no files)', () => {
  const outputs = ['--trace', 'out/t.jsonl', '--html', 'out/t.html'];

  it.concurrent.each([
    [
      'an unknown flag',
      (): string[] => ['sim', fixture('pass.ts'), '--seeed', '3'],
      () => "unknown option '--seeed' (Did you mean --seed?)",
    ],
    ['a missing file', () => ['sim', 'nowhere.ts'], () => 'nowhere.ts: no such file'],
    [
      'no default export',
      () => ['sim', fixture('no-default-export.ts')],
      () =>
        `${fixture('no-default-export.ts')}: no default export (expected export default defineScenario({ name, params, build }))`,
    ],
    [
      'a negative delay',
      () => ['sim', fixture('negative-delay.ts')],
      () =>
        `${fixture('negative-delay.ts')}: network.delay: delay must be a finite number of ms >= 0, got -5`,
    ],
    [
      'a drop probability of 1.5',
      () => ['sim', fixture('drop-above-one.ts')],
      () => `${fixture('drop-above-one.ts')}: network.drop must be a probability in [0, 1), got 1.5`,
    ],
    [
      'a partition naming an unknown node',
      () => ['sim', fixture('partition-unknown-node.ts')],
      () => `${fixture('partition-unknown-node.ts')}: faults[0]: partition names unknown node 'n9'`,
    ],
  ])('%s', async (_, args, line) => {
    const cwd = scratchFolder();
    const run = await runFairlink([...args(), ...outputs], { cwd });
    expect(run.stderr).toBe(`fairlink: ${line()}\n`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
    expect(filesUnder(cwd)).toEqual([]);
  });

  it.concurrent.each([
    [
      'TypeScript',
      'broken.ts',
      'export default {\n  name: "x",,\n};\n',
      'broken.ts: syntax error at line 2, column 13: Expected identifier but found ","',
    ],
    [
      'JavaScript',
      'broken.mjs',
      'export default {\n  name: "x",,\n};\n',
      "broken.mjs: syntax error at line 2, column 13: Unexpected token ','",
    ],
  ])('a syntax error in %s', async (_, name, source, line) => {
    const cwd = scratchFolder();
    writeFileSync(join(cwd, name), source);
    const run = await runFairlink(['sim', name, ...outputs], { cwd });
    expect(run.stderr).toBe(`fairlink: ${line}\n`);
    expect(run.code).toBe(2);
    expect(filesUnder(cwd)).toEqual([name]);
  });

  it('says how to build when dist/ is missing', async () => {
    const cwd = scratchFolder();
    mkdirSync(join(cwd, 'bin'));
    copyFileSync(join(repositoryRoot, 'bin/fairlink.js'), join(cwd, 'bin/fairlink.js'));
    const run = await runFairlink(['sim', 'x.ts'], { cwd, script: join(cwd, 'bin/fairlink.js') });
    expect(run.stderr).toBe(
      'fairlink: the build is missing (dist/bundle/cli.js): run npm ci (or npm run build) first\n',
    );
    expect(run.code).toBe(2);
  });
});

describe('fairlink sim --schedule: a schedule that does not fit the scenario is bad input (exit 2)', () => {
  const example = (name: string): string => join(repositoryRoot, 'examples', name);
  const outputs = ['--trace', 'out/replay.jsonl', '--html', 'out/replay.html'];
  /** A checker counterexample of two generals with 2 rounds: its lines, header first. */
  let lines: string[] = [];
  let folder = '';

  beforeAll(async () => {
    folder = scratchFolder();
    const check = ['check', example('two-generals.ts'), '--param', 'rounds=2', '--trace', 'schedule.jsonl'];
    const run = await runFairlink(check, { cwd: folder });
    expect(run.code).toBe(1);
    lines = readFileSync(join(folder, 'schedule.jsonl'), 'utf8').trimEnd().split('\n');
  });

  /** Replays `text` as a schedule in a fresh folder; checks nothing was written. */
  async function replay(text: string, scenario: string, params: readonly string[]): Promise<CliRun> {
    const cwd = scratchFolder();
    writeFileSync(join(cwd, 's.jsonl'), text);
    const run = await runFairlink(['sim', scenario, ...params, '--schedule', 's.jsonl', ...outputs], { cwd });
    if (run.code === 2) expect(filesUnder(cwd)).toEqual(['s.jsonl']);
    return run;
  }

  it('a whole schedule still replays to its violation (exit 1)', async () => {
    const run = await replay(`${lines.join('\n')}\n`, example('two-generals.ts'), ['--param', 'rounds=2']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      /^FAIL two-generals: the scripted replay of 4 steps violates 'both attack or neither'/,
    );
    expect(run.code).toBe(1);
  });

  it('a schedule cut at a line boundary, naming the line where it ends', async () => {
    // Cut before the last timer fires: replayed, it would be judged on a run it does not record.
    const kept = lines.findLastIndex((line) => line.includes('"timer-fire"'));
    const run = await replay(`${lines.slice(0, kept).join('\n')}\n`, example('two-generals.ts'), [
      '--param',
      'rounds=2',
    ]);
    expect(run.stderr).toBe(
      `fairlink: s.jsonl:${kept + 1}: the file ends after ${kept - 1} of the ${lines.length - 1} events its header announces: it was cut short\n`,
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('a schedule of another scenario, or of other parameters, naming line 1', async () => {
    const other = await replay(`${lines.join('\n')}\n`, example('retransmit.ts'), []);
    expect(other.stderr).toBe(
      "fairlink: s.jsonl:1: the schedule is a trace of scenario 'two-generals', not of 'retransmit'\n",
    );
    expect(other.code).toBe(2);
    const params = await replay(`${lines.join('\n')}\n`, example('two-generals.ts'), ['--param', 'rounds=3']);
    expect(params.stderr).toBe(
      'fairlink: s.jsonl:1: the schedule was made with rounds=2, this replay has rounds=3 (give --param rounds=2)\n',
    );
    expect(params.code).toBe(2);
  });

  it('an event that cannot happen in the scenario, naming its line', async () => {
    const edited = [...lines];
    const line = edited.findIndex((text) => text.includes('"timer-fire"'));
    edited[line] = (edited[line] as string).replace('"deadline"', '"no-such-timer"');
    const run = await replay(`${edited.join('\n')}\n`, example('two-generals.ts'), ['--param', 'rounds=2']);
    const node = (JSON.parse(edited[line]) as { node: string }).node;
    expect(run.stderr).toBe(
      `fairlink: s.jsonl:${line + 1}: cannot replay this event: timer 'no-such-timer' is not pending at ${node}\n`,
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });
});

describe('fairlink sim --schedule: a simulator trace replays with every fault where it happened', () => {
  const example = (name: string): string => join(repositoryRoot, 'examples', name);
  /** A small Raft KV under its default faults: loss, duplication, partitions, crashes, pauses, clogs, clocks. */
  const raftKv = [
    example('raft-kv.ts'),
    '--param',
    'servers=3',
    '--param',
    'clients=2',
    '--param',
    'operations=8',
  ];

  /** Runs `scenario` with `seed`, replays its trace as a schedule; returns both traces and the replay's run. */
  async function roundTrip(
    scenario: readonly string[],
    seed: number,
  ): Promise<{ original: string; replayed: string; run: CliRun; replay: CliRun }> {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['sim', ...scenario, '--seed', `${seed}`, '--no-shrink', '--trace', 'a.jsonl'],
      {
        cwd,
      },
    );
    expect(run.stderr).toBe('');
    const replay = await runFairlink(['sim', ...scenario, '--schedule', 'a.jsonl', '--trace', 'b.jsonl'], {
      cwd,
    });
    expect(replay.stderr).toBe('');
    return {
      original: readFileSync(join(cwd, 'a.jsonl'), 'utf8'),
      replayed: readFileSync(join(cwd, 'b.jsonl'), 'utf8'),
      run,
      replay,
    };
  }

  it('raft-kv over a few seeds: the replay writes the same trace, header included', async () => {
    const kinds = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const { original, replayed, replay } = await roundTrip(raftKv, seed);
      expect(replay.code).toBe(0);
      // Byte for byte: the header's event count too (a replay without the faults records fewer).
      expect(replayed).toBe(original);
      for (const line of original.trimEnd().split('\n').slice(1)) {
        const event = JSON.parse(line) as { type: string; reason?: string };
        kinds.add(event.reason === undefined ? event.type : `${event.type} ${event.reason}`);
      }
    }
    // The seeds do exercise the faults the replay must put back.
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        'drop loss',
        'duplicate',
        'partition',
        'heal',
        'crash',
        'recover',
        'pause',
        'resume',
      ]),
    );
  });

  it('retransmit over a few seeds (losses at send): the same trace', async () => {
    for (const seed of [1, 3, 5]) {
      const { original, replayed } = await roundTrip([example('retransmit.ts')], seed);
      expect(original).toContain('"reason":"loss"');
      expect(replayed).toBe(original);
    }
  });

  it("a failing run's own trace (pauses and clogs) replays to the same violation and trace", async () => {
    const cwd = scratchFolder();
    const scenario = fixture('in-order.ts');
    const run = await runFairlink(['sim', scenario, '--seeds', '1..30', '--no-shrink'], { cwd });
    expect(run.code).toBe(1);
    const seed = /^FAIL in-order: seed (\d+): /.exec(run.stdout)?.[1];
    const original = `out/in-order-seed${seed}.trace.jsonl`;
    const replay = await runFairlink(['sim', scenario, '--schedule', original, '--trace', 'again.jsonl'], {
      cwd,
    });
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(
      /^FAIL in-order: the scripted replay of \d+ steps violates 'arrives in order'/,
    );
    expect(readFileSync(join(cwd, 'again.jsonl'), 'utf8')).toBe(readFileSync(join(cwd, original), 'utf8'));
  });
});
