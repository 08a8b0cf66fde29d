/**
 * fairlink/trace: the versioned event format every engine writes, and what
 * reads it: JSON Lines, the JSON Schema, the HTML space-time diagram, ShiViz.
 */

export * from './events.js';
export { traceToJsonl } from './write-jsonl.js';
export { writeFileAtomic } from './files.js';
export { renderTraceHtml, TRACE_HTML_EVENTS_MAX, type TraceHtmlOptions } from './html.js';
export { SHIVIZ_REGEX, traceToShiviz, type ShivizOptions } from './shiviz.js';

// Used by other modules of fairlink (not part of the package entry points).
export { escapeHtml } from './escape.js';
// Reading a trace (parseTraceJsonl, TraceFormatError) and its zod schema are not re-exported:
// they load zod, which writing does not need (see reader.ts). `public.ts` exports them directly.
export { loadTraceReader } from './reader.js';
