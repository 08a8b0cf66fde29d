/**
 * Benchmark of shrinking (issue 16): for each example failure, the failing run as the seeds
 * found it and as `fairlink sim` reports it (handler steps, messages, client operations,
 * faults), and how long shrinking took. Each failure runs as `fairlink sim` runs it: a campaign
 * on worker threads, the seed-level shrink, then the schedule cut within its run budget (the
 * sizes are then the same on every machine; only the times vary). Prints ONE JSON object.
 *
 *   npx tsx bench/shrink.ts   # BENCH_SHRINK_RUNS=2000 (the schedule's run budget), BENCH_SHRINK_TIME_S=600 (its guard)
 */
import { fileURLToPath } from 'node:url';
import { runCampaign } from '../src/sim/campaign.js';
import { SCHEDULE_SHRINK_RUNS_DEFAULT } from '../src/sim/schedule-shrink.js';

interface Case {
  readonly name: string;
  readonly example: string;
  readonly params: readonly string[];
  /** The target for the reported run's handler steps. */
  readonly stepsTarget: number;
}

const CASES: readonly Case[] = [
  { name: 'two-generals', example: 'two-generals.ts', params: [], stepsTarget: 20 },
  {
    name: 'perfect-link (durationMs=100)',
    example: 'perfect-link.ts',
    params: ['durationMs=100'],
    stepsTarget: 20,
  },
  {
    name: 'lab-1 (durationMs=300, dropRate=0.3)',
    example: 'lab1-kv.ts',
    params: ['durationMs=300', 'dropRate=0.3'],
    stepsTarget: 20,
  },
  ...['stale-reads', 'commit-old-terms', 'volatile-vote'].map((bug) => ({
    name: `raft-kv-broken (bug=${bug})`,
    example: 'raft-kv-broken.ts',
    params: [`bug=${bug}`],
    stepsTarget: 60,
  })),
];

const shrinkScheduleRunsMax = Number(process.env['BENCH_SHRINK_RUNS'] ?? SCHEDULE_SHRINK_RUNS_DEFAULT);
const shrinkTimeMs = Number(process.env['BENCH_SHRINK_TIME_S'] ?? 600) * 1000;
const results: Record<string, unknown>[] = [];
for (const entry of CASES) {
  process.stderr.write(`shrink: ${entry.name}\n`);
  const startedMs = performance.now();
  const result = await runCampaign({
    scenarioPath: fileURLToPath(new URL(`../examples/${entry.example}`, import.meta.url)),
    params: entry.params,
    shrinkTimeMs,
    shrinkScheduleRunsMax,
  });
  const wallMs = Math.round(performance.now() - startedMs);
  const shrunk = result.shrunk;
  results.push({
    name: entry.name,
    verdict: result.verdict,
    seed: result.failure?.seed ?? null,
    failure: result.failure?.kind ?? null,
    before: shrunk?.sizes.before ?? null,
    after: shrunk?.sizes.after ?? null,
    scheduleCut: shrunk?.schedule !== undefined,
    stepsTarget: entry.stepsTarget,
    met: shrunk !== undefined && shrunk.sizes.after.steps <= entry.stepsTarget,
    scheduleShrinkMs: shrunk?.schedule?.wallMs ?? null,
    scheduleRuns: shrunk?.schedule?.attempts ?? null,
    scheduleStoppedBy: shrunk?.schedule?.stoppedBy ?? null,
    campaignMs: wallMs,
    summary: shrunk?.summary ?? result.notes.join('; '),
  });
}
process.stdout.write(
  `${JSON.stringify({ shrinkScheduleRunsMax, shrinkTimeGuardS: shrinkTimeMs / 1000, results })}\n`,
);
