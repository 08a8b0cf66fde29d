/**
 * fairlink/trace: the versioned event format every engine writes, and what
 * reads it: JSON Lines, the JSON Schema, the HTML space-time diagram, ShiViz.
 */

export * from './events.js';
export { parseTraceJsonl, TraceFormatError, traceToJsonl } from './jsonl.js';
export {
  TRACE_EVENT_TYPES,
  traceEventSchema,
  traceHeaderSchema,
  traceJsonSchema,
  traceLineSchema,
} from './schema.js';
export { writeFileAtomic } from './files.js';
export { renderTraceHtml, TRACE_HTML_EVENTS_MAX, type TraceHtmlOptions } from './html.js';
export { SHIVIZ_REGEX, traceToShiviz, type ShivizOptions } from './shiviz.js';

// Used by other modules of fairlink (not part of the package entry points).
export { escapeHtml } from './escape.js';
export { parseTraceJsonlWithLines } from './jsonl.js';
