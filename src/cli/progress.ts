/**
 * The progress displays of long commands, on stderr: a simulation campaign's bar, only on a
 * terminal, so that pipes, files and CI logs get the verdict alone; a model-checking search's
 * live line on a terminal, and elsewhere a line every few seconds (a search can run for hours).
 */

import { createRequire } from 'node:module';
import type { Progress } from '../check/index.js';
import { formatCount } from '../core/index.js';
import type { CampaignProgress } from '../sim/index.js';

/** Where progress goes. */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
}

/** A progress display for a campaign. */
export interface CampaignProgressBar {
  readonly update: (progress: CampaignProgress) => void;
  /** Removes the bar (before the verdict is printed). */
  readonly stop: () => void;
}

/** Redraws at most this often: a fast campaign finishes seeds far faster than a terminal redraws. */
const REDRAW_MS = 100;

/** A bar on `stream` when it is a terminal; otherwise a display that shows nothing. */
export function campaignProgressBar(stream: ProgressStream): CampaignProgressBar {
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  // Loaded here, on a terminal only: pipes and CI logs (and every `check`) do without it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const startedAtMs = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{label} {bar} {value}/{total} | {failed} failed | {rate} seeds/s | ETA {eta_formatted}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      fps: 1000 / REDRAW_MS,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let shrinking = false;
  return {
    update(progress) {
      if (progress.phase === 'seeds') {
        const elapsedS = (performance.now() - startedAtMs) / 1000;
        const payload = {
          label: 'seeds',
          failed: progress.failed,
          rate: elapsedS > 0 ? Math.round(progress.done / elapsedS) : 0,
        };
        if (!started) {
          bar.start(progress.total, progress.done, payload);
          started = true;
        } else {
          bar.update(progress.done, payload);
        }
        return;
      }
      if (started) bar.stop();
      started = false;
      const text =
        progress.phase === 'shrink'
          ? `shrinking the failure: ${progress.attempts} runs` +
            (progress.steps === undefined ? '' : `, smallest failing schedule ${progress.steps} steps`)
          : 'recording the trace';
      if (progress.phase === 'shrink') shrinking = true;
      stream.write(`\r\u001b[2K${text}`);
    },
    stop() {
      if (started) bar.stop();
      if (shrinking || !started) stream.write('\r\u001b[2K');
    },
  };
}

/** A progress display for a model-checking search. */
export interface SearchProgressDisplay {
  readonly update: (progress: Progress) => void;
  /** How often the search should call `update`. */
  readonly intervalMs: number;
  /** Clears the live line (before the verdict is printed). */
  readonly stop: () => void;
}

/** The live line on a terminal is redrawn this often. */
const SEARCH_REDRAW_MS = 1000;

/**
 * Search progress on `stream`: a live line redrawn every second on a terminal; elsewhere (CI
 * logs, files, pipes) one line every `lineIntervalMs`, so that a long search is never silent.
 */
export function searchProgressDisplay(stream: ProgressStream, lineIntervalMs: number): SearchProgressDisplay {
  if (stream.isTTY !== true) {
    // A line per interval since the start: the search reports on those ticks (a little late at
    // times), and its last report, whenever it comes, is not a tick (a search shorter than the
    // interval prints no progress at all).
    let printedTicks = 0;
    return {
      update: (progress) => {
        // A millisecond's tolerance: a report due on a tick may round to just before it.
        const ticks = Math.floor((progress.elapsedMs + 1) / lineIntervalMs);
        if (ticks <= printedTicks) return;
        printedTicks = ticks;
        stream.write(`progress: ${searchProgressText(progress)}\n`);
      },
      intervalMs: lineIntervalMs,
      stop: () => undefined,
    };
  }
  let shown = false;
  return {
    update: (progress) => {
      shown = true;
      stream.write(`\r\u001b[2K${searchProgressText(progress)}`);
    },
    intervalMs: SEARCH_REDRAW_MS,
    stop: () => {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}

/** States, distinct states, depth, rate, memory against its budget, time. */
export function searchProgressText(progress: Progress): string {
  const count = (value: number): string => formatCount(Math.round(value));
  return (
    `${count(progress.generatedStates)} states, ${count(progress.distinctStates)} distinct, ` +
    `depth ${progress.depth}, ${count(progress.statesPerSecond)} states/s, ` +
    `memory ${count(progress.memoryBytes / 2 ** 20)} of ${count(progress.memoryLimitBytes / 2 ** 20)} MB, ` +
    `${count(progress.elapsedMs / 1000)} s`
  );
}
