/**
 * The check behind the explorer's branches: a simulator run cut after its first k events and
 * replayed as a script with every fault (`scriptFromTrace(..., { faults: true })` and its send
 * fates) records those k events again, byte for byte. The cases are the examples under every
 * fault the simulator can inject: loss and duplication at send, crashes (for good, and with
 * recovery), partitions (timed, and healed by a `heal` fault), pauses, clogs, clock changes,
 * skewed and drifting clocks from the start, the liveness phase, a Byzantine node, choices.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import brachaScenario from '../../examples/bracha.js';
import clockSyncScenario from '../../examples/clock-sync.js';
import lotteryScenario from '../../examples/lottery.js';
import raftKvScenario, {
  buildRaftKv,
  RAFT_KV_SETTINGS,
  type RaftKvSettings,
} from '../../examples/raft-kv.js';
import brokenRaftScenario from '../../examples/raft-kv-broken.js';
import reliableSendScenario from '../../examples/reliable-send.js';
import { scriptFromTrace } from '../../src/sim/script.js';
import { simulate, type SimulationConfig } from '../../src/sim/simulator.js';
import type { TraceEvent } from '../../src/trace/index.js';

/**
 * Seeds, and where to cut a run (in `CUTS`ths of its length), drawn without fast-check's bias
 * toward small values: a cut near the start would miss the faults.
 */
export const SEED = fc.noBias(fc.integer({ min: 1, max: 1_000_000 }));
export const CUTS = 1_000;
export const CUT = fc.noBias(fc.integer({ min: 0, max: CUTS }));

export interface PrefixReplayCase {
  readonly name: string;
  readonly config: SimulationConfig;
}

const SMALL_RAFT: RaftKvSettings = {
  ...RAFT_KV_SETTINGS,
  servers: 3,
  clients: 2,
  operations: 6,
  dropRate: 0.1,
  duplicateRate: 0.05,
  faultIntervalMs: 120,
  faultKinds: ['partition', 'crash', 'crash-recover', 'pause', 'clog', 'clock'],
  durationMs: 1_500,
  livenessMs: 1_500,
  bug: 'none',
};

/** Every kind of fault at a written time, the partition healed by a `heal` fault. */
const WRITTEN_FAULTS: SimulationConfig = {
  ...buildRaftKv({ ...SMALL_RAFT, faultIntervalMs: 0 }),
  faults: [
    { atMs: 200, fault: { kind: 'partition', shape: { kind: 'isolate' } } },
    { atMs: 350, fault: { kind: 'pause', node: 'n1', forMs: 150 } },
    { atMs: 400, fault: { kind: 'clog', from: 'n2', to: 'n3', forMs: 200 } },
    { atMs: 450, fault: { kind: 'heal' } },
    { atMs: 500, fault: { kind: 'clock', node: 'n2', skewMs: 40, drift: 0.02 } },
    { atMs: 700, fault: { kind: 'crash-recover', node: 'n3', downMs: 300 } },
    { atMs: 900, fault: { kind: 'partition', shape: { kind: 'halves' }, forMs: 300 } },
    { atMs: 1_100, fault: { kind: 'crash', node: 'n1' } },
  ],
};

function example(
  name: string,
  scenario: { readonly params: object; build(params: never): SimulationConfig },
  overrides: Readonly<Record<string, unknown>> = {},
): PrefixReplayCase {
  return { name, config: scenario.build({ ...scenario.params, ...overrides } as never) };
}

export const PREFIX_REPLAY_CASES: readonly PrefixReplayCase[] = [
  { name: 'raft-kv, random faults of every kind, loss and duplication', config: buildRaftKv(SMALL_RAFT) },
  { name: 'raft-kv, written faults of every kind', config: WRITTEN_FAULTS },
  example('raft-kv-broken (stale reads, loss and duplication)', brokenRaftScenario, {
    bug: 'stale-reads',
    operations: 8,
  }),
  example('reliable-send (30% loss)', reliableSendScenario, { dropRate: 0.3, pings: 4 }),
  example('clock-sync (a skewed, drifting clock; loss)', clockSyncScenario, {
    dropRate: 0.1,
    durationMs: 3_000,
    checkFromMs: 2_000,
  }),
  example('bracha (a Byzantine sender)', brachaScenario),
  example('lottery (choices)', lotteryScenario),
];

/**
 * The broken store run to its end time (no early stop): its linearizability verdict is judged
 * then, later than its last step.
 */
export const RUN_TO_END: PrefixReplayCase = (() => {
  const { config } = example('raft-kv-broken', brokenRaftScenario, { bug: 'stale-reads', operations: 60 });
  const { stopWhen: _early, ...toTheEnd } = config;
  return { name: 'raft-kv-broken (stale reads), run to its end time', config: toTheEnd };
})();

/** The sweep's cases (script-replay.property.long.test.ts): those above, and longer runs. */
export const LONG_PREFIX_REPLAY_CASES: readonly PrefixReplayCase[] = [
  ...PREFIX_REPLAY_CASES,
  example('raft-kv as it is (5 servers, 4 clients, every fault kind)', raftKvScenario),
  example('raft-kv-broken volatile-vote (crash-recover, partitions)', brokenRaftScenario, {
    bug: 'volatile-vote',
    operations: 20,
  }),
  example('raft-kv-broken commit-old-terms (pauses, partitions)', brokenRaftScenario, {
    bug: 'commit-old-terms',
    operations: 20,
  }),
];

/**
 * Replays the first k events of `seed`'s run, k the `fraction` of its events (all of them for
 * 1), and expects the replay to record them again, byte for byte (as a trace file's lines).
 */
export function expectPrefixReplayed(entry: PrefixReplayCase, seed: number, fraction: number): void {
  const run = simulate(entry.config, { seed, trace: true, scenario: entry.name });
  const original = run.trace;
  if (original === undefined) throw new Error('a traced run has a trace');
  const k = Math.min(original.events.length, Math.floor(fraction * (original.events.length + 1)));
  const prefix = { header: original.header, events: original.events.slice(0, k) };
  const script = scriptFromTrace(prefix, `${entry.name} seed ${seed}`, undefined, { faults: true });
  const replay = simulate(entry.config, {
    seed,
    trace: true,
    scenario: entry.name,
    script: script.actions,
    scriptChoices: script.choices,
    scriptSendFates: script.sendFates,
  }).trace;
  const lines = (events: readonly TraceEvent[]): string[] => events.map((event) => JSON.stringify(event));
  const replayed = lines(replay?.events.slice(0, k) ?? []);
  const expected = lines(prefix.events);
  const differs = expected.findIndex((line, index) => replayed[index] !== line);
  expect(
    { differsAt: differs, original: expected[differs], replayed: replayed[differs] },
    `${entry.name}, seed ${seed}, first ${k} of ${original.events.length} events`,
  ).toEqual({ differsAt: -1, original: undefined, replayed: undefined });
}
