/**
 * Histories in Jepsen's conventions, and the pairing of their events into operations.
 *
 * A client runs one operation at a time. It records `invoke` when it starts one, then exactly one
 * of `ok` (it happened, here is the result), `fail` (it definitely did not happen) or `info` (we
 * cannot tell). An operation whose completion never appears is treated like `info`.
 *
 * @module
 */
import { HistoryFormatError } from './errors.js';

/** Who ran an event: a client process (Jepsen numbers them) or a named actor such as `nemesis`. */
export type ProcessId = number | string;

/** The key an operation addresses, for models made of independent keys. */
export type HistoryKey = string | number;

/** The four event types of a Jepsen history. */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

/** One line of a history: an invocation or a completion. */
export interface HistoryEvent {
  /** The client that ran the operation. */
  readonly process: ProcessId;
  readonly type: EventType;
  /** The operation's function name: `read`, `write`, `cas`, `append`, `add` ... */
  readonly f: string;
  /** For an invocation, the operation's argument; for a completion, its result. */
  readonly value: unknown;
  /** The key addressed, for key-value histories. */
  readonly key?: HistoryKey;
  /** Position of this event in the history, from 0. Histories are in real-time order. */
  readonly index: number;
  /** Time of the event in any unit common to the whole history (Jepsen: nanoseconds). */
  readonly time?: number;
  /** The 1-based source line the event came from, for error messages. */
  readonly line?: number;
}

/**
 * Lines of a file that a reader passed over without reading an event from them: not blank lines
 * or comments, which carry nothing, but lines of some other kind (a log's other messages).
 * Reports must show them, since a file in the wrong format would otherwise read as an empty
 * history.
 */
export interface SkippedLines {
  readonly count: number;
  /** The 1-based number of the first line skipped. */
  readonly firstLine: number;
}

/** A parsed history: its events in real-time order and where they came from. */
export interface History {
  readonly events: readonly HistoryEvent[];
  /** File name or other label, used in error messages and reports. */
  readonly source: string;
  /** Lines the reader skipped, when it skipped any. */
  readonly skipped?: SkippedLines;
}

/**
 * One operation: an invocation paired with its completion.
 *
 * `call` and `ret` are on one axis: the events' `time` when every event has one, otherwise the
 * events' `index`. An operation with an unknown outcome returns at `+Infinity`: it may take
 * effect at any point after its call, or never.
 */
export interface Operation {
  /** Dense id, from 0, in order of invocation. */
  readonly id: number;
  readonly process: ProcessId;
  readonly f: string;
  readonly key?: HistoryKey;
  /** The invocation's value. */
  readonly input: unknown;
  /** The completion's value; `undefined` when `status` is `unknown`. */
  readonly output: unknown;
  /** `ok`: it happened and returned `output`. `unknown`: it may or may not have happened. */
  readonly status: 'ok' | 'unknown';
  /** When the operation was invoked. */
  readonly call: number;
  /** When it completed; `Infinity` when the outcome is unknown. */
  readonly ret: number;
  /** Index of the invocation event in the history. */
  readonly callIndex: number;
  /** Index of the completion event (`ok` or `info`), when there was one. */
  readonly retIndex?: number;
}

/** What {@link pairOperations} made of a history. */
export interface PairedHistory {
  readonly operations: readonly Operation[];
  /** Whether `call`/`ret` are event times (`time`) or event positions (`index`). */
  readonly axis: 'time' | 'index';
  /** Operations that ended in `fail`: they definitely did not happen, so they are left out. */
  readonly failed: number;
  /** Operations that ended in `info` or never ended: their outcome is unknown. */
  readonly unknown: number;
}

/** Options of {@link pairOperations}. */
export interface PairOptions {
  /**
   * Processes whose events are not client operations and are skipped (Jepsen's fault injector
   * logs as `nemesis`). Default: `['nemesis']`.
   */
  readonly ignoreProcesses?: readonly ProcessId[];
}

