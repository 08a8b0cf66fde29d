/**
 * The routed messages of a run as a fairlink trace (engine `runtime`), so that
 * the same space-time diagram and tools read it: sends, deliveries, drops,
 * partitions, heals and client operations, in real milliseconds since the
 * start of the run.
 */

import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceEvent, type TraceNode } from '../trace/index.js';
import { compareNodeIds } from './diagnostics.js';

/** Events kept at most: beyond, the trace stops growing and says it was cut. */
export const TRACE_EVENTS_MAX = 400_000;

/** The group a participant belongs to in the diagram. */
export type ParticipantGroup = 'servers' | 'clients' | 'services';

/** Collects trace events as a run goes. */
export class TraceRecorder {
  private readonly events: TraceEvent[] = [];
  private readonly participants = new Map<string, { group: ParticipantGroup; protocol: string }>();
  private droppedEvents = 0;

  constructor(private readonly eventsMax = TRACE_EVENTS_MAX) {}

  /** Declares a participant (a node, a client or a service). */
  participant(id: string, group: ParticipantGroup, protocol: string): void {
    if (!this.participants.has(id)) this.participants.set(id, { group, protocol });
  }

  /** Records one event (times are rounded to microseconds). */
  record(event: TraceEvent): void {
    if (this.events.length >= this.eventsMax) {
      this.droppedEvents++;
      return;
    }
    this.events.push(event);
  }

  /** Events not recorded because the trace was full. */
  get cutEvents(): number {
    return this.droppedEvents;
  }

  /** The trace: servers first, then services, then clients, each in numeric order. */
  build(
    scenario: string,
    seed: number,
    params: Record<string, unknown>,
    config: Record<string, unknown>,
  ): Trace {
    const order: Record<ParticipantGroup, number> = { servers: 0, services: 1, clients: 2 };
    const nodes: TraceNode[] = [...this.participants]
      .sort(([a, left], [b, right]) => order[left.group] - order[right.group] || compareNodeIds(a, b))
      .map(([id, { group, protocol }]) => ({ id, protocol, group }));
    return {
      header: {
        format: TRACE_FORMAT,
        version: TRACE_VERSION,
        engine: 'runtime',
        scenario,
        seed,
        params,
        nodes,
        config: this.droppedEvents > 0 ? { ...config, eventsCut: this.droppedEvents } : config,
      },
      events: this.events,
    };
  }
}

/** A time in ms rounded to microseconds, as traces print it. */
export function traceTime(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000);
}
