/**
 * `fairlink init DIR`: the project it writes, and the folders it refuses. The project's own
 * `npm install && npm test` runs in test/package/init.long.test.ts; here, its scenario is run
 * through `fairlink/testing` as its test runs it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCheckPasses, expectScenarioPasses } from '../../src/testing/index.js';
import { filesUnder, repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

const PROJECT_FILES = [
  '.gitignore',
  'README.md',
  'package.json',
  'protocol.ts',
  'scenario.test.ts',
  'scenario.ts',
  'tsconfig.json',
];

const version = (
  JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string }
).version;

describe('fairlink init', () => {
  it('writes a project that depends on this fairlink: protocol, scenario, test, README, package files', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['init', 'My Protocol'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "next: cd 'My Protocol' && npm install && npx fairlink sim scenario.ts && npm test",
    );
    const project = join(cwd, 'My Protocol');
    expect(filesUnder(project)).toEqual(PROJECT_FILES);
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      name: string;
      type: string;
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.name).toBe('my-protocol');
    expect(manifest.type).toBe('module');
    expect(manifest.scripts['test']).toBe('vitest run');
    expect(manifest.devDependencies['fairlink']).toBe(`^${version}`);
    expect(manifest.devDependencies['vitest']).toMatch(/^\^\d/);
    const tsconfig = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext' });
    // The README's three commands.
    const commands = /```sh\n([^`]*)```/.exec(readFileSync(join(project, 'README.md'), 'utf8'))?.[1] ?? '';
    expect(
      commands
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('#')[0]?.trim()),
    ).toEqual(['npm install', 'npx fairlink sim scenario.ts', 'npm test']);
    expect(readFileSync(join(project, 'scenario.test.ts'), 'utf8')).toContain("from 'fairlink/testing'");
  });

  it('writes into the current folder when it is empty, with the fairlink it is told to use', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['init', '--fairlink-spec', 'file:../fairlink-0.1.0.tgz'], { cwd });
    expect(run.code).toBe(0);
    expect(filesUnder(cwd)).toEqual(PROJECT_FILES);
    const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies['fairlink']).toBe('file:../fairlink-0.1.0.tgz');
  });

  it('refuses a folder that is not empty, or a file: one line, exit 2, nothing written', async () => {
    const cwd = scratchFolder();
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine\n');
    writeFileSync(join(cwd, 'a-file'), 'mine\n');
    const taken = await runFairlink(['init', 'taken'], { cwd });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(
      'fairlink: taken: the folder is not empty (1 entry); init writes only into a new or empty folder\n',
    );
    const file = await runFairlink(['init', 'a-file'], { cwd });
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('fairlink: a-file: is a file; init writes a new project into a folder\n');
    expect(taken.stdout + file.stdout).toBe('');
    expect(filesUnder(cwd)).toEqual(['a-file', 'taken/notes.txt']);
  });

  it("the project's scenario passes its seed sweep and its model check, as its test runs them", async () => {
    const scenario = new URL('../../templates/init/scenario.ts', import.meta.url);
    const result = await expectScenarioPasses(scenario, { seeds: { from: 1, to: 20 } });
    expect(result.seeds.run).toBe(20);
    expect(await expectCheckPasses(scenario)).toMatch(/^PASS retransmit: every property holds/);
  });
});
