/**
 * From what a simulation recorded to the history the checkers read.
 *
 * A run records its clients' operations twice: in `SimulationResult.history` (and the
 * `SystemView.history` that properties see), and as the trace's `invoke` / `ok` / `fail` /
 * `info` events, whose values are encoded as plain-data JSON. Either converts to the same
 * {@link History}: the process is the client node, the time is virtual ms, and a keyed value
 * `{ key, value }` (see operation.ts) becomes the event's `key` and `value`.
 *
 * @module
 */
import { decodePlain } from '../../core/index.js';
import type { ClientEvent } from '../../core/index.js';
import type { Trace } from '../../trace/index.js';
import type { EventType, History, HistoryEvent } from '../types.js';
import { splitRecordedValue } from './operation.js';

function toEvent(
  process: string,
  type: EventType,
  f: string,
  recorded: unknown,
  time: number,
  index: number,
): HistoryEvent {
  const { key, value } = splitRecordedValue(recorded);
  return { process, type, f, value, ...(key === undefined ? {} : { key }), index, time };
}

/** The history of a run, from `SimulationResult.history` or `SystemView.history`. */
export function historyFromSimulation(events: readonly ClientEvent[], source = 'simulation'): History {
  return {
    source,
    events: events.map((event, index) =>
      toEvent(event.process, event.type, event.f, event.value, event.time, index),
    ),
  };
}

/**
 * The history of a traced run, from its trace's client events: the same history as
 * {@link historyFromSimulation} gives for that run, so a saved trace is a saved history.
 */
export function historyFromTrace(trace: Trace, source?: string): History {
  const events: HistoryEvent[] = [];
  for (const event of trace.events) {
    if (event.type !== 'invoke' && event.type !== 'ok' && event.type !== 'fail' && event.type !== 'info') {
      continue;
    }
    events.push(toEvent(event.node, event.type, event.f, decodePlain(event.value), event.t, events.length));
  }
  return { source: source ?? `${trace.header.scenario} seed ${trace.header.seed}`, events };
}
