/**
 * `fairlink typecheck FILE...`: type-checks scenario files against fairlink's
 * types before they run (running never checks types: see typecheck.ts). Each
 * error is one line, `file:line:column: message`, on stderr; exit 2 when there
 * is any, 0 when there is none.
 */

import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { formatTypeError, typecheckScenarios } from './typecheck.js';
import { ExitCode, type ExitCodeValue } from './usage.js';

/** Registers `typecheck` on the program. */
export function registerTypecheckCommand(program: Command, cli: CliContext): void {
  program
    .command('typecheck')
    .description("type-check scenario files (and what they import) against fairlink's types, under strict")
    .argument('<files...>', 'scenario files (.ts, .mts, .js or .mjs)')
    .action((files: string[]) => {
      cli.setExitCode(typecheckCommand(files, cli, 'typecheck'));
    });
}

/**
 * Type-checks `files`, printing the errors; the exit code says whether there
 * was any. `sim --typecheck` runs this before it simulates.
 */
export function typecheckCommand(
  files: readonly string[],
  cli: CliContext,
  command: 'typecheck' | 'sim',
): ExitCodeValue {
  const result = typecheckScenarios(files);
  for (const error of result.errors) cli.stderr.write(`${formatTypeError(error)}\n`);
  if (result.errors.length > 0) {
    const count = `${result.errors.length} type error${result.errors.length === 1 ? '' : 's'}`;
    cli.stderr.write(`fairlink: ${count}${command === 'sim' ? ': not simulated' : ''}\n`);
    return ExitCode.input;
  }
  if (command === 'typecheck') {
    const count = result.filesChecked;
    cli.stdout.write(`typecheck: ${count} file${count === 1 ? '' : 's'}, no type errors\n`);
  }
  return ExitCode.pass;
}
