/**
 * The history properties of the one property language: `linearizable(model)` and
 * `sequentiallyConsistent(model)`, `always` properties of the client history that
 * `SystemView.history` shows in every engine.
 *
 * The history is the run's client events in the order the engine executed them. Real-time
 * order is taken from that order rather than from virtual times: two events at the same virtual
 * instant still happened one after the other in the run (a write's `ok`, then a read's
 * `invoke`), and a checker given equal times would count them as concurrent and accept a read
 * that the run shows to be stale.
 *
 * @module
 */
import { plainToJson } from '../core/index.js';
import type { ClientEvent, Property, SystemView } from '../core/index.js';
import { HistoryFormatError } from './errors.js';
import { checkLinearizability } from './linearizability/check.js';
import type { LinearizabilityResult, PartitionExplanation } from './linearizability/result.js';
import type { Model } from './models/model.js';
import { pairOperations, type History, type Operation } from './types.js';
import { checkSequentialConsistency, type SequentialResult } from './sequential/check.js';
import { historyFromSimulation } from './workloads/history.js';

/** Options of {@link linearizable}. */
export interface LinearizableOptions {
  /** The property's name (default `linearizable (<model>)`). */
  readonly name?: string;
  /** Split the history by the model's partition (by key for key-value stores). Default true. */
  readonly partition?: boolean;
  /**
   * Give up after this much wall time, ms, and fail with "could not decide". Off by default:
   * a wall-time budget makes a run's verdict depend on the machine, and shrinking and replay
   * need the same verdict every time.
   */
  readonly timeoutMs?: number;
  /** How many of the last linearized operations the explanation shows (default 3). */
  readonly contextOperations?: number;
}

/** `1250` as `1.25 s`, `12` as `12 ms`. */
function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '?';
  return ms < 1000 ? `${Math.round(ms * 1000) / 1000} ms` : `${Math.round(ms) / 1000} s`;
}

/**
 * A short account of why one partition has no linearization: the last few operations placed,
 * the state they lead to, and each operation that real time allows next but cannot be placed,
 * with who ran it and when.
 */
export function explainPartition<S>(
  explanation: PartitionExplanation,
  history: History,
  model: Model<S>,
  contextOperations = 3,
): string {
  const describe = (op: Operation): string => {
    const text = model.describeOperation?.(op) ?? `${op.f}(${JSON.stringify(op.input)})`;
    const called = history.events[op.callIndex]?.time;
    const returned = op.retIndex === undefined ? undefined : history.events[op.retIndex]?.time;
    const span =
      op.status === 'ok'
        ? `${formatTime(called)} to ${formatTime(returned)}`
        : `from ${formatTime(called)}, unknown outcome`;
    return `${String(op.process)} ${text} [${span}]`;
  };
  const where = explanation.key === undefined ? '' : `key ${JSON.stringify(explanation.key)}: `;
  const placed = explanation.linearized;
  const shown = placed.slice(Math.max(0, placed.length - contextOperations));
  const prefix =
    placed.length === 0
      ? 'from the initial state'
      : `after ${placed.length} operation(s) ending ${shown.map(describe).join(', ')}`;
  const blocked = explanation.blocked
    .map(
      (entry) =>
        `${describe(entry.operation)} (${entry.reason === 'illegal' ? 'illegal there' : 'a dead end'})`,
    )
    .join('; ');
  return `${where}${prefix}, in state ${explanation.state}, no operation can come next: ${blocked}`;
}

/** The verdict of a check as a property verdict: `true`, or a sentence saying what is wrong. */
function verdictOf<S>(
  result: LinearizabilityResult,
  history: History,
  model: Model<S>,
  contextOperations: number,
): true | string {
  switch (result.verdict) {
    case 'linearizable':
      return true;
    case 'unknown':
      return `could not decide: ${result.reason ?? 'the check ran out of time'}`;
    case 'not-linearizable': {
      const first = result.explanation?.[0];
      const detail =
        first === undefined ? 'no explanation' : explainPartition(first, history, model, contextOperations);
      return `not linearizable (${result.operations} operations, ${result.partitions} partition(s)): ${detail}`;
    }
  }
}

/**
 * The operations of a run's client history, ordered as the run's events are (not by their
 * times: see the module's comment).
 *
 * @throws HistoryFormatError when a client breaks Jepsen's rules (two operations at once, a
 * completion of nothing)
 */
export function runOperations(history: History): readonly Operation[] {
  // Without times, the pairing orders operations by event index: the run's own order.
  const untimed: History = {
    source: history.source,
    events: history.events.map(({ time: _time, ...event }) => event),
  };
  return pairOperations(untimed).operations;
}

/** What a history property's checker found: the result a history page draws. */
export type HistoryCheckResult = LinearizabilityResult | SequentialResult;

/**
 * How a history property checks a history, once its operations are paired: the checker's full
 * result, and the property's verdict on it. One function serves both the property (which keeps
 * the verdict) and {@link checkHistoryProperty} (which keeps the result, to draw it).
 */
type HistoryJudge = (
  history: History,
  operations: readonly Operation[],
) => { readonly result: HistoryCheckResult; readonly verdict: true | string };

/** The judge of each history property, so that a report can run it again for its result. */
const judges = new WeakMap<Property, HistoryJudge>();

/**
 * The checker's result on `history` for a property made by {@link linearizable} or
 * {@link sequentiallyConsistent}: the same check, on the same operations in the same order, as
 * the property judged, so a history page marks the operations that made the property fail.
 * `undefined` for any other property, or a history that breaks Jepsen's rules (the property's
 * verdict says so).
 */
