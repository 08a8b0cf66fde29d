/**
 * Effects: what one step asks the engine to do, in the order the engine must
 * do it. A step that throws produces no effects at all (steps are atomic).
 */

import type { NodeId } from './ids.js';
import type { OperationOutcome } from './protocol.js';

/** Send `message` to `to`. */
export interface SendEffect {
  readonly kind: 'send';
  readonly to: NodeId;
  readonly message: unknown;
}

/** Set (or reset) the timer `name` with a delay drawn from `[min, max]` ms. */
export interface TimerSetEffect {
  readonly kind: 'timer-set';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly data: unknown;
}

/** Cancel the timer `name`. */
export interface TimerCancelEffect {
  readonly kind: 'timer-cancel';
  readonly name: string;
}

/** A line for the trace. */
export interface LogEffect {
  readonly kind: 'log';
  readonly text: string;
}

/** A client operation's invocation or completion, for the history. */
export interface ClientEffect {
  readonly kind: 'client';
  readonly type: 'invoke' | OperationOutcome;
  readonly operation: number;
  readonly f: string;
  readonly value: unknown;
}

/**
 * An event recorded for properties (`context.record`): the engine stamps it with its causal past,
 * so that properties can ask whether one recorded event happened before another (`causality.ts`).
 */
export interface RecordEffect {
  readonly kind: 'record';
  readonly label: string;
  readonly data: unknown;
}

/** Everything but persistence; persistence is returned apart because it must happen first. */
export type Effect =
  SendEffect | TimerSetEffect | TimerCancelEffect | LogEffect | ClientEffect | RecordEffect;
