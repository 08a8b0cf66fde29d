/**
 * The transactional workloads, longer runs (`npm run test:long`): the anomalies that
 * rw-register shows less often than list-append (a register's version order is only partly
 * inferred, so fewer anti-dependencies are known: Maelstrom's own rw-register check has the same
 * limit), and the correct stores through partitions.
 *
 * Measured on this project's two-core machine (other work running), one node, ten client
 * threads, two keys, up to four micro-operations, rate 300 for 6 s: read skew gave 5 to 6
 * G-single a run; write skew 1 to 5 G2-item a run, which is why that run may be tried up to
 * three times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaelstromTestInput } from '../../src/maelstrom/options.js';
import type { MaelstromRun } from '../../src/maelstrom/run.js';
import { expectNothingLeft, fairlinkNodeProgram, fixture, problems, runShort } from './helpers.js';

afterAll(expectNothingLeft);

let program: Awaited<ReturnType<typeof fairlinkNodeProgram>>;

beforeAll(async () => {
  program = await fairlinkNodeProgram();
}, 120_000);

const TIMEOUT_MS = 180_000;

function runRegisterStore(mode: string, extra: Partial<MaelstromTestInput> = {}): Promise<MaelstromRun> {
  return runShort({
    workload: 'txn-rw-register',
    command: fixture('txn'),
    args: [mode],
    nodeCount: 1,
    timeLimitMs: 6_000,
    rate: 300,
    concurrency: 10,
    keyCount: 2,
    maxTxnLength: 4,
    ...extra,
  });
}

const anomalyTypes = (run: MaelstromRun): string[] => run.check?.summary['anomalyTypes'] as string[];

describe('txn-rw-register, longer runs', () => {
  it('read skew: G-single', { timeout: TIMEOUT_MS }, async () => {
    const run = await runRegisterStore('read-skew');
    expect(run.verdict).toBe('invalid');
    expect(anomalyTypes(run)).toContain('G-single');
    expect(anomalyTypes(run)).not.toContain('lost-update');
  });

  it(
    'write skew under snapshot isolation: G2-item, nothing snapshot isolation forbids',
    { timeout: 3 * TIMEOUT_MS },
    async () => {
      let found: MaelstromRun | undefined;
      for (let attempt = 0; attempt < 3 && found === undefined; attempt++) {
        const run = await runRegisterStore('write-skew');
        // Whatever a run finds, it is only what snapshot isolation allows.
        expect(anomalyTypes(run).filter((type) => !type.startsWith('G2-item'))).toEqual([]);
        if (anomalyTypes(run).includes('G2-item')) found = run;
      }
      expect(found?.verdict).toBe('invalid');
      expect(found?.check?.summary['not']).toEqual(['repeatable-read']);
    },
  );
});

describe('correct stores through partitions', () => {
  for (const workload of ['txn-list-append', 'txn-rw-register'] as const) {
    it(
      `${workload}: the fixture store, 3 nodes forwarding to the first`,
      { timeout: TIMEOUT_MS },
      async () => {
        const run = await runShort({
          workload,
          command: fixture('txn'),
          args: ['serializable'],
          timeLimitMs: 8_000,
          rate: 100,
          concurrency: 6,
          keyCount: 3,
          maxTxnLength: 4,
          nemesis: ['partition'],
          nemesisIntervalMs: 1_000,
        });
        expect(run.nemesis.filter((event) => event.type === 'partition').length).toBeGreaterThan(0);
        expect(problems(run)).toEqual([]);
        expect(run.verdict).toBe('valid');
      },
    );

    it(`${workload}: fairlink's txn node on Raft, 5 nodes, latency`, { timeout: TIMEOUT_MS }, async () => {
      const run = await runShort({
        workload,
        command: program.command,
        args: program.args('txn'),
        nodeCount: 5,
        timeLimitMs: 10_000,
        rate: 50,
        concurrency: 10,
        latencyMs: 5,
        latencyDistribution: 'exponential',
        requestTimeoutMs: 2_000,
        maxTxnLength: 4,
        nemesis: ['partition'],
        nemesisIntervalMs: 1_500,
      });
      expect(problems(run)).toEqual([]);
      expect(run.check?.summary['anomalyTypes']).toEqual([]);
      expect(run.verdict).toBe('valid');
      expect(run.check?.summary['committed']).toBeGreaterThan(100);
    });
  }
});
