/**
 * A saved trace, opened read-only: what it records of the system at each event. Here: the
 * messages in flight, compared at every event with what the simulator itself listed there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRaftKv, RAFT_KV_SETTINGS } from '../../examples/raft-kv.js';
import { simulate } from '../sim/index.js';
import { traceToJsonl } from '../trace/index.js';
import { TraceSession } from './trace-session.js';

describe('a saved trace: the messages in flight at an event', () => {
  it("are the simulator's own, duplicates counted twice", async () => {
    const config = buildRaftKv({
      ...RAFT_KV_SETTINGS,
      servers: 3,
      clients: 1,
      operations: 4,
      dropRate: 0.1,
      duplicateRate: 0.3,
      faultIntervalMs: 0,
      durationMs: 600,
      livenessMs: 600,
      bug: 'none',
    });
    // The simulator's list at every tenth moment (after the events it had recorded by then).
    const listed = new Map<number, string[]>();
    let moments = 0;
    const result = simulate(config, {
      seed: 2,
      trace: true,
      observe: (moment) => {
        if (++moments % 10 === 0 && moment.eventCount > 0)
          listed.set(
            moment.eventCount,
            moment
              .snapshot()
              .inFlight.map((entry) => entry.msg)
              .sort(),
          );
      },
    });
    const trace = result.trace;
    if (trace === undefined) throw new Error('a traced run has a trace');
    expect(trace.events.some((event) => event.type === 'duplicate')).toBe(true);
    const folder = mkdtempSync(join(tmpdir(), 'fairlink-trace-session-'));
    try {
      const file = join(folder, 'run.trace.jsonl');
      writeFileSync(file, traceToJsonl(trace));
      const session = await TraceSession.open(file);
      expect(listed.size).toBeGreaterThan(3);
      let duplicated = false;
      for (const [count, messages] of listed) {
        const shown = session
          .moment([], count - 1)
          .snapshot.inFlight.map((entry) => entry.msg)
          .sort();
        expect(shown, `after ${count} events`).toEqual(messages);
        duplicated ||= new Set(messages).size < messages.length;
      }
      expect(duplicated).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
