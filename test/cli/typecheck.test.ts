/**
 * `fairlink typecheck` and `sim --typecheck` end to end: the built command, spawned as a user runs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, fixture, runFairlink, scratchFolder } from './run-cli.js';

/**
 * A scenario that runs (tsx strips types) with a type error at line 8, column 49: the message's
 * `n` is a number. Written at test time: the repository's own type-check must not see it.
 */
const WRONG_SCENARIO = `import { defineProtocol } from 'fairlink/core';
import { defineScenario } from 'fairlink/sim';

const counter = defineProtocol<{ count: number }, { readonly n: number }>({
  name: 'counter',
  init: () => ({ count: 0 }),
  onBoot(context) {
    if (context.id === 'a') context.send('b', { n: 'one' });
  },
  onMessage(context, _from, message) {
    context.state.count += message.n;
  },
});

export default defineScenario({
  name: 'wrong',
  params: {},
  build: () => ({ nodes: { a: counter, b: counter }, durationMs: 10 }),
});
`;

function wrongScenario(): { cwd: string } {
  const cwd = scratchFolder();
  writeFileSync(join(cwd, 'wrong.ts'), WRONG_SCENARIO);
  return { cwd };
}

describe('fairlink typecheck', () => {
  it('names file:line:column of a type error and exits 2', async () => {
    const { cwd } = wrongScenario();
    const run = await runFairlink(['typecheck', 'wrong.ts'], { cwd });
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "wrong.ts:8:49: Type 'string' is not assignable to type 'number'.\nfairlink: 1 type error\n",
    );
    expect(run.code).toBe(2);
  });

  it("passes a correct scenario that sends to a string literal, context.send('b', m), under strict", async () => {
    const run = await runFairlink(['typecheck', fixture('send-literal.ts'), fixture('mutates-sent.ts')], {
      cwd: scratchFolder(),
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('typecheck: 2 files, no type errors\n');
    expect(run.code).toBe(0);
  });

  it('refuses a file that is not a scenario, as bad input', async () => {
    const run = await runFairlink(['typecheck', 'missing.ts'], { cwd: scratchFolder() });
    expect(run.stderr).toBe('fairlink: missing.ts: no such file\n');
    expect(run.code).toBe(2);
  });
});

describe('fairlink sim --typecheck', () => {
  it('does not simulate a scenario with a type error', async () => {
    const { cwd } = wrongScenario();
    const checked = await runFairlink(['sim', 'wrong.ts', '--typecheck'], { cwd });
    expect(checked.stderr).toBe(
      "wrong.ts:8:49: Type 'string' is not assignable to type 'number'.\nfairlink: 1 type error: not simulated\n",
    );
    expect(checked.stdout).toBe('');
    expect(checked.code).toBe(2);
    expect(filesUnder(cwd)).toEqual(['wrong.ts']);
  });
});
