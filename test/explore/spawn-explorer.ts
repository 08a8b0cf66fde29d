/**
 * Starts `fairlink explore` (the built CLI, as a user runs it) on a free port and returns its URL
 * once it prints it; `stop()` ends that process by its own id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnedExplorer {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export function spawnExplorer(
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv } = {},
): Promise<SpawnedExplorer> {
  const child = spawn(process.execPath, ['bin/fairlink.js', 'explore', ...args, '--port', '0'], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return served(child);
}

/**
 * Runs a `npx fairlink explore ...` command line as a user pastes it into a shell (its quoting
 * is the shell's), with this repository's CLI for `npx fairlink`, on a free port.
 */
export function spawnExplorerCommand(command: string): Promise<SpawnedExplorer> {
  const prefix = 'npx fairlink explore ';
  if (!command.startsWith(prefix)) throw new Error(`not a fairlink explore command: ${command}`);
  const cli = `'${process.execPath}' bin/fairlink.js explore `;
  // `exec`: the shell becomes the CLI's process, so that stopping it stops the server.
  const child = spawn('/bin/sh', ['-c', `exec ${cli}${command.slice(prefix.length)} --port 0`], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return served(child);
}

/** The explorer `child` runs, once it has printed its URL. */
function served(child: ChildProcess): Promise<SpawnedExplorer> {
  let output = '';
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // The whole line: a chunk may end inside the URL.
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/\S*)\n/.exec(output);
      if (match) resolve({ url: match[1] as string, child, output: () => output, stop });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`fairlink explore exited with ${code}: ${output}`)));
  });
}
