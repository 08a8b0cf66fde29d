/**
 * The snapshot the explorer shows: its messages in flight are exactly the trace's sends not yet
 * delivered or dropped (a duplicate counts twice), those waiting for a paused node included.
 */
import { describe, expect, it } from 'vitest';
import { buildRaftKv, RAFT_KV_SETTINGS } from '../../examples/raft-kv.js';
import type { TraceEvent } from '../trace/index.js';
import { simulate, type SimSnapshot } from './simulator.js';

/** The messages in flight after `events`, by the trace alone (sorted ids, one per copy). */
function inFlightByTrace(events: readonly TraceEvent[]): string[] {
  const copies = new Map<string, number>();
  const add = (msg: string, count: number): void => {
    const left = (copies.get(msg) ?? 0) + count;
    if (left === 0) copies.delete(msg);
    else copies.set(msg, left);
  };
  for (const event of events) {
    if (event.type === 'send' || event.type === 'duplicate') add(event.msg, 1);
    if (event.type === 'deliver' || event.type === 'drop') add(event.msg, -1);
  }
  return [...copies].flatMap(([msg, count]) => Array<string>(count).fill(msg)).sort();
}

describe('a snapshot lists the messages in flight', () => {
  it('including those waiting for a paused node', () => {
    const config = {
      ...buildRaftKv({
        ...RAFT_KV_SETTINGS,
        servers: 3,
        clients: 2,
        operations: 4,
        dropRate: 0.1,
        duplicateRate: 0.1,
        faultIntervalMs: 0,
        durationMs: 1_000,
        livenessMs: 1_000,
        bug: 'none',
      }),
      faults: [{ atMs: 300, fault: { kind: 'pause' as const, node: 'n1', forMs: 200 } }],
    };
    // Late in the pause (messages to n1 have arrived and wait): the first moment past 450 ms.
    const events = simulate(config, { seed: 4, trace: true }).trace?.events ?? [];
    const late = events.findIndex((event) => event.t >= 450);
    const taken: { snapshot: SimSnapshot; eventCount: number }[] = [];
    simulate(config, {
      seed: 4,
      trace: true,
      observe: (moment) => {
        if (taken.length === 0 && moment.eventCount > late)
          taken.push({ snapshot: moment.snapshot(), eventCount: moment.eventCount });
      },
    });
    const seen = taken[0];
    if (seen === undefined) throw new Error('the run never reached 450 ms');
    const before = events.slice(0, seen.eventCount);
    expect(before.some((event) => event.type === 'pause')).toBe(true);
    expect(before.some((event) => event.type === 'resume')).toBe(false);
    const listed = seen.snapshot.inFlight.map((entry) => entry.msg).sort();
    expect(listed).toEqual(inFlightByTrace(before));
    expect(seen.snapshot.inFlight.some((entry) => entry.to === 'n1')).toBe(true);
    expect(seen.snapshot.nodes.find((node) => node.id === 'n1')).toMatchObject({
      status: 'up',
      paused: true,
    });
    expect(seen.snapshot.nodes.find((node) => node.id === 'n2')).toMatchObject({ paused: false });
  });
});
