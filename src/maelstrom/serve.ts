/**
 * `fairlink maelstrom serve`: browse past results over HTTP, as Maelstrom's
 * `serve` does. The index lists every run under the store
 * (`<workload>/<timestamp>/results.json`), newest first, with its verdict and
 * links to its report pages; everything else is the store's files, served
 * read-only.
 *
 * Only files inside the store are served: a request is resolved to a real
 * path (links followed, as `latest` is one) and refused unless that path is
 * still inside the store's real path.
 */

import { createReadStream } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { escapeHtml } from '../trace/index.js';

/** One run found in the store. */
export interface StoredRun {
  /** Its folder, relative to the store: `<workload>/<timestamp>`. */
  readonly path: string;
  readonly workload: string;
  readonly startedAt: string;
  readonly verdict: string;
  /** Its reasons and notes, one line each. */
  readonly lines: readonly string[];
}

/** The runs under `store`, newest first; folders without a readable results.json are skipped. */
export async function listStoredRuns(store: string): Promise<StoredRun[]> {
  const runs: StoredRun[] = [];
  const workloads = await readdir(store, { withFileTypes: true }).catch(() => []);
  for (const workload of workloads) {
    if (!workload.isDirectory()) continue;
    const folders = await readdir(join(store, workload.name), { withFileTypes: true }).catch(() => []);
    for (const folder of folders) {
      if (!folder.isDirectory()) continue;
      const path = `${workload.name}/${folder.name}`;
      try {
        const results = JSON.parse(await readFile(join(store, path, 'results.json'), 'utf8')) as {
          verdict?: unknown;
          startedAt?: unknown;
          reasons?: unknown;
          notes?: unknown;
        };
        const texts = (value: unknown): string[] =>
          Array.isArray(value) ? value.filter((line): line is string => typeof line === 'string') : [];
        runs.push({
          path,
          workload: workload.name,
          startedAt: typeof results.startedAt === 'string' ? results.startedAt : folder.name,
          verdict: typeof results.verdict === 'string' ? results.verdict : 'unknown',
          lines: [...texts(results.reasons), ...texts(results.notes).map((note) => `note: ${note}`)],
        });
      } catch {
        // A run still being written, or not a run: not listed.
      }
    }
  }
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** The index page of the store. */
export function renderStoreIndex(runs: readonly StoredRun[]): string {
  const rows = runs.map((run) => {
    const link = (file: string, label: string): string =>
      `<a href="/${encodeURI(run.path)}/${file}">${label}</a>`;
    return (
      `<tr class="${escapeHtml(run.verdict)}"><td>${escapeHtml(run.workload)}</td>` +
      `<td>${link('', escapeHtml(run.startedAt))}</td><td>${escapeHtml(run.verdict.toUpperCase())}</td>` +
      `<td>${run.lines.map((line) => escapeHtml(line)).join('<br>')}</td>` +
      `<td>${link('summary.txt', 'summary')} ${link('messages.html', 'messages')} ` +
      `${link('history.html', 'history')} ${link('results.json', 'results.json')}</td></tr>`
    );
  });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>fairlink maelstrom: results</title>
<style>body{font-family:sans-serif}td{padding:2px 8px;vertical-align:top}.valid td:nth-child(3){color:#070}.invalid td:nth-child(3){color:#b00}.unknown td:nth-child(3){color:#a60}</style>
</head><body><h1>Maelstrom results</h1>
${runs.length === 0 ? '<p>No runs yet.</p>' : `<table><tr><th>workload</th><th>started</th><th>verdict</th><th>why</th><th>files</th></tr>\n${rows.join('\n')}\n</table>`}
</body></html>
`;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
};

/** A running results server. */
export interface ResultsServer {
  /** Its address, `http://host:port/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `store` on `host:port` (port 0: any free port). */
export async function serveResults(store: string, port: number, host: string): Promise<ResultsServer> {
  const root = await realpath(store);
  const server = createServer((request, response) => {
    handle(root, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A browser keeps connections open: they must not hold the process.
        server.closeAllConnections();
      }),
  };
}

async function handle(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://store').pathname);
  } catch {
    response.writeHead(400).end('bad path\n');
    return;
  }
  if (path === '/') {
    const html = renderStoreIndex(await listStoredRuns(root));
    response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] as string });
    response.end(request.method === 'HEAD' ? undefined : html);
    return;
  }
  const target = await realpath(join(root, path)).catch(() => undefined);
  if (target === undefined || (target !== root && !target.startsWith(root + sep))) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const info = await stat(target);
  if (info.isDirectory()) {
    const names = (await readdir(target, { withFileTypes: true })).map((entry) =>
      entry.isDirectory() ? `${entry.name}/` : entry.name,
    );
    const base = path.endsWith('/') ? path : `${path}/`;
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(path)}</title></head><body>` +
      `<h1>${escapeHtml(path)}</h1><ul><li><a href="/">all runs</a></li>` +
      names
        .sort()
        .map((name) => `<li><a href="${encodeURI(base + name)}">${escapeHtml(name)}</a></li>`)
        .join('') +
      '</ul></body></html>\n';
    response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] as string });
    response.end(request.method === 'HEAD' ? undefined : html);
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
    'content-length': info.size,
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(target).pipe(response);
}
