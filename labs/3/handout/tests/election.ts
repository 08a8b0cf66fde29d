/**
 * Labs 3's tests of Raft's election: 3 servers, no clients. Written by the course kit
 * (`fairlink lab test` writes this file afresh before each run: edit protocol.ts only).
 *
 *   npx fairlink sim tests/election.ts --seeds 1..5
 *   npx fairlink check tests/election.ts --max-depth 12
 */
import { actorModel } from 'fairlink/check';
import { always, nodeIds, type Property, type SystemView } from 'fairlink/core';
import { queueMachine, raftSafety, type QueueCommand, type QueueResult } from 'fairlink/protocols';
import { constant, defineScenario, exponential, oneOf, type TimedFault } from 'fairlink/sim';
import { raft, type RaftState } from '../protocol.js';

const SERVERS = nodeIds('n', 3);
type QueueRaftState = RaftState<readonly number[], QueueCommand, QueueResult>;

function server(view: SystemView, id: string): QueueRaftState | undefined {
  return view.state<QueueRaftState>(id);
}

/** An `always` property judged once, when the run ends. */
function atEnd(name: string, holds: (view: SystemView) => true | string): Property {
  return { ...always(name, holds), judgedAtEnd: true };
}

export default defineScenario({
  name: 'lab3-election',
  description: "Labs 3: Raft's election over 3 servers: one leader, named by all, and a stable one.",
  params: {
    /** `agree`: at the end all name the same single leader; `stable`: n1 (initial leader) leads throughout. */
    expect: oneOf(['agree', 'stable']),
    electionMinMs: 150,
    electionMaxMs: 300,
    /** n1's own election timeout, ms (0: the common range). */
    n1TimeoutMs: 0,
    heartbeatMs: 50,
    initialLeader: '',
    delay: oneOf(['constant', 'exponential']),
    delayMs: 2,
    dropRate: 0,
    duplicateRate: 0,
    /** A random server is cut off at 500 ms for this long (0: never). */
    partitionMs: 0,
    /** n2 crashes at 300 ms and restarts this many ms later (0: never). */
    crashMs: 0,
    durationMs: 1_000,
    /** For the model check: the election timeout's range is [1, modelTimeoutMaxMs]. */
    modelTimeoutMaxMs: 2,
  },
  seeds: 5,
  build: (params) => {
    const protocol = raft({
      machine: queueMachine,
      noop: { op: 'nop' },
      electionTimeoutMs: [params.electionMinMs, params.electionMaxMs],
      ...(params.n1TimeoutMs > 0
        ? { electionTimeoutByNode: { n1: [params.n1TimeoutMs, params.n1TimeoutMs] } }
        : {}),
      heartbeatMs: params.heartbeatMs,
      ...(params.initialLeader === '' ? {} : { initialLeader: params.initialLeader }),
    });
    const faults: TimedFault[] = [];
    if (params.partitionMs > 0)
      faults.push({
        atMs: 500,
        fault: { kind: 'partition', shape: { kind: 'isolate' }, forMs: params.partitionMs },
      });
    if (params.crashMs > 0)
      faults.push({ atMs: 300, fault: { kind: 'crash-recover', node: 'n2', downMs: params.crashMs } });
    const leaders = (view: SystemView): string[] =>
      SERVERS.filter((id) => server(view, id)?.role === 'leader' && view.isUp(id));
    return {
      nodes: Object.fromEntries(SERVERS.map((id) => [id, protocol])),
      network: {
        delay: params.delay === 'constant' ? constant(params.delayMs) : exponential(params.delayMs),
        drop: params.dropRate,
        duplicate: params.duplicateRate,
      },
      faults,
      durationMs: params.durationMs,
      properties: [
        ...raftSafety,
        params.expect === 'agree'
          ? atEnd('at the end, all servers name the same single leader', (view) => {
              const named = SERVERS.map((id) => server(view, id)?.leader ?? null);
              const current = leaders(view);
              return (
                (current.length === 1 && named.every((leader) => leader === current[0])) ||
                `leaders: [${current.join(', ')}]; named: [${named.join(', ')}]`
              );
            })
          : always(
              'the leader at 20 ms (n1) leads throughout',
              (view) =>
                view.now < 20 ||
                (leaders(view).join(',') === 'n1' && server(view, 'n1')?.term === 1) ||
                `at ${view.now} ms the leaders are [${leaders(view).join(', ')}], n1 is in term ${server(view, 'n1')?.term}`,
            ),
      ],
    };
  },
  // Every interleaving of an election among 3 servers (timers fire in any order; messages may be
  // lost and reordered): at most one leader per term.
  model: (params) =>
    actorModel({
      nodes: Object.fromEntries(
        SERVERS.map((id) => [
          id,
          raft({
            machine: queueMachine,
            noop: { op: 'nop' },
            electionTimeoutMs: [1, params.modelTimeoutMaxMs],
            heartbeatMs: 1,
          }),
        ]),
      ),
      network: { semantics: 'unordered', lossy: true },
      properties: [
        always('no two leaders in one term', (view) => {
          const leaderOf = new Map<number, string>();
          for (const id of SERVERS) {
            const state = server(view, id);
            if (state?.role !== 'leader') continue;
            const other = leaderOf.get(state.term);
            if (other !== undefined) return `${other} and ${id} both lead term ${state.term}`;
            leaderOf.set(state.term, id);
          }
          return true;
        }),
      ],
    }),
});
