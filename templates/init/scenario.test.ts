/**
 * The scenario as tests: `npm test` simulates it over many seeds and model-checks it. A failure
 * prints the same report as `npx fairlink sim` or `npx fairlink check`, with the command that
 * replays it and the files to look at (under out/).
 */
import { test } from 'vitest';
import { expectCheckPasses, expectScenarioPasses } from 'fairlink/testing';

/** A guard against hangs, not a measurement: a sweep takes seconds, more on a busy machine. */
const TIMEOUT_MS = 120_000;

test(
  'the properties hold over 100 simulated runs with loss and random delays',
  async () => {
    await expectScenarioPasses('scenario.ts', { seeds: { from: 1, to: 100 } });
  },
  TIMEOUT_MS,
);

test(
  'the properties hold on every interleaving (model check)',
  async () => {
    await expectCheckPasses('scenario.ts');
  },
  TIMEOUT_MS,
);
