/**
 * The `jepsen-etcd` format: Jepsen's log of its etcd compare-and-set register test (the
 * `etcd_NNN.log` files that Horn & Kroening and Porcupine test against).
 *
 * Only lines `INFO jepsen.util - P :TYPE :F VALUE` matter; every other line is skipped, and
 * counted in the history's `skipped` so that reports can say so (a file in another format would
 * otherwise read as an empty history). Events
 * are in real-time order and carry no time, so the history's axis is the event index.
 *
 * Two translations carry this test's meaning into Jepsen's general conventions:
 * - `:fail :cas [from to]` is etcd answering that the comparison failed: the CAS did happen and
 *   returned false, which constrains the register. It becomes an `ok` completion with value
 *   `false` (and `:ok :cas` one with value `true`), for the `cas-register` model.
 * - `:fail :read :timed-out` says nothing about the register: it becomes `info` (unknown).
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import type { EventType, History, HistoryEvent, SkippedLines } from '../types.js';
import { forEachLine } from './lines.js';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*?)\s*$/;
const CAS = /^\[\s*(-?\d+)\s+(-?\d+)\s*\]$/;
const INTEGER = /^-?\d+$/;

function readValue(text: string, f: string, type: string): { value: unknown } | undefined {
  if (text === ':timed-out') return type === 'invoke' ? undefined : { value: null };
  if (text === 'nil') return f === 'cas' ? undefined : { value: null };
  if (f === 'cas') {
    const match = CAS.exec(text);
    return match === null ? undefined : { value: [Number(match[1]), Number(match[2])] };
  }
  return INTEGER.test(text) ? { value: Number(text) } : undefined;
}

/** Parses a Jepsen etcd log. `source` names the file in error messages. */
export function parseJepsenEtcd(text: string, source: string): History {
  const events: HistoryEvent[] = [];
  let skippedCount = 0;
  let firstSkippedLine = 0;
  forEachLine(text, (line, lineNumber) => {
    if (!/\bjepsen\.util\b/.test(line)) {
      if (line.trim() !== '') {
        if (skippedCount === 0) firstSkippedLine = lineNumber;
        skippedCount++;
      }
      return;
    }
    const match = LINE.exec(line);
    if (match === null) {
      throw new HistoryFormatError(
        source,
        lineNumber,
        `not a jepsen.util event "P :type :f value": ${line.slice(0, 80)}`,
      );
    }
    const [, processText, typeText, f, valueText] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const parsed = readValue(valueText, f, typeText);
    if (parsed === undefined) {
      throw new HistoryFormatError(source, lineNumber, `bad value "${valueText}" for :${typeText} :${f}`);
    }
    let type = typeText as EventType;
    let value = parsed.value;
    if (f === 'cas' && type === 'ok') value = true;
    else if (f === 'cas' && type === 'fail' && valueText !== ':timed-out') {
      type = 'ok';
      value = false;
    } else if (valueText === ':timed-out') {
      type = 'info';
      value = null;
    }
    events.push({ process: Number(processText), type, f, value, index: events.length, line: lineNumber });
  });
  if (skippedCount === 0) return { events, source };
  const skipped: SkippedLines = { count: skippedCount, firstLine: firstSkippedLine };
  return { events, source, skipped };
}
