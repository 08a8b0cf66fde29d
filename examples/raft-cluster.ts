/**
 * A Raft key-value store of three servers and its clients: the same file runs in the
 * simulator and, through `examples/raft-cluster.json`, as real processes over TCP.
 *
 * Each client runs the key-value workload (get, put, append, cas on `x` and `y`) on even
 * turns, and on odd turns a put to a key of its own (`w1-1`, `w1-3`, ...) with a unique
 * value. Once its clock reaches `durationMs` it stops and reads every key once: every
 * acknowledged put to a key of its own must show in that final read, so a lost acknowledged
 * write is visible by name. The whole history (Jepsen's conventions, one key per operation)
 * must be linearizable.
 *
 * What to look for: `leader of term N` lines as elections happen; in the client's history,
 * `info` operations around a leader's crash.
 *
 * Simulate it: `fairlink sim examples/raft-cluster.ts --seeds 1..20`.
 * Run it for real: `fairlink cluster up examples/raft-cluster.json` (Ctrl-C stops it); the
 * history is then in `out/raft-cluster/c1/history.jsonl`.
 */
import { nodeIds } from 'fairlink/core';
import {
  keyValueWorkload,
  kvCommand,
  kvCompletion,
  linearizable,
  workloadClient,
  workloadClients,
  type Workload,
  type WorkloadOperation,
} from 'fairlink/history';
import { kvMachine, raft, raftSafety, type KvCommand, type KvResult } from 'fairlink/protocols';
import { defineScenario, uniform } from 'fairlink/sim';

/** The key of its own that client `client` writes on turn `issued` (odd turns only). */
export function ownKey(client: number, issued: number): string {
  return `w${client}-${issued}`;
}

/**
 * The key-value workload on `x` and `y`, interleaved with puts of unique values to keys of
 * the client's own; the final operations read every key the client touched.
 */
export function durableKeyValueWorkload(): Workload {
  const shared = keyValueWorkload({ keys: ['x', 'y'] });
  return {
    name: 'kv',
    model: () => shared.model(),
    next: (input): WorkloadOperation =>
      input.issued % 2 === 1
        ? { f: 'put', key: ownKey(input.client, input.issued), value: `${input.client}.${input.issued}` }
        : shared.next(input),
    final: (input) => {
      const reads: WorkloadOperation[] = [...shared.final(input)];
      for (let issued = 1; issued < input.issued; issued += 2) {
        reads.push({ f: 'get', key: ownKey(input.client, issued), value: null });
      }
      return reads;
    },
  };
}

export default defineScenario({
  name: 'raft-cluster',
  description:
    'Three Raft servers replicating a key-value store and its clients: mixed operations, then a read of every key.',
  params: {
    clients: 1,
    /** How long clients run operations (their own clock, ms), before the final reads. */
    durationMs: 3_000,
    thinkMinMs: 5,
    thinkMaxMs: 15,
    electionMinMs: 150,
    electionMaxMs: 300,
    heartbeatMs: 50,
    retryMs: 100,
    timeoutMs: 1_000,
    /** Simulator only: mean time between faults (crash-recover and partitions), ms; 0 for none. */
    faultIntervalMs: 1_000,
  },
  seeds: 10,
  build: (params) => {
    const servers = nodeIds(['n1', 'n2', 'n3']);
    const server = raft({
      machine: kvMachine,
      noop: { op: 'nop' },
      electionTimeoutMs: [params.electionMinMs, params.electionMaxMs],
      heartbeatMs: params.heartbeatMs,
    });
    const workload = durableKeyValueWorkload();
    const clients = workloadClients(params.clients, (client) =>
      workloadClient<KvCommand, KvResult>({
        servers,
        firstServer: servers[(client - 1) % servers.length] as string,
        client,
        workload,
        // The clock, not a count, ends the ordinary operations.
        operations: 1_000_000,
        encode: kvCommand,
        decode: kvCompletion,
        thinkMs: [params.thinkMinMs, params.thinkMaxMs],
        // Let the first election happen before the first operation.
        startMs: params.electionMaxMs * 2,
        retryMs: params.retryMs,
        timeoutMs: params.timeoutMs,
        final: { afterMs: params.durationMs },
      }),
    );
    return {
      nodes: { n1: server, n2: server, n3: server, ...clients },
      // The simulator's network and faults; the runtime's are the real ones.
      network: { delay: uniform(1, 5) },
      ...(params.faultIntervalMs > 0
        ? {
            faults: {
              kind: 'random',
              intervalMs: params.faultIntervalMs,
              durationMs: [100, 600],
              faults: ['crash-recover', 'partition'],
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
