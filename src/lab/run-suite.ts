/**
 * Runs a lab's suite against the student's code in the handout folder (the working directory),
 * with the library's own engines: `fairlink/testing`'s scenario sweep and model check, and plain
 * calls for `cases` tests. Each test passes for its full points or fails for none.
 */

import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import { describeThrown } from '../core/index.js';
import { shellCommand } from '../report/index.js';
import { compiledModuleUrl } from '../sim/index.js';
import type { SeedRange } from '../sim/index.js';
import { expectCheckPasses, expectScenarioPasses, ScenarioFailure } from '../testing/index.js';
import type { CasesTest, CheckTest, LabSuite, LabTest, SimulateTest } from './suite.js';

/** How one test went. */
export interface TestOutcome {
  readonly name: string;
  readonly kind: LabTest['kind'];
  readonly description: string;
  readonly points: number;
  readonly earned: number;
  /** `unknown`: a limit stopped the run before a verdict (no points). */
  readonly verdict: 'pass' | 'fail' | 'unknown';
  /** Why it failed, in one line. */
  readonly reason?: string;
  /** The command that replays the failure, to run in the handout folder. */
  readonly replay?: string;
  /** The failing run's space-time diagram (HTML), relative to the handout folder. */
  readonly diagram?: string;
  /** The engine's full report of the failure. */
  readonly report?: string;
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  /** Run only the test with this name. */
  readonly only?: string;
  /** Seeds for every `simulate` test instead of the suite's. */
  readonly seeds?: SeedRange;
  /** Called as each test finishes, for a report that grows as the tests run. */
  readonly onOutcome?: (outcome: TestOutcome) => void;
}

/** The tests `options.only` selects (all by default); `undefined` when it names no test. */
export function selectTests(suite: LabSuite, only: string | undefined): readonly LabTest[] | undefined {
  if (only === undefined) return suite.tests;
  const test = suite.tests.find((candidate) => candidate.name === only);
  return test === undefined ? undefined : [test];
}

