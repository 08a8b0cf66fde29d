import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { uniform } from './distributions.js';
import { always, eventually, invariant } from '../core/index.js';
import { parseShrinkToken } from './replay-token.js';
import { formatCount } from '../core/index.js';
import { formatDuration, sameFailure, shrinkFailure, type ShrinkOutcome } from './shrink.js';
import { simulate, type SimulationConfig, type SimulationResult } from './simulator.js';

// --- A replicator that retries once: a value is lost to a follower only when
// both its copy and the retry are cut, by a loss and a partition (or two of
// either). With no faults and no losses it is correct.

type ReplicaMessage =
  { readonly type: 'put'; readonly value: number } | { readonly type: 'ack'; readonly value: number };
interface ReplicaState {
  values: number[];
  producedAtMs: number[];
  acked: Record<string, number[]>;
}
const VALUES = 40;
const DEADLINE_MS = 400;

const leader = defineProtocol<
  ReplicaState,
  ReplicaMessage,
  { name: 'produce'; data: null } | { name: `retry-${number}`; data: { value: number } }
>({
  name: 'retry-once-leader',
  init: () => ({ values: [], producedAtMs: [], acked: {} }),
  onBoot: (context) => context.setTimer('produce', 100),
  onTimer: (context, timer) => {
    const state = context.state;
    if (timer.name === 'produce') {
      const value = state.values.length + 1;
      state.values.push(value);
      state.producedAtMs.push(context.now());
      for (const peer of context.peers) context.send(peer, { type: 'put', value });
      context.setTimer(`retry-${value}`, 150, { value });
      if (value < VALUES) context.setTimer('produce', 100);
      return;
    }
    // The bug: one retry, then the leader forgets about the value.
    const value = timer.data.value;
    for (const peer of context.peers) {
      if (!(state.acked[peer] ?? []).includes(value)) context.send(peer, { type: 'put', value });
    }
  },
  onMessage: (context, from, message) => {
    if (message.type === 'ack') (context.state.acked[from] ??= []).push(message.value);
  },
});

const follower = defineProtocol<ReplicaState, ReplicaMessage>({
  name: 'follower',
  init: () => ({ values: [], producedAtMs: [], acked: {} }),
  onMessage: (context, from, message) => {
    if (message.type !== 'put') return;
    if (!context.state.values.includes(message.value)) context.state.values.push(message.value);
    context.send(from, { type: 'ack', value: message.value });
  },
});

const replicated = invariant('replicated', (view) => {
  const lead = view.state<ReplicaState>('n1');
  if (!lead) return true;
  for (let index = 0; index < lead.producedAtMs.length; index++) {
    if ((lead.producedAtMs[index] as number) > view.now - DEADLINE_MS) break;
    for (const node of ['n2', 'n3']) {
      if (!view.state<ReplicaState>(node)?.values.includes(index + 1))
        return `${node} misses value ${index + 1}`;
    }
  }
  return true;
});

const replicator: SimulationConfig = {
  nodes: { n1: leader, n2: follower, n3: follower },
  network: { delay: uniform(5, 20), drop: 0.01 },
  faults: { kind: 'random', intervalMs: 1000, faults: ['partition'], durationMs: [50, 140] },
  durationMs: 5000,
  properties: [replicated],
};

/** The first failing runs of `config` from seed 1 on. */
function failingRuns(config: SimulationConfig, count: number): SimulationResult[] {
  const found: SimulationResult[] = [];
  for (let seed = 1; found.length < count; seed++) {
    if (seed > 500) throw new Error('the fixture no longer fails often enough');
    const result = simulate(config, { seed });
    if (!result.ok) found.push(result);
  }
  return found;
}

/**
 * The first failing seed whose failure needs one loss and one partition (two
 * partitions, or two losses, can also cut both copies of a value).
 */
function lossAndPartitionCase(): { failing: SimulationResult; outcome: ShrinkOutcome } {
  for (const failing of failingRuns(replicator, 10)) {
    const outcome = shrinkFailure(replicator, failing, { seed: failing.seed, scenario: 'replicator' });
    if (outcome.result.stats.faults === 1 && outcome.result.losses.length === 1) return { failing, outcome };
  }
  throw new Error('none of the first 10 failing seeds needs exactly a loss and a partition');
}

