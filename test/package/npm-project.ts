/**
 * Packing fairlink and installing it into a project of its own, outside the repository, the
 * way a user gets it: shared by the package's long tests.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Generous bounds against hangs (a cold npm cache downloads ~25 MB of dependencies). */
export const PACK_TIMEOUT_MS = 300_000;
export const INSTALL_TIMEOUT_MS = 300_000;
export const COMMAND_TIMEOUT_MS = 60_000;

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of npm and the installed command: without the `npm_*` variables of an
 * enclosing `npm run` (its package, its config), which would describe the repository and not the
 * user's project.
 */
export function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: '0' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') && key !== 'INIT_CWD') env[key] = value;
  }
  return env;
}

/** Runs `command args` in `cwd`, killed after `timeoutMs`. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd,
      env: cleanEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a failed command said, for an assertion's message. */
export function transcript(ran: Ran): string {
  return `exit ${String(ran.code)}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;
}

/** `npm pack`s the repository (which builds it, through `prepare`) into `folder`; the tarball's path. */
export async function packFairlink(folder: string): Promise<string> {
  mkdirSync(folder, { recursive: true });
  const packed = await run('npm', ['pack', '--pack-destination', folder], repositoryRoot, PACK_TIMEOUT_MS);
  if (packed.code !== 0) throw new Error(`npm pack failed\n${transcript(packed)}`);
  const tarballs = readdirSync(folder).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1)
    throw new Error(`npm pack: expected one tarball in ${folder}, found ${tarballs.length}`);
  return join(folder, tarballs[0] as string);
}

/**
 * `npm install` in `project` (with `packages`, if any): from npm's cache when it has every
 * dependency (`--offline`), from the registry otherwise.
 */
export async function npmInstall(project: string, packages: readonly string[] = []): Promise<Ran> {
  const flags = ['--no-audit', '--no-fund', '--no-package-lock'];
  const install = await run(
    'npm',
    ['install', ...packages, '--offline', ...flags],
    project,
    INSTALL_TIMEOUT_MS,
  );
  if (install.code === 0) return install;
  // Some dependency is not in npm's cache: fetch what is missing.
  console.info('package test: npm cache incomplete, installing from the registry');
  return await run(
    'npm',
    ['install', ...packages, '--prefer-offline', ...flags],
    project,
    INSTALL_TIMEOUT_MS,
  );
}
