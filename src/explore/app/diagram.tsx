// The space-time diagram, virtualised: only the rows and columns in view are drawn, so a run of
// 100,000 events or 1,000 nodes scrolls as a small one does. Clicking an event selects it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RunView } from './api.js';
import { COLUMN_WIDTH, firstLineFrom, layoutRun, MARGIN_LEFT, ROW_HEIGHT } from './diagram-layout.js';

/** Rows and columns drawn beyond the visible ones, so that scrolling shows no gap. */
const OVERSCAN = 10;
const HEADER_HEIGHT = 24;

const EVENT_COLOURS: Readonly<Record<string, string>> = {
  send: '#2563eb',
  deliver: '#16a34a',
  drop: '#dc2626',
  'timer-fire': '#9333ea',
  crash: '#000000',
  recover: '#0891b2',
  invoke: '#ea580c',
  ok: '#ea580c',
  fail: '#ea580c',
  info: '#ea580c',
  violation: '#dc2626',
  fault: '#dc2626',
};

export function Diagram(props: {
  readonly run: RunView;
  /** Events in hand so far (the run streams in: rows of events not yet loaded stay empty). */
  readonly loaded: number;
  readonly selected: number;
  readonly step: readonly [number, number] | undefined;
  readonly onSelect: (index: number) => void;
}) {
  const { run, selected, onSelect } = props;
  const layout = useMemo(() => layoutRun(run), [run, props.loaded]);
  const highlighted = useMemo(() => new Set(run.highlighted), [run]);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, left: 0, height: 600, width: 800 });

  const measure = (): void => {
    const element = scroller.current;
    if (!element) return;
    setView({
      top: element.scrollTop,
      left: element.scrollLeft,
      height: element.clientHeight,
      width: element.clientWidth,
    });
  };
  useEffect(() => {
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);
  // Keep the selected event in view (stepping, or opening at the violation).
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const y = HEADER_HEIGHT + selected * ROW_HEIGHT;
    if (
      y < element.scrollTop + HEADER_HEIGHT ||
      y > element.scrollTop + element.clientHeight - ROW_HEIGHT * 2
    ) {
      element.scrollTop = Math.max(0, y - element.clientHeight / 2);
      measure();
    }
  }, [selected, run]);

  const rowsTotal = run.events.length;
  const firstRow = Math.max(0, Math.floor((view.top - HEADER_HEIGHT) / ROW_HEIGHT) - OVERSCAN);
  const lastRow = Math.min(rowsTotal - 1, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const firstColumn = Math.max(0, Math.floor((view.left - MARGIN_LEFT) / COLUMN_WIDTH) - 2);
  const lastColumn = Math.min(
    layout.nodes.length - 1,
    Math.ceil((view.left + view.width) / COLUMN_WIDTH) + 2,
  );
  const x = (column: number): number => MARGIN_LEFT + column * COLUMN_WIDTH + COLUMN_WIDTH / 2;
  const y = (row: number): number => HEADER_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT / 2;
  const width = MARGIN_LEFT + layout.nodes.length * COLUMN_WIDTH;
  const height = HEADER_HEIGHT + rowsTotal * ROW_HEIGHT;

  const shapes = [];
  // Step band: the events of the selected moment's step.
  if (props.step) {
    const [from, to] = props.step;
    shapes.push(
      <rect
        key="step"
        x={0}
        y={HEADER_HEIGHT + from * ROW_HEIGHT}
        width={width}
        height={Math.max(1, to - from) * ROW_HEIGHT}
        fill="#fef9c3"
      />,
    );
  }
  shapes.push(
    <rect
      key="selected"
      x={0}
      y={HEADER_HEIGHT + selected * ROW_HEIGHT}
      width={width}
      height={ROW_HEIGHT}
      fill="#fde68a"
    />,
  );
  for (let column = firstColumn; column <= lastColumn; column++) {
    shapes.push(
      <line
        key={`c${column}`}
        x1={x(column)}
        x2={x(column)}
        y1={y(firstRow)}
        y2={y(lastRow)}
        stroke="#cbd5e1"
      />,
    );
  }
  // Lines ending in view or crossing it start at most `longestLine` rows above it.
  for (
    let index = firstLineFrom(layout.lines, firstRow - layout.longestLine);
    index < layout.lines.length;
    index++
  ) {
    const line = layout.lines[index];
    if (!line || line.sendRow > lastRow) break;
    if (line.endRow < firstRow) continue;
    const outside =
      (line.fromColumn < firstColumn && line.toColumn < firstColumn) ||
      (line.fromColumn > lastColumn && line.toColumn > lastColumn);
    if (outside) continue;
    shapes.push(
      <line
        key={`m${index}`}
        x1={x(line.fromColumn)}
        y1={y(line.sendRow)}
        x2={x(line.toColumn)}
        y2={y(line.endRow)}
        stroke={line.dropped ? '#fca5a5' : '#94a3b8'}
        stroke-dasharray={line.dropped ? '4 3' : undefined}
      />,
    );
  }
  for (let row = firstRow; row <= lastRow; row++) {
    const event = run.events[row];
    if (!event) continue;
    const column = layout.eventColumn[row] ?? -1;
    const marked = highlighted.has(row);
    if (column >= 0 && (column < firstColumn || column > lastColumn)) continue;
    shapes.push(
      <g key={`e${row}`} class="event" data-index={row} onClick={() => onSelect(row)} style="cursor:pointer">
        <title>{`#${row} ${event.type} at ${event.t}`}</title>
        <rect
          x={0}
          y={HEADER_HEIGHT + row * ROW_HEIGHT}
          width={width}
          height={ROW_HEIGHT}
          fill="transparent"
        />
        <text x={4} y={y(row) + 4} font-size="10" fill="#64748b">
          {row}
        </text>
        {column >= 0 ? (
          <circle
            cx={x(column)}
            cy={y(row)}
            r={marked ? 6 : 4}
            fill={EVENT_COLOURS[event.type] ?? '#64748b'}
            stroke={marked ? '#dc2626' : 'none'}
            stroke-width={marked ? 3 : 0}
          />
        ) : (
          <line
            x1={MARGIN_LEFT}
            x2={width}
            y1={y(row)}
            y2={y(row)}
            stroke={marked ? '#dc2626' : '#f59e0b'}
            stroke-dasharray="6 3"
          />
        )}
        <text
          x={column >= 0 ? x(column) + 8 : MARGIN_LEFT + 4}
          y={y(row) + 4}
          font-size="10"
          fill={marked ? '#b91c1c' : '#334155'}
        >
          {event.type}
        </text>
      </g>,
    );
  }
  const headers = [];
  for (let column = firstColumn; column <= lastColumn; column++) {
    headers.push(
      <text key={`h${column}`} x={x(column)} y={16} text-anchor="middle" font-size="12" font-weight="bold">
        {layout.nodes[column]}
      </text>,
    );
  }
  return (
    <div class="diagram" ref={scroller} onScroll={measure} data-testid="diagram" data-loaded={props.loaded}>
      <svg width={width} height={height}>
        {shapes}
        <g transform={`translate(0, ${view.top})`}>
          <rect x={0} y={0} width={width} height={HEADER_HEIGHT} fill="#f8fafc" />
          {headers}
        </g>
      </svg>
    </div>
  );
}
