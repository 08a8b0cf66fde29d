import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { defineProtocol, type Protocol } from '../core/index.js';
import type { TraceEvent } from '../trace/index.js';
import {
  expandNemesis,
  validateFault,
  validateSchedule,
  type Fault,
  type FaultSchedule,
  type RandomNemesis,
  type TimedFault,
} from './faults.js';
import { randomStream } from '../core/index.js';
import { simulate, type SimulationConfig } from './simulator.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

const NODES = new Set(['n1', 'n2', 'n3']);

interface BeaconState {
  count: number;
  heard: string[];
  recovered: boolean;
}

/**
 * Every 10 ms of local time, a node counts, persists the count, and tells
 * its peers `id:count`. It logs each handler it runs with its local clock.
 */
function beacon(withRecover: boolean): Protocol<BeaconState, string> {
  return defineProtocol<BeaconState, string>({
    name: withRecover ? 'beacon' : 'beacon-without-recover',
    init: () => ({ count: 0, heard: [], recovered: false }),
    onBoot: (ctx) => {
      ctx.log(`boot at ${ctx.now()}`);
      ctx.setTimer('tick', 10);
    },
    onTimer: (ctx) => {
      ctx.state.count++;
      ctx.persist('count', ctx.state.count);
      ctx.broadcast(`${ctx.id}:${ctx.state.count}`);
      ctx.log(`tick ${ctx.state.count} at ${ctx.now()}`);
      ctx.setTimer('tick', 10);
    },
    onMessage: (ctx, _from, message) => {
      ctx.state.heard.push(message);
    },
    ...(withRecover
      ? {
          onRecover: (ctx) => {
            ctx.state.recovered = true;
            ctx.state.count = ctx.load<number>('count') ?? 0;
            ctx.log(`recover with count ${ctx.state.count} and ${ctx.state.heard.length} heard`);
            ctx.setTimer('tick', 10);
          },
        }
      : {}),
  });
}

function run(faults: FaultSchedule, overrides: Partial<SimulationConfig> = {}, seed = 1) {
  const protocol = beacon(true);
  const result = simulate(
    {
      nodes: { n1: protocol, n2: protocol, n3: protocol },
      network: { delay: 3 },
      faults,
      durationMs: 100,
      ...overrides,
    },
    { seed, trace: true },
  );
  return { result, events: result.trace?.events ?? [] };
}

/** Events that are n2 running a handler (or a message handed to it). */
function handledAt(events: readonly TraceEvent[], node: string): TraceEvent[] {
  return events.filter(
    (event) =>
      ((event.type === 'deliver' || event.type === 'timer-fire' || event.type === 'log') &&
        event.node === node) ||
      (event.type === 'send' && event.node === node),
  );
}

function logs(events: readonly TraceEvent[], node: string): string[] {
  return events.flatMap((event) =>
    event.type === 'log' && event.node === node ? [`${event.t}: ${event.text}`] : [],
  );
}

describe('crash', () => {
  it('stops a node forever: no handler runs, its timers die, messages to it are dropped as down', () => {
    const { result, events } = run([{ atMs: 25, fault: { kind: 'crash', node: 'n2' } }]);
    expect(result.ok).toBe(true);
    expect(handledAt(events, 'n2').every((event) => event.t <= 25)).toBe(true);
    expect(events.some((event) => event.type === 'timer-fire' && event.node === 'n2' && event.t > 25)).toBe(
      false,
    );
    const drops = events.filter((event) => event.type === 'drop' && event.node === 'n2');
    // n1 and n3 send to n2 every 10 ms from 30 to 90 (what is sent at 100 arrives after the end).
    expect(drops.length).toBe(2 * 7);
    expect(drops.every((event) => event.type === 'drop' && event.reason === 'down')).toBe(true);
    expect(events.filter((event) => event.type === 'crash')).toEqual([{ t: 25, type: 'crash', node: 'n2' }]);
  });

  it('at time 0 takes effect right after boot: the node never ticks', () => {
    const { events } = run([{ atMs: 0, fault: { kind: 'crash', node: 'n2' } }]);
    expect(events.filter((event) => event.type === 'crash')).toEqual([{ t: 0, type: 'crash', node: 'n2' }]);
    expect(logs(events, 'n2')).toEqual(['0: boot at 0']);
    expect(events.some((event) => event.type === 'send' && event.node === 'n2')).toBe(false);
  });

  it('of a node already down is ignored', () => {
    const { events } = run([
      { atMs: 25, fault: { kind: 'crash', node: 'n2' } },
      { atMs: 35, fault: { kind: 'crash-recover', node: 'n2', downMs: 5 } },
    ]);
    expect(events.filter((event) => event.type === 'crash' || event.type === 'recover')).toHaveLength(1);
  });
});

