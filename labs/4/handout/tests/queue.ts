/**
 * Lab 4's tests of Raft replicating a queue: 3 servers and a client that starts at a follower.
 * Written by the course kit (`fairlink lab test` writes this file afresh before each run: edit
 * protocol.ts only).
 *
 *   npx fairlink sim tests/queue.ts --seeds 1..5
 */
import { always, eventually, nodeIds, type SystemView } from 'fairlink/core';
import {
  queueMachine,
  raftClient,
  raftSafety,
  type QueueCommand,
  type QueueResult,
  type RaftClientState,
} from 'fairlink/protocols';
import { constant, defineScenario, exponential, oneOf, type TimedFault } from 'fairlink/sim';
import { raft, type RaftState } from '../protocol.js';

const SERVERS = nodeIds('n', 3);
type QueueRaftState = RaftState<readonly number[], QueueCommand, QueueResult>;

/** The scripts: their commands and the results they must give. */
const SCRIPTS = {
  'enqueue-dequeue-dequeue': {
    commands: [{ op: 'enqueue', value: 5 }, { op: 'dequeue' }, { op: 'dequeue' }],
    results: [true, 5, null],
  },
  'one-enqueue': { commands: [{ op: 'enqueue', value: 5 }], results: [true] },
  'three-in-three-out': {
    commands: [
      { op: 'enqueue', value: 1 },
      { op: 'enqueue', value: 2 },
      { op: 'enqueue', value: 3 },
      { op: 'dequeue' },
      { op: 'dequeue' },
      { op: 'dequeue' },
      { op: 'dequeue' },
    ],
    results: [true, true, true, 1, 2, 3, null],
  },
} as const satisfies Record<string, { commands: readonly QueueCommand[]; results: readonly QueueResult[] }>;

export default defineScenario({
  name: 'lab4-queue',
  description: 'Lab 4: a queue replicated by Raft, used through a follower.',
  params: {
    script: oneOf(['enqueue-dequeue-dequeue', 'one-enqueue', 'three-in-three-out']),
    /** Also check that no log is ever longer than 1 and, once the enqueue is done, 2 of 3 have length 1. */
    checkLogs: false,
    initialLeader: '',
    electionMinMs: 150,
    electionMaxMs: 300,
    heartbeatMs: 50,
    delay: oneOf(['constant', 'exponential']),
    delayMs: 2,
    /** Delay between two servers, ms (0: `delayMs`, as every other link). */
    peerDelayMs: 0,
    dropRate: 0,
    duplicateRate: 0,
    /** The client's first request, ms. */
    startMs: 0,
    /** A random server is cut off at 300 ms for this long (0: never). */
    partitionMs: 0,
    /** The leader-to-be n1 crashes at 300 ms and restarts this many ms later (0: never). */
    crashMs: 0,
    durationMs: 5_000,
  },
  seeds: 5,
  build: (params) => {
    const script = SCRIPTS[params.script];
    const protocol = raft({
      machine: queueMachine,
      noop: { op: 'nop' },
      electionTimeoutMs: [params.electionMinMs, params.electionMaxMs],
      heartbeatMs: params.heartbeatMs,
      ...(params.initialLeader === '' ? {} : { initialLeader: params.initialLeader }),
    });
    const client = raftClient<QueueCommand, QueueResult>({
      servers: SERVERS,
      firstServer: SERVERS[1] as (typeof SERVERS)[number],
      startMs: params.startMs,
      deadlineMs: params.durationMs,
      next: (issued) => {
        const command = script.commands[issued];
        return command === undefined
          ? null
          : { command, f: command.op, value: command.op === 'enqueue' ? command.value : null };
      },
    });
    const faults: TimedFault[] = [];
    if (params.partitionMs > 0)
      faults.push({
        atMs: 300,
        fault: { kind: 'partition', shape: { kind: 'isolate' }, forMs: params.partitionMs },
      });
    if (params.crashMs > 0)
      faults.push({ atMs: 300, fault: { kind: 'crash-recover', node: 'n1', downMs: params.crashMs } });
    const clientState = (view: SystemView) => view.state<RaftClientState<QueueCommand, QueueResult>>('c1');
    const logLengths = (view: SystemView): number[] =>
      SERVERS.map((id) => view.state<QueueRaftState>(id)?.log.length ?? 0);
    const expected = JSON.stringify(script.results);
    return {
      nodes: {
        ...Object.fromEntries(SERVERS.map((id) => [id, protocol])),
        c1: { protocol: client, group: 'clients' },
      },
      network: {
        delay: params.delay === 'constant' ? constant(params.delayMs) : exponential(params.delayMs),
        drop: params.dropRate,
        duplicate: params.duplicateRate,
        links:
          params.peerDelayMs > 0
            ? SERVERS.flatMap((from) =>
                SERVERS.filter((to) => to !== from).map((to) => ({ from, to, delay: params.peerDelayMs })),
              )
            : [],
      },
      faults,
      durationMs: params.durationMs,
      properties: [
        ...raftSafety,
        always('every result is the expected one', (view) => {
          const results = clientState(view)?.results ?? [];
          const wrong = results.findIndex((result, index) => result !== script.results[index]);
          return (
            wrong < 0 ||
            `operation ${wrong + 1} (${JSON.stringify(script.commands[wrong])}) returned ${JSON.stringify(results[wrong])}, expected ${JSON.stringify(script.results[wrong])}`
          );
        }),
        eventually(
          `the script completes with ${expected}`,
          (view) => JSON.stringify(clientState(view)?.results ?? []) === expected,
        ),
        ...(params.checkLogs
          ? [
              always(
                'no log is longer than 1',
                (view) => Math.max(...logLengths(view)) <= 1 || `log lengths ${logLengths(view).join(' ')}`,
              ),
              eventually(
                'once the enqueue is done, at least 2 of 3 logs have length 1',
                (view) =>
                  (clientState(view)?.results.length ?? 0) === 1 &&
                  logLengths(view).filter((length) => length === 1).length >= 2,
              ),
            ]
          : []),
      ],
      stopWhen: (view) => clientState(view)?.done === true,
    };
  },
});
