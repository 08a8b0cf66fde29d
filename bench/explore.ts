/**
 * The explorer at scale: a saved trace of 100,000 events over 1,000 nodes (messages between
 * random pairs, timers, a crash), opened with `fairlink explore TRACE.jsonl` (the build, as a
 * user runs it) in Debian's Chromium driven by playwright-core. Measures, in the page:
 * - time to first draw: from navigation to the first event drawn in the diagram;
 * - time to fully loaded: until the page holds every event (the progress indicator says so);
 * - a step: from a click on "forward" to the state panel showing the next event;
 * - a scroll: from a jump of the diagram's scroll position to the rows there being drawn.
 *
 * Run with `npm run build && npx tsx bench/explore.ts` (or `npm run bench`). Prints one JSON
 * object on stdout; progress goes to stderr. Without Chromium it prints `{ "skipped": ... }`.
 *
 * `FAIRLINK_EXPLORE_BEFORE_APP=DIR` compares with another build of the app (an older version's
 * dist/explore/app): both are served by this version's server and opened alternately, so that
 * the machine's load weighs on both alike.
 */

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { largeTrace } from '../test/explore/large-trace.js';
import { startExplorer, TraceSession } from '../src/explore/index.js';

const CHROMIUM = '/usr/bin/chromium';
const EVENTS = 100_000;
const NODES = 1_000;
/** Measured opens; the report gives their median. */
const RUNS = 5;
const APP = fileURLToPath(new URL('../dist/explore/app/', import.meta.url));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    process.stdout.write(`${JSON.stringify({ skipped: `no Chromium at ${CHROMIUM}` })}\n`);
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'fairlink-explore-bench-'));
  const file = join(folder, 'large.trace.jsonl');
  writeFileSync(file, largeTrace(EVENTS, NODES));
  process.stderr.write(`explore bench: ${EVENTS} events x ${NODES} nodes in ${file}\n`);
  const session = await TraceSession.open(file);
  const apps: Record<string, string> = { after: APP };
  const before = process.env.FAIRLINK_EXPLORE_BEFORE_APP;
  if (before !== undefined && before !== '') apps.before = before;
  const explorers = Object.fromEntries(
    await Promise.all(
      Object.entries(apps).map(
        async ([name, appDirectory]) =>
          [name, await startExplorer(session, { port: 0, appDirectory })] as const,
      ),
    ),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const figures: Record<
    string,
    { firstDraw: number[]; fullyLoaded: number[]; step: number[]; scroll: number[] }
  > = {};
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const [name, explorer] of Object.entries(explorers)) {
        const { firstDraw, fullyLoaded, step, scroll } = (figures[name] ??= {
          firstDraw: [],
          fullyLoaded: [],
          step: [],
          scroll: [],
        });
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const start = Date.now();
        await page.goto(`${explorer.url}?target=large.trace.jsonl`, { waitUntil: 'commit' });
        await page.locator('g.event').first().waitFor({ timeout: 120_000 });
        firstDraw.push(Date.now() - start);
        // Fully loaded: the page holds every event (the diagram's data-loaded, when it streams).
        await page.waitForFunction(
          `(() => {
            const diagram = document.querySelector('[data-testid=diagram]');
            const loaded = diagram && diagram.getAttribute('data-loaded');
            return diagram !== null && (loaded === null || Number(loaded) >= ${EVENTS});
          })()`,
          undefined,
          { timeout: 120_000, polling: 20 },
        );
        fullyLoaded.push(Date.now() - start);
        await page.getByTestId('state').waitFor({ timeout: 120_000 });
        for (let index = 0; index < 3; index++) {
          const position = await page.getByTestId('position').textContent();
          const at = Number(/event (\d+)/.exec(position ?? '')?.[1]);
          const clicked = Date.now();
          await page.getByTestId(at > 0 ? 'back' : 'forward').click();
          const next = at > 0 ? at - 1 : at + 1;
          await page.waitForFunction(
            `(document.querySelector('[data-testid=state] h3')?.textContent ?? '').includes('event ${next} ')`,
            undefined,
            { timeout: 60_000, polling: 10 },
          );
          step.push(Date.now() - clicked);
        }
        for (const fraction of [0.2, 0.4, 0.6, 0.8]) {
          // A jump of the scroll position, then animation frames until the rows there are drawn.
          const elapsed = await page.evaluate<number>(`(async () => {
            const diagram = document.querySelector('[data-testid=diagram]');
            const began = performance.now();
            diagram.scrollTop = Math.floor(diagram.scrollHeight * ${fraction});
            const row = Math.floor(diagram.scrollTop / 18);
            for (;;) {
              await new Promise((resolve) => requestAnimationFrame(resolve));
              // Drawn: the nodes' lifelines (drawn over the rows in view only) cover the row.
              const y = 24 + row * 18;
              const lifelines = [...document.querySelectorAll('[data-testid=diagram] line[stroke="#cbd5e1"]')];
              if (lifelines.some((line) => Number(line.getAttribute('y1')) <= y && Number(line.getAttribute('y2')) >= y))
                return performance.now() - began;
              if (performance.now() - began > 30000) return -1;
            }
          })()`);
          scroll.push(elapsed);
        }
        await page.close();
        process.stderr.write(
          `explore bench: ${name} ${run + 1}: first draw ${firstDraw[run]} ms, loaded ${fullyLoaded[run]} ms\n`,
        );
      }
    }
  } finally {
    await browser.close();
    await Promise.all(Object.values(explorers).map((explorer) => explorer.close()));
    rmSync(folder, { recursive: true, force: true });
  }
  const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const summary = Object.fromEntries(
    Object.entries(figures).map(([name, { firstDraw, fullyLoaded, step, scroll }]) => {
      const drawn = scroll.filter((value) => value >= 0);
      return [
        name,
        {
          firstDrawMs: median(firstDraw),
          fullyLoadedMs: median(fullyLoaded),
          stepMs: median(step),
          scrollMeanMs: drawn.length > 0 ? Math.round(mean(drawn)) : null,
          runs: { firstDraw, fullyLoaded, step, scroll: scroll.map(Math.round) },
        },
      ];
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ events: EVENTS, nodes: NODES, loadAverage: loadavg(), ...summary })}\n`,
  );
}

await main();
