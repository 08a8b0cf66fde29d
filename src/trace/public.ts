/**
 * fairlink/trace: the versioned trace format every engine writes and every viewer reads
 * (TRACE.md), its JSON Lines form, the space-time diagram and the ShiViz export.
 *
 * @module fairlink/trace
 */

export {
  TRACE_FORMAT,
  TRACE_VERSION,
  TraceFormatError,
  parseTraceJsonl,
  renderTraceHtml,
  traceJsonSchema,
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
