/**
 * What a Maelstrom user's nodes and flags expect of the workbench: messages forwarded under
 * another participant's id, explicit node ids, node stderr as it comes, `--rate 0`, a rate that
 * was not reached, and consistency models a workload ignores.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../src/maelstrom/results.js';
import { expectNothingLeft, fixture, problems, runShort } from './helpers.js';

afterAll(expectNothingLeft);

const TIMEOUT_MS = 30_000;

describe.concurrent('the workbench, as Maelstrom users run it', () => {
  it(
    'routes a request a node forwards under the client id, as Maelstrom does: a warning, not a problem',
    { timeout: TIMEOUT_MS },
    async () => {
      const stderr: string[] = [];
      const run = await runShort({
        workload: 'echo',
        command: fixture('forwarding-echo'),
        onNodeStderr: (node, line) => stderr.push(`${node}> ${line}`),
      });
      expect(problems(run)).toEqual([]);
      expect(run.verdict).toBe('valid');
      expect(run.check?.verdict).toBe('valid');
      expect(run.warnings.map((group) => `${group.node} ${group.kind}`)).toEqual([
        'n1 foreign-source',
        'n2 foreign-source',
      ]);
      expect(run.warnings[0]?.examples[0]?.detail).toMatch(/^message with src 'c\d+' written by n1: routed/);
      expect(run.notes.join('\n')).toMatch(
        /warnings \(Maelstrom accepts these; the verdict does not count them\)/,
      );
      expect(formatRunSummary(run, undefined)).toContain('node warnings (accepted, as Maelstrom does');
      // --log-stderr's feed: each stderr line of each node, as it came.
      expect(stderr.some((line) => /^n1> n1: forwarding c\d+'s echo to n0$/.test(line))).toBe(true);
      expect(stderr.every((line) => !line.startsWith('n0>'))).toBe(true);
    },
  );

  it('runs nodes with the ids given (Maelstrom --nodes)', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({ workload: 'echo', command: fixture('forwarding-echo'), nodes: ['a', 'b7'] });
    expect(run.nodes.map((node) => node.id)).toEqual(['a', 'b7']);
    expect(run.options.nodeCount).toBe(2);
    expect(run.verdict).toBe('valid');
    expect(run.warnings.map((group) => `${group.node} ${group.kind}`)).toEqual(['b7 foreign-source']);
    expect(formatRunSummary(run, undefined)).toContain('  2 nodes (a, b7) of ');
  });

  it(
    'with --rate 0 runs no operation but still inits the nodes and runs the nemesis',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await runShort({
        workload: 'broadcast',
        command: fixture('set'),
        rate: 0,
        timeLimitMs: 1_500,
        nemesis: ['partition'],
        nemesisIntervalMs: 100,
      });
      expect(run.nodes.every((node) => node.initialized)).toBe(true);
      expect(run.operations.all.count).toBe(0);
      expect(run.nemesis.length).toBeGreaterThan(0);
      expect(run.check).toBeUndefined();
      expect(run.rate).toBeUndefined();
      expect(run.verdict).toBe('valid');
      expect(run.notes[0]).toBe(
        'no client operations (--rate 0): the verdict covers init, the nemesis and how the nodes behaved, not the workload check',
      );
    },
  );

  it('with --rate 0 still judges how the nodes behave', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'echo',
      command: fixture('misbehave'),
      args: ['no-init-ok'],
      rate: 0,
      initTimeoutMs: 1_000,
    });
    expect(problems(run)).toEqual(['n1 no-init-ok']);
    expect(run.verdict).toBe('invalid');
  });

  it('says when the rate asked for was not reached', { timeout: TIMEOUT_MS }, async () => {
    // One client thread, replies 300 ms late: at most a few operations a second, 50 asked.
    const run = await runShort({
      workload: 'echo',
      command: fixture('echo'),
      args: ['--slow'],
      nodeCount: 1,
      concurrency: 1,
      rate: 50,
      timeLimitMs: 1_000,
    });
    expect(run.verdict).toBe('valid');
    expect(run.rate).toMatchObject({ requested: 50, expected: 50, reached: false });
    expect(run.rate?.started).toBeLessThan(10);
    const note = run.notes.find((line) => line.startsWith('rate not reached: '));
    expect(note).toMatch(/ops\/s, 50 asked \(about 50 expected\); the one client thread was busy \d+ times/);
    expect(formatRunSummary(run, undefined)).toContain(`  note: ${note as string}\n`);
  });

  it(
    'notes that a workload with a check of its own ignores --consistency-models',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await runShort({
        workload: 'echo',
        command: fixture('echo'),
        consistencyModels: ['serializable', 'read-committed'],
        timeLimitMs: 500,
      });
      expect(run.verdict).toBe('valid');
      expect(run.options.consistencyModels).toEqual(['serializable', 'read-committed']);
      expect(run.notes).toContain(
        '--consistency-models serializable,read-committed is ignored: the echo workload has a check of its own (only transactional workloads are judged against consistency models)',
      );
    },
  );

  it('replays the nemesis schedule of a seed', { timeout: TIMEOUT_MS }, async () => {
    const settings = {
      workload: 'echo',
      command: fixture('echo'),
      rate: 0,
      timeLimitMs: 1_000,
      nemesis: ['partition'],
      nemesisIntervalMs: 100,
      seed: 424242,
    } as const;
    const [first, second] = await Promise.all([runShort(settings), runShort(settings)]);
    const names = (run: typeof first): (string | undefined)[] =>
      run.nemesis.filter((event) => event.type === 'partition').map((event) => event.name);
    // Real time decides how many partitions fit in the run; which ones come is the seed's.
    const shared = Math.min(names(first).length, names(second).length);
    expect(shared).toBeGreaterThan(0);
    expect(names(first).slice(0, shared)).toEqual(names(second).slice(0, shared));
    expect(first.options.seed).toBe(424242);
  });
});
