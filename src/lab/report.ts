/**
 * The lab report: one line per test (pass or fail, points), under each failure why it failed,
 * the command that replays it and its diagram, then the total; and the same as one JSON object
 * for autograders.
 */

import type { TestOutcome } from './run-suite.js';
import type { LabSuite } from './suite.js';

/** The report's head line. */
export function reportHead(suite: LabSuite, tests: number): string {
  return `lab ${suite.lab}: ${suite.title} (suite version ${suite.version}, ${tests} test${tests === 1 ? '' : 's'})\n`;
}

/** One test's lines. */
export function formatOutcome(outcome: TestOutcome): string {
  const status = outcome.verdict === 'pass' ? 'PASS' : outcome.verdict === 'unknown' ? 'UNKNOWN' : 'FAIL';
  const points = `${outcome.earned}/${outcome.points}`.padStart(7);
  const lines = [`${status.padEnd(7)} ${points}  ${outcome.name}: ${outcome.description}`];
  if (outcome.verdict !== 'pass') {
    if (outcome.reason !== undefined) lines.push(`          why:     ${outcome.reason}`);
    if (outcome.replay !== undefined) lines.push(`          replay:  ${outcome.replay}`);
    if (outcome.diagram !== undefined) lines.push(`          diagram: ${outcome.diagram}`);
  }
  return lines.join('\n') + '\n';
}

/** The total line. */
export function formatTotal(outcomes: readonly TestOutcome[]): string {
  const earned = outcomes.reduce((sum, outcome) => sum + outcome.earned, 0);
  const points = outcomes.reduce((sum, outcome) => sum + outcome.points, 0);
  const failed = outcomes.filter((outcome) => outcome.verdict !== 'pass').length;
  return `total ${earned}/${points} points; ${outcomes.length - failed} passed, ${failed} failed\n`;
}

/** The `--json` report. */
export function reportJson(suite: LabSuite, outcomes: readonly TestOutcome[]): Record<string, unknown> {
  return {
    lab: suite.lab,
    title: suite.title,
    suiteVersion: suite.version,
    earned: outcomes.reduce((sum, outcome) => sum + outcome.earned, 0),
    points: outcomes.reduce((sum, outcome) => sum + outcome.points, 0),
    tests: outcomes,
  };
}
