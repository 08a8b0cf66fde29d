import { describe, expect, it } from 'vitest';
import raftKv, { buildRaftKv, RAFT_KV_SETTINGS } from '../../../examples/raft-kv.js';
import { historyFromSimulation } from '../../history/index.js';
import { pairOperations } from '../../history/index.js';
import { simulate } from '../../sim/index.js';
import { kvMachine, type KvCommand } from './machines.js';
import { kvCommand, kvCompletion } from '../../history/index.js';

describe('the key-value machine and its workload adapter', () => {
  it('applies get, put, append and cas on strings, a missing key reading as empty', () => {
    const steps: KvCommand[] = [
      { op: 'get', key: 'x' },
      { op: 'append', key: 'x', value: '1' },
      { op: 'cas', key: 'x', from: '2', to: '3' },
      { op: 'cas', key: 'x', from: '1', to: '3' },
      { op: 'append', key: 'x', value: '4' },
      { op: 'put', key: 'y', value: '0' },
      { op: 'get', key: 'x' },
    ];
    let state = kvMachine.init();
    const results = steps.map((command) => {
      const outcome = kvMachine.apply(state, command);
      state = outcome.state;
      return outcome.result;
    });
    expect(results).toEqual(['', true, false, true, true, true, '34']);
    expect(state).toEqual({ x: '34', y: '0' });
  });

  it('turns workload operations into commands and results into history values', () => {
    expect(kvCommand({ f: 'cas', key: 'x', value: ['1', '2'] })).toEqual({
      op: 'cas',
      key: 'x',
      from: '1',
      to: '2',
    });
    expect(kvCommand({ f: 'read', key: 7, value: null })).toEqual({ op: 'get', key: '7' });
    expect(() => kvCommand({ f: 'enqueue', key: 'x', value: 1 })).toThrow(/no operation 'enqueue'/);
    expect(() => kvCommand({ f: 'get', value: null })).toThrow(/get has no key/);
    expect(kvCompletion({ f: 'put', key: 'x', value: '4' }, true)).toEqual({ type: 'ok', value: '4' });
    expect(kvCompletion({ f: 'cas', key: 'x', value: ['1', '2'] }, false)).toEqual({
      type: 'ok',
      value: false,
    });
    expect(kvCompletion({ f: 'get', key: 'x', value: null }, '12')).toEqual({ type: 'ok', value: '12' });
  });
});

/** Seeds run here: a few seconds of CPU, in one synchronous loop. */
const SEEDS = 30;

describe('examples/raft-kv.ts: 5 servers, 4 clients, every fault', () => {
  it('checks node state after every step on a few seeds as well', () => {
    const config = buildRaftKv({ ...RAFT_KV_SETTINGS, ...raftKv.params, checkState: true });
    for (let seed = 1; seed <= 5; seed++)
      expect(simulate(config, { seed }).failure, `seed ${seed}`).toBeUndefined();
  });

  // A representative few seeds, and what their runs are made of; the 1,000-seed sweep is in
  // raft-kv.long.test.ts (`npm run test:long`), on the campaign engine's worker threads.
  it(`${SEEDS} seeds: the invariants hold, every history is linearizable, every client is served after the heal`, () => {
    const config = raftKv.build(raftKv.params);
    const failures: string[] = [];
    const totals = {
      operations: 0,
      ok: 0,
      info: 0,
      unknownPairs: 0,
      partitions: 0,
      crashRecovers: 0,
      faults: 0,
    };
    const seeds = SEEDS;
    for (let seed = 1; seed <= seeds; seed++) {
      const result = simulate(config, { seed });
      if (result.failure) failures.push(`seed ${seed}: ${JSON.stringify(result.failure)}`);
      for (const event of result.history) {
        if (event.type === 'invoke') totals.operations++;
        else if (event.type === 'ok') totals.ok++;
        else if (event.type === 'info') totals.info++;
      }
      totals.unknownPairs += pairOperations(historyFromSimulation(result.history)).unknown;
      totals.faults += result.stats.faults;
      for (const { fault } of result.schedule) {
        if (fault.kind === 'partition') totals.partitions++;
        if (fault.kind === 'crash-recover') totals.crashRecovers++;
      }
    }
    expect(failures).toEqual([]);
    // What the runs were made of (measured when written, per run: 100 operations, 95.6 ok and
    // 4.4 info; 14.5 faults: 2.5 partitions, 2.7 crash-recoveries, 2.9 pauses, 3.2 clogs, 3.2
    // clock changes).
    expect(totals.operations / seeds).toBeGreaterThan(80);
    expect(totals.ok + totals.info).toBe(totals.operations);
    expect(totals.info).toBe(totals.unknownPairs);
    expect(totals.info / seeds).toBeGreaterThan(1);
    expect(totals.partitions / seeds).toBeGreaterThan(2);
    expect(totals.crashRecovers / seeds).toBeGreaterThan(2);
    expect(totals.faults / seeds).toBeGreaterThan(10);
  });
});
