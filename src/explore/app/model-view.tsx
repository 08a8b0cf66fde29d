// The state space of a `check` model, one state at a time (like Stateright's Explorer): the
// path so far (click a step to go back), the state, its properties, and every action with the
// properties it breaks. The server's model does every step; the page keeps only the path.
import { useEffect, useState } from 'preact/hooks';
import type { ModelStateView } from '../model-session.js';

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T | { error: string };
  if (!response.ok) throw new Error((body as { error: string }).error);
  return body as T;
}

function writeSteps(steps: string): void {
  const query = new URLSearchParams(window.location.search);
  query.set('steps', steps);
  window.history.replaceState(null, '', `${window.location.pathname}?${query.toString()}`);
}

export function ModelView() {
  const [steps, setSteps] = useState(new URLSearchParams(window.location.search).get('steps') ?? '0');
  const [view, setView] = useState<ModelStateView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    writeSteps(steps);
    getJson<ModelStateView>(`/api/model/state?steps=${encodeURIComponent(steps)}`)
      .then((loaded) => {
        setView(loaded);
        setError(undefined);
      })
      .catch((thrown: unknown) => setError(String(thrown)));
  }, [steps]);

  const toCounterexample = (): void => {
    getJson<{ steps: number[] | null }>('/api/model/counterexample')
      .then((found) => {
        if (found.steps === null) setError('the checker found no counterexample');
        else setSteps(found.steps.join('.'));
      })
      .catch((thrown: unknown) => setError(String(thrown)));
  };

  if (!view) return <div>{error ?? 'loading…'}</div>;
  const indices = steps.split('.');
  return (
    <div class="model" data-testid="model">
      <header>
        <b>fairlink explore</b> · state space of the model · depth {view.pathActions.length}
        <div class="toolbar">
          <button data-testid="counterexample" onClick={toCounterexample}>
            start from the counterexample
          </button>
          <button onClick={() => setSteps('0')}>initial state</button>
          {error ? <span class="error-inline">{error}</span> : null}
        </div>
      </header>
      <main class="model-main">
        <section>
          <h4>Path</h4>
          <ol class="path" data-testid="path">
            <li>
              <button onClick={() => setSteps(indices[0] ?? '0')}>initial state</button>
            </li>
            {view.pathActions.map((label, position) => (
              <li key={position}>
                <button onClick={() => setSteps(indices.slice(0, position + 2).join('.'))}>{label}</button>
              </li>
            ))}
          </ol>
          <h4>Properties</h4>
          <ul class="properties" data-testid="model-properties">
            {view.properties.map((property) => (
              <li key={property.name} class={property.verdict === true ? 'holds' : 'violated'}>
                {property.verdict === true ? '✓' : '✗'} {property.name} ({property.kind})
                {typeof property.verdict === 'string' ? `: ${property.verdict}` : ''}
              </li>
            ))}
          </ul>
          <h4>State</h4>
          <pre class="model-state">{JSON.stringify(view.state, null, 2)}</pre>
        </section>
        <aside>
          <h4>Actions ({view.actions.length})</h4>
          {view.actions.map((action) => (
            <button
              key={action.index}
              class={`choice ${action.violates.length > 0 ? 'drop' : 'deliver'}`}
              data-action={action.index}
              disabled={action.next === null}
              title={JSON.stringify(action.next)}
              onClick={() => setSteps(`${steps}.${action.index}`)}
            >
              {action.label}
              {action.violates.length > 0 ? ` → violates ${action.violates.join(', ')}` : ''}
            </button>
          ))}
        </aside>
      </main>
    </div>
  );
}