describe('crash-recover', () => {
  it('keeps durable storage, loses volatile state and timers, misses what arrives meanwhile, then runs onRecover', () => {
    const { result, events } = run([{ atMs: 25, fault: { kind: 'crash-recover', node: 'n2', downMs: 30 } }]);
    expect(result.ok).toBe(true);
    expect(events.filter((event) => event.type === 'crash')).toEqual([
      { t: 25, type: 'crash', node: 'n2', recoverAt: 55 },
    ]);
    expect(events.filter((event) => event.type === 'recover')).toEqual([
      { t: 55, type: 'recover', node: 'n2' },
    ]);
    // Nothing happens at n2 while it is down.
    expect(handledAt(events, 'n2').filter((event) => event.t > 25 && event.t < 55)).toEqual([]);
    // Messages sent at 30, 40, 50 by n1 and n3 arrive while n2 is down: lost.
    const lost = events.filter((event) => event.type === 'drop' && event.node === 'n2');
    expect(lost.map((event) => event.t)).toEqual([33, 33, 43, 43, 53, 53]);
    expect(lost.every((event) => event.type === 'drop' && event.reason === 'down')).toBe(true);
    // The count (ticks at 10 and 20) survived; the messages heard before the crash did not.
    expect(logs(events, 'n2')).toContain('55: recover with count 2 and 0 heard');
    // The old timer (due at 30) never fires; the new one fires at 65.
    const ticks = events
      .filter((event) => event.type === 'timer-fire' && event.node === 'n2')
      .map((event) => event.t);
    expect(ticks.slice(0, 3)).toEqual([10, 20, 65]);
    expect(logs(events, 'n2')).toContain('65: tick 3 at 65');
  });

  it('runs onBoot after recovery when the protocol has no onRecover', () => {
    const protocol = beacon(false);
    const result = simulate(
      {
        nodes: { n1: protocol, n2: protocol },
        faults: [{ atMs: 25, fault: { kind: 'crash-recover', node: 'n2', downMs: 30 } }],
        durationMs: 100,
      },
      { seed: 1, trace: true },
    );
    const events = result.trace?.events ?? [];
    expect(logs(events, 'n2').filter((line) => line.includes('boot'))).toEqual([
      '0: boot at 0',
      '55: boot at 55',
    ]);
    // Without onRecover the fresh state starts counting again from 0.
    expect(logs(events, 'n2')).toContain('65: tick 1 at 65');
  });

  it('keeps durable writes of the last step before the crash (persist before send)', () => {
    const { result } = run([{ atMs: 20, fault: { kind: 'crash-recover', node: 'n2', downMs: 1000 } }], {
      durationMs: 50,
    });
    // The tick at 20 ran before the crash at 20 (scheduled earlier), so the count is 2.
    expect(result.ok).toBe(true);
  });
});

describe('pause', () => {
  it('buffers arrivals and timers, and replays them in their original order on resume', () => {
    const { result, events } = run([{ atMs: 25, fault: { kind: 'pause', node: 'n2', forMs: 30 } }]);
    expect(result.ok).toBe(true);
    expect(handledAt(events, 'n2').filter((event) => event.t > 25 && event.t < 55)).toEqual([]);
    expect(
      events
        .filter((event) => event.type === 'pause' || event.type === 'resume')
        .map((event) => [event.type, event.t]),
    ).toEqual([
      ['pause', 25],
      ['resume', 55],
    ]);
    // Due meanwhile: n2's timer at 30; arrivals from n1 and n3 at 33, 43, 53 (sent at 30, 40, 50).
    const atResume = events
      .filter(
        (event) =>
          event.t === 55 && (event.type === 'deliver' || event.type === 'timer-fire') && event.node === 'n2',
      )
      .map((event) => (event.type === 'deliver' ? `deliver from ${event.from}` : 'timer'));
    expect(atResume).toEqual([
      'timer',
      'deliver from n1',
      'deliver from n3',
      'deliver from n1',
      'deliver from n3',
      'deliver from n1',
      'deliver from n3',
    ]);
    // Nothing was lost: the state is as if the node had been slow.
    expect(events.some((event) => event.type === 'drop')).toBe(false);
  });

  it('ends with a crash, and a later pause lasts its own length', () => {
    const { events } = run(
      [
        { atMs: 10, fault: { kind: 'pause', node: 'n2', forMs: 100 } },
        { atMs: 20, fault: { kind: 'crash-recover', node: 'n2', downMs: 10 } },
        { atMs: 50, fault: { kind: 'pause', node: 'n2', forMs: 200 } },
      ],
      { durationMs: 300 },
    );
    expect(
      events
        .filter((event) => event.type === 'pause' || event.type === 'resume')
        .map((event) => [event.type, event.t]),
    ).toEqual([
      ['pause', 10],
      ['pause', 50],
      ['resume', 250],
    ]);
  });
});

