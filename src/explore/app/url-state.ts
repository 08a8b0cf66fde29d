// The view in the URL: target, seed, parameters (as the server was started), the branch path
// and the selected event. Reopening the URL on the same server (same version) restores the view.
export interface UrlState {
  readonly path: string;
  readonly at: number | undefined;
}

export function readUrlState(): UrlState {
  const query = new URLSearchParams(window.location.search);
  const at = query.get('at');
  return { path: query.get('path') ?? '', at: at === null || at === '' ? undefined : Number(at) };
}

export function writeUrlState(state: { readonly path: string; readonly at: number }): void {
  const query = new URLSearchParams(window.location.search);
  if (state.path === '') query.delete('path');
  else query.set('path', state.path);
  query.set('at', String(state.at));
  window.history.replaceState(null, '', `${window.location.pathname}?${query.toString()}`);
}
