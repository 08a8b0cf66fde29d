/**
 * `fairlink cluster up CLUSTER`: starts every node of a cluster file as its
 * own `fairlink node` process on this host, prints their output, and stops
 * them all cleanly on Ctrl-C (SIGINT) or SIGTERM (see docs/runtime.md).
 *
 * The file (and its scenario) is checked before any process starts, so bad
 * input is one line and exit code 2. Exit code 0 when every node stopped
 * cleanly, 1 when one ended on its own (a fault, a storage failure, a crash).
 */

import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { displayPath } from '../runtime/index.js';
import { prepareCluster } from '../runtime/index.js';
import { startLocalCluster, stopLocalCluster } from '../runtime/index.js';
import type { CliContext } from './context.js';
import { ExitCode, type ExitCodeValue } from './usage.js';

interface ClusterUpOptions {
  readonly traceDir?: string;
}

/** The `fairlink` script: two folders up from src/cli or dist/cli. */
const binPath = fileURLToPath(new URL('../../bin/fairlink.js', import.meta.url));

/** Registers `cluster` (with `up`) on the program. */
export function registerClusterCommand(program: Command, cli: CliContext): void {
  const cluster = program
    .command('cluster')
    .description('run a whole cluster file on this host')
    .helpCommand(false);
  cluster
    .command('up')
    .description('start every node of a cluster file as its own process; Ctrl-C stops them all')
    .argument('<cluster>', 'the cluster file (JSON; see docs/runtime.md)')
    .option('--trace-dir <DIR>', "write each node's trace to DIR/<id>.trace.jsonl")
    .action(async (configPath: string, options: ClusterUpOptions) => {
      cli.setExitCode(await clusterUp(configPath, options, cli));
    });
}

async function clusterUp(
  configPath: string,
  options: ClusterUpOptions,
  cli: CliContext,
): Promise<ExitCodeValue> {
  const prepared = await prepareCluster(configPath);
  const ids = prepared.plan.nodes.map((node) => node.id);
  let stopping = false;
  const nodes = startLocalCluster({
    binPath,
    configPath,
    ids,
    ...(options.traceDir === undefined ? {} : { traceDir: options.traceDir }),
    onLine: (_id, stream, line) => (stream === 'stdout' ? cli.stdout : cli.stderr).write(`${line}\n`),
  });
  cli.stderr.write(
    `fairlink cluster: started ${ids.length} nodes of ${configPath} (${nodes.map((node) => `${node.id} pid ${node.child.pid ?? '?'}`).join(', ')}); Ctrl-C stops them\n`,
  );

  let failed = false;
  for (const node of nodes) {
    void node.exited.then((code) => {
      if (stopping) return;
      failed = true;
      cli.stderr.write(
        `fairlink cluster: ${node.id} exited on its own (${String(code)}); the others keep running\n`,
      );
    });
  }

  let stop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) cli.stderr.write(`fairlink cluster: ${signal}, stopping ${ids.length} nodes\n`);
    stopping = true;
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await Promise.race([stopRequested, Promise.all(nodes.map((node) => node.exited))]);
    stopping = true;
    await stopLocalCluster(nodes);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const codes = await Promise.all(nodes.map((node) => node.exited));
  const unclean = nodes.filter((_, index) => codes[index] !== 0 && codes[index] !== 'SIGTERM');
  if (unclean.length > 0) failed = true;
  if (prepared.config.dataDir !== undefined) {
    cli.stderr.write(
      `fairlink cluster: stopped; data and client histories under ${displayPath(prepared.config.dataDir)}/<id>/\n`,
    );
  } else {
    cli.stderr.write('fairlink cluster: stopped\n');
  }
  return failed ? ExitCode.violation : ExitCode.pass;
}