describe('clock faults', () => {
  it('a skewed, drifting clock changes now() and the real length of timers', () => {
    const protocol = beacon(true);
    const result = simulate(
      { nodes: { n1: { protocol, clock: { skewMs: 1000, drift: 1 } } }, durationMs: 30 },
      { seed: 1, trace: true },
    );
    const events = result.trace?.events ?? [];
    // The local clock runs twice as fast from 1000: a 10 ms local timer takes 5 real ms.
    expect(logs(events, 'n1')).toEqual([
      '0: boot at 1000',
      '5: tick 1 at 1010',
      '10: tick 2 at 1020',
      '15: tick 3 at 1030',
      '20: tick 4 at 1040',
      '25: tick 5 at 1050',
      '30: tick 6 at 1060',
    ]);
  });

  it('a clock fault sets offset and rate from the moment it happens', () => {
    const { events } = run([{ atMs: 25, fault: { kind: 'clock', node: 'n2', skewMs: -5, drift: -0.5 } }], {
      durationMs: 60,
    });
    expect(events.filter((event) => event.type === 'clock')).toEqual([
      { t: 25, type: 'clock', node: 'n2', skewMs: -5, drift: -0.5 },
    ]);
    // The timer set at 20 keeps its due time (30). From 25 the clock reads real - 5 + (real - 25) * -0.5,
    // and a 10 ms local timer takes 20 real ms.
    expect(logs(events, 'n2')).toEqual([
      '0: boot at 0',
      '10: tick 1 at 10',
      '20: tick 2 at 20',
      '30: tick 3 at 22.5',
      '50: tick 4 at 32.5',
    ]);
  });
});

describe('clog', () => {
  it('holds a link’s traffic, then releases it at once; other links flow', () => {
    const { events } = run([{ atMs: 15, fault: { kind: 'clog', from: 'n1', to: 'n2', forMs: 30 } }], {
      durationMs: 60,
    });
    expect(events.filter((event) => event.type === 'clog')).toEqual([
      { t: 15, type: 'clog', from: 'n1', to: 'n2', until: 45 },
    ]);
    const fromN1 = events
      .filter((event) => event.type === 'deliver' && event.node === 'n2' && event.from === 'n1')
      .map((event) => event.t);
    // Sent at 10 (arrives 13), then 20, 30, 40 held until 45, then 50 arrives at 53.
    expect(fromN1).toEqual([13, 45, 45, 45, 53]);
    const fromN3 = events
      .filter((event) => event.type === 'deliver' && event.node === 'n2' && event.from === 'n3')
      .map((event) => event.t);
    expect(fromN3).toEqual([13, 23, 33, 43, 53]);
  });
});

