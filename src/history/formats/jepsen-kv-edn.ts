/**
 * The `jepsen-kv-edn` format: one Jepsen operation map in EDN per line, as in Porcupine's kv
 * test data: `{:process 3, :type :invoke, :f :append, :key "4", :value "x 3 1 y"}`.
 *
 * Required: `:process` (integer or keyword), `:type` (`:invoke`, `:ok`, `:fail`, `:info`), `:f`
 * (keyword). Optional: `:key`, `:value` (default nil), `:time` (number), `:index`. Blank lines and
 * `;` comment lines are skipped.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import type { EventType, History, HistoryEvent, ProcessId } from '../types.js';
import { EdnSyntaxError, Keyword, ednToPlain, parseEdn, type EdnValue } from './edn.js';
import { forEachLine } from './lines.js';

const K = {
  process: Keyword.of('process'),
  type: Keyword.of('type'),
  f: Keyword.of('f'),
  key: Keyword.of('key'),
  value: Keyword.of('value'),
  time: Keyword.of('time'),
} as const;
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** Parses a history of EDN operation maps, one per line. `source` names the file in errors. */
export function parseJepsenKvEdn(text: string, source: string): History {
  const events: HistoryEvent[] = [];
  forEachLine(text, (line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';')) return;
    events.push(readEvent(trimmed, source, lineNumber, events.length));
  });
  return { events, source };
}

function failLine(source: string, lineNumber: number, problem: string): never {
  throw new HistoryFormatError(source, lineNumber, problem);
}

/** One line's event. */
function readEvent(text: string, source: string, lineNumber: number, index: number): HistoryEvent {
  let parsed: EdnValue;
  try {
    parsed = parseEdn(text);
  } catch (error) {
    if (error instanceof EdnSyntaxError) failLine(source, lineNumber, `EDN syntax error: ${error.message}`);
    throw error;
  }
  if (!(parsed instanceof Map))
    return failLine(source, lineNumber, 'expected an EDN map {:process ..., :type ..., :f ...}');
  const process = parsed.get(K.process);
  const type = parsed.get(K.type);
  const f = parsed.get(K.f);
  const key = parsed.get(K.key);
  const time = parsed.get(K.time);
  let processId: ProcessId;
  if (typeof process === 'number' && Number.isInteger(process)) processId = process;
  else if (process instanceof Keyword) processId = process.name;
  else return failLine(source, lineNumber, ':process must be an integer or a keyword');
  if (!(type instanceof Keyword) || !TYPES.has(type.name))
    return failLine(source, lineNumber, ':type must be :invoke, :ok, :fail or :info');
  if (!(f instanceof Keyword)) return failLine(source, lineNumber, ':f must be a keyword');
  if (key !== undefined && key !== null && typeof key !== 'string' && typeof key !== 'number') {
    return failLine(source, lineNumber, ':key must be a string or a number');
  }
  if (time !== undefined && typeof time !== 'number')
    return failLine(source, lineNumber, ':time must be a number');
  const event: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = {
    process: processId,
    type: type.name as EventType,
    f: f.name,
    value: ednToPlain(parsed.get(K.value) ?? null),
    index,
    line: lineNumber,
  };
  if (key !== undefined && key !== null) event.key = key;
  if (time !== undefined) event.time = time;
  return event;
}
