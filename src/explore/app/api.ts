// The explorer's API, as the server (src/explore/server.ts) answers it.
import type { EventsPage, RunSummary } from '../event-pages.js';
import type { MomentView } from '../scenario-session.js';
import type { RunView } from '../run-view.js';

export type { EventsPage, MomentView, RunSummary, RunView };

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T | { error: string };
  if (!response.ok) throw new Error((body as { error: string }).error);
  return body as T;
}

export function fetchRunSummary(path: string): Promise<RunSummary> {
  return getJson<RunSummary>(`/api/run/summary?path=${encodeURIComponent(path)}`);
}

export function fetchEventsPage(path: string, from: number, count: number): Promise<EventsPage> {
  return getJson<EventsPage>(`/api/run/events?path=${encodeURIComponent(path)}&from=${from}&count=${count}`);
}

export function fetchMoment(path: string, at: number): Promise<MomentView> {
  return getJson<MomentView>(`/api/moment?path=${encodeURIComponent(path)}&at=${at}`);
}
