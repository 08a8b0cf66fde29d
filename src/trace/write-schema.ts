/**
 * Regenerates `schema/trace.schema.json` from the zod schema of `schema.ts`:
 *
 *     npx tsx src/trace/write-schema.ts
 *
 * The file is committed so that tools in other languages can validate traces;
 * `schema.test.ts` fails when it is out of date.
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './files.js';
import { traceJsonSchema } from './schema.js';

/** Where the schema is committed: `schema/trace.schema.json` at the repository root. */
export const TRACE_SCHEMA_PATH = fileURLToPath(new URL('../../schema/trace.schema.json', import.meta.url));

/** The text the schema file must hold: the generated schema, formatted as the repository's prettier formats it. */
export async function traceSchemaFileText(): Promise<string> {
  // Prettier is a development tool: loaded only when the file is regenerated or checked.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(TRACE_SCHEMA_PATH)) ?? {};
  return prettier.format(JSON.stringify(traceJsonSchema()), { ...options, parser: 'json' });
}

async function main(): Promise<void> {
  const text = await traceSchemaFileText();
  const before = await readFile(TRACE_SCHEMA_PATH, 'utf8').catch(() => undefined);
  await writeFileAtomic(TRACE_SCHEMA_PATH, text);
  console.log(`${TRACE_SCHEMA_PATH}: ${before === text ? 'already up to date' : 'written'}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
