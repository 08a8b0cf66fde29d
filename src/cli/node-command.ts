/**
 * `fairlink node --config CLUSTER --id ID`: runs one node of a cluster file on
 * the real network until SIGINT or SIGTERM (see docs/runtime.md).
 *
 * Output: status lines on stderr (`fairlink node n1: ...`), the protocol's
 * `log` lines on stdout as `n1: text`. Exit code 0 after a graceful stop, 1
 * when the protocol broke a rule (a finding) or storage failed, 2 for bad input.
 */

import type { Command } from 'commander';
import { checkOutputPath } from './output-paths.js';
import type { ProtocolFault } from '../core/index.js';
import { displayPath } from '../runtime/index.js';
import { launchNode, prepareCluster, type LaunchedNode } from '../runtime/index.js';
import type { CliContext } from './context.js';
import { ExitCode, type ExitCodeValue } from './usage.js';

interface NodeOptions {
  readonly config: string;
  readonly id: string;
  readonly trace?: string;
  readonly history?: string;
}

/** Registers `node` on the program. */
export function registerNodeCommand(program: Command, cli: CliContext): void {
  program
    .command('node')
    .description("run one node of a cluster file over TCP until Ctrl-C: the scenario's protocol, unchanged")
    .requiredOption('--config <FILE>', 'the cluster file (JSON; see docs/runtime.md)')
    .requiredOption('--id <ID>', 'which node of the cluster file to run')
    .option('--trace <FILE>', "write this node's trace (JSON Lines, engine runtime)")
    .option(
      '--history <FILE>',
      "write the node's client history here (default: history.jsonl in its data folder)",
    )
    .action(async (options: NodeOptions) => {
      cli.setExitCode(await nodeCommand(options, cli));
    });
}

async function nodeCommand(options: NodeOptions, cli: CliContext): Promise<ExitCodeValue> {
  if (options.trace !== undefined) checkOutputPath('--trace', options.trace);
  if (options.history !== undefined) checkOutputPath('--history', options.history);
  const cluster = await prepareCluster(options.config);
  const prefix = `fairlink node ${options.id}`;
  for (const note of cluster.plan.notes) cli.stderr.write(`${prefix}: note: ${note}\n`);

  let finish: (code: ExitCodeValue) => void = () => undefined;
  const finished = new Promise<ExitCodeValue>((resolve) => (finish = resolve));
  const launched = await launchNode(cluster, {
    id: options.id,
    ...(options.trace === undefined ? {} : { tracePath: options.trace }),
    ...(options.history === undefined ? {} : { historyPath: options.history }),
    onLog: (text) => cli.stdout.write(`${options.id}: ${text}\n`),
    onFault: (fault: ProtocolFault) => {
      cli.stderr.write(
        `${prefix}: FAULT: ${fault.kind} in ${fault.handler}: ${fault.detail} (a finding: the node stops, its state may be half-changed)\n`,
      );
      finish(ExitCode.violation);
    },
    onStorageError: (error) => {
      cli.stderr.write(`${prefix}: durable storage failed, stopping: ${error.message}\n`);
      finish(ExitCode.violation);
    },
  });
  cli.stderr.write(`${prefix}: ${describeStart(launched)}\n`);

  const stopOnSignal = (signal: NodeJS.Signals): void => {
    cli.stderr.write(`${prefix}: ${signal}, stopping\n`);
    finish(ExitCode.pass);
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  try {
    const code = await finished;
    await launched.node.stop();
    cli.stderr.write(`${prefix}: stopped; ${describeStats(launched)}\n`);
    return code;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
}

function describeStart(launched: LaunchedNode): string {
  const { node, planned, recovery, dataDirectory } = launched;
  const where = `listening on ${planned.address.host}:${planned.address.port}`;
  const protocol = `${planned.protocol.name} in group ${planned.group}`;
  const storage =
    dataDirectory === undefined
      ? 'no data folder (storage in memory: a restart is a fresh node)'
      : recovery?.existed
        ? `recovered from ${displayPath(dataDirectory)} (${node.storageKeys} keys` +
          (recovery.tornBytes > 0 ? `; ignored a torn tail of ${recovery.tornBytes} bytes` : '') +
          ')'
        : `booted with data folder ${displayPath(dataDirectory)}`;
  return `${where}, ${protocol}, ${storage}, seed ${launched.seed}`;
}

function describeStats(launched: LaunchedNode): string {
  const stats = launched.node.transportStats;
  const history =
    launched.node.recordedHistory && launched.historyPath !== undefined
      ? `; history in ${displayPath(launched.historyPath)}`
      : '';
  return (
    `${launched.node.stats.steps} steps, ${stats.messagesSent} messages sent, ${stats.messagesDelivered} delivered, ` +
    `${stats.messagesDropped} dropped, ${stats.framesRejected} frames rejected${history}`
  );
}
