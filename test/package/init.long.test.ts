/**
 * A newcomer's path, end to end, on the package as npm gives it: `fairlink init` writes a project
 * in a folder of its own (outside the repository, so fairlink's own lint and tests never see it),
 * `npm install` installs the packed fairlink into it, and then, as the README says: simulate
 * (`npx fairlink sim`), test (`npm test`), check (`npx fairlink check`); write (break the
 * protocol), test again and look (the failing run's diagram, and the replay command that
 * reproduces it).
 *
 * Slow (a build, then an npm install): one of the long tests.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
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

/** `npm test` in the project: a sweep of 100 seeds and a model check, on a busy machine. */
const PROJECT_TEST_TIMEOUT_MS = 240_000;

describe('a new project from `fairlink init`, on the packed package', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fairlink-init-'));
  const project = join(scratch, 'my-protocol');

  beforeAll(async () => {
    const tarball = await packFairlink(join(scratch, 'pack'));
    // The command the user runs first; the packed build is this repository's (npm pack built it).
    const init = await run(
      process.execPath,
      [
        join(repositoryRoot, 'bin', 'fairlink.js'),
        'init',
        'my-protocol',
        '--fairlink-spec',
        `file:${tarball}`,
      ],
      scratch,
      COMMAND_TIMEOUT_MS,
    );
    expect(init.code, transcript(init)).toBe(0);
    const install = await npmInstall(project);
    expect(install.code, transcript(install)).toBe(0);
  }, PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it(
    "runs the README's commands: simulate, test, check, and each passes",
    async () => {
      const readme = readFileSync(join(project, 'README.md'), 'utf8');
      expect(readme).toContain('npx fairlink sim scenario.ts');
      const simulated = await run(
        'npx',
        ['--no-install', 'fairlink', 'sim', 'scenario.ts'],
        project,
        COMMAND_TIMEOUT_MS,
      );
      expect(simulated.code, transcript(simulated)).toBe(0);
      expect(simulated.stdout).toMatch(/^PASS retransmit: 100 seeds \(1\.\.100\), no violation/);

      // The files as written type-check under strict, against the installed fairlink's types.
      const typechecked = await run(
        'npx',
        ['--no-install', 'fairlink', 'typecheck', 'scenario.ts'],
        project,
        COMMAND_TIMEOUT_MS,
      );
      expect(typechecked.code, transcript(typechecked)).toBe(0);

      const tested = await run('npm', ['test'], project, PROJECT_TEST_TIMEOUT_MS);
      expect(tested.code, transcript(tested)).toBe(0);
      // vitest colours its summary whatever FORCE_COLOR says.
      expect(stripVTControlCharacters(tested.stdout)).toMatch(/Tests\s+2 passed/);

      const checked = await run(
        'npx',
        ['--no-install', 'fairlink', 'check', 'scenario.ts'],
        project,
        COMMAND_TIMEOUT_MS,
      );
      expect(checked.code, transcript(checked)).toBe(0);
      expect(checked.stdout).toMatch(/^PASS retransmit: every property holds/);
    },
    PROJECT_TEST_TIMEOUT_MS + 2 * COMMAND_TIMEOUT_MS,
  );

  it(
    'a broken protocol fails its test with the report, a diagram to look at and a replay command that reproduces it',
    async () => {
      // The newcomer's edit: a receiver that never acknowledges.
      const protocolFile = join(project, 'protocol.ts');
      const protocol = readFileSync(protocolFile, 'utf8');
      const ack = "context.send(from, { type: 'ack' });";
      expect(protocol).toContain(ack);
      writeFileSync(protocolFile, protocol.replace(ack, ''));

      const tested = await run('npm', ['test'], project, PROJECT_TEST_TIMEOUT_MS);
      expect(tested.code, transcript(tested)).not.toBe(0);
      const output = stripVTControlCharacters(tested.stdout + tested.stderr);
      expect(output).toContain("FAIL retransmit: seed 1: 'the sender gets an ack' never held");
      expect(output).toMatch(/property 'the sender gets an ack' is violated/);
      const replay = /replay: {2}(npx fairlink sim scenario\.ts --seed 1 \S.*)$/m.exec(output)?.[1];
      expect(replay, output).toBeDefined();
      const diagram = /--html (\S+)/.exec(replay ?? '')?.[1] ?? '';
      expect(existsSync(join(project, diagram)), diagram).toBe(true);

      // Look: the printed command replays the failing run.
      const words = (replay ?? '').split(' ');
      const replayed = await run('npx', ['--no-install', ...words.slice(1)], project, COMMAND_TIMEOUT_MS);
      expect(replayed.code, transcript(replayed)).toBe(1);
      expect(replayed.stdout).toContain("FAIL retransmit: seed 1: 'the sender gets an ack' never held");
    },
    PROJECT_TEST_TIMEOUT_MS + COMMAND_TIMEOUT_MS,
  );
});
