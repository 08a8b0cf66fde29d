/**
 * What the workbench tests share: the fixture nodes, fairlink's own nodes as a
 * program, short runs, and the check that no node process outlives its run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { killGroup, liveProcessGroups } from '../../src/maelstrom/node-process.js';
import type { MaelstromTestInput } from '../../src/maelstrom/options.js';
import { runMaelstromTest, type MaelstromRun } from '../../src/maelstrom/run.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The path of a fixture node (test/maelstrom/fixtures). */
export function fixture(name: string): string {
  return join(here, 'fixtures', name);
}

let bundle: Promise<string> | undefined;

/**
 * `fairlink maelstrom node` as a program, from the current sources: fairlink-node.ts bundled
 * into one file (in a fraction of a second), so that 25 nodes start as fast as plain Node
 * scripts instead of compiling TypeScript each.
 */
export function fairlinkNodeProgram(): Promise<{ command: string; args: (module: string) => string[] }> {
  bundle ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'fairlink-maelstrom-')), 'fairlink-node.mjs');
    await build({
      entryPoints: [join(here, 'fairlink-node.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      // Only needed to load a TypeScript node module, which these tests do not.
      external: ['tsx', 'tsx/*'],
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundle.then((outfile) => ({ command: process.execPath, args: (module) => [outfile, module] }));
}

/** Settings of a short test run: 3 nodes, 2 s, 20 operations per second, quick timeouts. */
export const SHORT_RUN = {
  nodeCount: 3,
  timeLimitMs: 2_000,
  rate: 20,
  recoveryMs: 500,
  requestTimeoutMs: 1_000,
  stopGraceMs: 1_000,
} as const;

/** Runs a workbench test with {@link SHORT_RUN}'s settings unless overridden, and checks nothing is left running. */
export async function runShort(input: MaelstromTestInput): Promise<MaelstromRun> {
  const run = await runMaelstromTest({ ...SHORT_RUN, ...input });
  expectNoProcessLeft(run);
  return run;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every node process of `run` has ended, and so has everything in its process group. */
export function expectNoProcessLeft(run: MaelstromRun): void {
  for (const node of run.nodes) {
    if (node.pid === undefined) continue;
    expect(groupAlive(node.pid), `process group of ${node.id} (pid ${node.pid})`).toBe(false);
    expect(liveProcessGroups()).not.toContain(node.pid);
  }
}

/**
 * For afterAll (tests of a file may run concurrently): nothing may be left running; whatever a
 * failed test left is killed, and the test file fails.
 */
export function expectNothingLeft(): void {
  const left = liveProcessGroups();
  for (const group of left) killGroup(group, 'SIGKILL');
  expect(left, 'process groups left running').toEqual([]);
}

/** The kinds of diagnostics of a run, as `node kind` strings. */
export function problems(run: MaelstromRun): string[] {
  return run.diagnostics.map((group) => `${group.node} ${group.kind}`);
}