/**
 * Pairs each invocation with its process's next completion.
 *
 * - `ok`: the operation happened; its result is the completion's value.
 * - `fail`: it definitely did not happen, so it is dropped (it cannot explain any read).
 * - `info`, or no completion at all: it may have happened at any point after its invocation, so it
 *   returns at `+Infinity` with an unknown result.
 *
 * An `info` event with no pending invocation is a log line rather than an operation (Jepsen's
 * nemesis writes those) and is ignored.
 *
 * @throws {@link HistoryFormatError} for a completion with no invocation, a second invocation
 *   while one is pending, or a completion whose `f` differs from its invocation's.
 */
export function pairOperations(history: History, options: PairOptions = {}): PairedHistory {
  const ignored = new Set<ProcessId>(options.ignoreProcesses ?? ['nemesis']);
  const events: HistoryEvent[] = [];
  let everyEventTimed = true;
  for (const event of history.events) {
    if (ignored.has(event.process)) continue;
    events.push(event);
    if (event.time === undefined) everyEventTimed = false;
  }
  const axis = events.length > 0 && everyEventTimed ? 'time' : 'index';
  const at = (event: HistoryEvent): number => (axis === 'time' ? (event.time as number) : event.index);

  // Operations get their ids in order of invocation: the order of `invokes`.
  const invokes: HistoryEvent[] = [];
  const completions: (HistoryEvent | undefined)[] = [];
  /** The pending invocation of each process, as an index into `invokes`. */
  const pending = new Map<ProcessId, number>();
  let failed = 0;
  for (const event of events) {
    const open = pending.get(event.process);
    if (event.type === 'invoke') {
      if (open !== undefined) {
        const openEvent = invokes[open] as HistoryEvent;
        throw new HistoryFormatError(
          history.source,
          event.line,
          `process ${String(event.process)} invokes ${event.f} while its ${openEvent.f} (event ${openEvent.index}) is still pending`,
        );
      }
      pending.set(event.process, invokes.length);
      invokes.push(event);
      completions.push(undefined);
      continue;
    }
    if (open === undefined) {
      if (event.type === 'info') continue;
      throw new HistoryFormatError(
        history.source,
        event.line,
        `process ${String(event.process)} completes ${event.f} (${event.type}) but invoked nothing`,
      );
    }
    const openEvent = invokes[open] as HistoryEvent;
    if (openEvent.f !== event.f) {
      throw new HistoryFormatError(
        history.source,
        event.line,
        `process ${String(event.process)} invoked ${openEvent.f} but completes ${event.f}`,
      );
    }
    pending.delete(event.process);
    completions[open] = event;
  }

  const operations: Operation[] = [];
  let unknown = 0;
  for (let i = 0; i < invokes.length; i++) {
    const invoke = invokes[i] as HistoryEvent;
    const completion = completions[i];
    if (completion?.type === 'fail') {
      failed++;
      continue;
    }
    const known = completion?.type === 'ok';
    if (!known) unknown++;
    if (completion !== undefined && at(completion) < at(invoke)) {
      throw new HistoryFormatError(
        history.source,
        completion.line,
        `process ${String(invoke.process)} completes ${invoke.f} before invoking it (time goes backwards)`,
      );
    }
    const operation: Mutable<Operation> = {
      id: operations.length,
      process: invoke.process,
      f: invoke.f,
      input: invoke.value,
      output: known ? completion.value : undefined,
      status: known ? 'ok' : 'unknown',
      call: at(invoke),
      ret: known ? at(completion) : Infinity,
      callIndex: invoke.index,
    };
    if (invoke.key !== undefined) operation.key = invoke.key;
    if (completion !== undefined) operation.retIndex = completion.index;
    operations.push(operation);
  }
  return { operations, axis, failed, unknown };
}

/** `T` with its fields writable, to build a value field by field. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
