/**
 * The example failures that shrinking is tested on, and the one check every shrunk run must
 * pass (issue 16): it fails the way the original failed, is no larger on any measure (steps,
 * messages, operations, faults), and replays byte for byte from what the report hands out (its
 * schedule when the schedule was cut, else the seed and the seed-level shrink's token).
 */
import { expect } from 'vitest';
import lab1Scenario from '../../examples/lab1-kv.js';
import lotteryScenario from '../../examples/lottery.js';
import perfectLinkScenario from '../../examples/perfect-link.js';
import brokenRaftScenario from '../../examples/raft-kv-broken.js';
import twoGeneralsScenario from '../../examples/two-generals.js';
import { parseShrinkToken } from '../../src/sim/replay-token.js';
import {
  noLarger,
  scheduleShrinkable,
  scheduleSizeOf,
  shrinkSchedule,
  type ScheduleSize,
} from '../../src/sim/schedule-shrink.js';
import { sameFailure, shrinkFailure } from '../../src/sim/shrink.js';
import { scriptFromTrace } from '../../src/sim/script.js';
import { simulate, type SimulationConfig, type SimulationResult } from '../../src/sim/simulator.js';
import { traceToJsonl } from '../../src/trace/jsonl.js';

/** An example with a planted bug, and the parameters it fails under. */
export interface ShrinkCase {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly config: SimulationConfig;
}

function exampleCase(
  name: string,
  scenario: { readonly params: object; build(params: never): SimulationConfig },
  overrides: Readonly<Record<string, unknown>> = {},
): ShrinkCase {
  const params = { ...scenario.params, ...overrides };
  return { name, params, config: scenario.build(params as never) };
}

/** The examples: two safety bugs, two liveness bugs, a Raft bug of each kind of check. */
export const SHRINK_CASES = {
  twoGenerals: exampleCase('two-generals', twoGeneralsScenario),
  lottery: exampleCase('lottery', lotteryScenario),
  perfectLink: exampleCase('perfect-link', perfectLinkScenario, { durationMs: 100 }),
  lab1: exampleCase('lab1-kv', lab1Scenario, { durationMs: 300, dropRate: 0.3 }),
  staleReads: exampleCase('raft-kv-broken', brokenRaftScenario, { bug: 'stale-reads' }),
  volatileVote: exampleCase('raft-kv-broken', brokenRaftScenario, { bug: 'volatile-vote' }),
  commitOldTerms: exampleCase('raft-kv-broken', brokenRaftScenario, { bug: 'commit-old-terms' }),
} as const;

/** The budgets of one shrink, in runs (never time: the outcome must not depend on the machine). */
export interface ShrinkBudgets {
  readonly seedRuns: number;
  readonly scheduleRuns: number;
}

/** What shrinking a failing seed gave. */
export interface ShrunkCase {
  readonly failing: SimulationResult;
  readonly shrunk: SimulationResult;
  readonly before: ScheduleSize;
  readonly after: ScheduleSize;
}

/** The traced run of `seed`, when it fails. */
export function failingRun(entry: ShrinkCase, seed: number): SimulationResult | undefined {
  const result = simulate(entry.config, { seed, trace: true, scenario: entry.name, params: entry.params });
  return result.ok ? undefined : result;
}

/**
 * Shrinks `failing` as `fairlink sim` does (the seed-level shrink, then the schedule when its
 * failure allows it) and checks the shrunk run: same failure, never larger, identical replay.
 */
export function shrinkAndCheck(
  entry: ShrinkCase,
  failing: SimulationResult,
  budgets: ShrinkBudgets,
): ShrunkCase {
  const target = failing.failure as NonNullable<SimulationResult['failure']>;
  const seedLevel = shrinkFailure(entry.config, failing, {
    seed: failing.seed,
    runsMax: budgets.seedRuns,
    scenario: entry.name,
    params: entry.params,
  });
  let shrunk = seedLevel.result;
  let replayed: SimulationResult;
  const schedule = scheduleShrinkable(target)
    ? shrinkSchedule(entry.config, seedLevel.result, {
        runsMax: budgets.scheduleRuns,
        timeBudgetMs: Number.POSITIVE_INFINITY,
        scenario: entry.name,
        params: entry.params,
      })
    : undefined;
  if (schedule?.reduced) {
    shrunk = schedule.result;
    // As `fairlink sim --schedule TRACE` replays it: strictly, from the trace.
    const trace = shrunk.trace as NonNullable<SimulationResult['trace']>;
    const script = scriptFromTrace(trace, 'shrunk');
    replayed = simulate(entry.config, {
      seed: trace.header.seed,
      script: script.actions,
      scriptChoices: script.choices,
      trace: true,
      scenario: trace.header.scenario,
      params: trace.header.params,
    });
  } else {
    // As `fairlink sim --seed N --shrunk TOKEN` replays it.
    replayed = simulate(entry.config, {
      seed: failing.seed,
      trace: true,
      scenario: entry.name,
      params: entry.params,
      shrink: parseShrinkToken(seedLevel.token),
      shrunk: seedLevel.token,
    });
  }
  const before = scheduleSizeOf(failing);
  const after = scheduleSizeOf(shrunk);
  expect(sameFailure(target, shrunk.failure), `${entry.name} seed ${failing.seed}: fails the same way`).toBe(
    true,
  );
  expect(noLarger(after, before), `${entry.name} seed ${failing.seed}: never larger`).toBe(true);
  expect(traceToJsonl(replayed.trace!), `${entry.name} seed ${failing.seed}: replays identically`).toBe(
    traceToJsonl(shrunk.trace!),
  );
  return { failing, shrunk, before, after };
}
