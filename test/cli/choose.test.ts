/**
 * Nondeterministic choice end to end: `fairlink check` finds the lottery's tie, and
 * `fairlink sim --schedule` replays the checker's counterexample with the same choices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

const lottery = join(repositoryRoot, 'examples', 'lottery.ts');

/** The `choose` events of a JSON Lines trace, as node and index. */
function choicesIn(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as { type: string; node: string; index: number; of: number })
    .filter((event) => event.type === 'choose')
    .map((event) => `${event.node}:${event.index}/${event.of}`);
}

describe('fairlink check and sim --schedule with choices', () => {
  it("replays the counterexample with its choices, not the seed's (seed 0 draws other tickets)", async () => {
    const cwd = scratchFolder();
    const check = await runFairlink(['check', lottery, '--trace', 'check.jsonl'], { cwd });
    expect(check.stdout).toMatch(/^FAIL lottery: always property 'at most one leader' is violated/);
    expect(check.stdout).toContain(
      '\n  in the initial state, a chose option 1 of 4, b chose option 1 of 4\n  shortest path found, 2 steps:\n',
    );
    expect(check.code).toBe(1);
    const chosen = choicesIn(join(cwd, 'check.jsonl'));
    expect(chosen).toEqual(['a:1/4', 'b:1/4']);

    const replay = await runFairlink(
      ['sim', lottery, '--schedule', 'check.jsonl', '--trace', 'replay.jsonl'],
      {
        cwd,
      },
    );
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(
      /^FAIL lottery: the scripted replay of 2 steps violates 'at most one leader' \(invariant\) at step 2: 2 nodes lead/,
    );
    expect(replay.code).toBe(1);
    expect(choicesIn(join(cwd, 'replay.jsonl'))).toEqual(chosen);
  });

  it('passes the strict lottery, whose ties draw again on a timer', async () => {
    const run = await runFairlink(['check', lottery, '--param', 'strict=true'], { cwd: scratchFolder() });
    expect(run.stdout).toMatch(/^PASS lottery: every property holds/);
    expect(run.code).toBe(0);
  });
});
