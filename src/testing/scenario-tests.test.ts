/**
 * `fairlink/testing`: a passing scenario passes, and a failing one throws the very report the
 * command prints (compared with the built command's output, wall-clock figures aside), replay
 * command included.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, repositoryRoot, runFairlink, scratchFolder } from '../../test/cli/run-cli.js';
import { expectCheckPasses, expectScenarioPasses, ScenarioFailure } from './index.js';

const example = (name: string): string => join(repositoryRoot, 'examples', name);

/** A report without its wall-clock figures, which differ from one run to the next. */
function withoutTimings(report: string): string {
  return report.replace(/in \d+\.\d+ s/g, 'in … s').replace(/, \d+\.\d+ s\)/g, ', … s)');
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<ScenarioFailure> {
  const thrown: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ScenarioFailure);
  return thrown as ScenarioFailure;
}

describe('fairlink/testing: scenarios as tests', () => {
  it('expectScenarioPasses resolves with the result when every seed passes', async () => {
    const result = await expectScenarioPasses(fixture('pass.ts'), { seeds: { from: 1, to: 4 }, workers: 1 });
    expect(result.verdict).toBe('pass');
    expect(result.seeds.run).toBe(4);
  });

  it("expectScenarioPasses throws `fairlink sim`'s report, replay command included, and writes the run's files", async () => {
    const folder = scratchFolder();
    const trace = join(folder, 'run.trace.jsonl');
    const html = join(folder, 'run.html');
    const failure = await rejection(
      // One worker on both sides: with two, how many seeds run past the failing one depends on timing.
      expectScenarioPasses(fixture('in-order.ts'), { seeds: { from: 1, to: 30 }, trace, html, workers: 1 }),
    );
    expect(failure.verdict).toBe('fail');
    expect(failure.message).toMatch(/^FAIL in-order: seed \d+: invariant 'arrives in order' violated/);
    expect(failure.message).toMatch(
      /^ {2}replay: {2}npx fairlink sim test\/fixtures\/in-order\.ts --schedule \S+run\.trace\.jsonl$/m,
    );
    expect(existsSync(trace) && existsSync(html)).toBe(true);

    // A path under the working directory is shown relative to it, as the user would type it.
    const command = await runFairlink(
      [
        'sim',
        'test/fixtures/in-order.ts',
        '--seeds',
        '1..30',
        '--workers',
        '1',
        '--trace',
        trace,
        '--html',
        html,
      ],
      { cwd: repositoryRoot },
    );
    expect(command.code).toBe(1);
    expect(withoutTimings(failure.report)).toBe(withoutTimings(command.stdout));
    expect(failure.message).toBe(failure.report.trimEnd());
  });

  it('expectCheckPasses resolves when every property holds on every path', async () => {
    const report = await expectCheckPasses(example('retransmit.ts'));
    expect(report).toMatch(/^PASS retransmit: every property holds/);
  });

  it("expectCheckPasses throws `fairlink check`'s report: the shortest path and the simulator replay", async () => {
    const folder = scratchFolder();
    const trace = join(folder, 'generals.trace.jsonl');
    const html = join(folder, 'generals.html');
    const failure = await rejection(
      expectCheckPasses(example('two-generals.ts'), { params: { rounds: 2 }, trace, html }),
    );
    expect(failure.verdict).toBe('violation');
    expect(failure.message).toMatch(
      /^FAIL two-generals: always property 'both attack or neither' is violated/,
    );
    expect(failure.message).toContain(
      `replay in the simulator: npx fairlink sim examples/two-generals.ts --param rounds=2 --schedule ${trace}`,
    );

    const command = await runFairlink(
      ['check', 'examples/two-generals.ts', '--param', 'rounds=2', '--trace', trace, '--html', html],
      { cwd: repositoryRoot },
    );
    expect(command.code).toBe(1);
    expect(withoutTimings(failure.report)).toBe(withoutTimings(command.stdout));
  });

  it('a scenario that does not load rejects with the bad-input message the command prints', async () => {
    await expect(expectScenarioPasses(fixture('no-default-export.ts'))).rejects.toThrow(
      /no-default-export\.ts/,
    );
  });
});
