/**
 * The diagram page in a real browser (Debian's Chromium, driven by playwright-core): what the
 * page script does on opening and on the toolbar's buttons, which no test of the HTML text sees.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longFailingTrace } from '../../test/support/long-failing-trace.js';
import { renderTraceHtml } from './html.js';

/** The browser: Debian's package by default. */
const CHROMIUM = process.env.FAIRLINK_CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  const file = join(mkdtempSync(join(tmpdir(), 'fairlink-html-')), 'long.html');
  writeFileSync(file, renderTraceHtml(longFailingTrace()));
  await page.goto(pathToFileURL(file).href);
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Where the failure's line is, against the part of the diagram in view (right of the node names).
 * Browser code is given as text: this project's TypeScript has no DOM types.
 */
async function failureInView(): Promise<{ inView: boolean; selected: boolean; scrollLeft: number }> {
  return page.evaluate(`(() => {
    const scroller = document.getElementById('diagram');
    const line = document.querySelector('#lanes .vline[data-e="' + scroller.dataset.focus + '"]');
    const box = line.getBoundingClientRect();
    const view = scroller.getBoundingClientRect();
    const names = document.getElementById('labels').getBoundingClientRect();
    return {
      inView: box.left >= names.right && box.right <= view.right,
      selected: line.classList.contains('selected'),
      scrollLeft: scroller.scrollLeft,
    };
  })()`);
}

describe('the diagram page of a long failing run, in Chromium', () => {
  it('opens scrolled to the failure, marked, and with no console errors', async () => {
    const opened = await failureInView();
    expect(opened).toMatchObject({ inView: true, selected: true });
    expect(opened.scrollLeft).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('shows the whole run on "whole run", and comes back to the failure on "failure"', async () => {
    await page.click('[data-zoom="fit"]');
    const whole = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      `(() => { const d = document.getElementById('diagram'); return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth }; })()`,
    );
    expect(whole.scrollWidth).toBeLessThanOrEqual(whole.clientWidth);
    expect(await page.textContent('#zoom-level')).not.toBe('100%');
    await page.click('[data-zoom="reset"]');
    await page.evaluate(`document.getElementById('diagram').scrollLeft = 0`);
    expect((await failureInView()).inView).toBe(false);
    await page.click('button.to-failure');
    expect((await failureInView()).inView).toBe(true);
    expect(errors).toEqual([]);
  });
});
