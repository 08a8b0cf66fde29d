/**
 * Spawning the built `fairlink` command the way a user runs it (`npm test`
 * builds first), each time in a fresh scratch folder as working directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fairlinkBin = join(repositoryRoot, 'bin', 'fairlink.js');

/** The absolute path of a scenario in test/fixtures. */
export function fixture(name: string): string {
  return join(repositoryRoot, 'test', 'fixtures', name);
}

/** A new empty folder. */
export function scratchFolder(): string {
  return mkdtempSync(join(tmpdir(), 'fairlink-cli-'));
}

/** Every file under `folder`, as paths relative to it, sorted. */
export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

/** What a run of the command did. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How long a run may take before it is killed: a guard against hangs only, generous because a
 * busy machine can make a run ten times slower than on a quiet one.
 */
export const CLI_KILL_AFTER_MS = 120_000;

/** Runs `node <script> ...args` in `cwd` (default bin/fairlink.js), killing it after `timeoutMs`. */
export function runFairlink(
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly timeoutMs?: number;
    readonly script?: string;
    /** Added to the environment. */
    readonly env?: Readonly<Record<string, string>>;
  },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.script ?? fairlinkBin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? CLI_KILL_AFTER_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
