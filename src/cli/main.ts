/**
 * The `fairlink` command: a thin front door over the engines.
 *
 * Each subcommand lives in its own module and registers itself on the
 * program here (`registerSimCommand`, ...); to add one, write
 * `src/cli/<name>-command.ts` with a `register…Command(program, cli)` and add
 * it to {@link SUBCOMMANDS}. Only the module of the subcommand being run is
 * loaded (each pulls in its engine: loading them all cost a quarter of a
 * second of CPU before any work); help and unknown commands load them all.
 * Subcommands inherit the error handling set up
 * there (commander copies it to each command at creation). Everything a command reports as bad input
 * (an `InputError`, including commander's own usage errors) is printed as
 * one line, `fairlink: <what is wrong>`, with exit code 2 (DESIGN.md section 7).
 */

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeThrown } from '../core/index.js';
import type { CliContext, CliStream } from './context.js';
import { ExitCode, isInputError, oneLine, type ExitCodeValue } from './usage.js';

/** The package's version, read from package.json (two folders up from src/cli or dist/cli). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Registers one subcommand on the program. */
type Register = (program: Command, cli: CliContext) => void;

/** Each subcommand's name and how to load its module, in the order help lists them. */
const SUBCOMMANDS: readonly (readonly [name: string, load: () => Promise<Register>])[] = [
  ['sim', async () => (await import('./sim-command.js')).registerSimCommand],
  ['check', async () => (await import('./check-command.js')).registerCheckCommand],
  ['history', async () => (await import('./history-command.js')).registerHistoryCommand],
  ['lab1-table', async () => (await import('./lab1-table-command.js')).registerLab1TableCommand],
  ['maelstrom', async () => (await import('./maelstrom-command.js')).registerMaelstromCommand],
  ['node', async () => (await import('./node-command.js')).registerNodeCommand],
  ['cluster', async () => (await import('./cluster-command.js')).registerClusterCommand],
  ['typecheck', async () => (await import('./typecheck-command.js')).registerTypecheckCommand],
  ['init', async () => (await import('./init-command.js')).registerInitCommand],
  ['explore', async () => (await import('./explore-command.js')).registerExploreCommand],
  ['lab', async () => (await import('./lab-command.js')).registerLabCommand],
];

/**
 * The subcommands `args` needs: the one it names, or all of them when it
 * names none or an unknown one (help lists them all; a typo is answered with
 * the nearest name), and none for `--version`.
 */
function subcommandsFor(args: readonly string[]): readonly (typeof SUBCOMMANDS)[number][] {
  const name = args.find((arg) => !arg.startsWith('-'));
  if (name === undefined && (args.includes('--version') || args.includes('-V'))) return [];
  const named = SUBCOMMANDS.filter(([candidate]) => candidate === name);
  return named.length > 0 ? named : SUBCOMMANDS;
}

/** The program with the subcommands that `args` needs registered (every one by default). */
export async function createProgram(cli: CliContext, args: readonly string[] = []): Promise<Command> {
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
  const registers = await Promise.all(subcommandsFor(args).map(([, load]) => load()));
  for (const register of registers) register(program, cli);
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
  try {
    const program = await createProgram(cli, args);
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
