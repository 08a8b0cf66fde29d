/**
 * A node that misbehaves is diagnosed, not fatal: each problem is named (node, line, what was
 * wrong), the run ends with a verdict, and no process is left behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/maelstrom/diagnostics.js';
import { formatRunSummary } from '../../src/maelstrom/results.js';
import type { MaelstromRun } from '../../src/maelstrom/run.js';
import { earnedFloor, fixture, expectNothingLeft, problems, runShort } from './helpers.js';

afterAll(expectNothingLeft);

const TIMEOUT_MS = 150_000;

function misbehave(
  mode: string,
  overrides: { initTimeoutMs?: number; timeLimitMs?: number } = {},
): Promise<MaelstromRun> {
  return runShort({ workload: 'echo', command: fixture('misbehave'), args: [mode], ...overrides });
}

function only(run: MaelstromRun): Diagnostic {
  expect(run.diagnostics).toHaveLength(1);
  const example = run.diagnostics[0]?.examples[0];
  expect(example).toBeDefined();
  return example as Diagnostic;
}

describe.concurrent('a misbehaving node', () => {
  it(
    'writes a line that is not JSON: named with its line, the run goes on',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await misbehave('non-json');
      const problem = only(run);
      expect(problem).toMatchObject({
        node: 'n1',
        kind: 'non-json',
        line: 2,
        text: 'hello, this is not JSON',
      });
      expect(problem.detail).toMatch(/^not JSON/);
      expect(run.verdict).toBe('invalid');
      // The other operations ran and were checked.
      expect(run.check?.verdict).toBe('valid');
      expect(run.operations.all.ok).toBeGreaterThanOrEqual(earnedFloor());
    },
  );

  it("writes a message without 'dest'", { timeout: TIMEOUT_MS }, async () => {
    const run = await misbehave('missing-field');
    expect(only(run)).toMatchObject({
      node: 'n1',
      kind: 'missing-field',
      detail: "missing field 'dest'",
      line: 2,
    });
    expect(run.verdict).toBe('invalid');
  });

  it('sends to a node that does not exist', { timeout: TIMEOUT_MS }, async () => {
    const run = await misbehave('unknown-destination');
    const problem = only(run);
    expect(problem).toMatchObject({ node: 'n1', kind: 'unknown-destination', line: 2 });
    expect(problem.detail).toContain("'n99'");
    expect(run.verdict).toBe('invalid');
  });

  it('writes a message whose src is no participant of the run', { timeout: TIMEOUT_MS }, async () => {
    const run = await misbehave('unknown-source');
    const problem = only(run);
    expect(problem).toMatchObject({ node: 'n1', kind: 'wrong-source', line: 2 });
    expect(problem.detail).toContain("'n77'");
    expect(run.warnings).toEqual([]);
    expect(run.verdict).toBe('invalid');
  });

  it(
    'never answers init: the workload does not run, the run still ends',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await misbehave('no-init-ok', { initTimeoutMs: 1_500 });
      expect(only(run)).toMatchObject({ node: 'n1', kind: 'no-init-ok', detail: 'no init_ok within 1.5 s' });
      expect(run.verdict).toBe('invalid');
      expect(run.check).toBeUndefined();
      expect(run.nodes.map((node) => node.initialized)).toEqual([true, false, true]);
      expect(run.reasons[0]).toBe('1 of 3 nodes did not initialize: the workload did not run');
    },
  );

  it('exits during the run', { timeout: TIMEOUT_MS }, async () => {
    const run = await misbehave('exits');
    const problem = only(run);
    expect(problem).toMatchObject({ node: 'n1', kind: 'exited' });
    expect(problem.detail).toContain('exit code 3');
    expect(run.nodes[1]?.exit).toMatchObject({ code: 3, expected: false });
    expect(run.verdict).toBe('invalid');
    // Requests to the dead node time out; the others are answered.
    expect(run.history.operations.some((record) => record.node === 'n1' && record.error === 'timeout')).toBe(
      true,
    );
    expect(run.history.operations.some((record) => record.node === 'n0' && record.type === 'ok')).toBe(true);
  });

  it('hangs and ignores SIGTERM: seen as unresponsive, then killed', { timeout: TIMEOUT_MS }, async () => {
    const run = await misbehave('hangs', { timeLimitMs: 3_000 });
    expect(problems(run)).toEqual(['n1 unresponsive', 'n1 hung']);
    expect(run.nodes[1]?.stop).toBe('sigkill');
    expect(run.nodes[0]?.stop).toBe('eof');
    expect(run.verdict).toBe('invalid');
  });
});

describe('a node that writes while it is being stopped', () => {
  it(
    'is not judged: a garbage line after stdin closes and half a line cut by SIGTERM leave the verdict valid',
    { timeout: TIMEOUT_MS },
    async () => {
      const run = await misbehave('noisy-stop');
      expect(run.diagnostics).toEqual([]);
      expect(run.verdict).toBe('valid');
      expect(run.nodes[1]).toMatchObject({ stop: 'sigterm', ignoredLinesAfterStop: 2 });
      expect(run.nodes[0]).toMatchObject({ stop: 'eof', ignoredLinesAfterStop: 0 });
      expect(formatRunSummary(run, undefined)).toContain(
        'stdout written after the stop began, not judged: n1 2 lines',
      );
    },
  );
});

describe.concurrent('a node program that cannot start', () => {
  it('is a spawn failure per node, with a verdict', { timeout: TIMEOUT_MS }, async () => {
    const run = await runShort({
      workload: 'echo',
      command: fixture('no-such-node'),
      initTimeoutMs: 1_000,
    });
    expect(problems(run)).toEqual(expect.arrayContaining(['n0 spawn-failed', 'n0 no-init-ok']));
    expect(run.verdict).toBe('invalid');
  });
});
