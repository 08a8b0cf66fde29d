/**
 * The explorer's web server: the built app (static files from the package) and a JSON API over
 * a session. It listens on 127.0.0.1 only: the API runs the scenario's code for whoever asks.
 *
 * API (all GET, JSON):
 * - `/api/run?path=P`: the run at the end of branch path P (`RunView`), all of it;
 * - `/api/run/summary?path=P`: that run without its events, with their count (`RunSummary`), and
 *   `/api/run/events?path=P&from=N&count=M`: M of its events from event N (`EventsPage`): the app
 *   loads a large run page by page and draws it as it arrives (event-pages.ts);
 * - `/api/moment?path=P&at=N`: the system at event N of that run, and its enabled choices;
 * or, for a `check` model: `/api/model/state?steps=0.2.1` (a state, its actions and successors)
 * and `/api/model/counterexample` (the steps of the checker's counterexample).
 * Bad requests answer 400 with `{ "error": "..." }`.
 */

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/index.js';
import { formatBranchPath, parseBranchPath, type BranchPath } from './branch-path.js';
import { eventsPage, runSummary } from './event-pages.js';
import type { RunView } from './run-view.js';
import type { MomentView } from './scenario-session.js';

/** What the server serves: a scenario's runs, or a saved trace. */
export interface ExploreSession {
  view(path: BranchPath): RunView;
  moment(path: BranchPath, index: number): MomentView;
}

/** The state space of a `check` model (model-session.ts), when the explorer browses one. */
export interface ModelExploreSession {
  state(steps: readonly number[]): unknown;
  counterexample(): readonly number[] | null;
}

/** The built web app, next to this module once compiled (dist/explore/app). */
export const APP_DIRECTORY = fileURLToPath(new URL('./app/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface RunningExplorer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts serving `session` on 127.0.0.1:`port` (0: a free port). Rejects with an InputError when
 * the port is taken.
 */
export async function startExplorer(
  session: ExploreSession | ModelExploreSession,
  options: { readonly port: number; readonly appDirectory?: string },
): Promise<RunningExplorer> {
  const appDirectory = options.appDirectory ?? APP_DIRECTORY;
  const views = new ViewCache(session);
  const server = createServer((request, response) => {
    handle(session, views, appDirectory, request, response).catch((error: unknown) => {
      send(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new InputError(`--port ${options.port}: the port is in use`)
          : error.code === 'EACCES'
            ? new InputError(`--port ${options.port}: not allowed to listen on it`)
            : error,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The runs' views, kept for the pages that follow a summary: a view is made in one pass over the
 * run (and judges its history for culprits), too much to make again for each page.
 */
class ViewCache {
  private readonly views = new Map<string, RunView>();
  constructor(private readonly session: ExploreSession | ModelExploreSession) {}

  get(path: BranchPath): RunView {
    if ('counterexample' in this.session) throw new Error('a model has no runs');
    const key = formatBranchPath(path);
    const kept = this.views.get(key);
    if (kept) return kept;
    const made = this.session.view(path);
    // A few at a time: a user compares a branch with its parent, not with every run seen.
    if (this.views.size >= VIEWS_KEPT_MAX) this.views.delete(this.views.keys().next().value as string);
    this.views.set(key, made);
    return made;
  }
}

const VIEWS_KEPT_MAX = 4;

async function handle(
  session: ExploreSession | ModelExploreSession,
  views: ViewCache,
  appDirectory: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method !== 'GET') return send(response, 405, { error: 'only GET' });
  if (url.pathname.startsWith('/api/')) {
    try {
      if ('counterexample' in session) return answerModel(session, url, response);
      const path = parseBranchPath(url.searchParams.get('path') ?? '', 'path');
      if (url.pathname === '/api/run') return send(response, 200, views.get(path));
      if (url.pathname === '/api/run/summary') return send(response, 200, runSummary(views.get(path)));
      if (url.pathname === '/api/run/events') {
        const from = Number(url.searchParams.get('from') ?? 'x');
        const count = Number(url.searchParams.get('count') ?? 'x');
        return send(response, 200, eventsPage(views.get(path), from, count));
      }
      if (url.pathname === '/api/moment') {
        const at = Number(url.searchParams.get('at') ?? 'x');
        return send(response, 200, session.moment(path, at));
      }
      return send(response, 404, { error: `no such API: ${url.pathname}` });
    } catch (error) {
      if (error instanceof InputError) return send(response, 400, { error: error.message });
      throw error;
    }
  }
  // Static files of the app; any other path is the app itself (its state is in the query).
  const relative = normalize(url.pathname).replace(/^(\.\.[/\\])+/, '');
  const file = relative === '/' || extname(relative) === '' ? 'index.html' : relative;
  try {
    const body = await readFile(join(appDirectory, file));
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    send(response, 404, { error: `not found: ${url.pathname} (is the app built? npm run build)` });
  }
}

/** `/api/model/state?steps=0.2.1` and `/api/model/counterexample`. */
function answerModel(session: ModelExploreSession, url: URL, response: ServerResponse): void {
  if (url.pathname === '/api/model/state') {
    const text = url.searchParams.get('steps') ?? '';
    if (!/^(\d+(\.\d+)*)?$/.test(text))
      throw new InputError(`steps '${text}': expected indices such as 0.2.1`);
    return send(response, 200, session.state(text === '' ? [] : text.split('.').map(Number)));
  }
  if (url.pathname === '/api/model/counterexample')
    return send(response, 200, { steps: session.counterexample() });
  return send(response, 404, { error: `no such API for a model: ${url.pathname}` });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
