/**
 * A student's path on the package as npm gives it, outside the repository: `fairlink lab init 1`
 * writes the handout, `npm install` installs the packed fairlink into it, the untouched skeleton
 * fails `npx fairlink lab test 1`, and fairlink's own solution dropped in passes with full points.
 *
 * Slow (a build, then an npm install): one of the long tests.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMMAND_TIMEOUT_MS,
  INSTALL_TIMEOUT_MS,
  npmInstall,
  PACK_TIMEOUT_MS,
  packFairlink,
  repositoryRoot,
  run,
  transcript,
} from './npm-project.js';

describe("lab 1's handout, on the packed package", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fairlink-lab-'));
  const handout = join(scratch, 'lab-1');

  beforeAll(async () => {
    const tarball = await packFairlink(join(scratch, 'pack'));
    const init = await run(
      process.execPath,
      [join(repositoryRoot, 'bin', 'fairlink.js'), 'lab', 'init', '1', '--fairlink-spec', `file:${tarball}`],
      scratch,
      COMMAND_TIMEOUT_MS,
    );
    expect(init.code, transcript(init)).toBe(0);
    const install = await npmInstall(handout);
    expect(install.code, transcript(install)).toBe(0);
  }, PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it(
    'the skeleton fails with clear messages; the solution passes with full points',
    async () => {
      const skeleton = await run(
        'npx',
        ['--no-install', 'fairlink', 'lab', 'test', '1'],
        handout,
        COMMAND_TIMEOUT_MS,
      );
      expect(skeleton.code, transcript(skeleton)).toBe(1);
      expect(skeleton.stdout).toMatch(/TODO \(lab 1, part 1\): reliableSender\.onBoot/);
      expect(skeleton.stdout).toMatch(/^total 0\/100 points/m);

      copyFileSync(
        join(repositoryRoot, 'labs', '1', 'solution', 'protocol.ts'),
        join(handout, 'protocol.ts'),
      );
      const solution = await run('npm', ['test'], handout, COMMAND_TIMEOUT_MS);
      expect(solution.code, transcript(solution)).toBe(0);
      expect(solution.stdout).toMatch(/^total 100\/100 points; 11 passed, 0 failed$/m);
    },
    3 * COMMAND_TIMEOUT_MS,
  );
});
