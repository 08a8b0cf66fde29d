/**
 * The `jsonl` format, fairlink's own: one JSON object per line, one event each, in real-time
 * order.
 *
 * ```jsonl
 * {"process": 0, "type": "invoke", "f": "write", "value": 3, "time": 1000}
 * {"process": 0, "type": "ok", "f": "write", "value": 3, "time": 2500}
 * {"process": "c1", "type": "invoke", "f": "read", "key": "x", "value": null}
 * {"process": "c1", "type": "info", "f": "read", "key": "x", "value": null}
 * ```
 *
 * Fields: `process` (number or string, required), `type` (`invoke`, `ok`, `fail`, `info`,
 * required), `f` (string, required), `value` (any JSON, default `null`), `key` (string or number,
 * optional), `time` (number, optional: any unit common to the file; when every event has one,
 * operations are placed on this time axis, otherwise on event order). Blank lines are skipped.
 * Other fields are ignored, so a fairlink trace's client events can be fed as they are.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import type { EventType, History, HistoryEvent } from '../types.js';
import { forEachLine } from './lines.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** Parses a JSON Lines history. `source` names the file in errors. */
export function parseJsonl(text: string, source: string): History {
  const events: HistoryEvent[] = [];
  forEachLine(text, (line, lineNumber) => {
    if (line.trim() === '') return;
    const fail = (problem: string): never => {
      throw new HistoryFormatError(source, lineNumber, problem);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      return fail(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return fail('expected a JSON object');
    const record = parsed as Record<string, unknown>;
    const { process, type, f, key, time } = record;
    if (!(typeof process === 'string' || (typeof process === 'number' && Number.isFinite(process)))) {
      return fail('"process" must be a number or a string');
    }
    if (typeof type !== 'string' || !TYPES.has(type))
      return fail('"type" must be "invoke", "ok", "fail" or "info"');
    if (typeof f !== 'string' || f === '') return fail('"f" must be a non-empty string');
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
      return fail('"key" must be a string or a number');
    }
    if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) {
      return fail('"time" must be a finite number');
    }
    events.push({
      process: process,
      type: type as EventType,
      f,
      value: record['value'] ?? null,
      ...(key === undefined ? {} : { key }),
      ...(time === undefined ? {} : { time }),
      index: events.length,
      line: lineNumber,
    });
  });
  return { events, source };
}

/** Writes a history as JSON Lines (the inverse of {@link parseJsonl}, minus line numbers). */
export function formatJsonl(history: History): string {
  return history.events
    .map((event) => {
      const { process, type, f, value, key, time } = event;
      return JSON.stringify({
        process,
        type,
        f,
        ...(key === undefined ? {} : { key }),
        value: value ?? null,
        ...(time === undefined ? {} : { time }),
      });
    })
    .join('\n')
    .concat(history.events.length > 0 ? '\n' : '');
}