describe('shrinkFailure on a replicator that needs a loss and a partition', () => {
  const { failing, outcome } = lossAndPartitionCase();
  const shrunk = outcome.result;

  it('is correct without faults and losses (so the failure is theirs)', () => {
    const clean = simulate(replicator, {
      seed: failing.seed,
      shrink: { removedFaults: new Set(failing.schedule.map((_, index) => index)), keptLosses: new Set() },
    });
    expect(clean.ok).toBe(true);
    expect(clean.stats.faults).toBe(0);
    expect(clean.losses).toEqual([]);
  });

  it('returns a run that fails the same invariant, no bigger and no later', () => {
    expect(shrunk.ok).toBe(false);
    expect(shrunk.failure).toMatchObject({ kind: 'invariant', property: 'replicated' });
    expect(shrunk.stats.faults).toBeLessThanOrEqual(failing.stats.faults);
    expect(shrunk.losses.length).toBeLessThanOrEqual(failing.losses.length);
    expect(shrunk.endMs).toBeLessThanOrEqual(failing.endMs);
    expect(shrunk.stats.faults + shrunk.losses.length).toBeLessThan(
      failing.stats.faults + failing.losses.length,
    );
    expect(shrunk.trace?.events.filter((event) => event.type === 'partition')).toHaveLength(1);
    expect(
      shrunk.trace?.events.filter((event) => event.type === 'drop' && event.reason === 'loss'),
    ).toHaveLength(1);
  });

  it('keeps only what is needed: leaving out any kept fault or loss makes the run pass', () => {
    const directives = outcome.directives;
    const removed = directives.removedFaults ?? new Set<number>();
    const kept = failing.schedule
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry, index }) => !removed.has(index) && entry.atMs <= shrunk.endMs);
    expect(kept.length).toBe(shrunk.stats.faults);
    for (const { index } of kept) {
      const without = simulate(replicator, {
        seed: failing.seed,
        shrink: { ...directives, removedFaults: new Set([...removed, index]) },
      });
      expect(without.ok, `fault ${index} is needed`).toBe(true);
    }
    for (const key of directives.keptLosses ?? []) {
      const keptLosses = new Set([...(directives.keptLosses ?? [])].filter((other) => other !== key));
      expect(simulate(replicator, { seed: failing.seed, shrink: { ...directives, keptLosses } }).ok).toBe(
        true,
      );
    }
  });

  it('replays exactly from the seed and the token, which the trace header carries', () => {
    expect(shrunk.trace?.header.shrunk).toBe(outcome.token);
    expect(shrunk.trace?.header.scenario).toBe('replicator');
    const replay = simulate(replicator, {
      seed: failing.seed,
      trace: true,
      scenario: 'replicator',
      shrink: parseShrinkToken(outcome.token),
      shrunk: outcome.token,
    });
    expect(replay.trace).toEqual(shrunk.trace);
    expect(JSON.stringify(replay.trace)).toBe(JSON.stringify(shrunk.trace));
  });

  it('ends the run at the failure', () => {
    expect(outcome.directives.endMs).toBe(shrunk.failure?.timeMs);
    expect(outcome.token.startsWith(`e${shrunk.endMs}:`)).toBe(true);
  });

  it('summarizes what changed, and only that', () => {
    const changed = (before: number, after: number, text: string): string[] =>
      before === after ? [] : [text];
    const steps = shrunk.stats.steps;
    expect(outcome.reduced).toBe(true);
    expect(outcome.summary).toBe(
      [
        ...changed(
          failing.stats.faults,
          shrunk.stats.faults,
          `${shrunk.stats.faults} of ${failing.stats.faults} faults kept`,
        ),
        ...changed(
          failing.losses.length,
          shrunk.losses.length,
          `${shrunk.losses.length} of ${failing.losses.length} losses kept`,
        ),
        ...changed(
          failing.endMs,
          shrunk.endMs,
          `ends at ${formatDuration(shrunk.endMs)} instead of ${formatDuration(failing.endMs)}`,
        ),
        ...changed(
          failing.stats.steps,
          steps,
          `${formatCount(steps)} steps instead of ${formatCount(failing.stats.steps)}`,
        ),
        ...changed(
          failing.stats.sends,
          shrunk.stats.sends,
          `${shrunk.stats.sends} messages instead of ${failing.stats.sends}`,
        ),
      ].join(', ') + ` (${outcome.attempts} runs)`,
    );
  });

  it('is deterministic: the same input gives the same outcome', () => {
    const again = shrinkFailure(replicator, failing, { seed: failing.seed, scenario: 'replicator' });
    expect(again.token).toBe(outcome.token);
    expect(again.summary).toBe(outcome.summary);
    expect(again.attempts).toBe(outcome.attempts);
    expect(again.result.trace).toEqual(shrunk.trace);
  });

  it('reports progress after every run, and stays within runsMax', () => {
    const seen: number[] = [];
    const bounded = shrinkFailure(replicator, failing, {
      seed: failing.seed,
      runsMax: 3,
      onProgress: (attempt, best) => {
        seen.push(attempt);
        expect(best.faults).toBeLessThanOrEqual(failing.stats.faults);
      },
    });
    expect(bounded.attempts).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(bounded.result.failure).toMatchObject({ kind: 'invariant', property: 'replicated' });
  });

  it('with no runs to try, returns the failing run itself, ended at its failure, and says so', () => {
    const unchanged = shrinkFailure(replicator, failing, { seed: failing.seed, runsMax: 0 });
    expect(unchanged.attempts).toBe(0);
    expect(unchanged.reduced).toBe(false);
    expect(unchanged.summary).toBe('no smaller run fails the same way within the budget of 0 runs');
    expect(unchanged.result.stats).toEqual(failing.stats);
    expect(unchanged.result.losses).toEqual(failing.losses);
  });
});

