/**
 * The one property language of every engine: `always` (alias `invariant`), `sometimes` and
 * `eventually`, over one read-only view of the system.
 *
 * A property is written once and used unchanged by `fairlink sim` (checked on the sampled run)
 * and `fairlink check` (checked on every path): both engines present the system to it as a
 * {@link SystemView}. A plain model of `fairlink check` (a state machine that is no actor system)
 * has no nodes to view; its properties take the model's own state instead, with the same
 * constructors: they are generic over what they look at.
 *
 * @module
 */

import type { RecordedEvent } from './causality.js';
import type { NodeId } from './ids.js';

/** One operation event of a client, as recorded in the history (Jepsen's conventions). */
export interface ClientEvent {
  /** Virtual time, ms (0 in `fairlink check`, whose time is abstract: order is list order). */
  readonly time: number;
  /** The client node (Jepsen's `process`). */
  readonly process: NodeId;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  /** The operation id; an invocation and its completion share it. */
  readonly operation: number;
  readonly f: string;
  readonly value: unknown;
}

/** A message sent and not yet delivered (nor lost). */
export interface MessageInFlight {
  readonly from: string;
  readonly to: string;
  readonly message: unknown;
}

/**
 * What a property may look at: a read-only view of the whole system, the same in every engine.
 * The simulator answers it from its live run, the model checker from the explored state.
 */
export interface SystemView {
  /** Virtual time, ms (always 0 in `fairlink check`, whose time is abstract). */
  readonly now: number;
  /** Every node. */
  readonly nodes: readonly NodeId[];
  /** The nodes of one group (such as `nodes` or `clients`). */
  group(name: string): readonly NodeId[];
  /** A node's volatile state, or `undefined` while it is down. Do not change it. */
  state<State = unknown>(node: NodeId | string): State | undefined;
  /** A node's durable storage. */
  durable(node: NodeId | string): ReadonlyMap<string, unknown>;
  /** Whether the node is running (not crashed; a paused node counts as up). */
  isUp(node: NodeId | string): boolean;
  /**
   * The messages in flight: in the simulator, each copy scheduled for delivery, in the order
   * sent; in the checker, the explored state's network (a set or multiset of copies, or the FIFO
   * queues in order). A property that reads the network may judge the engines' networks
   * differently (the checker's `stay-in-flight` keeps messages that a real network consumes).
   */
  inFlight(): readonly MessageInFlight[];
  /**
   * Client operations so far, in the order they happened: the events of the nodes' `invoke` /
   * `complete` calls. In `fairlink check` the list is rebuilt from the explored state's history,
   * in an order that respects real time exactly as the run did.
   */
  readonly history: readonly ClientEvent[];
  /**
   * The events handlers recorded with `context.record` so far, node by node (in `nodes` order),
   * each node's in the order it recorded them: an order that does not depend on how concurrent
   * events interleaved, the same in both engines. With `node`, only that node's.
   */
  recorded(node?: NodeId | string): readonly RecordedEvent[];
  /**
   * Whether recorded event `a` happened before recorded event `b` (Lamport's relation `a -> b`:
   * `a` is earlier on the same node, or a chain of sends and receives links `a` to `b`), as the
   * engine tracked it, not as the protocol's clocks claim. Irreflexive; `a` and `b` are
   * concurrent when neither happened before the other. Both must come from `recorded()`.
   * In `fairlink check` the relation is part of the explored state (see `docs/causality.md`).
   */
  happenedBefore(a: RecordedEvent, b: RecordedEvent): boolean;
  /**
   * Per-run memory for properties that look at the past (history variables): the object stored
   * under `key`, created by `create` on first use in this run. Properties are shared across the
   * seeds of a campaign, so memory kept in a property's closure would leak from one run into the
   * next; this does not. Only the simulator has one past per run: in `fairlink check` a state is
   * reached along many paths, so a property that asks for ghost memory is reported as unusable
   * there (keep what it needs in the nodes' state or the client history instead).
   */
  ghost<T>(key: string, create: () => T): T;
}

/** `true` when the property holds; otherwise `false` or a sentence saying what is wrong. */
export type Verdict = boolean | string;

/**
 * The three kinds of property, as in TLA+ and Stateright:
 * - `always`: an invariant; it must hold in every state. The simulator checks it after every
 *   step; the checker reports the shortest path to a state where it fails.
 * - `sometimes`: a reachability goal; the checker reports a path to a state where it holds, and
 *   a failure if a complete search never reaches one. One simulated run need not reach it, so
 *   the simulator does not judge it.
 * - `eventually`: liveness; it must hold at some point. The simulator requires it by the end of
 *   the run; the checker requires it on every fair behaviour.
 */
export type PropertyKind = 'always' | 'sometimes' | 'eventually';

/** A named predicate over what the engine shows it: a {@link SystemView}, or a model's state. */
export interface Property<View = SystemView> {
  readonly kind: PropertyKind;
  /** Unique among the properties of one system; reports and replay commands name it. */
  readonly name: string;
  holds(view: View): Verdict;
  /**
   * For an `always` property of the client history that holds of a history only if it holds of
   * every prefix (linearizability, sequential consistency): its verdict on the final history is
   * its verdict on the whole run, so the simulator may judge it once, when the run ends, rather
   * than after every step. The checker judges it in every state regardless.
   */
  readonly judgedAtEnd?: boolean;
  /**
   * For a property of the client history that does not hold in `view`: the operations
   * (`ClientEvent.operation`) that cannot be ordered, which tools mark (`fairlink explore`).
   */
  culprits?(view: View): readonly number[];
}

/** An invariant: holds in every state. */
export function always<View = SystemView>(name: string, holds: (view: View) => Verdict): Property<View> {
  return { kind: 'always', name, holds };
}

/** The same constructor as {@link always}, under the name the simulator's users know. */
export const invariant = always;

/** A reachability goal: holds in some reachable state (judged by the checker only). */
export function sometimes<View = SystemView>(name: string, holds: (view: View) => Verdict): Property<View> {
  return { kind: 'sometimes', name, holds };
}

/** A liveness goal: holds at some point of every (fair) behaviour. */
export function eventually<View = SystemView>(name: string, holds: (view: View) => Verdict): Property<View> {
  return { kind: 'eventually', name, holds };
}

/**
 * Whether `property` holds on `view`: only the verdict `true` does. A string is a failure with
 * its reason, so every engine judges a verdict by this one rule.
 */
export function holdsOn<View>(property: Property<View>, view: View): boolean {
  return property.holds(view) === true;
}