describe('validateFault and validateSchedule', () => {
  it.each<[Fault, string]>([
    [{ kind: 'crash', node: 'n9' }, "faults[0]: unknown node 'n9'"],
    [
      { kind: 'crash-recover', node: 'n1', downMs: -1 },
      'faults[0].downMs must be a finite number of ms >= 0, got -1',
    ],
    [
      { kind: 'pause', node: 'n1', forMs: Number.NaN },
      'faults[0].forMs must be a finite number of ms >= 0, got NaN',
    ],
    [
      { kind: 'partition', shape: { kind: 'isolate', node: 'x' } },
      "faults[0]: partition names unknown node 'x'",
    ],
    [
      { kind: 'partition', shape: { kind: 'halves' }, forMs: -2 },
      'faults[0].forMs must be a finite number of ms >= 0, got -2',
    ],
    [{ kind: 'clog', from: 'n1', to: 'zz', forMs: 1 }, "faults[0].to: unknown node 'zz'"],
    [{ kind: 'clog', from: 'n1', to: 'n2', forMs: -1 }, 'faults[0].forMs must be'],
    [{ kind: 'clock', node: 'n1', skewMs: Infinity, drift: 0 }, 'faults[0].skewMs must be a finite number'],
    [
      { kind: 'clock', node: 'n1', skewMs: 0, drift: -1 },
      'faults[0].drift must be a number above -1, got -1',
    ],
    [{ kind: 'meteor' } as unknown as Fault, "faults[0]: unknown fault kind 'meteor'"],
  ])('refuses %j with a message naming the field', (fault, message) => {
    expect(() => validateFault(fault, NODES, 'faults[0]')).toThrow(InputError);
    expect(() => validateFault(fault, NODES, 'faults[0]')).toThrow(message);
  });

  it.each<[FaultSchedule, string]>([
    [[{ atMs: -1, fault: { kind: 'heal' } }], 'faults[0].atMs must be a finite number of ms >= 0, got -1'],
    [
      [
        { atMs: 1, fault: { kind: 'heal' } },
        { atMs: 2, fault: { kind: 'crash', node: 'n7' } },
      ],
      "faults[1]: unknown node 'n7'",
    ],
    [{ kind: 'random', intervalMs: 0 }, 'faults.intervalMs must be a number of ms > 0, got 0'],
    [{ kind: 'random', intervalMs: 10, targets: ['n1', 'x'] }, "faults.targets: unknown node 'x'"],
    [
      { kind: 'random', intervalMs: 10, faults: ['flood' as 'crash'] },
      "faults.faults: unknown fault kind 'flood'",
    ],
    [
      { kind: 'random', intervalMs: 10, durationMs: [5, 1] },
      'faults.durationMs: the upper bound is below the lower bound',
    ],
    [{ kind: 'random', intervalMs: 10, durationMs: [-1, 1] }, 'faults.durationMs[0] must be'],
    [
      { kind: 'chaos' } as unknown as FaultSchedule,
      "faults: expected a list of faults or { kind: 'random', … }",
    ],
  ])('validateSchedule refuses %j', (schedule, message) => {
    expect(() => validateSchedule(schedule, NODES)).toThrow(InputError);
    expect(() => validateSchedule(schedule, NODES)).toThrow(message);
  });
});

/** How many of `targets` a schedule has down (crashed, or crash-recovering) at each fault time, at most. */
function downAtMostAtOnce(schedule: readonly TimedFault[]): number {
  let most = 0;
  for (const { atMs } of schedule) {
    const down = new Set<string>();
    for (const entry of schedule) {
      const fault = entry.fault;
      if (fault.kind === 'crash' && entry.atMs <= atMs) down.add(fault.node);
      if (fault.kind === 'crash-recover' && entry.atMs <= atMs && atMs < entry.atMs + fault.downMs)
        down.add(fault.node);
    }
    most = Math.max(most, down.size);
  }
  return most;
}