describe('shrinkFailure over many failing seeds', () => {
  it('reduces failing replicator runs to the two cuts the bug needs, unless that makes the run larger', () => {
    const kept = failingRuns(replicator, 6).map((failing) => {
      const outcome = shrinkFailure(replicator, failing, { seed: failing.seed });
      return outcome.result.stats.faults + outcome.result.losses.length;
    });
    // Seed 20 keeps 3 of its 4 partitions and its loss: leaving out any other partition lets
    // more puts through, and their acks make a run with more messages, which is not smaller.
    expect(kept).toEqual([2, 2, 2, 2, 2, 4]);
  });
});

// --- A receiver that assumes a reliable, ordered link: it throws on a gap.

interface InOrderState {
  next: number;
}
const SEQUENCE_LENGTH = 20;
const sequencer = defineProtocol<InOrderState, { seq: number }>({
  name: 'sequencer',
  init: () => ({ next: 1 }),
  onBoot: (context) => context.setTimer('send', 50),
  onTimer: (context) => {
    context.send('n2' as never, { seq: context.state.next++ });
    if (context.state.next <= SEQUENCE_LENGTH) context.setTimer('send', 50);
  },
});
const inOrder = defineProtocol<InOrderState, { seq: number }>({
  name: 'in-order',
  init: () => ({ next: 1 }),
  onMessage: (context, _from, message) => {
    if (message.seq !== context.state.next)
      throw new Error(`expected ${context.state.next}, got ${message.seq}`);
    context.state.next++;
  },
});
const sequence: SimulationConfig = {
  nodes: { n1: sequencer, n2: inOrder },
  network: { delay: uniform(5, 20), drop: 0.02 },
  faults: { kind: 'random', intervalMs: 300, durationMs: [20, 120] },
  durationMs: 1500,
};

describe('shrinkFailure, as a property over seeds', () => {
  it('never returns a passing run, nor one with more faults, losses or a later end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const failing = simulate(sequence, { seed });
        fc.pre(!failing.ok);
        const outcome = shrinkFailure(sequence, failing, { seed, runsMax: 40 });
        const shrunk = outcome.result;
        expect(sameFailure(failing.failure as NonNullable<typeof failing.failure>, shrunk.failure)).toBe(
          true,
        );
        expect(shrunk.failure).toMatchObject({ kind: 'protocol-fault', node: 'n2', fault: 'threw' });
        expect(shrunk.stats.faults).toBeLessThanOrEqual(failing.stats.faults);
        expect(shrunk.losses.length).toBeLessThanOrEqual(failing.losses.length);
        expect(shrunk.endMs).toBeLessThanOrEqual(failing.endMs);
        expect(outcome.attempts).toBeLessThanOrEqual(40);
        const replay = simulate(sequence, { seed, shrink: parseShrinkToken(outcome.token) });
        expect(replay.failure).toEqual(shrunk.failure);
        expect(replay.stats).toEqual(shrunk.stats);
      }),
      { numRuns: 25, seed: 20_240_601 },
    );
  });
});

// --- A counter that counts a retried request twice, judged at the end of the run. Cancelling a
// loss the failure does not need lets the client finish more operations (more steps, messages
// and operations) in the same time: a run the shrinker must refuse, although it has fewer losses.