/** Runs the selected tests one after the other. */
export async function runSuite(
  suite: LabSuite,
  tests: readonly LabTest[],
  options: RunSuiteOptions = {},
): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const test of tests) {
    const outcome = await runTest(suite.lab, test, options);
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

async function runTest(lab: number, test: LabTest, options: RunSuiteOptions): Promise<TestOutcome> {
  const base = { name: test.name, kind: test.kind, description: test.description, points: test.points };
  try {
    switch (test.kind) {
      case 'simulate':
        await simulateTest(lab, test, options.seeds);
        break;
      case 'check':
        await checkTest(lab, test);
        break;
      case 'cases':
        await casesTest(test);
        break;
    }
    return { ...base, earned: test.points, verdict: 'pass' };
  } catch (thrown) {
    if (
      thrown instanceof ScenarioFailure &&
      thrown.verdict === 'unknown' &&
      test.kind === 'check' &&
      test.bounded === true
    ) {
      // No violation up to the bound: what a bounded search test asks.
      return { ...base, earned: test.points, verdict: 'pass' };
    }
    if (thrown instanceof ScenarioFailure) {
      return {
        ...base,
        earned: 0,
        verdict: thrown.verdict === 'unknown' ? 'unknown' : 'fail',
        reason: reasonOf(thrown.report),
        ...filesOf(thrown.report, test),
        report: thrown.report,
      };
    }
    if (thrown instanceof CaseFailure) return { ...base, earned: 0, verdict: 'fail', reason: thrown.message };
    // The student's code does not load (a syntax or type-stripping error, a missing export), or
    // a case threw: a failure of this test with what went wrong, never a crash of the command.
    return { ...base, earned: 0, verdict: 'fail', reason: oneLineOf(describeThrown(thrown)) };
  }
}

/** The failing run's files under out/lab-<n>/, named by the test. */
function outputPaths(lab: number, test: LabTest): { trace: string; html: string } {
  const stem = `out/lab-${lab}/${test.name}`;
  return { trace: `${stem}.trace.jsonl`, html: `${stem}.html` };
}

async function simulateTest(lab: number, test: SimulateTest, seeds: SeedRange | undefined): Promise<void> {
  const suiteSeeds = typeof test.seeds === 'number' ? { from: test.seeds, to: test.seeds } : test.seeds;
  await expectScenarioPasses(test.scenario, {
    seeds: seeds ?? suiteSeeds,
    ...(test.params === undefined ? {} : { params: test.params }),
    ...outputPaths(lab, test),
  });
}

async function checkTest(lab: number, test: CheckTest): Promise<void> {
  await expectCheckPasses(test.scenario, {
    ...(test.params === undefined ? {} : { params: test.params }),
    ...(test.maxDepth === undefined ? {} : { maxDepth: test.maxDepth }),
    ...(test.maxStates === undefined ? {} : { maxStates: test.maxStates }),
    ...outputPaths(lab, test),
  });
}

/** A case that did not give the expected value: its message says which call and what came back. */
class CaseFailure extends Error {}

/** Calls the student's function on each case and compares with the expected value. */
async function casesTest(test: CasesTest): Promise<void> {
  const url = await compiledModuleUrl(resolve(test.module));
  const module = (await import(url)) as Record<string, unknown>;
  const fn = module[test.export];
  if (typeof fn !== 'function') {
    throw new CaseFailure(`${test.module} exports no function '${test.export}'`);
  }
  for (const { args, expect } of test.cases) {
    const call = `${test.export}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`;
    let got: unknown;
    try {
      got = (fn as (...values: unknown[]) => unknown)(...args.map((arg) => structuredClone(arg)));
    } catch (thrown) {
      throw new CaseFailure(`${call} threw ${describeThrown(thrown)}`);
    }
    // Through JSON, as the suite writes values: a record's key order and undefined fields do not count.
    const normalised: unknown = got === undefined ? undefined : JSON.parse(JSON.stringify(got));
    if (!isDeepStrictEqual(sortKeys(normalised), sortKeys(expect))) {
      throw new CaseFailure(`${call} returned ${JSON.stringify(got)}, expected ${JSON.stringify(expect)}`);
    }
  }
}

/** A JSON value with every object's keys in order, for a comparison that ignores key order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => [key, sortKeys(field)]),
  );
}

/** The verdict line of an engine's report without its `FAIL name:` head, with the reason under it. */
function reasonOf(report: string): string {
  const [first = '', second] = report.split('\n');
  const head = first.replace(/^(FAIL|UNKNOWN) [^:]*: /, '');
  // A check report puts the property's reason on the next line.
  const detail =
    second !== undefined &&
    /^ {2}\S/.test(second) &&
    !/^ {2}(stack|shortest|already|in the initial|failing|shrunk|replay|trace|diagram|ran|note)\b/.test(
      second,
    );
  return detail ? `${head}: ${second.trim()}` : head;
}

/** The replay command and the diagram a failure's report names. */
function filesOf(report: string, test: LabTest): { replay?: string; diagram?: string } {
  const line = (label: string): string | undefined =>
    report
      .split('\n')
      .find((text) => text.startsWith(`  ${label}`))
      ?.slice(label.length + 2)
      .trim();
  const diagram = line('diagram:');
  let replay = line('replay:');
  if (test.kind === 'check') {
    // The search itself, again; it writes the counterexample's trace and diagram.
    const words = ['npx', 'fairlink', 'check', test.scenario];
    for (const [name, value] of Object.entries(test.params ?? {}))
      words.push('--param', `${name}=${String(value)}`);
    if (test.maxDepth !== undefined) words.push('--max-depth', String(test.maxDepth));
    if (test.maxStates !== undefined) words.push('--max-states', String(test.maxStates));
    if (diagram !== undefined) words.push('--html', diagram);
    replay = shellCommand(words);
  }
  return { ...(replay === undefined ? {} : { replay }), ...(diagram === undefined ? {} : { diagram }) };
}

function oneLineOf(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}
