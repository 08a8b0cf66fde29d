import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_FORMAT, TRACE_VERSION, traceToJsonl, type TraceEvent } from '../trace/index.js';
import { EVENTS_PAGE_MAX, eventsPage, runSummary } from './event-pages.js';
import { startExplorer, type RunningExplorer } from './server.js';
import { TraceSession } from './trace-session.js';

/** A saved trace of `count` events: two nodes pinging each other. */
function pingTrace(count: number): string {
  const events: TraceEvent[] = [
    { t: 0, type: 'boot', node: 'a' },
    { t: 0, type: 'boot', node: 'b' },
  ];
  for (let n = 1; events.length < count; n++) {
    const [from, to] = n % 2 === 1 ? ['a', 'b'] : ['b', 'a'];
    events.push({ t: n, type: 'send', node: from, to: to, msg: `m${n}`, body: { n } });
    if (events.length < count) events.push({ t: n, type: 'deliver', node: to, from: from, msg: `m${n}` });
  }
  return traceToJsonl({
    header: {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      engine: 'sim',
      scenario: 'pings',
      seed: 1,
      params: {},
      nodes: ['a', 'b'].map((id) => ({ id, protocol: 'ping', group: 'nodes' })),
      config: {},
    },
    events,
  });
}

describe('a run in pages', () => {
  const folder = mkdtempSync(join(tmpdir(), 'fairlink-event-pages-'));
  const tracePath = join(folder, 'pings.trace.jsonl');
  // More than two pages' worth, and not a whole number of pages.
  const total = 2 * EVENTS_PAGE_MAX + 123;
  let session: TraceSession;
  let explorer: RunningExplorer;
  beforeAll(async () => {
    writeFileSync(tracePath, pingTrace(total));
    session = await TraceSession.open(tracePath);
    explorer = await startExplorer(session, { port: 0 });
  });
  afterAll(async () => {
    await explorer?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const get = async (api: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(new URL(api, explorer.url));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('the summary is the run without its events, with their count', async () => {
    const { status, body } = await get('/api/run/summary');
    expect(status).toBe(200);
    expect(body.eventCount).toBe(total);
    expect(body).not.toHaveProperty('events');
    expect(body).toEqual(JSON.parse(JSON.stringify(runSummary(session.view([])))));
  });

  it('the pages, put together, are the whole run; the last one is short', async () => {
    const whole = (await get('/api/run')).body.events as unknown[];
    const together: unknown[] = [];
    for (let from = 0; from < total; from += EVENTS_PAGE_MAX) {
      const { status, body } = await get(`/api/run/events?from=${from}&count=${EVENTS_PAGE_MAX}`);
      expect(status).toBe(200);
      expect(body.from).toBe(from);
      expect(body.total).toBe(total);
      together.push(...(body.events as unknown[]));
    }
    expect(together).toHaveLength(total);
    expect(together).toEqual(whole);
    expect(eventsPage(session.view([]), 2 * EVENTS_PAGE_MAX, EVENTS_PAGE_MAX).events).toHaveLength(123);
  });

  it('a page out of the run, or too large, is a bad request naming what is wrong', async () => {
    expect(await get(`/api/run/events?from=${total}&count=10`)).toEqual({
      status: 400,
      body: { error: `from=${total}: the run has events 0 to ${total - 1}` },
    });
    expect((await get('/api/run/events?from=-1&count=10')).status).toBe(400);
    expect(await get(`/api/run/events?from=0&count=${EVENTS_PAGE_MAX + 1}`)).toEqual({
      status: 400,
      body: { error: `count=${EVENTS_PAGE_MAX + 1}: expected a whole number from 1 to ${EVENTS_PAGE_MAX}` },
    });
    expect((await get('/api/run/events?from=0')).status).toBe(400);
  });
});
