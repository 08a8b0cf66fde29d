/**
 * `fairlink lab list | init N [DIR] | test N`: the course kit. `init` writes lab N's handout (the
 * lab's text, a skeleton protocol, the tests) into a new folder; `test`, run in that folder,
 * grades the student's protocol with the lab's suite (labs/<n>/suite.json in the package).
 */

import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  handoutMarker,
  requireHandout,
  refreshHandoutTests,
  shippedHandoutFiles,
  HANDOUT_MARKER,
  HANDOUT_TESTS,
} from '../lab/index.js';
import { formatOutcome, formatTotal, reportHead, reportJson } from '../lab/index.js';
import { runSuite, selectTests } from '../lab/index.js';
import { labNumbers, loadSuite, totalPoints } from '../lab/index.js';
import { shellQuote } from '../report/index.js';
import type { CliContext } from './context.js';
import { writeNewProject } from './init-command.js';
import { defaultFairlinkSpec, packageNameOf, projectPackageJson, projectTsconfig } from './init-project.js';
import { parseSeedRange } from './options.js';
import { ExitCode, UsageError } from './usage.js';

interface InitOptions {
  readonly fairlinkSpec?: string;
}

interface TestOptions {
  readonly test?: string;
  readonly seeds?: string;
  readonly json?: boolean;
}

/** Registers `lab` and its subcommands on the program. */
export function registerLabCommand(program: Command, cli: CliContext): void {
  const lab = program
    .command('lab')
    .description("the course kit: lab handouts, graded by the lab's tests against your own protocol");
  lab
    .command('list')
    .description('list the labs, with their tests and points')
    .action(() => {
      for (const number of labNumbers()) {
        const suite = loadSuite(number);
        cli.stdout.write(
          `lab ${number}: ${suite.title} (${suite.tests.length} tests, ${totalPoints(suite)} points)\n`,
        );
      }
      cli.setExitCode(ExitCode.pass);
    });
  lab
    .command('init')
    .description("write lab N's handout into a new or empty folder: README, skeleton protocol.ts, tests")
    .argument('<N>', 'the lab number')
    .argument('[dir]', 'a new or empty folder (default: lab-N)')
    .option(
      '--fairlink-spec <SPEC>',
      'what the handout depends on fairlink as: a version range, a tarball or a folder (default ^this version)',
    )
    .action((n: string, dir: string | undefined, options: InitOptions) => {
      const number = parseLab(n);
      const folder = dir ?? `lab-${number}`;
      const suite = loadSuite(number);
      const scripts = { test: `fairlink lab test ${number}`, typecheck: 'fairlink typecheck protocol.ts' };
      const files: [string, string][] = [
        ...shippedHandoutFiles(number),
        [HANDOUT_MARKER, handoutMarker(number, suite.title)],
        [
          'package.json',
          projectPackageJson(
            packageNameOf(basename(resolve(folder))),
            options.fairlinkSpec ?? defaultFairlinkSpec(),
            scripts,
          ),
        ],
        ['tsconfig.json', projectTsconfig(['*.ts', `${HANDOUT_TESTS}/*.ts`])],
        ['.gitignore', 'node_modules\nout\n'],
      ];
      writeNewProject(folder, files);
      cli.stdout.write(
        `wrote lab ${number}'s handout (${files.length} files) in ${folder}\n` +
          `next: cd ${shellQuote(folder)} && npm install, read README.md, write protocol.ts, then npx fairlink lab test ${number}\n`,
      );
      cli.setExitCode(ExitCode.pass);
    });
  lab
    .command('test')
    .description("grade the protocol in this handout folder with lab N's tests")
    .argument('<N>', 'the lab number')
    .option('--test <NAME>', 'run only this test')
    .option('--seeds <A..B>', "seeds for every simulated test, instead of the suite's")
    .option('--json', 'print one JSON report on stdout (for autograders)')
    .action(async (n: string, options: TestOptions) => {
      const number = parseLab(n);
      const suite = loadSuite(number);
      const folder = process.cwd();
      requireHandout(folder, number);
      const tests = selectTests(suite, options.test);
      if (tests === undefined) {
        throw new UsageError(
          `--test ${options.test ?? ''}: lab ${number} has no such test (its tests: ${suite.tests.map((test) => test.name).join(', ')})`,
        );
      }
      const seeds = options.seeds === undefined ? undefined : parseSeedRange(options.seeds);
      refreshHandoutTests(folder, number);
      if (!options.json) cli.stdout.write(reportHead(suite, tests.length));
      const outcomes = await runSuite(suite, tests, {
        ...(seeds === undefined ? {} : { seeds }),
        ...(options.json ? {} : { onOutcome: (outcome) => cli.stdout.write(formatOutcome(outcome)) }),
      });
      if (options.json) cli.stdout.write(`${JSON.stringify(reportJson(suite, outcomes), null, 2)}\n`);
      else cli.stdout.write(formatTotal(outcomes));
      cli.setExitCode(
        outcomes.every((outcome) => outcome.verdict === 'pass') ? ExitCode.pass : ExitCode.violation,
      );
    });
}

/** A lab number as typed: a whole number naming a lab the package ships. */
function parseLab(text: string): number {
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!labNumbers().includes(number)) {
    throw new UsageError(
      `lab '${text}': no such lab (the labs are ${labNumbers().join(', ')}; see fairlink lab list)`,
    );
  }
  return number;
}
