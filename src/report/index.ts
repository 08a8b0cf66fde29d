/**
 * report: what `fairlink sim` and `fairlink check` print and write, shared by the CLI and
 * `fairlink/testing` (which fail a test with the same report and replay command).
 */

export { checkScenario, type ScenarioCheckOutcome } from './check-run.js';
export { describeAction } from './check-text.js';
export { shellCommand, shellQuote } from './shell.js';
export { writeOutputs } from './sim-files.js';
export { formatSimText, simJson, type SimInvocation } from './sim-text.js';
