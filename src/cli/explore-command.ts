/**
 * `fairlink explore SCENARIO [--seed N | --schedule TRACE]` and `fairlink explore TRACE.jsonl`:
 * starts the explorer (src/explore) on 127.0.0.1, prints its URL, and serves until interrupted.
 * A thin command: everything it serves is the library's.
 */

import type { Command } from 'commander';
import { formatBranchPath, parseBranchPath } from '../explore/index.js';
import { ModelSession } from '../explore/index.js';
import { ScenarioSession } from '../explore/index.js';
import { browserCommand, openUrl } from '../explore/index.js';
import { startExplorer, type ExploreSession } from '../explore/index.js';
import { TraceSession } from '../explore/index.js';
import type { CliContext } from './context.js';
import { collect, parseParam, parseSeed, parseWholeNumber } from './options.js';
import { ExitCode, UsageError } from './usage.js';

interface ExploreOptions {
  readonly seed?: number;
  readonly schedule?: string;
  readonly param?: readonly string[];
  readonly port: number;
  readonly open?: boolean;
  readonly path?: string;
  readonly model?: boolean;
}

/** Registers `explore` on the program. */
export function registerExploreCommand(program: Command, cli: CliContext): void {
  program
    .command('explore')
    .description('step through a run in the browser, see every state, branch it (a local web app)')
    .argument('<target>', 'a scenario file, or a saved trace (.jsonl) to open read-only')
    .option('--seed <N>', 'the run of this seed (default 1)', (text) => parseSeed(text))
    .option('--schedule <FILE>', 'the scripted run of this trace (a `fairlink check` counterexample)')
    .option('--param <NAME=VALUE>', 'set a scenario parameter (repeatable)', collect(parseParam))
    .option('--path <STEPS>', 'open this branch (as the app\'s "copy replay command" gives it)')
    .option(
      '--port <N>',
      'port on 127.0.0.1 (default 0: a free one)',
      (text) => parseWholeNumber(text, '--port', 0, 65535),
      0,
    )
    .option('--model', "browse the state space of the scenario's `check` model instead of a run")
    .option('--open', 'open the URL in the browser (the command BROWSER names, else the platform opener)')
    .action(async (target: string, options: ExploreOptions) => {
      await exploreCommand(target, options, cli);
    });
}

async function exploreCommand(target: string, options: ExploreOptions, cli: CliContext): Promise<void> {
  if (options.seed !== undefined && options.schedule !== undefined) {
    throw new UsageError('--seed and --schedule: give one or the other');
  }
  const path = parseBranchPath(options.path ?? '', '--path');
  const isTrace = target.endsWith('.jsonl');
  if (
    isTrace &&
    (options.seed !== undefined || options.schedule !== undefined || (options.param ?? []).length > 0)
  ) {
    throw new UsageError(`${target}: a saved trace opens as it is (no --seed, --schedule or --param)`);
  }
  if (options.model === true && (isTrace || options.seed !== undefined || options.schedule !== undefined)) {
    throw new UsageError("--model browses a scenario's model: no trace, --seed or --schedule");
  }
  const session: ExploreSession | ModelSession =
    options.model === true
      ? await ModelSession.open(target, options.param ?? [])
      : isTrace
        ? await TraceSession.open(target)
        : await ScenarioSession.open({
            scenarioPath: target,
            params: options.param ?? [],
            seed: options.seed,
            schedulePath: options.schedule,
          });
  // The branch asked for must exist before anything is served.
  if (!(session instanceof ModelSession)) session.view(path);
  const explorer = await startExplorer(session, { port: options.port });
  const query = new URLSearchParams({ target });
  // What the view is of, all of it (the seed too when it is the default one): the URL says it.
  if (options.schedule !== undefined) query.set('schedule', options.schedule);
  else if (!isTrace && options.model !== true) query.set('seed', String(options.seed ?? 1));
  if (options.model === true) query.set('model', '1');
  for (const param of options.param ?? []) query.append('param', param);
  if (path.length > 0) query.set('path', formatBranchPath(path));
  const url = `${explorer.url}?${query.toString()}`;
  cli.stdout.write(`fairlink explore: serving ${target} at ${url}\n  (Ctrl-C to stop)\n`);
  if (options.open === true) {
    const command = browserCommand();
    cli.stdout.write(`  opening it with ${command}\n`);
    openUrl(url, command);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void explorer.close().then(resolve);
      // Open keep-alive connections would hold the server up.
      explorer.server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  cli.setExitCode(ExitCode.pass);
}
