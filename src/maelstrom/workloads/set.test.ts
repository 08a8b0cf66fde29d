import { describe, expect, it } from 'vitest';
import { randomStream } from '../../core/index.js';
import { RunHistory } from '../run-history.js';
import { readsByNode } from './final-reads.js';
import { broadcastWorkload, stableLatencies } from './set.js';

interface Step {
  readonly node: string;
  readonly f: 'broadcast' | 'read';
  readonly value: unknown;
  readonly atMs: number;
  readonly final?: boolean;
}

function history(steps: readonly Step[]): RunHistory {
  const run = new RunHistory();
  steps.forEach((step, process) => {
    const record = run.invoke({
      process,
      client: `c${process}`,
      node: step.node,
      f: step.f,
      input: step.f === 'read' ? null : step.value,
      invokeMs: step.atMs,
      final: step.final ?? false,
    });
    run.complete(record, 'ok', step.value, step.atMs + 1);
  });
  return run;
}

const setting = { nodes: ['n0', 'n1'], random: randomStream(1, 'test'), topology: 'grid' as const };

describe('the broadcast check', () => {
  it('measures stable latency as Jepsen does: to the end of the last read that missed it', () => {
    const run = history([
      { node: 'n0', f: 'broadcast', value: 7, atMs: 0 },
      { node: 'n1', f: 'read', value: [], atMs: 100 },
      { node: 'n1', f: 'read', value: [7], atMs: 200 },
      { node: 'n1', f: 'read', value: [], atMs: 300 },
      // No read for a long time, then the final reads: latency stays 300 ms, not 5 s.
      { node: 'n0', f: 'read', value: [7], atMs: 5_000, final: true },
      { node: 'n1', f: 'read', value: [7], atMs: 5_000, final: true },
    ]);
    const { history: paired } = readsByNode(run, 'read', ['n0', 'n1']);
    // Known at 1 (the acknowledgement), last absent read ended at 301.
    expect(stableLatencies(paired, 'broadcast')).toMatchObject({ '0': 300, '1': 300 });
    const check = broadcastWorkload(setting).check(run);
    expect(check.verdict).toBe('valid');
    expect(check.summary).toMatchObject({ stable: 1, lost: 0, stale: 1, stableLatencies: { '0.5': 300 } });
  });

  it('judges by the final read of every node, and names a lost element', () => {
    const run = history([
      { node: 'n0', f: 'broadcast', value: 7, atMs: 0 },
      { node: 'n0', f: 'broadcast', value: 8, atMs: 0 },
      // An early read on n1 lacking 8 is not final, and not a loss by itself.
      { node: 'n1', f: 'read', value: [7], atMs: 10 },
      { node: 'n0', f: 'read', value: [7, 8], atMs: 1_000, final: true },
      { node: 'n1', f: 'read', value: [8], atMs: 1_000, final: true },
    ]);
    const check = broadcastWorkload(setting).check(run);
    expect(check.verdict).toBe('invalid');
    expect(check.summary).toMatchObject({ lost: 1, lostExamples: ['7'] });
  });

  it('is unknown without a final read from every node', () => {
    const run = history([
      { node: 'n0', f: 'broadcast', value: 7, atMs: 0 },
      { node: 'n0', f: 'read', value: [7], atMs: 1_000, final: true },
    ]);
    const check = broadcastWorkload(setting).check(run);
    expect(check.verdict).toBe('unknown');
    expect(check.lines).toContain('no final read from: n1');
  });
});
