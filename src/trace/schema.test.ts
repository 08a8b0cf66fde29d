import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TRACE_EVENT_TYPES, traceEventSchemas, traceJsonSchema } from './schema.js';
import { TRACE_SCHEMA_PATH, traceSchemaFileText } from './write-schema.js';

describe('the JSON Schema', () => {
  it('is committed up to date (regenerate with `npx tsx src/trace/write-schema.ts`)', async () => {
    const committed = await readFile(TRACE_SCHEMA_PATH, 'utf8');
    expect(committed).toBe(await traceSchemaFileText());
  });

  it('defines every event type, with its fields required and unknown fields allowed', () => {
    const schema = traceJsonSchema() as {
      $defs: Record<string, { required?: string[]; additionalProperties?: unknown; oneOf?: unknown[] }>;
    };
    const definitions = schema.$defs;
    expect(definitions.TraceEvent?.oneOf).toHaveLength(TRACE_EVENT_TYPES.length);
    expect(definitions.SendEvent?.required).toEqual(['t', 'type', 'node', 'to', 'msg', 'body']);
    expect(definitions.CrashEvent?.required).toEqual(['t', 'type', 'node']);
    expect(definitions.TimerSetEvent?.required).toEqual(['t', 'type', 'node', 'name', 'due']);
    expect(definitions.HealEvent?.additionalProperties).toEqual({});
    expect(definitions.TraceHeader?.required).toEqual([
      'format',
      'version',
      'engine',
      'scenario',
      'seed',
      'params',
      'nodes',
      'config',
    ]);
  });

  it('has one zod schema per event type whose `type` literal is its key', () => {
    for (const type of TRACE_EVENT_TYPES) {
      // Every type but `heal` has fields of its own, so time and type alone are not enough.
      expect(traceEventSchemas[type].safeParse({ t: 0, type }).success, type).toBe(type === 'heal');
      expect(traceEventSchemas[type].shape.type.value).toBe(type);
    }
  });
});