export function checkHistoryProperty(property: Property, history: History): HistoryCheckResult | undefined {
  const judge = judges.get(property);
  if (judge === undefined) return undefined;
  const operations = operationsOrProblem(history);
  return typeof operations === 'string' ? undefined : judge(history, operations).result;
}

/** The run's operations, or what is wrong with its client history. */
function operationsOrProblem(history: History): readonly Operation[] | string {
  try {
    return runOperations(history);
  } catch (error) {
    if (error instanceof HistoryFormatError)
      return `the client history breaks Jepsen's rules: ${error.message}`;
    throw error;
  }
}

/**
 * The operations a failed check could not place next (for a linearizability failure, the ones
 * that cannot be ordered): what a debugger highlights. Empty when the check passed.
 */
function blockedOperations(result: HistoryCheckResult): readonly Operation[] {
  if (result.verdict === 'linearizable' || result.verdict === 'sequentially-consistent') return [];
  if (result.verdict === 'unknown') return [];
  if ('partitions' in result) return (result.explanation?.[0]?.blocked ?? []).map((entry) => entry.operation);
  return (result.explanation?.blocked ?? []).map((entry) => entry.operation);
}

/** Verdicts remembered by value at most (histories are few; this only bounds memory). */
const VERDICTS_MAX = 1 << 16;

/**
 * A property of the client history: `always`, judged when the simulated run ends (a history
 * judge accepts a history only if it accepts its prefixes) and in every state the checker
 * explores. `judge` gets the history (events with the run's times) and its operations, ordered
 * by the events' positions.
 *
 * The checker shows many states the same history, as one frozen list per kept history, or equal
 * lists rebuilt from its frontier; verdicts are remembered by list, then by value. The
 * simulator's history grows in place, so nothing is remembered of it.
 */
function historyProperty(name: string, judge: HistoryJudge): Property {
  const byList = new WeakMap<readonly ClientEvent[], true | string>();
  const byText = new Map<string, true | string>();
  const judged = (events: readonly ClientEvent[]): true | string => {
    const history = historyFromSimulation(events);
    const operations = operationsOrProblem(history);
    return typeof operations === 'string' ? operations : judge(history, operations).verdict;
  };
  const property: Property = {
    kind: 'always',
    name,
    judgedAtEnd: true,
    culprits(view: SystemView): readonly number[] {
      const events = view.history;
      const history = historyFromSimulation(events);
      const operations = operationsOrProblem(history);
      if (typeof operations === 'string') return [];
      // An operation's call index is its invocation's position in `events`.
      return blockedOperations(judge(history, operations).result).map(
        (op) => events[op.callIndex]?.operation ?? -1,
      );
    },
    holds(view) {
      const events = view.history;
      if (!Object.isFrozen(events)) return judged(events);
      let verdict = byList.get(events);
      if (verdict !== undefined) return verdict;
      const text = plainToJson(events);
      verdict = byText.get(text);
      if (verdict === undefined) {
        verdict = judged(events);
        if (byText.size >= VERDICTS_MAX) byText.clear();
        byText.set(text, verdict);
      }
      byList.set(events, verdict);
      return verdict;
    },
  };
  judges.set(property, judge);
  return property;
}

/**
 * Always: the client history (the nodes' `invoke` / `complete` calls) is linearizable with
 * respect to `model`, in `fairlink sim` (judged once the run ends) and in `fairlink check` (in
 * every explored state, with a shortest counterexample). Give a factory when the model keeps
 * per-history tables (the key-value model does): each judgement then gets a fresh one.
 *
 * @example
 * ```ts
 * properties: [linearizable(() => keyValueModel({ initial: '' }))],
 * ```
 */
export function linearizable<S>(
  model: Model<S> | (() => Model<S>),
  options: LinearizableOptions = {},
): Property {
  const fresh = typeof model === 'function' ? model : () => model;
  const contextOperations = options.contextOperations ?? 3;
  return historyProperty(options.name ?? `linearizable (${fresh().name})`, (history, operations) => {
    const checked = fresh();
    const result = checkLinearizability(operations, checked, {
      ...(options.partition === undefined ? {} : { partition: options.partition }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return { result, verdict: verdictOf(result, history, checked, contextOperations) };
  });
}

/** Options of {@link sequentiallyConsistent}. */
export interface SequentiallyConsistentOptions {
  /** The property's name (default `sequentially consistent (<model>)`). */
  readonly name?: string;
  /** Give up after this much wall time, ms (off by default, as for {@link linearizable}). */
  readonly timeoutMs?: number;
}

/** Always: the client history is sequentially consistent with respect to `model`. */
export function sequentiallyConsistent<S>(
  model: Model<S> | (() => Model<S>),
  options: SequentiallyConsistentOptions = {},
): Property {
  const fresh = typeof model === 'function' ? model : () => model;
  return historyProperty(
    options.name ?? `sequentially consistent (${fresh().name})`,
    (_history, operations) => {
      const result = checkSequentialConsistency(
        operations,
        fresh(),
        options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
      );
      switch (result.verdict) {
        case 'sequentially-consistent':
          return { result, verdict: true };
        case 'unknown':
          return { result, verdict: `could not decide: ${result.reason ?? 'the check ran out of time'}` };
        default:
          return {
            result,
            verdict: `not sequentially consistent (${result.operations} operations, ${result.processes} process(es))`,
          };
      }
    },
  );
}
