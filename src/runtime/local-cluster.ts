/**
 * A local cluster: one `fairlink node` process per node of a cluster file,
 * started together and stopped together.
 *
 * Each node is a separate process, as it would be on separate hosts, so a
 * node that crashes takes nobody with it. Stopping sends SIGTERM (a graceful
 * stop: storage synced, connections closed) and, to any process still
 * running after `graceMs`, SIGKILL.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** One node process. */
export interface NodeProcess {
  readonly id: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** How to start a local cluster. */
export interface LocalClusterOptions {
  /** The `fairlink` executable script (bin/fairlink.js). */
  readonly binPath: string;
  readonly configPath: string;
  readonly ids: readonly string[];
  /** Write each node's trace as `<traceDir>/<id>.trace.jsonl`. */
  readonly traceDir?: string;
  /** Every line a node prints, with the stream it came on. */
  readonly onLine: (id: string, stream: 'stdout' | 'stderr', line: string) => void;
}

/** Starts every node. */
export function startLocalCluster(options: LocalClusterOptions): NodeProcess[] {
  return options.ids.map((id) => {
    const args = [options.binPath, 'node', '--config', options.configPath, '--id', id];
    if (options.traceDir !== undefined) args.push('--trace', join(options.traceDir, `${id}.trace.jsonl`));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream] });
      lines.on('line', (line) => options.onLine(id, stream, line));
    }
    const exited = new Promise<number | NodeJS.Signals>((resolve) => {
      child.on('error', () => resolve(1));
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 1));
    });
    return { id, child, exited };
  });
}

/**
 * Stops every node still running: SIGTERM, then SIGKILL after `graceMs`.
 * Resolves when all have exited.
 */
export async function stopLocalCluster(nodes: readonly NodeProcess[], graceMs = 5_000): Promise<void> {
  for (const node of nodes) if (isRunning(node.child)) node.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const node of nodes) if (isRunning(node.child)) node.child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(nodes.map((node) => node.exited));
  clearTimeout(timer);
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
