/**
 * Export to ShiViz (https://bestchai.bitbucket.io/shiviz/), which draws
 * space-time diagrams from logs where each event carries a vector clock.
 *
 * Each event of a node becomes two lines: a description, then the node and
 * its vector clock as JSON (`n2 {"n1":2,"n2":3}`). The clocks follow the
 * happened-before relation of the trace: a node ticks its own entry by one at
 * each of its events, and a delivery first takes the entry-wise maximum with
 * the clock of the matching send. ShiViz requires exactly this: every host's
 * first event has its own entry at 1, then +1 per event.
 */

import type { Trace, TraceEvent } from './events.js';

/**
 * The ShiViz parser regular expression for this export: the event text on one
 * line, then host and clock on the next. It is also ShiViz's default.
 */
export const SHIVIZ_REGEX = '(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})';

/** Options of {@link traceToShiviz}. */
export interface ShivizOptions {
  /**
   * Start with the two lines ShiViz expects in an uploaded file: the parser
   * regular expression, then the (empty) delimiter between executions.
   * Default true; false gives only the log, for pasting into ShiViz's text box.
   */
  readonly fileHeader?: boolean;
}

/** Events that are not a process's own step: the network's decisions and global happenings. */
type ProcessEvent = Extract<TraceEvent, { readonly node: string }>;

function isProcessEvent(event: TraceEvent): event is ProcessEvent {
  return 'node' in event && event.type !== 'drop' && event.type !== 'duplicate';
}

/**
 * The ShiViz log of a trace. Only the nodes' own events are exported (boot,
 * send, deliver, timers, crash and recovery, client operations, logs, faults);
 * drops, duplicates, partitions and violations have no host of their own and
 * are left out. A node's clock survives its crashes, so that ShiViz sees one
 * host whose entry keeps counting.
 */
export function traceToShiviz(trace: Trace, options: ShivizOptions = {}): string {
  const order = new Map<string, number>();
  const noteNode = (node: string): void => {
    if (!order.has(node)) order.set(node, order.size);
  };
  for (const node of trace.header.nodes) noteNode(node.id);

  const clocks = new Map<string, Map<string, number>>();
  /** The sender's clock at each send, by message id, merged into every copy's delivery. */
  const sendClocks = new Map<string, ReadonlyMap<string, number>>();
  const lines: string[] = options.fileHeader === false ? [] : [SHIVIZ_REGEX, ''];

  for (const event of trace.events) {
    if (!isProcessEvent(event)) continue;
    noteNode(event.node);
    let clock = clocks.get(event.node);
    if (clock === undefined) {
      clock = new Map();
      clocks.set(event.node, clock);
    }
    if (event.type === 'deliver') {
      const sent = sendClocks.get(event.msg);
      if (sent) for (const [node, count] of sent) clock.set(node, Math.max(clock.get(node) ?? 0, count));
    }
    clock.set(event.node, (clock.get(event.node) ?? 0) + 1);
    if (event.type === 'send') sendClocks.set(event.msg, new Map(clock));
    lines.push(describe(event), `${event.node} ${clockJson(clock, order)}`);
  }
  return lines.join('\n') + '\n';
}

/** A clock as JSON, entries in the header's node order, so the output is deterministic. */
function clockJson(clock: ReadonlyMap<string, number>, order: ReadonlyMap<string, number>): string {
  const entries = [...clock].sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
  return JSON.stringify(Object.fromEntries(entries));
}

/** One line describing an event; JSON for anything that might hold a line break. */
function describe(event: ProcessEvent): string {
  const at = `t=${event.t}`;
  switch (event.type) {
    case 'send':
      return `${at} send ${event.msg} to ${event.to} ${JSON.stringify(event.body)}`;
    case 'deliver':
      return `${at} deliver ${event.msg} from ${event.from}`;
    case 'timer-set':
      return `${at} timer-set ${JSON.stringify(event.name)} due ${event.due}`;
    case 'timer-fire':
    case 'timer-cancel':
      return `${at} ${event.type} ${JSON.stringify(event.name)}`;
    case 'crash':
      return `${at} crash${event.recoverAt === undefined ? '' : ` (recovers at ${event.recoverAt})`}`;
    case 'clock':
      return `${at} clock skew ${event.skewMs} ms drift ${event.drift}`;
    case 'invoke':
    case 'ok':
    case 'fail':
    case 'info':
      return `${at} ${event.type} op ${event.op} ${event.f} ${JSON.stringify(event.value)}`;
    case 'log':
      return `${at} log ${JSON.stringify(event.text)}`;
    case 'choose':
      return `${at} choose ${event.index} of ${event.of}`;
    case 'fault':
      return `${at} fault in ${event.handler} (${event.kind}): ${JSON.stringify(event.detail)}`;
    case 'boot':
    case 'recover':
    case 'pause':
    case 'resume':
    case 'drop':
    case 'duplicate':
      return `${at} ${event.type}`;
  }
}
