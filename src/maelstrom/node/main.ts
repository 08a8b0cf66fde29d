/**
 * `fairlink maelstrom node MODULE`, minus the command line: load the protocol,
 * run it over the process's stdin/stdout until stdin ends.
 */

import { loadNodeProtocol } from '../nodes/index.js';
import { runMaelstromNode, type NodeAdapterOptions } from './adapter.js';

/** Where the node writes: messages to `stdout`, logs to `stderr`. */
export interface NodeOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Runs the node `module` (a built-in name or a module path) on this process's
 * stdin. Resolves with the exit code: 0 when stdin ended, 1 after a protocol fault.
 * A module that cannot be loaded rejects with an `InputError`.
 */
export async function runNodeProcess(
  module: string,
  output: NodeOutput,
  options: NodeAdapterOptions = {},
): Promise<number> {
  const protocol = await loadNodeProtocol(module);
  const code = await runMaelstromNode(
    protocol,
    { input: process.stdin, output: output.stdout, log: (line) => output.stderr.write(`${line}\n`) },
    options,
  );
  // Nothing more will be read: let the process end even if stdin stays open.
  process.stdin.destroy();
  return code;
}
