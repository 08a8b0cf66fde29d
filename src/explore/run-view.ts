/**
 * What the explorer shows of a whole run: its trace, its verdict, the event it opens at (the
 * violation), and the events that matter to the violation (for a history property, the
 * operations that cannot be ordered, as the history checker names them).
 */

import type { SystemView } from '../core/index.js';
import type { Failure, SimulationConfig } from '../sim/index.js';
import type { TraceEvent, TraceHeader } from '../trace/index.js';
import type { BranchPath } from './branch-path.js';
import type { RecordedRun } from './recorded-run.js';

export interface RunView {
  readonly scenario: string;
  readonly header: TraceHeader;
  readonly events: readonly TraceEvent[];
  readonly failure: Failure | null;
  /** A branch still open: its script ended with nothing violated (choose what happens next). */
  readonly open: boolean;
  /** The event to open at: the violation (or fault), else the first event. */
  readonly focus: number;
  /** Events that matter to the violation. */
  readonly highlighted: readonly number[];
  /** The client operations that cannot be ordered (ids), for a history property. */
  readonly culpritOperations: readonly number[];
  readonly replay: string;
  readonly path: BranchPath;
}

export function runView(
  run: RecordedRun,
  config: SimulationConfig,
  about: { readonly scenario: string; readonly replay: string; readonly path: BranchPath },
): RunView {
  const { trace } = run.result;
  // A branch's script ends where the user stopped choosing: that is not the end of the run, so an
  // `eventually` property not yet met there is still open, not violated.
  const open = about.path.length > 0 && run.result.failure?.kind === 'eventually';
  const failure = open ? undefined : run.result.failure;
  const events = open ? trace.events.filter((event) => event.type !== 'violation') : trace.events;
  let focus = 0;
  if (failure !== undefined) {
    const marked = events.findIndex((event) => event.type === 'violation' || event.type === 'fault');
    focus = marked >= 0 ? marked : Math.max(0, events.length - 1);
  }
  const property =
    failure !== undefined && 'property' in failure
      ? (config.properties ?? []).find((candidate) => candidate.name === failure.property)
      : undefined;
  // A history property reads only the view's history: the run's final one.
  const historyView = { history: run.result.history } as unknown as SystemView;
  const culpritOperations = property?.culprits?.(historyView) ?? [];
  const culprits = new Set(culpritOperations);
  const highlighted: number[] = [];
  events.forEach((event, index) => {
    if (event.type === 'violation' || event.type === 'fault') highlighted.push(index);
    else if ('op' in event && culprits.has(event.op)) highlighted.push(index);
  });
  return {
    scenario: about.scenario,
    header: trace.header,
    events,
    failure: failure ?? null,
    open,
    focus,
    highlighted,
    culpritOperations,
    replay: about.replay,
    path: about.path,
  };
}
