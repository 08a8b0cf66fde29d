/**
 * Lab 5's tests: a key-value store replicated by your Raft, its clients' histories judged
 * linearizable, under faults. Written by the course kit (`fairlink lab test` writes this file
 * afresh before each run: edit protocol.ts only).
 *
 *   npx fairlink sim tests/kv.ts --seeds 1..5 --param faults=crash-recover
 */
import { nodeIds } from 'fairlink/core';
import {
  keyValueWorkload,
  kvCommand,
  kvCompletion,
  linearizable,
  workloadClient,
  workloadClients,
} from 'fairlink/history';
import { kvMachine, raftSafety, type KvCommand, type KvResult } from 'fairlink/protocols';
import { defineScenario, exponential, oneOf, type RandomFaultKind, type TimedFault } from 'fairlink/sim';
import { raft } from '../protocol.js';

const FAULTS: Record<string, RandomFaultKind[]> = {
  none: [],
  'crash-recover': ['crash-recover'],
  partition: ['partition'],
  both: ['crash-recover', 'partition'],
};

export default defineScenario({
  name: 'lab5-kv',
  description: 'Lab 5: a key-value store replicated by Raft; every history must be linearizable.',
  params: {
    clients: 3,
    /** How long clients run operations (their own clock, ms), before the final reads. */
    durationMs: 2_000,
    faults: oneOf(['none', 'crash-recover', 'partition', 'both']),
    faultIntervalMs: 400,
    dropRate: 0,
    duplicateRate: 0,
    delayMs: 3,
    /** How many clients only read (the first ones); the others read and write. */
    readers: 0,
    /** A node that starts as leader of term 1 ('' for none: an election comes first). */
    initialLeader: '',
    /** With `faults: none`, n1 is cut off from the other servers (not from the clients) at this time, ms (0: never). */
    isolateN1AtMs: 0,
    isolateN1ForMs: 800,
  },
  seeds: 5,
  build: (params) => {
    const servers = nodeIds(['n1', 'n2', 'n3']);
    const server = raft({
      machine: kvMachine,
      noop: { op: 'nop' },
      electionTimeoutMs: [150, 300],
      heartbeatMs: 50,
      ...(params.initialLeader === '' ? {} : { initialLeader: params.initialLeader }),
    });
    const workload = keyValueWorkload({ keys: ['x', 'y'] });
    const readOnly = keyValueWorkload({ keys: ['x', 'y'], mix: { get: 1, put: 0, append: 0, cas: 0 } });
    const clients = workloadClients(params.clients, (client) =>
      workloadClient<KvCommand, KvResult>({
        servers,
        firstServer: servers[(client - 1) % servers.length] as string,
        client,
        workload: client <= params.readers ? readOnly : workload,
        operations: 1_000_000,
        encode: kvCommand,
        decode: kvCompletion,
        thinkMs: [5, 15],
        startMs: 600,
        retryMs: 100,
        timeoutMs: 1_000,
        final: { afterMs: params.durationMs },
      }),
    );
    const kinds = FAULTS[params.faults] ?? [];
    // The cut: n1's traffic with n2 and n3 is dropped both ways; clients still reach everyone.
    const isolateN1: TimedFault[] =
      params.isolateN1AtMs > 0
        ? [
            {
              atMs: params.isolateN1AtMs,
              fault: {
                kind: 'partition',
                shape: { kind: 'isolate', node: 'n1' },
                forMs: params.isolateN1ForMs,
              },
            },
          ]
        : [];
    return {
      nodes: { n1: server, n2: server, n3: server, ...clients },
      network: { delay: exponential(params.delayMs), drop: params.dropRate, duplicate: params.duplicateRate },
      faults:
        kinds.length > 0
          ? { kind: 'random', intervalMs: params.faultIntervalMs, durationMs: [100, 500], faults: kinds }
          : isolateN1,
      properties: [...raftSafety, linearizable(() => workload.model())],
      durationMs: params.durationMs,
      liveness: { withinMs: 5_000 },
      stopWhen: (view) =>
        view.group('clients').every((client) => view.state<{ done: boolean }>(client)?.done === true),
    };
  },
});
