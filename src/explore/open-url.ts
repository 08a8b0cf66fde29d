/**
 * Opening the explorer's URL in the user's browser, which `fairlink explore` does only when asked
 * (`--open`). The command is the one `BROWSER` names, as xdg-open and most tools read it (its
 * first entry when it lists several, separated by `:`), else the platform's own opener. Naming it
 * is also how a test sees what would be opened, without a browser.
 */

import { spawn } from 'node:child_process';

/** The command that opens a URL here: `BROWSER`'s first entry, else the platform's opener. */
export function browserCommand(
  environment: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const named = environment.BROWSER?.split(':')[0]?.trim();
  if (named !== undefined && named !== '') return named;
  return platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer' : 'xdg-open';
}

/**
 * Runs `command URL`, detached: the explorer does not wait for the browser. A command that is
 * missing is not an error (the URL is printed for the user to open).
 */
export function openUrl(url: string, command: string = browserCommand()): void {
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
