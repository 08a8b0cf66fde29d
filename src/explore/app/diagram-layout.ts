// Where the space-time diagram draws things: one column per node, one row per event (rows, not
// virtual time, so that events at one instant stay apart and a step is one row). Computed once
// per run; drawing then looks only at the rows and columns in view.
import type { RunView } from './api.js';

export const ROW_HEIGHT = 18;
export const COLUMN_WIDTH = 90;
export const MARGIN_LEFT = 60;

/** A message line: from its send's row and column to its delivery's (or drop's). */
export interface MessageLine {
  readonly sendRow: number;
  readonly endRow: number;
  readonly fromColumn: number;
  readonly toColumn: number;
  readonly dropped: boolean;
}

export interface DiagramLayout {
  readonly columnOf: ReadonlyMap<string, number>;
  readonly nodes: readonly string[];
  /** Each event's column (-1: an event of no node, such as a partition). */
  readonly eventColumn: readonly number[];
  /** Message lines sorted by `sendRow`. */
  readonly lines: readonly MessageLine[];
  /** The longest line, in rows: lines that end in view start at most this far above it. */
  readonly longestLine: number;
}

export function layoutRun(run: RunView): DiagramLayout {
  const nodes = run.header.nodes.map((node) => node.id);
  const columnOf = new Map(nodes.map((id, index) => [id, index]));
  const sendRowOf = new Map<string, number>();
  const eventColumn: number[] = [];
  const lines: MessageLine[] = [];
  let longestLine = 0;
  // A run still loading has holes (pages not in yet): their rows stay empty, and a message whose
  // send is not in yet gets its line once it is (the layout is made again for each page).
  for (let row = 0; row < run.events.length; row++) {
    const event = run.events[row];
    const node = event !== undefined && 'node' in event ? event.node : undefined;
    eventColumn.push(node === undefined ? -1 : (columnOf.get(node) ?? -1));
    if (event === undefined) continue;
    if (event.type === 'send') sendRowOf.set(event.msg, row);
    if (event.type === 'deliver' || event.type === 'drop') {
      const sendRow = sendRowOf.get(event.msg);
      if (sendRow === undefined) continue;
      lines.push({
        sendRow,
        endRow: row,
        fromColumn: columnOf.get(event.from) ?? 0,
        toColumn: columnOf.get(event.node) ?? 0,
        dropped: event.type === 'drop',
      });
      longestLine = Math.max(longestLine, row - sendRow);
    }
  }
  lines.sort((a, b) => a.sendRow - b.sendRow);
  return { columnOf, nodes, eventColumn, lines, longestLine };
}

/** The index of the first line whose send row is at least `row` (binary search). */
export function firstLineFrom(lines: readonly MessageLine[], row: number): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((lines[middle] as MessageLine).sendRow < row) low = middle + 1;
    else high = middle;
  }
  return low;
}
