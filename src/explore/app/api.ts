// The explorer's API, as the server (src/explore/server.ts) answers it.
import type { MomentView } from '../scenario-session.js';
import type { RunView } from '../run-view.js';

export type { MomentView, RunView };

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T | { error: string };
  if (!response.ok) throw new Error((body as { error: string }).error);
  return body as T;
}

export function fetchRun(path: string): Promise<RunView> {
  return getJson<RunView>(`/api/run?path=${encodeURIComponent(path)}`);
}

export function fetchMoment(path: string, at: number): Promise<MomentView> {
  return getJson<MomentView>(`/api/moment?path=${encodeURIComponent(path)}&at=${at}`);
}