describe('random nemesis', () => {
  const targets = ['n1', 'n2', 'n3', 'n4', 'n5'];

  it('expands the same way for the same seed, and differently for another', () => {
    const nemesis: RandomNemesis = { kind: 'random', intervalMs: 50 };
    const first = expandNemesis(nemesis, targets, 5000, randomStream(3, 'faults'));
    expect(expandNemesis(nemesis, targets, 5000, randomStream(3, 'faults'))).toEqual(first);
    expect(expandNemesis(nemesis, targets, 5000, randomStream(4, 'faults'))).not.toEqual(first);
    expect(first.length).toBeGreaterThan(20);
  });

  it('respects its settings: kinds, targets, times, durations and crashedMax', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 10, max: 200 }),
        fc.subarray(['partition', 'crash', 'crash-recover', 'pause', 'clog', 'clock'] as const, {
          minLength: 1,
        }),
        fc.integer({ min: 0, max: 3 }),
        fc.subarray(targets, { minLength: 1 }),
        (seed, intervalMs, faults, crashedMax, chosen) => {
          const nemesis: RandomNemesis = {
            kind: 'random',
            intervalMs,
            faults,
            crashedMax,
            durationMs: [10, 400],
          };
          const schedule = expandNemesis(nemesis, chosen, 3000, randomStream(seed, 'faults'));
          expect(downAtMostAtOnce(schedule)).toBeLessThanOrEqual(crashedMax);
          let previous = 0;
          for (const { atMs, fault } of schedule) {
            expect(atMs).toBeGreaterThanOrEqual(previous);
            expect(atMs).toBeLessThan(3000);
            previous = atMs;
            expect(faults).toContain(fault.kind);
            if ('node' in fault) expect(chosen).toContain(fault.node);
            if (fault.kind === 'clog')
              expect([fault.from, fault.to].every((node) => chosen.includes(node))).toBe(true);
            const duration =
              fault.kind === 'crash-recover' ? fault.downMs : 'forMs' in fault ? fault.forMs : undefined;
            if (duration !== undefined) expect(duration >= 10 && duration <= 400).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('has a minority by default as crashedMax', () => {
    for (let seed = 0; seed < 20; seed++) {
      const schedule = expandNemesis(
        { kind: 'random', intervalMs: 20, faults: ['crash-recover'] },
        targets,
        5000,
        randomStream(seed, 'f'),
      );
      expect(downAtMostAtOnce(schedule)).toBeLessThanOrEqual(2);
    }
    expect(
      expandNemesis(
        { kind: 'random', intervalMs: 20, faults: ['crash'] },
        ['n1', 'n2'],
        5000,
        randomStream(1, 'f'),
      ),
    ).toEqual([]);
  });

  it('keeps at most crashedMax nodes down at every moment of a run, ties included', () => {
    let most = 0;
    let crashes = 0;
    for (let seed = 0; seed < 10; seed++) {
      const { events } = run(
        { kind: 'random', intervalMs: 10, faults: ['crash-recover'], crashedMax: 1, durationMs: [5, 30] },
        { durationMs: 1000 },
        seed,
      );
      const down = new Set<string>();
      for (const event of events) {
        if (event.type === 'crash') {
          down.add(event.node);
          crashes++;
        }
        if (event.type === 'recover') down.delete(event.node);
        most = Math.max(most, down.size);
      }
    }
    expect(most).toBe(1);
    expect(crashes).toBeGreaterThan(200);
  });

  it('is drawn from the seed of the run: same seed, same schedule', () => {
    const nemesis: RandomNemesis = { kind: 'random', intervalMs: 15 };
    expect(run(nemesis, {}, 8).result.schedule).toEqual(run(nemesis, {}, 8).result.schedule);
    expect(run(nemesis, {}, 8).result.schedule).not.toEqual(run(nemesis, {}, 9).result.schedule);
  });

  it('targets the `nodes` group only', () => {
    const protocol = beacon(true);
    const result = simulate(
      {
        nodes: { n1: protocol, n2: protocol, c1: { protocol, group: 'clients' } },
        faults: { kind: 'random', intervalMs: 5, faults: ['pause', 'clock', 'clog'] },
        durationMs: 1000,
      },
      { seed: 2 },
    );
    const named = result.schedule.flatMap(({ fault }) =>
      fault.kind === 'clog' ? [fault.from, fault.to] : 'node' in fault ? [fault.node] : [],
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named).not.toContain('c1');
  });

  it('hits only its `targets` in a run: every fault it draws, partitions included, involves only them', () => {
    const protocol = beacon(true);
    const all = ['n1', 'n2', 'n3', 'n4', 'n5'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.subarray(all, { minLength: 1 }),
        fc.subarray(['partition', 'crash', 'crash-recover', 'pause', 'clog', 'clock'] as const, {
          minLength: 1,
        }),
        (seed, chosen, faults) => {
          const result = simulate(
            {
              nodes: Object.fromEntries(all.map((id) => [id, protocol])),
              network: { delay: 3 },
              faults: { kind: 'random', intervalMs: 20, faults, targets: chosen, durationMs: [5, 40] },
              durationMs: 300,
            },
            { seed, trace: true },
          );
          const involved = (result.trace?.events ?? []).flatMap((event): string[] => {
            switch (event.type) {
              case 'crash':
              case 'pause':
              case 'clock':
                return [event.node];
              case 'clog':
                return [event.from, event.to];
              case 'partition':
                // Only nodes with a grudge, or held in one, are cut off from anyone.
                return Object.entries(event.grudge).flatMap(([node, from]) =>
                  from.length > 0 ? [node, ...from] : [],
                );
              default:
                return [];
            }
          });
          for (const node of involved) expect(chosen).toContain(node);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('may crash a node at time 0', () => {
    const schedule = expandNemesis(
      { kind: 'random', intervalMs: 0.01, faults: ['crash'], crashedMax: 1 },
      targets,
      1,
      randomStream(1, 'f'),
    );
    expect(schedule).toHaveLength(1);
    expect(schedule[0]?.atMs).toBe(0);
  });

  it('draws nothing when it has no kinds or no targets', () => {
    expect(
      expandNemesis({ kind: 'random', intervalMs: 1, faults: [] }, targets, 100, randomStream(1, 'f')),
    ).toEqual([]);
    expect(expandNemesis({ kind: 'random', intervalMs: 1 }, [], 100, randomStream(1, 'f'))).toEqual([]);
  });
});
