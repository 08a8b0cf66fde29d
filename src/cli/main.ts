/**
 * The `fairlink` command: a thin front door over the engines.
 *
 * Each subcommand lives in its own module and registers itself on the
 * program here (`registerSimCommand`, ...); to add one, write
 * `src/cli/<name>-command.ts` with a `register…Command(program, cli)` and add
 * it to {@link createProgram}. Subcommands inherit the error handling set up
 * there (commander copies it to each command at creation). Everything a command reports as bad input
 * (an `InputError`, including commander's own usage errors) is printed as
 * one line, `fairlink: <what is wrong>`, with exit code 2 (DESIGN.md section 7).
 */

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeThrown } from '../core/errors.js';
import type { CliContext, CliStream } from './context.js';
import { registerClusterCommand } from './cluster-command.js';
import { registerCheckCommand } from './check-command.js';
import { registerHistoryCommand } from './history-command.js';
import { registerLab1TableCommand } from './lab1-table-command.js';
import { registerMaelstromCommand } from './maelstrom-command.js';
import { registerNodeCommand } from './node-command.js';
import { registerSimCommand } from './sim-command.js';
import { registerTypecheckCommand } from './typecheck-command.js';
import { ExitCode, isInputError, oneLine, type ExitCodeValue } from './usage.js';

/** The package's version, read from package.json (two folders up from src/cli or dist/cli). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The program with every subcommand registered. */
export function createProgram(cli: CliContext): Command {
  const program = new Command('fairlink')
    .description(
      'Write a distributed protocol once as deterministic handlers; simulate it, check it, draw it.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.stdout.write(text),
      writeErr: (text) => cli.stderr.write(text),
      // Errors are printed by `main`, as one line.
      outputError: () => undefined,
    });
  registerSimCommand(program, cli);
  registerCheckCommand(program, cli);
  registerHistoryCommand(program, cli);
  registerLab1TableCommand(program, cli);
  registerMaelstromCommand(program, cli);
  registerNodeCommand(program, cli);
  registerClusterCommand(program, cli);
  registerTypecheckCommand(program, cli);
  return program;
}

/** Standard streams and `process.exitCode`. */
export function processContext(): CliContext & { exitCode: () => ExitCodeValue } {
  let code: ExitCodeValue = ExitCode.pass;
  return {
    stdout: process.stdout as CliStream,
    stderr: process.stderr as CliStream,
    setExitCode: (value) => {
      code = value;
    },
    exitCode: () => code,
  };
}

/**
 * Runs the command line `args` (without `node` and the script) and returns
 * the exit code. Never throws.
 */
export async function main(
  args: readonly string[],
  cli: CliContext & { exitCode: () => ExitCodeValue } = processContext(),
): Promise<number> {
  const program = createProgram(cli);
  try {
    await program.parseAsync(args, { from: 'user' });
    return cli.exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end this way, with exit code 0.
      if (error.exitCode === 0) return ExitCode.pass;
      // Help shown because no subcommand was given: it is on stderr already.
      if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') return ExitCode.input;
      cli.stderr.write(`fairlink: ${oneLine(error.message.replace(/^error: /, ''))}\n`);
      return ExitCode.input;
    }
    if (isInputError(error)) {
      cli.stderr.write(`fairlink: ${oneLine(error.message)}\n`);
      return ExitCode.input;
    }
    const stack = error instanceof Error && error.stack !== undefined ? error.stack : describeThrown(error);
    cli.stderr.write(`fairlink: internal error (please report it): ${stack}\n`);
    return ExitCode.internal;
  }
}
