// A run loaded page by page (server: /api/run/summary, /api/run/events): the summary first, so
// that the diagram has its size and the page its verdict and focus at once; then the page of
// events around the event to open at, then the others from the start. Each page is drawn as it
// arrives: the view is usable (stepping asks the server, not the events) before the last one.
import { useEffect, useState } from 'preact/hooks';
import { fetchEventsPage, fetchRunSummary, type RunSummary, type RunView } from './api.js';

/** Events of the first request (about 160 kB of JSON): small, so that the diagram draws soon. */
export const FIRST_PAGE_SIZE = 2_000;
/** Events of each further request (the server's most, about 800 kB), parsed while the next is on its way. */
export const PAGE_SIZE = 10_000;

/** While pages stream in, the diagram is laid out again at most this often (a layout is O(run)). */
const REDRAW_EVERY_MS = 400;

/** The run as loaded so far: `events` has the run's length, with holes where pages are missing. */
export interface StreamedRun {
  readonly run: RunView & { readonly eventCount: number };
  /** Events in hand; `run.eventCount` when all are. */
  readonly loaded: number;
}

/**
 * The pages to load, `[from, count]` in order: `firstSize` events around `first` (aligned to
 * `firstSize`), then the rest of the run from its start in pages of at most `pageSize`.
 */
export function pageOrder(
  total: number,
  first: number,
  firstSize: number,
  pageSize: number,
): readonly (readonly [number, number])[] {
  if (total === 0) return [];
  const clamped = Math.max(0, Math.min(total - 1, first));
  const start = clamped - (clamped % firstSize);
  const end = Math.min(total, start + firstSize);
  const pages: [number, number][] = [[start, end - start]];
  const cover = (from: number, to: number): void => {
    for (let at = from; at < to; at += pageSize) pages.push([at, Math.min(pageSize, to - at)]);
  };
  cover(0, start);
  cover(end, total);
  return pages;
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
      const order = pageOrder(summary.eventCount, openAt(summary), FIRST_PAGE_SIZE, PAGE_SIZE);
      const fetchPage = (index: number) => {
        const page = order[index];
        return page === undefined ? undefined : fetchEventsPage(path, page[0], page[1]);
      };
      // The next page is asked for before this one is drawn, so that the server and the network
      // work while the page lays out; after the first page, drawing waits for a few pages.
      let drawnAt = 0;
      let next = fetchPage(0);
      for (let index = 0; next !== undefined; index++) {
        const page = await next;
        next = fetchPage(index + 1);
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