interface CounterClientState {
  operation: number;
  request: number;
}
type CounterMessage =
  { readonly type: 'add'; readonly request: number } | { readonly type: 'added'; readonly request: number };
const counterClient = defineProtocol<CounterClientState, CounterMessage>({
  name: 'counter-client',
  init: () => ({ operation: 0, request: 0 }),
  onBoot: (context) => context.setTimer('next', 10),
  onTimer: (context, timer) => {
    const state = context.state;
    if (timer.name === 'next') {
      state.operation = context.invoke('add', 1);
      state.request++;
    }
    // A first try, or a retry of the request whose answer has not come.
    context.send('s1' as never, { type: 'add', request: state.request });
    context.setTimer('retry', 60);
  },
  onMessage: (context, _from, message) => {
    const state = context.state;
    if (message.type !== 'added' || message.request !== state.request || state.operation === 0) return;
    context.complete(state.operation, 'ok', null);
    state.operation = 0;
    context.cancelTimer('retry');
    context.setTimer('next', 10);
  },
});
const counterServer = defineProtocol<{ count: number }, CounterMessage>({
  name: 'counter-server',
  init: () => ({ count: 0 }),
  onMessage: (context, from, message) => {
    if (message.type !== 'add') return;
    context.state.count++; // The bug: a retried request is counted again.
    context.send(from, { type: 'added', request: message.request });
  },
});
const counter: SimulationConfig = {
  nodes: { c1: { protocol: counterClient, group: 'clients' }, s1: counterServer },
  network: { delay: uniform(5, 20), drop: 0.08 },
  faults: { kind: 'random', intervalMs: 300, faults: ['pause'], durationMs: [20, 90] },
  durationMs: 1000,
  properties: [
    {
      ...always('counted once', (view) => {
        const done = view.history.filter((event) => event.type === 'ok').length;
        const count = view.state<{ count: number }>('s1')?.count ?? 0;
        return count <= done + 1 || `${count} adds counted for ${done} operations`;
      }),
      judgedAtEnd: true,
    },
  ],
};

/** What a report may compare: a shrunk run must be no larger on any of these. */
function measures(result: SimulationResult): Record<string, number> {
  return {
    faults: result.stats.faults,
    losses: result.losses.length,
    endMs: result.endMs,
    steps: result.stats.steps,
    messages: result.stats.sends,
    operations: result.history.filter((event) => event.type === 'invoke').length,
  };
}

describe('shrinkFailure never reports a larger run', () => {
  it('the shrunk run is no larger than the original on every measure, over random failing runs', () => {
    let failed = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const failing = simulate(counter, { seed });
        fc.pre(!failing.ok);
        failed++;
        const outcome = shrinkFailure(counter, failing, { seed, runsMax: 30 });
        const before = measures(failing);
        const after = measures(outcome.result);
        for (const [measure, value] of Object.entries(after)) {
          expect(value, `seed ${seed}: ${measure}`).toBeLessThanOrEqual(before[measure] as number);
        }
        // The summary names only what changed, never "X instead of X".
        expect(outcome.summary).not.toMatch(/\b([\d,.]+)( [a-z]+)? instead of \1(?![\d,.])/);
        expect(outcome.summary).not.toMatch(/\b([\d,]+) of \1 [a-z]+ kept/);
        if (!outcome.reduced) expect(after).toEqual(before);
      }),
      { numRuns: 30, seed: 20_261_207 },
    );
    expect(failed).toBeGreaterThan(10);
  });
});

// --- A liveness failure: gossip that sends each rumour once.

interface GossipState {
  known: string[];
  told: number;
}
const RUMOURS_PER_NODE = 4;
const gossip = defineProtocol<GossipState, { rumour: string }>({
  name: 'gossip-once',
  init: () => ({ known: [], told: 0 }),
  onBoot: (context) => context.setTimer('tell', [50, 150]),
  onTimer: (context) => {
    const rumour = `${context.id}-${++context.state.told}`;
    context.state.known.push(rumour);
    context.broadcast({ rumour });
    if (context.state.told < RUMOURS_PER_NODE) context.setTimer('tell', [50, 150]);
  },
  onMessage: (context, _from, message) => {
    if (context.state.known.includes(message.rumour)) return;
    context.state.known.push(message.rumour);
    context.broadcast(message);
  },
});
const gossipConfig: SimulationConfig = {
  nodes: { n1: gossip, n2: gossip, n3: gossip },
  network: { delay: uniform(5, 30), drop: 0.1 },
  faults: { kind: 'random', intervalMs: 300, faults: ['partition', 'pause'], durationMs: [50, 200] },
  durationMs: 1500,
  liveness: { withinMs: 500 },
  properties: [
    eventually('converged', (view) =>
      view.nodes.every((node) => view.state<GossipState>(node)?.known.length === 3 * RUMOURS_PER_NODE),
    ),
  ],
};

