/**
 * A Raft key-value store (get, put, append, compare-and-set on a few keys) under every fault the
 * simulator has: lost, duplicated and reordered messages, partitions of every shape, nodes that
 * crash and recover from their durable storage, paused nodes, clogged links and clocks that
 * jump and drift.
 *
 * Clients run a key-value workload: each one operation at a time, retrying at the next server
 * and following redirects, recording every operation as invoke, then ok or info (Jepsen's
 * conventions). A run has a safety phase with faults, then a liveness phase where faults heal
 * and every client reads every key once more. What is checked:
 * - after every step, Raft's safety properties (election safety, log matching, leader
 *   completeness, state machine safety: `raftSafety`, the same that `raft-check.ts` model-checks);
 * - at the end, that the history is linearizable (a key-value model, each key on its own);
 * - in the liveness phase, that every client's final reads succeed, all within `livenessMs`
 *   of the heal.
 *
 * Measured when written: about 12 ms of wall time per seed (1,000 seeds in 12 s on one core),
 * with per run 100 operations (4.4 of them info) and 14.5 faults: 2.5 partitions, 2.7
 * crash-recoveries, 2.9 pauses, 3.2 clogs and 3.2 clock changes.
 *
 * What to look for: in the trace, leaders elected in turn as partitions come and go, followers
 * that recover with their log and vote, and client requests redirected to the current leader;
 * in the history, `info` operations (timed out during a fault) that the checker may place
 * anywhere after their start, or nowhere.
 *
 * Run it: `fairlink sim examples/raft-kv.ts --seeds 1..1000`. The planted bugs are in
 * `examples/raft-kv-broken.ts`.
 */
import { InputError } from 'fairlink/core';
import {
  clientsProgress,
  keyValueWorkload,
  kvCommand,
  kvCompletion,
  linearizable,
  workloadClient,
  workloadClients,
} from 'fairlink/history';
import {
  kvMachine,
  raft,
  raftSafety,
  type KvCommand,
  type KvResult,
  type RaftBugs,
} from 'fairlink/protocols';
import { defineScenario, uniform, type RandomFaultKind, type SimulationConfig } from 'fairlink/sim';

/** The planted bugs, by the names `--param bug=...` takes. */
export const RAFT_BUGS: Readonly<Record<string, RaftBugs>> = {
  none: {},
  'stale-reads': { staleReads: true },
  'commit-old-terms': { commitOldTerms: true },
  'volatile-vote': { volatileVote: true },
};

/** Everything that shapes a run of the Raft key-value store. */
export interface RaftKvSettings {
  readonly servers: number;
  readonly clients: number;
  /** Operations per client, before the final reads. */
  readonly operations: number;
  readonly keys: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** Message delay, uniform in [1, delayMaxMs] ms: copies overtake each other. */
  readonly delayMaxMs: number;
  /** Mean time between faults, ms (0: no faults). */
  readonly faultIntervalMs: number;
  /** How long a fault lasts, ms. */
  readonly faultDurationMs: readonly [number, number];
  readonly faultKinds: readonly RandomFaultKind[];
  /** Length of the safety phase (with faults), ms. */
  readonly durationMs: number;
  /** The liveness phase: faults heal and every client must be served within this bound, ms. */
  readonly livenessMs: number;
  readonly electionTimeoutMs: readonly [number, number];
  readonly heartbeatMs: number;
  readonly batchMax: number;
  /** A client's pause between operations, ms. */
  readonly thinkMs: readonly [number, number];
  readonly retryMs: number;
  /** A client records `info` after this long without an answer, ms. */
  readonly timeoutMs: number;
  readonly mix: { readonly get: number; readonly put: number; readonly append: number; readonly cas: number };
  /** How many of the clients only read (the first ones); the others run `mix`. */
  readonly readers: number;
  readonly bug: string;
  /** Check linearizability at the end (the costliest check; the other checks stay on). */
  readonly checkHistory: boolean;
  /** Check after every step that node state is plain data (the simulator's default). */
  readonly checkState: boolean;
}

