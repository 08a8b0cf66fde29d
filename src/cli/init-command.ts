/**
 * `fairlink init [DIR]`: writes a new protocol project that depends on fairlink (see
 * init-project.ts for what it holds). It writes only into a folder that is new or empty, so
 * nothing of the user's is ever overwritten; a folder that is not is bad input, with nothing
 * written.
 */

import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { shellQuote } from '../report/index.js';
import type { CliContext } from './context.js';
import { defaultFairlinkSpec, packageNameOf, projectFiles } from './init-project.js';
import { ExitCode, UsageError } from './usage.js';

interface InitOptions {
  readonly fairlinkSpec?: string;
}

/** Registers `init` on the program. */
export function registerInitCommand(program: Command, cli: CliContext): void {
  program
    .command('init')
    .description('write a new protocol project: a protocol, a scenario with its properties, and a test')
    .argument('[dir]', 'a new or empty folder (default: the current folder)', '.')
    .option(
      '--fairlink-spec <SPEC>',
      'what the project depends on fairlink as: a version range, a tarball or a folder (default ^this version)',
    )
    .action((dir: string, options: InitOptions) => {
      initProject(dir, options, cli);
      cli.setExitCode(ExitCode.pass);
    });
}

function initProject(dir: string, options: InitOptions, cli: CliContext): void {
  const folder = resolve(dir);
  const files = projectFiles(packageNameOf(basename(folder)), options.fairlinkSpec ?? defaultFairlinkSpec());
  writeNewProject(dir, files);
  const cd = dir === '.' ? '' : `cd ${shellQuote(dir)} && `;
  cli.stdout.write(
    `wrote ${files.map(([path]) => path).join(', ')} in ${dir === '.' ? 'this folder' : dir}\n` +
      `next: ${cd}npm install && npx fairlink sim scenario.ts && npm test\n`,
  );
}

/**
 * Writes `files` (paths relative to the folder, in subfolders too) into `dir`, which must be new
 * or empty: all of them, or none and a usage error.
 */
export function writeNewProject(dir: string, files: readonly (readonly [string, string])[]): void {
  const folder = resolve(dir);
  checkFolder(dir, folder);
  const existed = statOf(folder) !== undefined;
  try {
    mkdirSync(folder, { recursive: true });
    for (const [path, content] of files) {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), content, { flag: 'wx' });
    }
  } catch (error) {
    // All or nothing: a project missing a file would fail in ways that do not point here.
    // The folder was empty: what is in it now is ours.
    if (existed)
      for (const entry of readdirSync(folder)) rmSync(join(folder, entry), { recursive: true, force: true });
    else rmSync(folder, { recursive: true, force: true });
    throw new UsageError(`${dir}: cannot write the project: ${(error as Error).message}`);
  }
}

/** The folder must be new, or an empty folder. */
function checkFolder(dir: string, folder: string): void {
  const stats = statOf(folder);
  if (stats === undefined) return;
  if (!stats.isDirectory())
    throw new UsageError(`${dir}: is a file; init writes a new project into a folder`);
  const entries = readdirSync(folder);
  if (entries.length > 0) {
    const count = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
    throw new UsageError(
      `${dir}: the folder is not empty (${count}); init writes only into a new or empty folder`,
    );
  }
}

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