describe('shrinkFailure on an eventually failure', () => {
  it('keeps the whole run (a shorter one would fail for want of time) and shrinks faults and losses', () => {
    const [failing] = failingRuns(gossipConfig, 1) as [SimulationResult];
    expect(failing.failure).toMatchObject({ kind: 'eventually', property: 'converged' });
    const outcome = shrinkFailure(gossipConfig, failing, { seed: failing.seed });
    expect(outcome.directives.endMs).toBeUndefined();
    expect(outcome.token).not.toMatch(/(^|:)e/);
    expect(outcome.result.failure).toMatchObject({ kind: 'eventually', property: 'converged' });
    expect(outcome.result.stats.faults + outcome.result.losses.length).toBeLessThan(
      failing.stats.faults + failing.losses.length,
    );
    expect(outcome.result.stats.faults + outcome.result.losses.length).toBeGreaterThan(0);
  });
});

describe('shrinkFailure refuses what it cannot shrink', () => {
  it('a run that passed', () => {
    const passing = simulate({ ...replicator, faults: [], network: { delay: 5 } }, { seed: 1 });
    expect(passing.ok).toBe(true);
    expect(() => shrinkFailure(replicator, passing, { seed: 1 })).toThrow(InputError);
  });

  it('a failure that does not come back when the seed runs again', () => {
    // The module-level counter makes the second run differ from the first.
    let steps = 0;
    const flaky = defineProtocol<null>({
      name: 'flaky',
      init: () => null,
      onBoot: (context) => context.setTimer('tick', 10),
      onTimer: (context) => {
        if (++steps === 5) throw new Error('the fifth step, ever');
        context.setTimer('tick', 10);
      },
    });
    const config: SimulationConfig = { nodes: { n1: flaky }, durationMs: 1000 };
    const failing = simulate(config, { seed: 3 });
    expect(failing.failure).toMatchObject({ kind: 'protocol-fault', fault: 'threw' });
    expect(() => shrinkFailure(config, failing, { seed: 3 })).toThrow(
      /seed 3 does not fail the same way when run again \(n1\.onTimer threw at 50 ms\).*checkDeterminism/,
    );
  });

  it('a bad runsMax', () => {
    const [failing] = failingRuns(replicator, 1) as [SimulationResult];
    expect(() => shrinkFailure(replicator, failing, { seed: failing.seed, runsMax: -1 })).toThrow(
      'shrinkFailure: runsMax must be a whole number >= 0, got -1',
    );
  });
});

describe('sameFailure', () => {
  const at = { detail: '', timeMs: 1 };
  it('matches the property, or the protocol-fault kind and node', () => {
    expect(
      sameFailure({ kind: 'invariant', property: 'a', ...at }, { kind: 'invariant', property: 'a', ...at }),
    ).toBe(true);
    expect(
      sameFailure({ kind: 'invariant', property: 'a', ...at }, { kind: 'invariant', property: 'b', ...at }),
    ).toBe(false);
    expect(
      sameFailure({ kind: 'invariant', property: 'a', ...at }, { kind: 'eventually', property: 'a', ...at }),
    ).toBe(false);
    const fault = { kind: 'protocol-fault', node: 'n1', handler: 'onTimer', fault: 'threw', ...at } as const;
    expect(sameFailure(fault, { ...fault, handler: 'onMessage', detail: 'other' })).toBe(true);
    expect(sameFailure(fault, { ...fault, node: 'n2' })).toBe(false);
    expect(sameFailure(fault, { ...fault, fault: 'non-plain-state' })).toBe(false);
    expect(sameFailure(fault, undefined)).toBe(false);
    expect(sameFailure({ kind: 'livelock', ...at }, { kind: 'livelock', ...at, timeMs: 9 })).toBe(true);
  });
});

describe('summary formatting', () => {
  it('picks ms or s, the same on every machine', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12.3456)).toBe('12.346 ms');
    expect(formatDuration(1250)).toBe('1.25 s');
    expect(formatDuration(30_000)).toBe('30 s');
  });
});
