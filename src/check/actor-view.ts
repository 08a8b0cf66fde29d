/**
 * What a property sees of an explored actor state: the {@link SystemView} the simulator shows it
 * of its run, so that one property serves `fairlink sim` and `fairlink check` alike.
 *
 * One view per model, pointed at each state as it is judged: nothing is copied, and what is
 * derived (a node's durable storage as a `Map`, the client history as events) is remembered per
 * part of the state, which many states share.
 *
 * @module
 */
import type { NodeId } from '../core/index.js';
import { plainToJson } from '../core/index.js';
import type { ClientEvent, MessageInFlight, Property, SystemView } from '../core/index.js';
import {
  happenedBeforeStamp,
  recordedInNodeOrder,
  stampedRecordOf,
  type RecordedEvent,
  type StampedRecord,
} from '../core/index.js';
import type { ActorState } from './actors.js';
import { historyEvents, type ClientHistory } from './client-history.js';

const NO_EVENTS: readonly ClientEvent[] = Object.freeze([]);
const NO_DURABLE: ReadonlyMap<string, unknown> = new Map();
const NO_RECORDS: readonly StampedRecord[] = Object.freeze([]);
/** Every node's recorded events in node order, by the state's `nodes` part (shared by many states). */
const recordedOf = new WeakMap<ActorState['nodes'], readonly StampedRecord[]>();

/** Derived parts, by the state part they come from (shared by every state that shares it). */
const eventsOf = new WeakMap<ClientHistory, readonly ClientEvent[]>();
/**
 * The same, by value: the checker rebuilds the states it takes from its frontier, so equal
 * histories are often new objects; giving them the one list lets the history properties find
 * their verdict by identity. Bounded, as it only saves time.
 */
const eventsByText = new Map<string, readonly ClientEvent[]>();
const EVENTS_BY_TEXT_MAX = 1 << 16;
const inFlightOf = new WeakMap<ActorState['network'], readonly MessageInFlight[]>();
const durableOf = new WeakMap<Readonly<Record<string, unknown>>, ReadonlyMap<string, unknown>>();

/** A {@link SystemView} over one actor state at a time. */
export class ActorStateView implements SystemView {
  private current: ActorState | undefined;

  /**
   * @param nodes every node, Byzantine ones included (as in the simulator)
   * @param groups the nodes of each group
   * @param byzantine the Byzantine nodes: always up, with no state of their own
   */
  constructor(
    readonly nodes: readonly NodeId[],
    private readonly groups: ReadonlyMap<string, readonly NodeId[]>,
    private readonly byzantine: ReadonlySet<string>,
  ) {}

  /** Points the view at `state`; returns the view. */
  at(state: ActorState): this {
    this.current = state;
    return this;
  }

  /** Time is abstract in the checker. */
  get now(): number {
    return 0;
  }

  group(name: string): readonly NodeId[] {
    return this.groups.get(name) ?? [];
  }

  state<State = unknown>(node: NodeId | string): State | undefined {
    const snapshot = this.snapshot().nodes[node];
    return (snapshot?.status === 'up' ? (snapshot.state ?? undefined) : undefined) as State | undefined;
  }

  durable(node: NodeId | string): ReadonlyMap<string, unknown> {
    const record = this.snapshot().nodes[node]?.durable;
    if (record === undefined) return NO_DURABLE;
    let map = durableOf.get(record);
    if (map === undefined) {
      map = new Map(Object.entries(record));
      durableOf.set(record, map);
    }
    return map;
  }

  isUp(node: NodeId | string): boolean {
    return this.snapshot().nodes[node]?.status === 'up' || this.byzantine.has(node);
  }

  inFlight(): readonly MessageInFlight[] {
    const network = this.snapshot().network;
    if (Array.isArray(network)) return network as readonly MessageInFlight[];
    let messages = inFlightOf.get(network);
    if (messages === undefined) {
      // FIFO: every queue, in order, queues by their `from->to` key.
      const queues = network as Readonly<Record<string, readonly MessageInFlight[]>>;
      messages = Object.keys(queues)
        .sort()
        .flatMap((key) => queues[key] as readonly MessageInFlight[]);
      inFlightOf.set(network, messages);
    }
    return messages;
  }

  get history(): readonly ClientEvent[] {
    const history = this.snapshot().history;
    if (history === undefined) return NO_EVENTS;
    let events = eventsOf.get(history);
    if (events === undefined) {
      const text = plainToJson(history);
      events = eventsByText.get(text);
      if (events === undefined) {
        // Frozen: the history properties remember verdicts per list only for lists that cannot grow.
        events = Object.freeze(historyEvents(history));
        if (eventsByText.size >= EVENTS_BY_TEXT_MAX) eventsByText.clear();
        eventsByText.set(text, events);
      }
      eventsOf.set(history, events);
    }
    return events;
  }

  recorded(node?: NodeId | string): readonly RecordedEvent[] {
    const nodes = this.snapshot().nodes;
    if (node !== undefined) return nodes[node]?.recorded ?? NO_RECORDS;
    let records = recordedOf.get(nodes);
    if (records === undefined) {
      records = recordedInNodeOrder(this.nodes, (id) => nodes[id]?.recorded);
      recordedOf.set(nodes, records);
    }
    return records;
  }

  happenedBefore(a: RecordedEvent, b: RecordedEvent): boolean {
    const nodes = this.snapshot().nodes;
    const recordsOf = (id: string): readonly StampedRecord[] | undefined => nodes[id]?.recorded;
    stampedRecordOf(a, recordsOf);
    return happenedBeforeStamp(a, stampedRecordOf(b, recordsOf));
  }

  ghost<T>(key: string, _create: () => T): T {
    throw new Error(
      `ghost memory ('${key}') needs one past per run, and fairlink check reaches a state along many paths: keep what the property needs in the nodes' state or the client history`,
    );
  }

  private snapshot(): ActorState {
    if (this.current === undefined) throw new Error('ActorStateView: read before `at(state)`');
    return this.current;
  }
}

/** `property` as a property of actor states: judged on `view` pointed at each state. */
export function overActorStates(property: Property, view: ActorStateView): Property<ActorState> {
  // Left out only to be replaced below, never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { culprits: _culprits, ...rest } = property;
  return {
    ...rest,
    holds: (state) => property.holds(view.at(state)),
    ...(property.culprits === undefined
      ? {}
      : { culprits: (state: ActorState) => property.culprits?.(view.at(state)) ?? [] }),
  };
}
