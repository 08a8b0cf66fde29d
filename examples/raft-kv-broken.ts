/**
 * The Raft key-value store of `raft-kv.ts` with one of three classic bugs planted, and faults
 * chosen to expose it. Each is caught by a different check:
 *
 * - `stale-reads`: a leader answers reads from its own state without confirming that it is still
 *   leader. Cut off by a partition, it keeps serving its clients the values it last knew while
 *   the majority elects a new leader and takes new writes. No Raft invariant notices (the logs
 *   are fine); the history does: the linearizability check at the end of the run shows a read
 *   that returns a value already overwritten by a write that completed before the read began.
 *   Two of the clients only read, so that they stay with a leader once they found it.
 * - `commit-old-terms`: a leader commits an entry of an earlier term by counting replicas (the
 *   paper's Figure 8). A leader that then fails before its own term's entries are replicated can
 *   be followed by one whose log holds another entry at that index, and that one overwrites it:
 *   "leader completeness" fails (a leader lacks an entry committed before its term). Sending one entry per append (`batchMax` 1) and
 *   many short partitions and pauses make the window likely.
 * - `volatile-vote`: the vote is not persisted. A node that votes, crashes and recovers in the
 *   same term votes again, for another candidate: two leaders in one term, and Election Safety
 *   fails. Short crash-recoveries every few milliseconds, and a longer run, make it likely.
 *
 * The parameters are those of `raft-kv.ts`; what each bug needs beyond them (fault kinds and
 * durations, timeouts, the client mix) is in {@link BROKEN_SETTINGS}. With `--param fixed=true`
 * the same system, faults and clients runs without the bug, and passes.
 *
 * Measured when written (seeds from 1): stale reads first fail at seed 3 (a third of the seeds
 * fail), old-term commits at seed 1 (one in ten), the volatile vote at seed 11 (one in seven; at seed 32 since Election Safety judges the present only).
 *
 * Run it: `fairlink sim examples/raft-kv-broken.ts --seeds 1..100 --param bug=volatile-vote`
 * (the campaign stops at the first failing seed and shrinks it to a short trace).
 */
import { defineScenario, oneOf } from 'fairlink/sim';
import { buildRaftKv, RAFT_KV_SETTINGS, type RaftKvSettings } from './raft-kv.js';

/** The bug names this scenario takes (`--param bug=...`; any other name is refused, naming these). */
export const BROKEN_BUGS = ['stale-reads', 'commit-old-terms', 'volatile-vote'] as const;
export type BrokenBug = (typeof BROKEN_BUGS)[number];

/** For each bug, the settings (beyond the parameters) under which it shows within a few seeds. */
export const BROKEN_SETTINGS: Readonly<Record<BrokenBug, Partial<RaftKvSettings>>> = {
  'stale-reads': {
    readers: 2,
    keys: 1,
    mix: { get: 1, put: 1, append: 0, cas: 0 },
    faultKinds: ['partition'],
    faultDurationMs: [100, 600],
    electionTimeoutMs: [50, 100],
    heartbeatMs: 20,
    thinkMs: [10, 60],
    durationMs: 3_000,
  },
  'commit-old-terms': {
    keys: 1,
    mix: { get: 0, put: 1, append: 0, cas: 0 },
    batchMax: 1,
    faultKinds: ['partition', 'pause'],
    faultDurationMs: [10, 80],
    electionTimeoutMs: [30, 50],
    heartbeatMs: 20,
    thinkMs: [0, 10],
    durationMs: 3_000,
  },
  'volatile-vote': {
    faultKinds: ['crash-recover', 'partition'],
    faultDurationMs: [5, 40],
    electionTimeoutMs: [100, 150],
    heartbeatMs: 100,
    durationMs: 10_000,
  },
};

/** The settings of a run of this scenario. */
export function brokenSettings(params: {
  readonly bug: BrokenBug;
  /** Run the bug's settings without the bug. */
  readonly fixed: boolean;
  readonly servers: number;
  readonly clients: number;
  readonly operations: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly faultIntervalMs: number;
}): RaftKvSettings {
  const { fixed, ...rest } = params;
  return { ...RAFT_KV_SETTINGS, ...BROKEN_SETTINGS[params.bug], ...rest, bug: fixed ? 'none' : params.bug };
}

export default defineScenario({
  name: 'raft-kv-broken',
  description:
    'The Raft key-value store with a classic bug planted (stale reads, committing old terms by counting, a volatile vote) and the faults that expose it.',
  params: {
    bug: oneOf(BROKEN_BUGS),
    fixed: false,
    servers: 3,
    clients: 4,
    operations: 200,
    dropRate: 0.1,
    duplicateRate: 0.02,
    faultIntervalMs: 20,
  },
  seeds: 100,
  build: (params) => buildRaftKv(brokenSettings(params)),
});
