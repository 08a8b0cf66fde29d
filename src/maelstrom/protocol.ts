/**
 * Maelstrom's wire protocol: envelopes, bodies, ids and error codes, and the
 * validation of one line a node wrote (shared/reference/maelstrom.md).
 *
 * A node talks JSON over stdin/stdout, one object per line:
 * `{"src": "n1", "dest": "c3", "body": {"type": "echo_ok", "in_reply_to": 1, ...}}`.
 * Unknown top-level keys are ignored, as Maelstrom does.
 */

/** A message body: `type` plus free-form fields. */
export interface Body {
  readonly type: string;
  readonly msg_id?: number;
  readonly in_reply_to?: number;
  readonly [field: string]: unknown;
}

/** A message on the network. */
export interface Envelope {
  readonly src: string;
  readonly dest: string;
  readonly body: Body;
}

/** The services Maelstrom offers as nodes reachable by message. */
export const SERVICE_NAMES = ['lin-kv', 'seq-kv', 'lww-kv', 'lin-tso'] as const;
/** One of {@link SERVICE_NAMES}. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

const SERVICE_SET: ReadonlySet<string> = new Set(SERVICE_NAMES);

/** Whether `id` names a service. */
export function isServiceId(id: string): id is ServiceName {
  return SERVICE_SET.has(id);
}

/** Whether `id` has the shape of a client id (`c0`, `c17`). */
export function isClientId(id: string): boolean {
  return /^c\d+$/.test(id);
}

/** The server ids of a run of `count` nodes: `n0 … n(count-1)`. */
export function serverIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `n${index}`);
}

/** Maelstrom's error codes (the reference's table). */
export const ErrorCode = {
  timeout: 0,
  nodeNotFound: 1,
  notSupported: 10,
  temporarilyUnavailable: 11,
  malformedRequest: 12,
  crash: 13,
  abort: 14,
  keyDoesNotExist: 20,
  keyAlreadyExists: 21,
  preconditionFailed: 22,
  txnConflict: 30,
} as const;

const DEFINITE_CODES: ReadonlySet<number> = new Set([1, 10, 11, 12, 14, 20, 21, 22, 30]);

/**
 * Whether an error code is definite: the operation certainly did not happen.
 * Timeouts (0), crashes (13) and user codes (>= 1000) are indefinite.
 */
export function isDefiniteError(code: number): boolean {
  return DEFINITE_CODES.has(code);
}

/** Why a line a node wrote is not a valid message. */
export interface LineProblem {
  /** `non-json`: not JSON at all; `missing-field`: a required field is absent; `bad-field`: present, wrong type. */
  readonly kind: 'non-json' | 'not-an-object' | 'missing-field' | 'bad-field';
  readonly detail: string;
}

/** The outcome of {@link parseEnvelopeLine}. */
export type ParsedLine =
  { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly problem: LineProblem };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(kind: LineProblem['kind'], detail: string): ParsedLine {
  return { ok: false, problem: { kind, detail } };
}

/** A short, printable description of a JSON value's type. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Parses one line into an envelope, or says what is wrong with it: not JSON,
 * not an object, a missing `src`/`dest`/`body`/`body.type`, or a field of the
 * wrong type (`msg_id` and `in_reply_to` must be integers when present).
 */
export function parseEnvelopeLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return fail('non-json', `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(value)) return fail('not-an-object', `expected a JSON object, got ${typeName(value)}`);
  for (const field of ['src', 'dest'] as const) {
    if (!(field in value)) return fail('missing-field', `missing field '${field}'`);
    if (typeof value[field] !== 'string' || value[field] === '') {
      return fail('bad-field', `field '${field}' must be a non-empty string, got ${typeName(value[field])}`);
    }
  }
  if (!('body' in value)) return fail('missing-field', "missing field 'body'");
  const body = value['body'];
  if (!isRecord(body)) return fail('bad-field', `field 'body' must be an object, got ${typeName(body)}`);
  if (!('type' in body)) return fail('missing-field', "missing field 'body.type'");
  if (typeof body['type'] !== 'string' || body['type'] === '') {
    return fail('bad-field', `field 'body.type' must be a non-empty string, got ${typeName(body['type'])}`);
  }
  for (const field of ['msg_id', 'in_reply_to'] as const) {
    const id = body[field];
    if (id !== undefined && id !== null && !Number.isSafeInteger(id)) {
      return fail('bad-field', `field 'body.${field}' must be an integer, got ${typeName(id)}`);
    }
  }
  return {
    ok: true,
    envelope: { src: value['src'] as string, dest: value['dest'] as string, body: body as unknown as Body },
  };
}

/** An error reply body. */
export function errorBody(inReplyTo: number | undefined, code: number, text: string): Body {
  return { type: 'error', ...(inReplyTo === undefined ? {} : { in_reply_to: inReplyTo }), code, text };
}
