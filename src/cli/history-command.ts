/**
 * `fairlink history check FILE... --model NAME`: judges recorded histories, one verdict per file.
 *
 * The work is done by `runHistoryCheck` in the history module, which returns the exit code and
 * the text instead of printing; this module only maps flags onto it.
 */

import type { Command } from 'commander';
import type { CheckerName } from '../history/index.js';
import { runHistoryCheck } from '../history/index.js';
import { InputError } from '../core/index.js';
import type { CliContext } from './context.js';
import { checkOutputPath } from './output-paths.js';
import { parseWholeNumber } from './options.js';

interface HistoryCheckFlags {
  readonly model?: string;
  readonly initial?: unknown;
  readonly format?: string;
  readonly checker?: string;
  readonly partition: boolean;
  readonly timeout?: number;
  readonly json?: boolean;
  readonly html?: string;
  readonly threads?: number;
  readonly consistencyModels?: string[];
}

const CHECKERS: readonly CheckerName[] = ['linearizable', 'sequential', 'set', 'counter', 'transactions'];

/** `--initial VALUE`: a JSON value (`0`, `"x"`, `null`, `[1, 2]`). */
function parseInitialValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError(
      `--initial ${text}: expected a JSON value, such as 0, null, '"text"' or '[1, 2]' (a string needs its quotes)`,
    );
  }
}

/** Registers `history check` on the program. */
export function registerHistoryCommand(program: Command, cli: CliContext): void {
  const history = program
    .command('history')
    .description('judge recorded histories with consistency checkers');
  history
    .command('check')
    .description(
      'is each history linearizable (or sequentially consistent, a converging set or counter, or transactions free of anomalies)?',
    )
    .argument(
      '<files...>',
      'the histories: Jepsen etcd logs, Jepsen EDN files (a map per line, or one vector), or JSON Lines',
    )
    .option(
      '--model <NAME>',
      'register, cas-register, key-value, queue, set or counter; list-append or rw-register for transactions (docs/transactions.md)',
    )
    .option(
      '--initial <VALUE>',
      'the value the register or key-value model starts from, as JSON (default null; kv: \'""\')',
      parseInitialValue,
    )
    .option('--format <FORMAT>', 'jepsen-etcd, jepsen-kv-edn or jsonl (default: from the file)')
    .option('--checker <NAME>', `${CHECKERS.join(', ')} (default linearizable)`)
    .option(
      '--consistency-models <LIST>',
      'transactions: the models to judge by, comma-separated, read-uncommitted ... strict-serializable (default strict-serializable; docs/transactions.md)',
      (text) => text.split(',').map((name) => name.trim()),
    )
    .option('--no-partition', 'check the history as one object, not key by key')
    .option('--timeout <S>', 'give up after S seconds: verdict unknown, exit 3', (text) =>
      parseWholeNumber(text, '--timeout', 1, 86_400),
    )
    .option('--threads <N>', 'worker threads for large partitioned histories', (text) =>
      parseWholeNumber(text, '--threads', 1, 64),
    )
    .option('--html <FILE>', 'draw the history (one file only): one row per client, the violation marked')
    .option('--json', 'print one JSON object on stdout (several files: per-file verdicts and a summary)')
    .action(async (files: string[], flags: HistoryCheckFlags) => {
      if (flags.checker !== undefined && !CHECKERS.includes(flags.checker as CheckerName)) {
        throw new InputError(`--checker ${flags.checker}: expected one of ${CHECKERS.join(', ')}`);
      }
      if (flags.html !== undefined) checkOutputPath('--html', flags.html);
      const output = await runHistoryCheck({
        files,
        partition: flags.partition,
        ...(flags.model === undefined ? {} : { model: flags.model }),
        ...(flags.initial === undefined ? {} : { initial: flags.initial }),
        ...(flags.format === undefined ? {} : { format: flags.format }),
        ...(flags.checker === undefined ? {} : { checker: flags.checker as CheckerName }),
        ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
        ...(flags.json === undefined ? {} : { json: flags.json }),
        ...(flags.html === undefined ? {} : { html: flags.html }),
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
        ...(flags.consistencyModels === undefined ? {} : { consistencyModels: flags.consistencyModels }),
      });
      // Bad input with nothing else to report (a usage error, or the one file given): the usual
      // one line. With several files, the others' verdicts are printed too.
      if (output.exitCode === 2 && output.stdout === '')
        throw new InputError(output.stderr.trim().replace(/^fairlink(?: history check)?: /, ''));
      cli.stdout.write(output.stdout);
      if (output.stderr) cli.stderr.write(output.stderr);
      cli.setExitCode(output.exitCode);
    });
}
