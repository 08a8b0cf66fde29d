/**
 * Schedule shrinking of the broken Raft key-value store's failures, run as `fairlink sim` runs
 * it: a campaign on worker threads (the seeds, the seed-level shrink, then the schedule cut
 * within its run budget). The cut run must fail the same way, be no larger than the failing
 * run on any measure, and replay from its trace byte for byte. The budgets are counted in runs
 * (the time guard is set out of reach), so the figures are the same on every machine: they are
 * pinned.
 *
 * Figures (steps, messages, operations, faults; first failing seed in 1..40, default budgets,
 * Raft's safety judged over the present state): stale-reads (seed 3) 1,225, 1,075, 120, 8 ->
 * 40, 43, 6, 0 (707 runs); commit-old-terms (seed 1) 1,032, 999, 28, 66 -> 19, 31, 4, 0 (409
 * runs); volatile-vote (seed 32) 39, 28, 4, 6 -> 7, 14, 4, 2 (8 steps while a replay still
 * judged properties right after a fault, which the seeded run never does): each at a fixpoint,
 * and within issue 16's 60 steps. Before each step kept its choices and each delivery named the step
 * that sent it, stale-reads stopped at 144 steps and commit-old-terms at 161: leaving out a
 * client operation shifted the draws of every later one, and a message whose content changed
 * (a log index one lower) was stood in for by the oldest of its kind, often one long stale.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import brokenScenario from '../../examples/raft-kv-broken.js';
import { traceToJsonl } from '../trace/index.js';
import { runCampaign } from './campaign.js';
import { noLarger } from './schedule-shrink.js';
import { scriptFromTrace } from './script.js';
import { simulate } from './simulator.js';

const example = fileURLToPath(new URL('../../examples/raft-kv-broken.ts', import.meta.url));

describe('schedule shrinking of the broken Raft key-value store', () => {
  it.each([
    ['stale-reads', 3, [1225, 1075, 120, 8], [40, 43, 6, 0]],
    ['commit-old-terms', 1, [1032, 999, 28, 66], [19, 31, 4, 0]],
    ['volatile-vote', 32, [39, 28, 4, 6], [7, 14, 4, 2]],
  ] as const)(
    'bug=%s: the cut run fails the same way, is smaller, and replays byte for byte',
    async (bug, seed, before, after) => {
      const result = await runCampaign({
        scenarioPath: example,
        params: [`bug=${bug}`],
        seeds: { from: seed, to: seed },
        // Out of reach: the run budget (the default) decides, on any machine.
        shrinkTimeMs: 3_600_000,
      });
      expect(result.verdict).toBe('fail');
      expect(result.failure?.seed).toBe(seed);
      const shrunk = result.shrunk;
      expect(shrunk?.schedule).toBeDefined();
      if (shrunk === undefined) return;
      const sizes = (size: typeof shrunk.sizes.before): number[] => [
        size.steps,
        size.messages,
        size.operations,
        size.faults,
      ];
      expect(noLarger(shrunk.sizes.after, shrunk.sizes.before)).toBe(true);
      expect(sizes(shrunk.sizes.before)).toEqual(before);
      expect(sizes(shrunk.sizes.after)).toEqual(after);
      expect(shrunk.sizes.after.steps).toBeLessThanOrEqual(60);
      const trace = result.trace as NonNullable<typeof result.trace>;
      const params = { ...brokenScenario.params, bug };
      // As `fairlink sim --schedule TRACE` replays it: the actions and each node's choices.
      const script = scriptFromTrace(trace, 'reported');
      const replayed = simulate(brokenScenario.build(params), {
        seed: trace.header.seed,
        script: script.actions,
        scriptChoices: script.choices,
        trace: true,
        scenario: trace.header.scenario,
        params: trace.header.params,
      });
      expect(replayed.failure?.kind).toBe(result.failure?.kind);
      expect(traceToJsonl(replayed.trace!)).toBe(traceToJsonl(trace));
    },
    // A guard against a hang: 2,000 Raft runs take minutes on a busy machine.
    1_200_000,
  );
});
