/**
 * `fairlink check` end to end: the built command on the examples' models.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, fixture, repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

const example = (name: string): string => join(repositoryRoot, 'examples', name);

describe('fairlink check', () => {
  it('finds the two generals impossibility: the shortest path in words, a trace and a diagram', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['check', example('two-generals.ts'), '--param', 'rounds=2'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL two-generals: always property 'both attack or neither' is violated");
    expect(run.stdout).toContain('1. deliver {"type":"chain","index":0} from alice to bob');
    expect(run.stdout).toContain("timer 'deadline' fires at");
    expect(filesUnder(cwd)).toEqual(['out/two-generals.check.html', 'out/two-generals.check.trace.jsonl']);
    const lines = readFileSync(join(cwd, 'out/two-generals.check.trace.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 'fairlink-trace', engine: 'check' });
    // The diagram counts the path's steps as steps, not as ms.
    const page = readFileSync(join(cwd, 'out/two-generals.check.html'), 'utf8');
    const last = JSON.parse(lines[lines.length - 1] as string) as { t: number };
    expect(page).toContain(`violated at step ${last.t}:`);
    const ticks = [...page.matchAll(/<text class="tick-label"[^>]*>([^<]*)</g)].map((match) => match[1]);
    expect(ticks).not.toHaveLength(0);
    for (const tick of ticks) expect(tick).toMatch(/^step \d+$/);
  });

  it('prints a command that replays the counterexample in the simulator, which then fails the same way', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['check', example('two-generals.ts'), '--param', 'rounds=3'], { cwd });
    expect(run.code).toBe(1);
    const command = /replay in the simulator: npx fairlink (.*)\n/.exec(run.stdout)?.[1];
    expect(command).toBeDefined();
    const replay = await runFairlink((command as string).split(' '), { cwd });
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(
      /^FAIL two-generals: the scripted replay of 5 steps violates 'both attack or neither' \(invariant\) at step 5/,
    );
  });

  it('passes retransmission under fairness, with --json reporting verdict, states and depth', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['check', example('retransmit.ts'), '--json'], { cwd });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ verdict: 'ok', scenario: 'retransmit', complete: true });
    expect(result.distinctStates).toEqual(expect.any(Number));
    expect(result.depth).toEqual(expect.any(Number));
    expect(filesUnder(cwd)).toEqual([]);
  });

  it('says that --trace and --html wrote nothing when there is no counterexample', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['check', example('two-phase-commit.ts'), '--trace', 't.jsonl', '--html', 't.html'],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  note: no counterexample: --trace and --html not written\n');
    expect(filesUnder(cwd)).toEqual([]);
  });

  it('checks on two workers with the same counts as on one', async () => {
    const cwd = scratchFolder();
    const args = ['check', example('two-phase-commit.ts'), '--param', 'rms=5', '--json'];
    const one = await runFairlink(args, { cwd });
    const two = await runFairlink([...args, '--workers', '2'], { cwd });
    expect(two.stderr).toBe('');
    expect(two.code).toBe(0);
    const symmetric = await runFairlink([...args, '--workers', '2', '--symmetry'], { cwd });
    const [first, second, third] = [one, two, symmetric].map(
      (run) => JSON.parse(run.stdout) as Record<string, unknown>,
    );
    expect(first).toMatchObject({ verdict: 'ok', distinctStates: 8832, generatedStates: 58146, workers: 1 });
    expect(second).toMatchObject({ verdict: 'ok', distinctStates: 8832, generatedStates: 58146, workers: 2 });
    expect(second?.depth).toBe(first?.depth);
    // The scenario declares its RMs interchangeable: 314 orbits.
    expect(third).toMatchObject({ verdict: 'ok', distinctStates: 314, workers: 2 });
  });

  it('reports the same counterexample and example on two workers every time, the same as on one', async () => {
    // Two RMs committed: first possible 13 steps in, in thousands of states reached by many
    // interleavings, which the two workers share between them. The trace, the example and the
    // counts must not depend on which worker finds which state first.
    const cwd = scratchFolder();
    const model = fixture('two-phase-commit-two-committed.ts');
    const run = async (workers: string, trace: string): Promise<string> => {
      const result = await runFairlink(
        ['check', model, '--param', 'rms=5', '--workers', workers, '--trace', trace, '--json'],
        { cwd },
      );
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      delete report.elapsedMs;
      delete report.statesPerSecond;
      delete report.memoryPeakMb;
      delete report.workers;
      delete report.files;
      delete report.notes;
      return `${JSON.stringify(report)}\n${readFileSync(join(cwd, trace), 'utf8')}`;
    };
    const one = await run('1', 'one.jsonl');
    expect(one).toContain('"name":"AtMostOneCommitted"');
    for (let k = 0; k < 3; k++) expect(await run('2', `two-${k}.jsonl`)).toBe(one);
  });

  it('reports unknown (exit 3) when a bound stops the search first', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['check', example('perfect-link.ts'), '--param', 'messages=2', '--max-states', '20'],
      { cwd },
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^UNKNOWN perfect-link: no violation found, but the search stopped early/);
    expect(run.stdout).toMatch(
      /\n {2}stopped: state limit 20 reached after \d+ states \(raise it with --max-states N\)\n/,
    );
  });

  it.each(['1', '2'])(
    'stops an unbounded model at --memory-limit on %s worker(s): one line naming the flag, exit 3, no files',
    async (workers) => {
      // Without a memory budget this search runs until V8 aborts the process (exit 134).
      const cwd = scratchFolder();
      const run = await runFairlink(
        ['check', fixture('unbounded-counter.ts'), '--memory-limit', '64', '--workers', workers],
        { cwd, timeoutMs: 120_000 },
      );
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(
        /^UNKNOWN unbounded-counter: no violation found, but the search stopped early \(/,
      );
      expect(run.stdout).toMatch(
        /\n {2}stopped: memory limit 64 MB reached after [\d,]+ states \(raise it with --memory-limit MB\)\n/,
      );
      expect(run.stderr).not.toMatch(/FATAL|heap out of memory/);
      expect(filesUnder(cwd)).toEqual([]);
    },
  );

  it('names the flag of each limit that stops a search, in --json too', async () => {
    const cwd = scratchFolder();
    const counter = fixture('unbounded-counter.ts');
    const byTime = await runFairlink(['check', counter, '--time-limit', '0.2'], { cwd });
    expect(byTime.code).toBe(3);
    expect(byTime.stdout).toMatch(
      /stopped: time limit 0\.2 s reached after [\d,]+ states \(raise it with --time-limit S\)/,
    );
    const byDepth = await runFairlink(['check', counter, '--max-depth', '3', '--json'], { cwd });
    expect(byDepth.code).toBe(3);
    const json = JSON.parse(byDepth.stdout) as Record<string, unknown>;
    expect(json.stopped).toMatch(
      /^stopped: depth limit 3 reached after 7 states: .*\(raise it with --max-depth N\)$/,
    );
    expect(json).toMatchObject({
      verdict: 'unknown',
      stopReason: 'maxDepth',
      properties: [
        { name: 'fine', status: 'unknown', reason: 'the search stopped early: depth limit reached' },
      ],
    });
  });

  it('prints progress lines on stderr when it is not a terminal', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['check', fixture('unbounded-counter.ts'), '--memory-limit', '64', '--progress-interval', '0.1'],
      { cwd, timeoutMs: 120_000 },
    );
    expect(run.code).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatch(
        /^progress: [\d,]+ states, [\d,]+ distinct, depth \d+, [\d,]+ states\/s, memory [\d,]+ of 64 MB, [\d,]+ s$/,
      );
    }
  });

  it.each([
    [['--strategy', 'sideways'], /--strategy sideways: expected bfs, dfs or random/],
    [['--max-states', '0'], /--max-states/],
    [['--memory-limit', '0'], /--memory-limit "?0"?: expected a whole number from 1/],
    [['--progress-interval', 'soon'], /--progress-interval "?soon"?: expected a number of seconds/],
  ])('bad flags %j: one line, exit 2', async (flags, message) => {
    const cwd = scratchFolder();
    const run = await runFairlink(['check', example('retransmit.ts'), ...flags], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(filesUnder(cwd)).toEqual([]);
  });

  it.each([
    [
      'model-throws.ts',
      /the model's own code failed: next: threw Error: count 2 is not handled\n {2}action: "increment"\n {2}state: {2}\{"count":2\}/,
    ],
    [
      'model-nondeterministic.ts',
      /the model's own code failed: next: gave two different results for the same state and action/,
    ],
  ])(
    'a bug in the model (%s) is a finding with its state and action, on one worker or two: exit 1',
    async (name, message) => {
      const cwd = scratchFolder();
      for (const workers of ['1', '2']) {
        const run = await runFairlink(['check', fixture(name), '--workers', workers], { cwd });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(message);
      }
    },
  );

  it('refuses a scenario that has no model, naming it', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['check', fixture('pass.ts')], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/scenario 'pass' defines no model to check.*fairlink sim/);
  });
});
