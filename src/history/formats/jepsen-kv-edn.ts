/**
 * The `jepsen-kv-edn` format: Jepsen operation maps in EDN, in either of the two forms Jepsen
 * histories are stored in:
 * - one map per line, as in Porcupine's kv test data:
 *   `{:process 3, :type :invoke, :f :append, :key "4", :value "x 3 1 y"}`;
 * - one vector (or list) around the whole file, `[{:process 0, ...} {:process 0, ...} ...]`, the
 *   maps spread over lines as the writer pleased (Jepsen's stored `history.edn`).
 *
 * Required: `:process` (integer or keyword), `:type` (`:invoke`, `:ok`, `:fail`, `:info`), `:f`
 * (keyword). Optional: `:key`, `:value` (default nil), `:time` (number), `:index`. Blank lines and
 * `;` comments are skipped wherever they are.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.js';
import type { EventType, History, HistoryEvent, ProcessId } from '../types.js';
import { EdnSyntaxError, Keyword, ednToPlain, parseEdn, readEdnForms, type EdnValue } from './edn.js';
import { forEachLine, positionFinder } from './lines.js';

const K = {
  process: Keyword.of('process'),
  type: Keyword.of('type'),
  f: Keyword.of('f'),
  key: Keyword.of('key'),
  value: Keyword.of('value'),
  time: Keyword.of('time'),
} as const;
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** Parses a history of EDN operation maps (either form). `source` names the file in errors. */
export function parseJepsenKvEdn(text: string, source: string): History {
  const first = firstFormCharacter(text);
  return first === '[' || first === '(' ? parseWholeFile(text, source) : parseLineByLine(text, source);
}

/** The first character of `text` that is neither blank nor in a `;` comment. */
function firstFormCharacter(text: string): string | undefined {
  for (let at = 0; at < text.length; at++) {
    const char = text[at] as string;
    if (char === ';') {
      const end = text.indexOf('\n', at);
      if (end < 0) return undefined;
      at = end;
    } else if (!/[\s,]/.test(char)) return char;
  }
  return undefined;
}

/**
 * One map per line: each line is parsed on its own, so that an error (a truncated map, say) is
 * pinned to its line instead of swallowing the lines after it.
 */
function parseLineByLine(text: string, source: string): History {
  const events: HistoryEvent[] = [];
  forEachLine(text, (line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';')) return;
    let parsed: EdnValue;
    try {
      parsed = parseEdn(trimmed);
    } catch (error) {
      if (error instanceof EdnSyntaxError) failLine(source, lineNumber, `EDN syntax error: ${error.message}`);
      throw error;
    }
    events.push(readEvent(parsed, source, lineNumber, events.length));
  });
  return { events, source };
}

/** One vector or list around the whole file: each element is an operation map. */
function parseWholeFile(text: string, source: string): History {
  const positionOf = positionFinder(text);
  let forms;
  try {
    forms = readEdnForms(text);
  } catch (error) {
    if (!(error instanceof EdnSyntaxError)) throw error;
    const { line, column } = positionOf(error.offset);
    return failLine(source, line, `EDN syntax error: ${error.problem} at column ${column}`);
  }
  const events = forms.map((form, index) =>
    readEvent(form.value, source, positionOf(form.offset).line, index),
  );
  return { events, source };
}

function failLine(source: string, lineNumber: number, problem: string): never {
  throw new HistoryFormatError(source, lineNumber, problem);
}

/** The event of one operation map, which starts on line `lineNumber`. */
function readEvent(parsed: EdnValue, source: string, lineNumber: number, index: number): HistoryEvent {
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