/** The system for a setting: servers `n1...`, clients `c1...`, and the properties it must have. */
export function buildRaftKv(settings: RaftKvSettings): SimulationConfig {
  const bugs = RAFT_BUGS[settings.bug];
  if (bugs === undefined) {
    throw new InputError(`--param bug=${settings.bug}: expected one of ${Object.keys(RAFT_BUGS).join(', ')}`);
  }
  for (const [name, value] of [
    ['servers', settings.servers],
    ['clients', settings.clients],
    ['keys', settings.keys],
  ] as const) {
    if (!(Number.isInteger(value) && value >= (name === 'clients' ? 0 : 1))) {
      throw new InputError(
        `--param ${name}=${value}: expected a whole number${name === 'clients' ? '' : ' >= 1'}`,
      );
    }
  }
  const servers = Array.from({ length: settings.servers }, (_, index) => `n${index + 1}`);
  const server = raft({
    machine: kvMachine,
    noop: { op: 'nop' },
    electionTimeoutMs: settings.electionTimeoutMs,
    heartbeatMs: settings.heartbeatMs,
    batchMax: settings.batchMax,
    bugs,
  });
  const keys = Array.from({ length: settings.keys }, (_, index) => ['x', 'y', 'z'][index] ?? `k${index + 1}`);
  const workload = keyValueWorkload({ keys, mix: settings.mix });
  const readOnly = keyValueWorkload({ keys, mix: { get: 1, put: 0, append: 0, cas: 0 } });
  const clients = workloadClients(settings.clients, (client) =>
    workloadClient<KvCommand, KvResult>({
      servers,
      // Clients start at different servers, so that a deposed leader still has clients talking to it.
      firstServer: servers[(client - 1) % servers.length] as string,
      client,
      workload: client <= settings.readers ? readOnly : workload,
      operations: settings.operations,
      encode: kvCommand,
      decode: kvCompletion,
      thinkMs: settings.thinkMs,
      retryMs: settings.retryMs,
      timeoutMs: settings.timeoutMs,
      final: { afterMs: settings.durationMs, timeoutMs: settings.livenessMs },
    }),
  );
  const network = {
    delay: uniform(1, settings.delayMaxMs),
    drop: settings.dropRate,
    duplicate: settings.duplicateRate,
  };
  return {
    nodes: { ...Object.fromEntries(servers.map((id) => [id, server])), ...clients },
    network,
    ...(settings.faultIntervalMs > 0
      ? {
          faults: {
            kind: 'random',
            intervalMs: settings.faultIntervalMs,
            durationMs: settings.faultDurationMs,
            faults: settings.faultKinds,
          },
        }
      : {}),
    properties: [
      ...raftSafety,
      ...(settings.checkHistory ? [linearizable(workload.model)] : []),
      ...(settings.clients > 0 ? [clientsProgress()] : []),
    ],
    durationMs: settings.durationMs,
    // Faults heal; the links stay lossy, as real ones do.
    liveness: { withinMs: settings.livenessMs, network },
    checkState: settings.checkState,
    stopWhen: (view) =>
      view.now >= settings.durationMs &&
      view.group('clients').every((client) => view.state<{ done: boolean }>(client)?.done === true),
  };
}

/** The settings behind the scenario's parameters. */
export const RAFT_KV_SETTINGS: Omit<
  RaftKvSettings,
  'servers' | 'clients' | 'operations' | 'dropRate' | 'duplicateRate' | 'faultIntervalMs' | 'bug'
> = {
  keys: 2,
  delayMaxMs: 10,
  faultDurationMs: [100, 600],
  faultKinds: ['partition', 'crash-recover', 'pause', 'clog', 'clock'],
  durationMs: 4_000,
  livenessMs: 3_000,
  electionTimeoutMs: [150, 300],
  heartbeatMs: 50,
  batchMax: 64,
  thinkMs: [30, 150],
  retryMs: 100,
  timeoutMs: 500,
  mix: { get: 4, put: 3, append: 1, cas: 2 },
  readers: 0,
  checkHistory: true,
  // Raft's state grows with its log, and checking it after every step would cost twice the rest
  // of a run; the Raft tests run the lab scenarios, and a few seeds of this one, with the check on.
  checkState: false,
};

export default defineScenario({
  name: 'raft-kv',
  description:
    'A 5-node Raft key-value store with 4 clients under loss, duplication, reordering, partitions, crash-recover, pauses, clogs and clock faults: every history linearizable, clients served again once faults heal.',
  params: {
    servers: 5,
    clients: 4,
    operations: 30,
    dropRate: 0.05,
    duplicateRate: 0.02,
    faultIntervalMs: 250,
    bug: 'none',
  },
  seeds: 100,
  build: (params) => buildRaftKv({ ...RAFT_KV_SETTINGS, ...params }),
});
