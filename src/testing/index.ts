/**
 * Scenarios as tests: one call runs a scenario's seed sweep, or model-checks it, inside any test
 * runner (vitest, node:test, ...), and a failure throws an Error whose message is exactly the
 * report `fairlink sim` or `fairlink check` prints, replay command included, with the failing
 * run's trace and diagram written where the command would write them.
 *
 * ```ts
 * import { test } from 'vitest';
 * import { expectCheckPasses, expectScenarioPasses } from 'fairlink/testing';
 *
 * test('the link delivers under loss', async () => {
 *   await expectScenarioPasses('scenarios/link.ts', { seeds: { from: 1, to: 200 } });
 * });
 * test('every interleaving is safe', async () => {
 *   await expectCheckPasses('scenarios/link.ts', { params: { messages: 2 } });
 * });
 * ```
 *
 * Scenario paths are read from the working directory, as the command reads them (a test runner
 * starts in the project's folder); a `URL` such as `new URL('./link.ts', import.meta.url)` works
 * from anywhere.
 *
 * @module
 */
export {
  checkScenarioModel,
  expectCheckPasses,
  expectScenarioPasses,
  ScenarioFailure,
  simulateScenario,
  type CheckModelOptions,
  type ScenarioFile,
  type ScenarioParams,
  type SimulateOptions,
  type SimulateOutcome,
} from './scenario-tests.js';
