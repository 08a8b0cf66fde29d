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
import { defineScenario, exponential, oneOf, type RandomFaultKind } from 'fairlink/sim';
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
  },
  seeds: 5,
  build: (params) => {
    const servers = nodeIds(['n1', 'n2', 'n3']);
    const server = raft({
      machine: kvMachine,
      noop: { op: 'nop' },
      electionTimeoutMs: [150, 300],
      heartbeatMs: 50,
    });
    const workload = keyValueWorkload({ keys: ['x', 'y'] });
    const clients = workloadClients(params.clients, (client) =>
      workloadClient<KvCommand, KvResult>({
        servers,
        firstServer: servers[(client - 1) % servers.length] as string,
        client,
        workload,
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
    return {
      nodes: { n1: server, n2: server, n3: server, ...clients },
      network: { delay: exponential(params.delayMs), drop: params.dropRate, duplicate: params.duplicateRate },
      ...(kinds.length > 0
        ? {
            faults: {
              kind: 'random',
              intervalMs: params.faultIntervalMs,
              durationMs: [100, 500],
              faults: kinds,
            },
          }
        : {}),
      properties: [...raftSafety, linearizable(() => workload.model())],
      durationMs: params.durationMs,
      liveness: { withinMs: 5_000 },
      stopWhen: (view) =>
        view.group('clients').every((client) => view.state<{ done: boolean }>(client)?.done === true),
    };
  },
});
