/**
 * Traces as JSON Lines: writing (deterministic) and reading (validated).
 *
 * Writing prints the header and each event with `JSON.stringify`, keys in the
 * order the engine built them, so the same run gives a byte-identical file.
 * Reading checks every line against the zod schema of `schema.ts` and stops at
 * the first problem with a one-line message naming the file and the line:
 * a trace file is input from outside (DESIGN section 7). Writing lives in
 * `write-jsonl.ts`, without zod (a quarter of a second to load), for the
 * commands that only write traces.
 */

import type { z } from 'zod';
import { InputError } from '../core/index.js';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent, type TraceHeader } from './events.js';
import { TRACE_EVENT_TYPES, traceEventSchemas, traceHeaderSchema } from './schema.js';
import { EVENT_COUNT } from './write-jsonl.js';

export { traceToJsonl } from './write-jsonl.js';

/** A trace file that is not a valid trace: names the file, the line (1-based) and the problem. */
export class TraceFormatError extends InputError {
  constructor(
    readonly fileName: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${fileName}:${line}: ${problem}`);
  }
}

/**
 * Reads a trace from its JSON Lines text. `fileName` is only used in error
 * messages. Blank lines and a final newline are ignored; Windows line ends
 * are accepted. Throws a {@link TraceFormatError} at the first invalid line,
 * or when the header's event count does not match the events (a file cut
 * short). The objects returned are the parsed lines themselves, so key order
 * and any field this version does not know are kept; the event count, a
 * property of the file rather than of the run, is checked and left out.
 */
export function parseTraceJsonl(text: string, fileName: string): Trace {
  return parseTraceJsonlWithLines(text, fileName).trace;
}

/** {@link parseTraceJsonl}, with the line (1-based, in the file) of each event, for messages about events. */
export function parseTraceJsonlWithLines(
  text: string,
  fileName: string,
): { readonly trace: Trace; readonly eventLines: readonly number[] } {
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  let header: TraceHeader | undefined;
  let nodes: ReadonlySet<string> = new Set();
  const events: TraceEvent[] = [];
  const eventLines: number[] = [];
  let lastLine = 0;
  for (let index = 0; index < lines.length; index++) {
    const rawLine = lines[index] as string;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    lastLine = index + 1;
    const fail = (problem: string): never => {
      throw new TraceFormatError(fileName, index + 1, problem);
    };
    const value = parseJson(line, fail);
    if (header === undefined) {
      header = checkHeader(value, fail);
      nodes = new Set(header.nodes.map((entry) => entry.id));
    } else {
      events.push(checkEvent(value, nodes, fail));
      eventLines.push(index + 1);
    }
  }
  if (header === undefined)
    throw new TraceFormatError(fileName, 1, 'empty file: a trace starts with a header line');
  const count = (header as { readonly [EVENT_COUNT]?: number })[EVENT_COUNT];
  if (count === undefined) return { trace: { header, events }, eventLines };
  if (events.length < count) {
    throw new TraceFormatError(
      fileName,
      lastLine + 1,
      `the file ends after ${events.length} of the ${count} events its header announces: it was cut short`,
    );
  }
  if (events.length > count) {
    throw new TraceFormatError(
      fileName,
      eventLines[count] as number,
      `the header announces ${count} event${count === 1 ? '' : 's'}, and this is event ${count + 1}`,
    );
  }
  const withoutCount = Object.fromEntries(Object.entries(header).filter(([key]) => key !== EVENT_COUNT));
  return { trace: { header: withoutCount as unknown as TraceHeader, events }, eventLines };
}

type Fail = (problem: string) => never;

function parseJson(line: string, fail: Fail): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkHeader(value: unknown, fail: Fail): TraceHeader {
  if (!isRecord(value))
    return fail(`the first line must be the trace header object, found ${describeValue(value)}`);
  if (!('format' in value) && typeof value.type === 'string') {
    return fail(`the first line must be the trace header, found a '${value.type}' event`);
  }
  if (value.format !== TRACE_FORMAT) {
    return fail(
      value.format === undefined
        ? `not a fairlink trace: the header has no 'format' field (expected "${TRACE_FORMAT}")`
        : `wrong format name ${JSON.stringify(value.format)}: expected "${TRACE_FORMAT}"`,
    );
  }
  if (value.version !== TRACE_VERSION) {
    return fail(
      `unsupported trace version ${JSON.stringify(value.version) ?? 'missing'}: this fairlink reads version ${TRACE_VERSION}`,
    );
  }
  const result = traceHeaderSchema.safeParse(value);
  if (!result.success) return fail(`header: ${describeIssue(value, result.error.issues[0])}`);
  const header = value as unknown as TraceHeader;
  const seen = new Set<string>();
  for (const node of header.nodes) {
    if (seen.has(node.id)) return fail(`header: node "${node.id}" is listed twice`);
    seen.add(node.id);
  }
  return header;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(TRACE_EVENT_TYPES);
/** The fields of an event that name a node, checked against the header's node list. */
const NODE_FIELDS = ['node', 'from', 'to'] as const;

function checkEvent(value: unknown, nodes: ReadonlySet<string>, fail: Fail): TraceEvent {
  if (!isRecord(value)) return fail(`expected an event object, found ${describeValue(value)}`);
  if ('format' in value && !('type' in value))
    return fail('a second header line: only line 1 may be a header');
  const type = value.type;
  if (type === undefined) return fail(`missing field 'type' (the event type)`);
  if (typeof type !== 'string') return fail(`field 'type' must be a string, got ${describeValue(type)}`);
  if (!EVENT_TYPES.has(type)) {
    return fail(`unknown event type ${JSON.stringify(type)} (known: ${TRACE_EVENT_TYPES.join(', ')})`);
  }
  const schema = traceEventSchemas[type as keyof typeof traceEventSchemas];
  const result = schema.safeParse(value);
  if (!result.success) return fail(`'${type}' event: ${describeIssue(value, result.error.issues[0])}`);
  for (const field of NODE_FIELDS) {
    const name = value[field];
    if (typeof name === 'string' && !nodes.has(name)) {
      return fail(`'${type}' event: field '${field}' names node "${name}", which the header does not list`);
    }
  }
  return value as unknown as TraceEvent;
}

/** One zod issue as a short phrase: "missing field 'msg'", "field 't' must be a number, got a string". */
function describeIssue(root: Record<string, unknown>, issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  const path = formatPath(issue.path);
  const value = valueAt(root, issue.path);
  if (issue.code === 'invalid_type') {
    if (value === undefined) return `missing field '${path}'`;
    return `field '${path}' must be ${withArticle(issue.expected)}, got ${describeValue(value)}`;
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((each) => JSON.stringify(each)).join(' or ');
    return `field '${path}' must be ${allowed}, got ${JSON.stringify(value)}`;
  }
  if (issue.code === 'too_small') {
    const bound = `${issue.inclusive === false ? 'above' : 'at least'} ${String(issue.minimum)}`;
    return `field '${path}' must be ${bound}${typeof value === 'string' ? ' characters long' : ''}, got ${JSON.stringify(value)}`;
  }
  return `field '${path}': ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path)
    text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function withArticle(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return withArticle(typeof value);
}
