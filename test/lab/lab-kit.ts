/**
 * Handouts made by the built command in scratch folders outside the repository, with fairlink
 * linked in as `node_modules/fairlink` (the way `npm install` of a folder does): shared by the
 * course kit's tests.
 */
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  CLI_KILL_AFTER_MS,
  repositoryRoot,
  runFairlink,
  scratchFolder,
  type CliRun,
} from '../cli/run-cli.js';

/** One test of a `fairlink lab test --json` report. */
export interface JsonOutcome {
  readonly name: string;
  readonly points: number;
  readonly earned: number;
  readonly verdict: string;
  readonly reason?: string;
  readonly replay?: string;
  readonly diagram?: string;
}

/** A `fairlink lab test --json` report. */
export interface JsonReport {
  readonly earned: number;
  readonly points: number;
  readonly tests: readonly JsonOutcome[];
}

/** `fairlink lab init <lab>` into a new scratch folder; the handout's path. */
export async function initHandout(lab: number): Promise<string> {
  const scratch = scratchFolder();
  const init = await runFairlink(['lab', 'init', String(lab), 'handout'], { cwd: scratch });
  expect(init.code, init.stderr).toBe(0);
  const handout = join(scratch, 'handout');
  mkdirSync(join(handout, 'node_modules'));
  symlinkSync(repositoryRoot, join(handout, 'node_modules', 'fairlink'), 'dir');
  return handout;
}

/** Copies `labs/<lab>/<file>` over the handout's protocol.ts. */
export function dropIn(handout: string, lab: number, file: string): void {
  copyFileSync(join(repositoryRoot, 'labs', String(lab), file), join(handout, 'protocol.ts'));
}

/**
 * `fairlink lab test <lab> --json ...args` in the handout, killed after `timeoutMs` (default: the
 * CLI tests' guard against hangs).
 */
export async function gradeHandout(
  handout: string,
  lab: number,
  args: readonly string[] = [],
  timeoutMs: number = CLI_KILL_AFTER_MS,
): Promise<{ run: CliRun; report: JsonReport }> {
  const run = await runFairlink(['lab', 'test', String(lab), '--json', ...args], { cwd: handout, timeoutMs });
  expect(run.code, `fairlink lab test ${lab} was killed after ${timeoutMs} ms`).not.toBeNull();
  expect(run.stderr).toBe('');
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}

/** The names of the tests that did not pass. */
export function failedTests(report: JsonReport): string[] {
  return report.tests.filter((test) => test.verdict !== 'pass').map((test) => test.name);
}
