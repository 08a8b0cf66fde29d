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
  stop(): Promise<void>;
}

export function spawnExplorer(args: readonly string[]): Promise<SpawnedExplorer> {
  const child = spawn(process.execPath, ['bin/fairlink.js', 'explore', ...args, '--port', '0'], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      if (match) resolve({ url: match[1] as string, child, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`fairlink explore exited with ${code}: ${output}`)));
  });
}
