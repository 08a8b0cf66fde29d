/**
 * The trace format as a zod schema: the single source of truth for what a
 * valid line is. The parser validates with it and the committed JSON Schema
 * (`schema/trace.schema.json`) is generated from it, so the two cannot drift.
 *
 * Objects are *loose*: a reader of version 1 accepts (and keeps) fields it does
 * not know, because adding an optional field does not bump the version (see
 * TRACE.md, "Versioning").
 */

import { z } from 'zod';
import { TRACE_FORMAT, TRACE_VERSION, type TraceEventType } from './events.js';

/** Virtual time in ms: finite and never negative. */
/**
 * Descriptions and `$defs` names live in a registry of this module rather than
 * zod's global one, so that loading the module twice (test isolation, bundling)
 * cannot collide on ids.
 */
const registry = z.registry<{ id?: string; title?: string; description?: string }>();

function describe<Schema extends z.ZodType>(schema: Schema, description: string, id?: string): Schema {
  registry.add(schema, id === undefined ? { description } : { id, description });
  return schema;
}

const time = describe(z.number().nonnegative(), 'Virtual time, ms since the start of the run.');
const node = z.string().min(1);
/** Plain data encoded with `encodePlain`: any JSON value, required (null when there is none). */
const plain = describe(z.unknown(), 'Plain data encoded with encodePlain (see TRACE.md).');
const messageId = describe(
  z.string().min(1),
  'The message id, unique per run: links send, deliver, drop and duplicate.',
);

/** A node as the header lists it. */
const traceNodeSchema = z.looseObject({
  id: node,
  protocol: z.string(),
  group: z.string(),
  byzantine: describe(z.string().optional(), 'The Byzantine behaviour of this node, if it is not correct.'),
});

/** The first line of every trace. */
export const traceHeaderSchema = describe(
  z.looseObject({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(TRACE_VERSION),
    engine: z.enum(['sim', 'check', 'runtime']),
    scenario: z.string(),
    seed: z.number().int(),
    params: z.record(z.string(), z.unknown()),
    nodes: z.array(traceNodeSchema),
    config: z.record(z.string(), z.unknown()),
    shrunk: z.string().optional(),
    eventCount: describe(
      z.number().int().nonnegative().optional(),
      'How many event lines follow the header: a reader refuses a file with fewer (cut short) or more.',
    ),
  }),
  'The first line of every trace.',
  'TraceHeader',
);

/** Builds the schema of one event type: `t` and `type` first, then its own fields. */
function event<Type extends TraceEventType, Shape extends z.core.$ZodLooseShape>(
  type: Type,
  description: string,
  shape: Shape,
) {
  const id = type.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
  return describe(z.looseObject({ t: time, type: z.literal(type), ...shape }), description, `${id}Event`);
}

const clientFields = {
  node,
  op: describe(z.number().int(), 'The operation id, unique per run: links invoke to its completion.'),
  f: describe(z.string(), 'The operation name, such as read or write.'),
  value: plain,
};

/** One schema per event type, in the order TRACE.md lists them. */
export const traceEventSchemas = {
  boot: event('boot', 'The node started (On Boot ran).', { node }),
  send: event('send', 'The node sent a message.', { node, to: node, msg: messageId, body: plain }),
  deliver: event('deliver', 'A copy of message `msg` from `from` arrived at the node (On Receive ran).', {
    node,
    from: node,
    msg: messageId,
  }),
  drop: event('drop', 'A copy of message `msg` from `from` to the node was lost.', {
    node,
    from: node,
    msg: messageId,
    reason: z.enum(['loss', 'partition', 'down', 'byzantine']),
  }),
  duplicate: event('duplicate', 'The network will deliver message `msg` more than once.', {
    node,
    to: node,
    msg: messageId,
  }),
  'timer-set': event('timer-set', 'The node set timer `name`, due at virtual time `due`.', {
    node,
    name: z.string(),
    due: time,
  }),
  'timer-fire': event('timer-fire', 'Timer `name` fired (On Timer ran).', { node, name: z.string() }),
  'timer-cancel': event('timer-cancel', 'The node cancelled its pending timer `name`.', {
    node,
    name: z.string(),
  }),
  crash: event('crash', 'The node crashed; with `recoverAt` it restarts then (crash-recover).', {
    node,
    recoverAt: time.optional(),
  }),
  recover: event('recover', 'The node restarted after a crash (On Recover ran).', { node }),
  pause: event('pause', 'The node froze: arrivals and timers wait.', { node }),
  resume: event('resume', 'The paused node runs again.', { node }),
  clock: event('clock', "The node's clock changed: offset `skewMs`, rate error `drift`.", {
    node,
    skewMs: z.number(),
    drift: z.number(),
  }),
  partition: event('partition', 'A partition started: for each node, the nodes whose traffic it drops.', {
    name: z.string(),
    grudge: z.record(z.string(), z.array(node)),
  }),
  heal: event('heal', 'The partition ended.', {}),
  clog: event('clog', 'Traffic from `from` to `to` is held until `until`.', {
    from: node,
    to: node,
    until: time,
  }),
  phase: event('phase', 'A phase of the run started.', { phase: z.enum(['safety', 'liveness']) }),
  invoke: event('invoke', 'A client invoked operation `op`.', clientFields),
  ok: event('ok', 'Operation `op` completed: it happened.', clientFields),
  fail: event('fail', 'Operation `op` completed: it definitely did not happen.', clientFields),
  info: event('info', 'Operation `op` completed: its outcome is unknown.', clientFields),
  log: event('log', 'A line the protocol logged.', { node, text: z.string() }),
  choose: event('choose', 'The running handler chose option `index` of `of` (`choose`, `randomInt`).', {
    node,
    index: z.number().int().min(0),
    of: z.number().int().min(1),
  }),
  fault: event('fault', 'A handler broke the rules (threw, non-plain data, ...): a finding.', {
    node,
    handler: z.string(),
    kind: z.string(),
    detail: z.string(),
    stack: describe(
      z.array(z.string()).optional(),
      "The protocol's frames of the error's stack, innermost first, as V8 writes them after `at `, with file, line and column in the protocol's own source (source-mapped; paths relative to the working directory when inside it). Absent when no frame is known.",
    ),
  }),
  violation: event('violation', 'A property failed.', { property: z.string(), detail: z.string() }),
} as const;

/** Every event type, in documentation order. */
export const TRACE_EVENT_TYPES = Object.keys(traceEventSchemas) as (keyof typeof traceEventSchemas)[];

// Compile-time check that the schemas cover exactly the event union of events.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventTypesMatch: Same<keyof typeof traceEventSchemas, TraceEventType> = true;
void eventTypesMatch;

/** Any event line. */
export const traceEventSchema = describe(
  z.discriminatedUnion(
    'type',
    Object.values(traceEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
  ),
  'One event of a trace.',
  'TraceEvent',
);

/** Any line of a trace: the header (first line) or an event (every other line). */
export const traceLineSchema = z.union([traceHeaderSchema, traceEventSchema]);
registry.add(traceLineSchema, {
  title: 'fairlink trace line',
  description:
    'One line of a fairlink trace (JSON Lines): the first line is a TraceHeader, every other line a TraceEvent. See TRACE.md.',
});

/** The JSON Schema of one trace line, as committed in `schema/trace.schema.json`. */
export function traceJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(traceLineSchema, { target: 'draft-2020-12', metadata: registry });
}
