import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Progress } from '../check/index.js';
import { searchProgressDisplay } from './progress.js';

/** A stream that keeps what is written, a terminal or not. */
function captured(isTTY: boolean): Writable & { readonly isTTY: boolean; text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY: boolean; text: string };
  stream.isTTY = isTTY;
  stream.text = '';
  return stream;
}

const progress = (elapsedMs: number): Progress => ({
  generatedStates: 123_456,
  distinctStates: 100_000,
  depth: 17,
  statesPerSecond: 30_123.4,
  memoryBytes: 312.4 * 2 ** 20,
  memoryLimitBytes: 3108 * 2 ** 20,
  elapsedMs,
});

describe('search progress display', () => {
  it('prints one line per interval when not on a terminal, and not the search’s last report', () => {
    const stream = captured(false);
    const display = searchProgressDisplay(stream, 10_000);
    expect(display.intervalMs).toBe(10_000);
    // Reports on the ticks, one a little late, one early (not a tick), and the last report.
    for (const elapsedMs of [5_000, 10_000, 15_000, 20_400, 23_000]) display.update(progress(elapsedMs));
    display.stop();
    expect(stream.text.split('\n')).toEqual([
      'progress: 123,456 states, 100,000 distinct, depth 17, 30,123 states/s, memory 312 of 3,108 MB, 10 s',
      'progress: 123,456 states, 100,000 distinct, depth 17, 30,123 states/s, memory 312 of 3,108 MB, 20 s',
      '',
    ]);
  });

  it('redraws one live line every second on a terminal, and clears it at the end', () => {
    const stream = captured(true);
    const display = searchProgressDisplay(stream, 10_000);
    expect(display.intervalMs).toBe(1000);
    display.update(progress(1000));
    display.stop();
    expect(stream.text).toBe(
      '\r\u001b[2K123,456 states, 100,000 distinct, depth 17, 30,123 states/s, memory 312 of 3,108 MB, 1 s\r\u001b[2K',
    );
  });
});
