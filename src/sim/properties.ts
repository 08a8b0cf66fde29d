/**
 * Properties of a simulated system: invariants checked after every step, and
 * `eventually` properties that must hold by the end of the liveness phase.
 */

import type { NodeId } from '../core/ids.js';

/** One operation event of a client, as recorded in the history. */
export interface HistoryEvent {
  /** Virtual time, ms. */
  readonly time: number;
  /** The client node (Jepsen's `process`). */
  readonly process: NodeId;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  /** The operation id; an invocation and its completion share it. */
  readonly operation: number;
  readonly f: string;
  readonly value: unknown;
}

/** What a property may look at: a read-only view of the whole system. */
export interface SystemView {
  /** Virtual time, ms. */
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
  /** Client operations so far. */
  readonly history: readonly HistoryEvent[];
  /**
   * Per-run memory for properties that look at the past (history variables):
   * the object stored under `key`, created by `create` on first use in this run.
   * Properties are shared across the seeds of a campaign, so memory kept in a
   * property's closure would leak from one run into the next; this does not.
   */
  ghost<T>(key: string, create: () => T): T;
}

/** `true` when the property holds; otherwise `false` or a sentence saying what is wrong. */
export type Verdict = boolean | string;

/** A named predicate over the system. */
export interface Property {
  readonly name: string;
  readonly holds: (view: SystemView) => Verdict;
}

/** An invariant: must hold after every step. */
export function invariant(name: string, holds: (view: SystemView) => Verdict): Property {
  return { name, holds };
}

/** A liveness property: must hold at some point before the run ends. */
export function eventually(name: string, holds: (view: SystemView) => Verdict): Property {
  return { name, holds };
}
