import { describe, expect, it } from 'vitest';
import { nodeIds, type NodeId } from '../../core/index.js';
import { constant } from '../../sim/index.js';
import { simulate, type SimulationConfig } from '../../sim/index.js';
import { raftClient, type ClientOperation } from './client.js';
import { raftSafety } from './invariants.js';
import { queueMachine, type QueueCommand, type QueueResult } from './machines.js';
import { raft, type RaftState } from './raft.js';

const servers = nodeIds('n', 3);
type QueueRaftState = RaftState<readonly number[], QueueCommand, QueueResult>;

function script(commands: readonly QueueCommand[]): (issued: number) => ClientOperation<QueueCommand> | null {
  return (issued) => {
    const command = commands[issued];
    return command
      ? { command, f: command.op, value: command.op === 'enqueue' ? command.value : null }
      : null;
  };
}

function queueCluster(
  overrides: Partial<Parameters<typeof raft<readonly number[], QueueCommand, QueueResult>>[0]>,
  client: Parameters<typeof raftClient<QueueCommand, QueueResult>>[0] | undefined,
  config: Partial<SimulationConfig>,
): SimulationConfig {
  const server = raft({ machine: queueMachine, noop: { op: 'nop' }, ...overrides });
  return {
    nodes: {
      ...Object.fromEntries(servers.map((id) => [id, server])),
      ...(client ? { c1: { protocol: raftClient(client), group: 'clients' } } : {}),
    },
    network: { delay: constant(2), ordering: 'fifo' },
    properties: raftSafety,
    durationMs: 1_000,
    ...config,
  };
}

function results(history: readonly { type: string; value: unknown }[]): unknown[] {
  return history.filter((event) => event.type === 'ok').map((event) => event.value);
}

describe('Raft: the course lab 3 and 4 scenarios', () => {
  it('with a fixed leader, a client starting at a follower is redirected: enqueue 5, dequeue 5, dequeue empty', () => {
    const result = simulate(
      queueCluster(
        { initialLeader: 'n1' },
        {
          servers,
          firstServer: 'n2' as NodeId,
          next: script([{ op: 'enqueue', value: 5 }, { op: 'dequeue' }, { op: 'dequeue' }]),
        },
        {},
      ),
      { seed: 1 },
    );
    expect(result.failure).toBeUndefined();
    expect(results(result.history)).toEqual([true, 5, null]);
  });

  it('after one enqueue, at least 2 of 3 logs have length 1 and none is longer', () => {
    let lengths: number[] = [];
    const result = simulate(
      queueCluster(
        { initialLeader: 'n1' },
        { servers, firstServer: 'n2' as NodeId, next: script([{ op: 'enqueue', value: 5 }]) },
        {
          stopWhen: (view) => {
            if (!view.history.some((event) => event.type === 'ok')) return false;
            lengths = servers.map((id) => view.state<QueueRaftState>(id)?.log.length ?? -1);
            return true;
          },
        },
      ),
      { seed: 2 },
    );
    expect(result.failure).toBeUndefined();
    expect(lengths.filter((length) => length === 1).length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...lengths)).toBe(1);
  });

  it('election: with one node timing out at 250 ms, after 1 s all nodes name the same single leader', () => {
    let named: (string | null | undefined)[] = [];
    const result = simulate(
      queueCluster({ electionTimeoutByNode: { n1: [250, 250] }, electionTimeoutMs: [600, 900] }, undefined, {
        durationMs: 1_000,
        stopWhen: (view) => {
          named = servers.map((id) => view.state<QueueRaftState>(id)?.leader);
          return false;
        },
      }),
      { seed: 3, trace: true },
    );
    expect(result.failure).toBeUndefined();
    expect(result.endMs).toBe(1_000);
    expect(named).toEqual(['n1', 'n1', 'n1']);
    const last =
      result.trace?.events.filter((event) => event.type === 'log' && event.text.startsWith('leader')) ?? [];
    expect(last.map((event) => ('node' in event ? event.node : ''))).toEqual(['n1']);
  });

  it.each([1, 2, 3, 4, 5])(
    'operations through a follower work during an election (10 ms delay, seed %i)',
    (seed) => {
      const result = simulate(
        queueCluster(
          {},
          {
            servers,
            firstServer: 'n3' as NodeId,
            startMs: 190,
            deadlineMs: 5_000,
            next: script([{ op: 'enqueue', value: 7 }, { op: 'dequeue' }]),
          },
          { network: { delay: constant(10) }, durationMs: 3_000 },
        ),
        { seed },
      );
      expect(result.failure).toBeUndefined();
      expect(results(result.history)).toEqual([true, 7]);
    },
  );

  it('stability: with timeouts of 498-501 ms and heartbeats every 100 ms, the leader at 20 ms still leads at 1 s', () => {
    const leaders: string[][] = [];
    const probe = (view: Parameters<NonNullable<SimulationConfig['stopWhen']>>[0]): string[] =>
      servers.filter((id) => view.state<QueueRaftState>(id)?.role === 'leader');
    let checkedAt20 = false;
    const result = simulate(
      queueCluster({ initialLeader: 'n1', electionTimeoutMs: [498, 501], heartbeatMs: 100 }, undefined, {
        durationMs: 1_000,
        stopWhen: (view) => {
          if (!checkedAt20 && view.now >= 20) {
            checkedAt20 = true;
            leaders.push(probe(view));
          }
          if (view.now >= 950) leaders[1] = probe(view);
          return false;
        },
      }),
      { seed: 4, trace: true },
    );
    expect(result.failure).toBeUndefined();
    const elections =
      result.trace?.events.filter((event) => event.type === 'log' && event.text.startsWith('leader')) ?? [];
    expect(leaders).toEqual([['n1'], ['n1']]);
    expect(elections.map((event) => ('node' in event ? event.node : ''))).toEqual(['n1']);
  });
});
