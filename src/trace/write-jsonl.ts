/**
 * Writing a trace as JSON Lines: the header and each event with
 * `JSON.stringify`, keys in the order the engine built them, so the same run
 * gives a byte-identical file. (Reading, with validation, is in `jsonl.ts`.)
 */

import type { Trace } from './events.js';

/**
 * The header field that says how many event lines follow. A file cut at a line boundary is
 * still valid JSON Lines; this count is how a reader tells it from a whole trace (TRACE.md).
 */
export const EVENT_COUNT = 'eventCount';

/**
 * The JSON Lines text of a trace: the header line (with the number of events that follow),
 * then one line per event, each ending in a newline. Deterministic: the same input gives the
 * same bytes.
 */
export function traceToJsonl(trace: Trace): string {
  const lines: string[] = [JSON.stringify({ ...trace.header, [EVENT_COUNT]: trace.events.length })];
  for (const event of trace.events) {
    // JSON would silently turn a non-finite time into null: refuse it instead.
    if (!Number.isFinite(event.t))
      throw new RangeError(`traceToJsonl: a '${event.type}' event has time ${event.t}`);
    lines.push(JSON.stringify(event));
  }
  return lines.join('\n') + '\n';
}
