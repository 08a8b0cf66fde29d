// The system at the selected moment, as the server's simulator snapshot gives it; what the
// moment's step changed is marked (compared with the moment before, field by field).
import type { MomentView } from './api.js';

type Snapshot = MomentView['snapshot'];
type NodeSnapshot = Snapshot['nodes'][number];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The node's state fields, each marked when the step changed it. */
function StateFields(props: { readonly node: NodeSnapshot; readonly before: NodeSnapshot | undefined }) {
  const { node, before } = props;
  const state = node.state;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    return <pre class={before && !same(before.state, state) ? 'changed' : ''}>{JSON.stringify(state)}</pre>;
  }
  const previous = (before?.state ?? {}) as Record<string, unknown>;
  return (
    <table class="fields">
      <tbody>
        {Object.entries(state as Record<string, unknown>).map(([key, value]) => (
          <tr key={key} class={before && !same(previous[key], value) ? 'changed' : ''}>
            <th>{key}</th>
            <td>
              <code>{JSON.stringify(value)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatePanel(props: { readonly moment: MomentView }) {
  const { snapshot, before } = props.moment;
  const beforeOf = new Map((before?.nodes ?? []).map((node) => [node.id, node]));
  const flightBefore = new Set((before?.inFlight ?? []).map((entry) => entry.msg));
  return (
    <div class="state" data-testid="state">
      <h3>
        At {snapshot.timeMs} ms · event {props.moment.index} (step: events {props.moment.step[0]}–
        {props.moment.step[1] - 1})
      </h3>
      <h4>Properties</h4>
      <ul class="properties" data-testid="properties">
        {snapshot.properties.map((property) => (
          // An `eventually` property not met yet is pending, not violated: the run may still meet it.
          <li
            key={property.name}
            class={
              property.verdict === true ? 'holds' : property.kind === 'eventually' ? 'pending' : 'violated'
            }
          >
            {property.verdict === true ? '✓' : property.kind === 'eventually' ? '…' : '✗'} {property.name} (
            {property.kind}
            {property.kind === 'eventually' && property.verdict !== true ? ', not yet' : ''})
            {typeof property.verdict === 'string' ? `: ${property.verdict}` : ''}
          </li>
        ))}
      </ul>
      <h4>Nodes</h4>
      {snapshot.nodes.map((node) => {
        const previous = beforeOf.get(node.id);
        const changed = previous !== undefined && !same(previous, node);
        return (
          <details
            key={node.id}
            open={changed}
            class={`node ${changed ? 'changed-node' : ''}`}
            data-node={node.id}
          >
            <summary>
              <b>{node.id}</b> {node.status}
              {node.paused ? ' · paused (arrivals and timers wait)' : ''}
              {node.clock
                ? ` · clock ${node.clock.skewMs >= 0 ? '+' : ''}${node.clock.skewMs} ms, drift ${node.clock.drift}`
                : ''}
              {node.timers.length > 0 ? ` · timers: ${node.timers.join(', ')}` : ''}
              {changed ? ' · changed' : ''}
            </summary>
            <StateFields node={node} before={previous} />
            {Object.keys(node.durable).length > 0 ? (
              <div class={previous && !same(previous.durable, node.durable) ? 'changed' : ''}>
                durable: <code>{JSON.stringify(node.durable)}</code>
              </div>
            ) : null}
          </details>
        );
      })}
      {snapshot.partition ? (
        <div class="partition" data-testid="partition">
          <b>Partition:</b>{' '}
          {Object.entries(snapshot.partition)
            .map(([node, ignored]) => `${node} drops from ${ignored.join(',')}`)
            .join('; ')}
        </div>
      ) : null}
      <h4>In flight ({snapshot.inFlight.length})</h4>
      <ul class="flight">
        {snapshot.inFlight.map((entry, index) => (
          // Keyed by place too: both copies of a duplicate share the message's id.
          <li key={`${entry.msg}@${index}`} class={flightBefore.has(entry.msg) || !before ? '' : 'changed'}>
            {entry.msg} {entry.from}→{entry.to} <code>{JSON.stringify(entry.message)}</code>
          </li>
        ))}
      </ul>
      <h4>Client history ({snapshot.history.length} events)</h4>
      <ol class="history">
        {snapshot.history.map((event, index) => (
          <li key={index}>
            {event.process} {event.type} #{event.operation} {event.f}{' '}
            <code>{JSON.stringify(event.value)}</code>
          </li>
        ))}
      </ol>
    </div>
  );
}
