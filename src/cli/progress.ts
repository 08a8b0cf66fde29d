/**
 * The progress bar of long commands: on stderr, and only on a terminal, so
 * that pipes, files and CI logs get the verdict alone.
 */

import cliProgress from 'cli-progress';
import type { CampaignProgress } from '../sim/campaign.js';

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
          ? `shrinking the failure: ${progress.attempts} runs`
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
