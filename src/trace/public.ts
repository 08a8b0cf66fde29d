/**
 * fairlink/trace: the versioned trace format every engine writes and every viewer reads
 * (TRACE.md), its JSON Lines form, the space-time diagram and the ShiViz export.
 *
 * @module fairlink/trace
 */

export {
  TRACE_FORMAT,
  TRACE_VERSION,
  renderTraceHtml,
  traceToJsonl,
  traceToShiviz,
  type DropReason,
  type ShivizOptions,
  type Trace,
  type TraceEvent,
  type TraceEventType,
  type TraceHeader,
  type TraceHtmlOptions,
  type TraceNode,
} from './index.js';
// Straight from their files: the module barrel leaves them out, as they load zod (reader.ts).
export { TraceFormatError, parseTraceJsonl } from './jsonl.js';
export { traceJsonSchema } from './schema.js';
