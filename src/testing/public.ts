/**
 * fairlink/testing: scenarios, seed sweeps and model checks as tests (vitest or node's test
 * runner), failing with the report and replay command the CLI prints.
 *
 * @module fairlink/testing
 */

export {
  checkScenarioModel,
  expectCheckPasses,
  expectScenarioPasses,
  simulateScenario,
  type CheckModelOptions,
  type ScenarioFailure,
  type ScenarioFile,
  type ScenarioParams,
  type SimulateOptions,
  type SimulateOutcome,
} from './index.js';
