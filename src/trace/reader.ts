/**
 * The trace reader, loaded on first use. Reading validates every line with zod, which takes
 * about 55 ms of CPU to load: a command that only writes traces (every `sim` and `check` run)
 * should not pay it, so the module barrel hands the reader out through this loader instead of
 * re-exporting it.
 */

/** `parseTraceJsonl` and its kin (`jsonl.ts`), with zod loaded. */
export async function loadTraceReader(): Promise<typeof import('./jsonl.js')> {
  return import('./jsonl.js');
}
