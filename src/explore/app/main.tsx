// The explorer: a run's space-time diagram, the system at the selected event, and the choices
// that branch the run there. Everything it shows comes from the server's simulator; the page
// only picks which event to look at and which choice to make.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { fetchMoment, type MomentView, type RunView } from './api.js';
import { Diagram } from './diagram.js';
import { ModelView } from './model-view.js';
import { PartitionPicker } from './partition-picker.js';
import { StatePanel } from './state-panel.js';
import { useStreamedRun } from './streamed-run.js';
import './style.css';
import { readUrlState, writeUrlState } from './url-state.js';

function App() {
  const initial = readUrlState();
  const [path, setPath] = useState(initial.path);
  const [at, setAt] = useState<number>(initial.at ?? -1);
  const [moment, setMoment] = useState<MomentView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);

  // The run streams in page by page; it opens, as soon as its summary is in, where asked, else at
  // the violation (a branch opens at its last event).
  const streamed = useStreamedRun(
    path,
    (summary) => {
      const count = summary.eventCount;
      const opened = at >= 0 && at < count ? at : path === '' || summary.failure ? summary.focus : count - 1;
      setAt(opened);
      setError(undefined);
      return opened;
    },
    setError,
  );
  const run = streamed?.run;

  useEffect(() => {
    if (!run || at < 0) return;
    writeUrlState({ path, at });
    let current = true;
    fetchMoment(path, at)
      .then((loaded) => current && setMoment(loaded))
      .catch((thrown: unknown) => setError(String(thrown)));
    return () => {
      current = false;
    };
  }, [run, at, path]);

  const step = useCallback(
    (delta: number) => {
      if (!run) return;
      setAt((index) => Math.min(run.events.length - 1, Math.max(0, index + delta)));
    },
    [run],
  );
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'ArrowRight' || event.key === 'j') step(1);
      if (event.key === 'ArrowLeft' || event.key === 'k') step(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);

  const branch = (choice: string): void => {
    setMoment(undefined);
    setAt(-1);
    setPath(path === '' ? `${at}:${choice}` : `${path},${at}:${choice}`);
  };

  if (error)
    return (
      <div class="error" data-testid="error">
        {error}
      </div>
    );
  if (!streamed || !run) return <div>loading…</div>;
  const { loaded } = streamed;
  const verdict = run.failure
    ? `violated: ${'property' in run.failure ? `'${run.failure.property}' ` : ''}(${run.failure.kind}) ${run.failure.detail}`
    : run.open
      ? 'open branch: nothing violated so far; choose what happens next'
      : 'no violation';
  return (
    <div class="app">
      <header>
        <b>fairlink explore</b> · {run.scenario} · seed {run.header.seed}
        {path !== '' ? ` · branch ${path}` : ''}
        <div class={run.failure ? 'verdict violated' : 'verdict holds'} data-testid="verdict">
          {verdict}
        </div>
        <div class="toolbar">
          <button data-testid="back" onClick={() => step(-1)} disabled={at <= 0}>
            ◀ back
          </button>
          <span data-testid="position">
            event {at} / {run.events.length - 1}
          </span>
          <button data-testid="forward" onClick={() => step(1)} disabled={at >= run.events.length - 1}>
            forward ▶
          </button>
          <button onClick={() => setAt(run.focus)}>to the violation</button>
          {path !== '' ? (
            <button
              data-testid="unbranch"
              onClick={() => {
                setAt(-1);
                setPath(path.split(',').slice(0, -1).join(','));
              }}
            >
              undo branch
            </button>
          ) : null}
          <button
            data-testid="copy-replay"
            onClick={() => {
              void navigator.clipboard?.writeText(run.replay).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            copy replay command
          </button>
          <code data-testid="replay">{run.replay}</code>
          <span data-testid="copied">{copied ? ' copied' : ''}</span>
          <span class="progress" data-testid="progress">
            {loaded < run.eventCount ? (
              <>
                <progress max={run.eventCount} value={loaded} /> loading events: {loaded.toLocaleString('en')}{' '}
                / {run.eventCount.toLocaleString('en')}
              </>
            ) : (
              `all ${run.eventCount.toLocaleString('en')} events`
            )}
          </span>
        </div>
      </header>
      <main>
        <Diagram run={run} loaded={loaded} selected={Math.max(0, at)} step={moment?.step} onSelect={setAt} />
        <aside>
          {run.highlighted.length > 0 ? (
            <div class="highlights" data-testid="highlights">
              <h4>
                What matters to the violation
                {run.culpritOperations.length > 0
                  ? ` (operations that cannot be ordered: ${run.culpritOperations.map((op) => `#${op}`).join(', ')})`
                  : ''}
              </h4>
              {run.highlighted.slice(0, 50).map((index) => {
                const event = run.events[index];
                return (
                  <button
                    key={index}
                    class={index === at ? 'jump current' : 'jump'}
                    data-index={index}
                    onClick={() => setAt(index)}
                  >
                    #{index} {event ? describeEvent(event) : ''}
                  </button>
                );
              })}
            </div>
          ) : null}
          {moment ? (
            <>
              <div class="choices" data-testid="choices">
                <h4>Branch here: what happens next ({moment.choices.length})</h4>
                {moment.choices.length === 0 ? (
                  <i>nothing to choose (the run is over here, or read-only)</i>
                ) : null}
                {moment.choices.slice(0, 200).map((choice) =>
                  choice.kind === 'partition' && choice.nodes ? (
                    <PartitionPicker key={choice.id} nodes={choice.nodes} onChoose={branch} />
                  ) : (
                    <button
                      key={choice.id}
                      class={`choice ${choice.kind}`}
                      data-choice={choice.id}
                      onClick={() => branch(choice.id)}
                    >
                      {choice.label}
                    </button>
                  ),
                )}
              </div>
              <StatePanel moment={moment} />
            </>
          ) : (
            <div>loading the state…</div>
          )}
        </aside>
      </main>
    </div>
  );
}

/** One line for an event of the trace. */
function describeEvent(event: RunView['events'][number]): string {
  const node = 'node' in event ? `${event.node} ` : '';
  if ('op' in event) return `${node}${event.type} #${event.op} ${event.f} ${JSON.stringify(event.value)}`;
  if (event.type === 'violation') return `violation of '${event.property}'`;
  return `${node}${event.type}`;
}

const root = document.getElementById('root');
// `model=1`: the server browses a check model's state space (fairlink explore --model).
const browsesModel = new URLSearchParams(window.location.search).get('model') === '1';
if (root) render(browsesModel ? <ModelView /> : <App />, root);
