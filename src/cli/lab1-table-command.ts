/**
 * `fairlink lab1-table`: the lab-1 table of tries per drop rate.
 *
 * The protocols are fairlink's own (not user code), so the trials run in this
 * thread, without a watchdog.
 */

import type { Command } from 'commander';
import { formatTriesTable, lab1TriesTable, renderTriesTableHtml } from '../lab/index.js';
import { writeFileAtomic } from '../trace/index.js';
import type { CliContext } from './context.js';
import { checkOutputPath } from './output-paths.js';
import { parseSeed, parseWholeNumber } from './options.js';
import { ExitCode, UsageError } from './usage.js';

interface Lab1TableOptions {
  readonly trials?: number;
  readonly seed?: number;
  readonly html?: string;
  readonly json?: boolean;
}

/** Registers `lab1-table` on the program. */
export function registerLab1TableCommand(program: Command, cli: CliContext): void {
  program
    .command('lab1-table')
    .description('lab 1: how many tries a reliable send takes as the drop rate grows, against the theory')
    .option('--trials <N>', 'runs per drop rate (default 100)', (text) =>
      parseWholeNumber(text, '--trials', 1, 1_000_000),
    )
    .option('--seed <N>', 'trial i runs with seed N + i (default 1)', (text) => parseSeed(text))
    .option('--html <FILE>', 'also write the table as an HTML page')
    .option('--json', 'print the rows as one JSON object on stdout')
    .action(async (options: Lab1TableOptions) => {
      if (options.html !== undefined) checkOutputPath('--html', options.html);
      const rows = lab1TriesTable({
        ...(options.trials === undefined ? {} : { trials: options.trials }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
      if (options.html !== undefined) {
        try {
          await writeFileAtomic(options.html, renderTriesTableHtml(rows));
        } catch (error) {
          throw new UsageError(`${options.html}: cannot write: ${(error as Error).message}`);
        }
      }
      if (options.json) {
        // JSON has no NaN: a statistic of no successful send is null.
        const json = JSON.stringify(
          { rows, files: options.html === undefined ? {} : { html: options.html } },
          (_, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : (value as unknown)),
        );
        cli.stdout.write(`${json}\n`);
      } else {
        cli.stdout.write(formatTriesTable(rows).replace(/\n?$/, '\n'));
        if (options.html !== undefined) cli.stdout.write(`table written to ${options.html}\n`);
      }
      cli.setExitCode(ExitCode.pass);
    });
}
