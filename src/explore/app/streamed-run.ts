// A run loaded page by page (server: /api/run/summary, /api/run/events): the summary first, so
// that the diagram has its size and the page its verdict and focus at once; then the page of
// events around the event to open at, then the others from the start. Each page is drawn as it
// arrives: the view is usable (stepping asks the server, not the events) before the last one.
import { useEffect, useState } from 'preact/hooks';
import { fetchEventsPage, fetchRunSummary, type RunSummary, type RunView } from './api.js';

/** Events per request: about 400 kB of JSON, parsed and drawn while the next is on its way. */
export const PAGE_SIZE = 5_000;

/** While pages stream in, the diagram is laid out again at most this often (a layout is O(run)). */
const REDRAW_EVERY_MS = 400;

/** The run as loaded so far: `events` has the run's length, with holes where pages are missing. */
export interface StreamedRun {
  readonly run: RunView & { readonly eventCount: number };
  /** Events in hand; `run.eventCount` when all are. */
  readonly loaded: number;
}

/** Page starts in the order to load them: the page holding `first`, then the others in order. */
export function pageOrder(total: number, pageSize: number, first: number): readonly number[] {
  const starts: number[] = [];
  for (let from = 0; from < total; from += pageSize) starts.push(from);
  const clamped = Math.max(0, Math.min(total - 1, first));
  const firstStart = clamped - (clamped % pageSize);
  return [firstStart, ...starts.filter((from) => from !== firstStart)].filter((from) => from < total);
}

/**
 * Loads the run at `path`. `openAt` picks the event to open at from the summary (the page that
 * holds it is loaded first). A new path drops what an older one was loading.
 */
export function useStreamedRun(
  path: string,
  openAt: (summary: RunSummary) => number,
  onError: (message: string) => void,
): StreamedRun | undefined {
  const [state, setState] = useState<StreamedRun | undefined>(undefined);
  useEffect(() => {
    let current = true;
    setState(undefined);
    void (async () => {
      const summary = await fetchRunSummary(path);
      if (!current) return;
      // One array for the whole load, filled in place; each page makes a new StreamedRun so
      // that what depends on the events (the diagram's layout) is computed again.
      const events: RunView['events'][number][] = new Array<RunView['events'][number]>(summary.eventCount);
      const run = { ...summary, events };
      let loaded = 0;
      setState({ run, loaded });
      const order = pageOrder(summary.eventCount, PAGE_SIZE, openAt(summary));
      // The next page is asked for before this one is drawn, so that the server and the network
      // work while the page lays out; after the first page, drawing waits for a few pages.
      let drawnAt = 0;
      let next = order.length > 0 ? fetchEventsPage(path, order[0] as number, PAGE_SIZE) : undefined;
      for (let index = 0; next !== undefined; index++) {
        const page = await next;
        next =
          index + 1 < order.length ? fetchEventsPage(path, order[index + 1] as number, PAGE_SIZE) : undefined;
        if (!current) return;
        page.events.forEach((event, offset) => (events[page.from + offset] = event));
        loaded += page.events.length;
        if (next === undefined || index === 0 || performance.now() - drawnAt > REDRAW_EVERY_MS) {
          setState({ run, loaded });
          drawnAt = performance.now();
        }
      }
    })().catch((thrown: unknown) => current && onError(String(thrown)));
    return () => {
      current = false;
    };
    // `openAt` and `onError` are read once per path, as the load starts.
  }, [path]);
  return state;
}
