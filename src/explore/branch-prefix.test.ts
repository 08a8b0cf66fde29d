/**
 * A branch replays its parent's run up to the moment it was made at, then the chosen action: the
 * replayed prefix must be the parent's, event for event, every fault included (the broken Raft
 * store's seed 3 draws partitions and heals, and its network loses and duplicates messages; src/sim/script-replay.property.test.ts checks every fault kind).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceToJsonl } from '../trace/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScenarioSession } from './scenario-session.js';

const BROKEN = join(fileURLToPath(new URL('../../', import.meta.url)), 'examples', 'raft-kv-broken.ts');

describe("a branch's prefix is its parent's", () => {
  let session: ScenarioSession;
  beforeAll(async () => {
    session = await ScenarioSession.open({ scenarioPath: BROKEN, params: ['operations=60'], seed: 3 });
  });

  it('branched during a partition, after a heal, a loss and a duplicate, the prefix is the same', () => {
    const parent = session.view([]).events;
    const partition = parent.findIndex((event) => event.type === 'partition');
    const heal = parent.findIndex((event, index) => index > partition && event.type === 'heal');
    const loss = parent.findIndex((event) => event.type === 'drop' && event.reason === 'loss');
    const duplicate = parent.findIndex((event) => event.type === 'duplicate');
    for (const found of [partition, loss, duplicate]) expect(found).toBeGreaterThanOrEqual(0);
    expect(heal).toBeGreaterThan(partition);
    const afterThemAll = Math.max(partition, heal, loss, duplicate);
    for (const at of [partition + 20, heal + 20, loss + 5, duplicate + 5, afterThemAll + 40]) {
      const moment = session.moment([], at);
      const choice = moment.choices.find((candidate) => candidate.kind === 'timer') ?? moment.choices[0];
      if (choice === undefined) throw new Error(`no choice at event ${at}`);
      const branch = session.view([{ at, choice: choice.id }]).events;
      const cut = moment.step[1];
      expect(branch.slice(0, cut), `branched at ${at}`).toEqual(parent.slice(0, cut));
    }
  });

  it("a branch's own branch keeps the branch as its prefix (the loss the user chose included)", () => {
    const at = session.view([]).events.findIndex((event) => event.type === 'duplicate') + 5;
    const drop = session.moment([], at).choices.find((candidate) => candidate.kind === 'drop');
    if (drop === undefined) throw new Error(`no message to drop at event ${at}`);
    const path = [{ at, choice: drop.id }];
    const branch = session.view(path).events;
    const last = branch.length - 1;
    const deliver = session.moment(path, last).choices.find((candidate) => candidate.kind === 'deliver');
    if (deliver === undefined) throw new Error('no message to deliver at the end of the branch');
    const further = session.view([...path, { at: last, choice: deliver.id }]).events;
    expect(further.slice(0, branch.length)).toEqual(branch);
    expect(further.length).toBeGreaterThan(branch.length);
  });
});

describe('a saved run opened with --schedule', () => {
  it("is the seed's run, event for event, its end verdict included", async () => {
    const params = ['operations=60'];
    const seeded = await ScenarioSession.open({ scenarioPath: BROKEN, params, seed: 3 });
    const run = seeded.view([]);
    expect(run.failure?.kind).toBe('at-end');
    const folder = mkdtempSync(join(tmpdir(), 'fairlink-schedule-'));
    try {
      const schedulePath = join(folder, 'seed-3.trace.jsonl');
      writeFileSync(schedulePath, traceToJsonl({ header: run.header, events: run.events }));
      const scheduled = await ScenarioSession.open({ scenarioPath: BROKEN, params, schedulePath });
      expect(scheduled.view([]).events).toEqual(run.events);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('branching with a partition the user chose', () => {
  it("cuts the chosen sides apart with the simulator's partition fault; deliveries across it are dropped; heal is offered", async () => {
    const session = await ScenarioSession.open({
      scenarioPath: BROKEN,
      params: ['dropRate=0', 'duplicateRate=0', 'operations=60'],
      seed: 3,
    });
    // Just after n1 sent to another server: that message is in flight when the partition comes.
    const at = session
      .view([])
      .events.findIndex((event) => event.type === 'send' && event.node === 'n1' && /^n[23]$/.test(event.to));
    const offered = session.moment([], at).choices.find((choice) => choice.kind === 'partition');
    expect(offered?.nodes).toEqual(['n1', 'n2', 'n3']);
    const path = [{ at, choice: 'partition:n1|n2+n3' }];
    const branch = session.view(path);
    const made = branch.events.findIndex((event, index) => index > at && event.type === 'partition');
    expect(branch.events[made]).toMatchObject({
      type: 'partition',
      name: 'groups n1 | n2,n3',
      grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] },
    });
    const last = branch.events.length - 1;
    const moment = session.moment(path, last);
    expect(moment.snapshot.partition).toEqual({ n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] });
    expect(moment.choices.map((choice) => choice.id)).toContain('heal:partition');
    // A message across the partition, delivered next: the network drops it.
    const servers = new Set(['n1', 'n2', 'n3']);
    const across = moment.snapshot.inFlight.find(
      (entry) =>
        servers.has(entry.from) && servers.has(entry.to) && (entry.from === 'n1') !== (entry.to === 'n1'),
    );
    if (across === undefined) throw new Error('no message across the partition in flight');
    const next = session.view([...path, { at: last, choice: `deliver:${across.msg}` }]).events;
    expect(next.find((event) => event.type === 'drop' && event.msg === across.msg)).toMatchObject({
      reason: 'partition',
    });
    // Sides that are not the nodes': bad input naming the branch.
    expect(() => session.view([{ at, choice: 'partition:n1|n9' }])).toThrow(/n9 is not a node/);
    expect(() => session.view([{ at, choice: 'partition:c1|n2' }])).toThrow(/c1/);
  });
});

describe('a node crashed for good', () => {
  const scenarioPath = join(
    fileURLToPath(new URL('../../', import.meta.url)),
    'test',
    'fixtures',
    'raft-crash-for-good.ts',
  );

  it('stays crashed in a branch: only the node that will recover is offered to recover', async () => {
    const session = await ScenarioSession.open({ scenarioPath, params: [], seed: 1 });
    const events = session.view([]).events;
    // While n2 is down (after both crashes), in the run and in a branch made there.
    const at = events.findIndex((event) => event.type === 'crash' && event.node === 'n2') + 3;
    const recoveries = (path: Parameters<ScenarioSession['moment']>[0], index: number): string[] =>
      session
        .moment(path, index)
        .choices.filter((choice) => choice.kind === 'recover')
        .map((choice) => choice.id);
    expect(recoveries([], at)).toEqual(['recover:n2']);
    const choice = session.moment([], at).choices.find((candidate) => candidate.kind === 'timer');
    if (choice === undefined) throw new Error(`no timer to fire at event ${at}`);
    const path = [{ at, choice: choice.id }];
    const last = session.view(path).events.length - 1;
    const status = session.moment(path, last).snapshot.nodes.find((node) => node.id === 'n3')?.status;
    expect(status).toBe('crashed');
    expect(recoveries(path, last)).toEqual(['recover:n2']);
  });

  it('a node crashed by hand in a branch stays down in a branch of that branch: it may recover', async () => {
    const session = await ScenarioSession.open({ scenarioPath, params: [], seed: 1 });
    const at =
      session.view([]).events.findIndex((event) => event.type === 'crash' && event.node === 'n3') + 3;
    const crashed = [{ at, choice: 'crash:n1' }];
    const last = session.view(crashed).events.length - 1;
    const timer = session.moment(crashed, last).choices.find((candidate) => candidate.kind === 'timer');
    if (timer === undefined) throw new Error('no timer to fire at the end of the branch');
    const further = [...crashed, { at: last, choice: timer.id }];
    const end = session.view(further).events.length - 1;
    const n1 = session.moment(further, end).snapshot.nodes.find((node) => node.id === 'n1')?.status;
    expect(n1).toBe('down');
    expect(session.moment(further, end).choices.map((choice) => choice.id)).toContain('recover:n1');
  });
});
