/**
 * A run's events in pages, so that the page draws a large run as it arrives rather than after
 * the whole of it: `/api/run/summary` answers everything of the run but its events (with their
 * count), `/api/run/events` one page of them. 100,000 events are about 8 MB of JSON; a page of
 * {@link EVENTS_PAGE_MAX} is under 1 MB, parsed and drawn while the next one is on its way.
 */

import { InputError } from '../core/index.js';
import type { TraceEvent } from '../trace/index.js';
import type { RunView } from './run-view.js';

/** The most events one page holds (a larger `count` is bad input: ask for the next page). */
export const EVENTS_PAGE_MAX = 10_000;

/** A run without its events: what the page needs to lay the diagram out and open at the focus. */
export type RunSummary = Omit<RunView, 'events'> & { readonly eventCount: number };

/** Events `[from, from + events.length)` of a run that has `total`. */
export interface EventsPage {
  readonly from: number;
  readonly total: number;
  readonly events: readonly TraceEvent[];
}

export function runSummary(view: RunView): RunSummary {
  const { events, ...rest } = view;
  return { ...rest, eventCount: events.length };
}

/**
 * Events `from` to `from + count` (fewer at the end of the run). `from` past the end is bad
 * input, as are a count that is not a whole number from 1 to {@link EVENTS_PAGE_MAX}.
 */
export function eventsPage(view: RunView, from: number, count: number): EventsPage {
  const total = view.events.length;
  if (!Number.isInteger(from) || from < 0 || (from >= total && !(from === 0 && total === 0)))
    throw new InputError(`from=${from}: the run has events 0 to ${total - 1}`);
  if (!Number.isInteger(count) || count < 1 || count > EVENTS_PAGE_MAX)
    throw new InputError(`count=${count}: expected a whole number from 1 to ${EVENTS_PAGE_MAX}`);
  return { from, total, events: view.events.slice(from, from + count) };
}
