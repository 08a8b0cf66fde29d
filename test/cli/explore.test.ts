/**
 * `fairlink explore`: its JSON API over a real run (the built CLI, spawned on a free port), and
 * bad input: one line naming what is wrong, exit code 2, no server left running.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnExplorer, type SpawnedExplorer } from '../explore/spawn-explorer.js';
import { repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

const BROKEN = join(repositoryRoot, 'examples', 'raft-kv-broken.ts');

interface Json {
  readonly [key: string]: unknown;
}

async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Json };
}

describe('fairlink explore: the API over a failing run (raft-kv-broken, seed 3)', () => {
  let explorer: SpawnedExplorer;
  let base: string;
  beforeAll(async () => {
    explorer = await spawnExplorer([BROKEN, '--seed', '3']);
    base = new URL('/', explorer.url).toString();
  });
  afterAll(async () => {
    await explorer?.stop();
  });

  it('listens on 127.0.0.1 only, and serves the built app', async () => {
    expect(explorer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?target=/);
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('gives the run, opened at its violation, with the operations that cannot be ordered', async () => {
    const { status, body } = await getJson(`${base}api/run`);
    expect(status).toBe(200);
    const events = body.events as { type: string; op?: number }[];
    expect(body.failure).toMatchObject({ kind: 'at-end', property: 'linearizable (kv)' });
    expect(body.focus).toBe(events.length - 1);
    expect(events[body.focus as number]?.type).toBe('violation');
    // The history checker's two reads of "2" that cannot be placed.
    const culprits = body.culpritOperations as number[];
    expect(culprits).toHaveLength(2);
    const marked = (body.highlighted as number[]).map((index) => events[index]);
    expect(marked.filter((event) => event?.op !== undefined && culprits.includes(event.op)).length).toBe(4);
    expect(body.replay).toBe(`npx fairlink explore ${BROKEN} --seed 3`);
  });

  it('gives the system at an event: every node, messages in flight, history, properties, choices', async () => {
    const { status, body } = await getJson(`${base}api/moment?at=500`);
    expect(status).toBe(200);
    const snapshot = body.snapshot as {
      nodes: { id: string; status: string; state: unknown; timers: string[] }[];
      inFlight: { msg: string }[];
      history: unknown[];
      properties: { name: string; verdict: unknown }[];
    };
    expect(snapshot.nodes.map((node) => node.id)).toEqual(['n1', 'n2', 'n3', 'c1', 'c2', 'c3', 'c4']);
    expect(snapshot.nodes.find((node) => node.id === 'n1')?.state).toMatchObject({ role: 'leader' });
    expect(snapshot.inFlight.length).toBeGreaterThan(0);
    expect(snapshot.history.length).toBeGreaterThan(0);
    expect(snapshot.properties.find((property) => property.name === 'election safety')?.verdict).toBe(true);
    const choices = (body.choices as { id: string }[]).map((choice) => choice.id);
    for (const { msg } of snapshot.inFlight) expect(choices).toContain(`drop:${msg}`);
    expect(choices.some((id) => id.startsWith('timer:'))).toBe(true);
    expect(choices).toContain('crash:n1');
    // Clients are not fault targets.
    expect(choices).not.toContain('crash:c1');
  });

  it('branches: delivers the chosen message next, through the simulator', async () => {
    const moment = (await getJson(`${base}api/moment?at=500`)).body;
    const inFlight = (moment.snapshot as { inFlight: { msg: string; to: string }[] }).inFlight;
    const target = inFlight[inFlight.length - 1] as { msg: string; to: string };
    const path = `500:deliver:${target.msg}`;
    const { status, body } = await getJson(`${base}api/run?path=${encodeURIComponent(path)}`);
    expect(status).toBe(200);
    const events = body.events as { type: string; msg?: string; node?: string }[];
    // The run up to that moment replayed as a script, then the chosen delivery: the last one.
    const deliveries = events.filter((event) => event.type === 'deliver');
    expect(deliveries[deliveries.length - 1]).toMatchObject({ msg: target.msg, node: target.to });
    // The original run delivered another message first (else the branch would show nothing new).
    const original = (await getJson(`${base}api/run`)).body.events as { type: string; msg?: string }[];
    const step = (moment.step as [number, number])[1];
    expect(original.slice(step).find((event) => event.type === 'deliver')?.msg).not.toBe(target.msg);
    expect(body.open).toBe(true);
    expect(body.failure).toBeNull();
    expect(body.replay).toContain(`--path ${path}`);
  });

  it('answers a bad request with 400 and one line', async () => {
    const far = await getJson(`${base}api/moment?at=99999999`);
    expect(far.status).toBe(400);
    expect(far.body.error).toMatch(/^event 99999999: the run has events 0 to \d+$/);
    const badPath = await getJson(`${base}api/run?path=nonsense`);
    expect(badPath.status).toBe(400);
    expect(badPath.body.error).toContain("'nonsense' is not a branch step");
    const notInFlight = await getJson(`${base}api/run?path=${encodeURIComponent('10:deliver:m999999')}`);
    expect(notInFlight.status).toBe(400);
    expect(notInFlight.body.error).toContain('message m999999 is not in flight there');
  });
});

describe('fairlink explore --open: the printed URL goes to the browser command, only when asked', () => {
  const folder = scratchFolder();
  const opened = join(folder, 'opened.txt');
  // A browser that writes down what it was asked to open (BROWSER names the command).
  const browser = join(folder, 'record-url');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`, { mode: 0o755 });
  const env = { ...process.env, BROWSER: browser };
  const lab1 = join(repositoryRoot, 'examples', 'lab1-kv.ts');
  const openedText = (): string => (existsSync(opened) ? readFileSync(opened, 'utf8') : '');

  it('with --open, the command is run once, with the URL printed', async () => {
    rmSync(opened, { force: true });
    const explorer = await spawnExplorer([lab1, '--seed', '2', '--open'], { env });
    try {
      await expect.poll(openedText, { timeout: 60_000 }).toBe(`${explorer.url}\n`);
      expect(explorer.output()).toContain(`opening it with ${browser}`);
    } finally {
      await explorer.stop();
    }
  });

  it('without --open, nothing is opened (and the URL names the default seed)', async () => {
    rmSync(opened, { force: true });
    const explorer = await spawnExplorer([lab1], { env });
    expect(new URL(explorer.url).searchParams.get('seed')).toBe('1');
    // Served and used, then stopped: it had every chance to open something.
    expect((await fetch(explorer.url)).status).toBe(200);
    await explorer.stop();
    expect(explorer.output()).not.toContain('opening it with');
    expect(existsSync(opened)).toBe(false);
  });
});

describe('fairlink explore TRACE.jsonl: a saved trace, read-only', () => {
  it('shows what the trace records and offers no branches', async () => {
    const folder = scratchFolder();
    const trace = join(folder, 'lab1.trace.jsonl');
    const made = await runFairlink(
      ['sim', join(repositoryRoot, 'examples', 'lab1-kv.ts'), '--seed', '1', '--trace', trace],
      { cwd: folder },
    );
    expect(made.code).toBe(0);
    const explorer = await spawnExplorer([trace]);
    try {
      const base = new URL('/', explorer.url).toString();
      const run = (await getJson(`${base}api/run`)).body;
      expect((run.events as unknown[]).length).toBeGreaterThan(5);
      const moment = (await getJson(`${base}api/moment?at=5`)).body;
      expect(moment.choices).toEqual([]);
      expect((moment.snapshot as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);
      const branch = await getJson(`${base}api/run?path=${encodeURIComponent('3:deliver:m1')}`);
      expect(branch.status).toBe(400);
      expect(branch.body.error).toContain('read-only');
    } finally {
      await explorer.stop();
    }
  });
});

describe('fairlink explore: bad input is one line and exit code 2', () => {
  const cwd = scratchFolder();
  const expectOneLine = (
    run: { code: number | null; stderr: string; stdout: string },
    text: string,
  ): void => {
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(text);
  };

  it('a missing scenario file', async () => {
    expectOneLine(
      await runFairlink(['explore', 'no-such-scenario.ts', '--port', '0'], { cwd }),
      'no-such-scenario.ts',
    );
  });

  it('a missing trace file', async () => {
    expectOneLine(
      await runFairlink(['explore', 'no-such.trace.jsonl', '--port', '0'], { cwd }),
      'no-such.trace.jsonl: cannot read the file',
    );
  });

  it('a bad seed', async () => {
    expectOneLine(
      await runFairlink(['explore', BROKEN, '--seed', 'three', '--port', '0'], { cwd }),
      '--seed three: expected a whole number',
    );
  });

  it('a bad port', async () => {
    expectOneLine(await runFairlink(['explore', BROKEN, '--port', '70000'], { cwd }), '--port');
  });

  it('a port in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      expectOneLine(
        await runFairlink(
          ['explore', join(repositoryRoot, 'examples', 'lab1-kv.ts'), '--port', String(port)],
          { cwd },
        ),
        `--port ${port}: the port is in use`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('a branch path that does not parse', async () => {
    expectOneLine(
      await runFairlink(
        ['explore', join(repositoryRoot, 'examples', 'lab1-kv.ts'), '--path', 'x', '--port', '0'],
        { cwd },
      ),
      "--path: 'x' is not a branch step",
    );
  });
});

describe('fairlink explore --model: the state space of a check model (two generals, 2 rounds)', () => {
  let explorer: SpawnedExplorer;
  let base: string;
  beforeAll(async () => {
    explorer = await spawnExplorer([
      join(repositoryRoot, 'examples', 'two-generals.ts'),
      '--model',
      '--param',
      'rounds=2',
    ]);
    base = new URL('/', explorer.url).toString();
  });
  afterAll(async () => {
    await explorer?.stop();
  });

  it('lists a state, its properties and each action with its successor', async () => {
    const { status, body } = await getJson(`${base}api/model/state?steps=0`);
    expect(status).toBe(200);
    expect(body.pathActions).toEqual([]);
    expect(body.properties).toEqual([{ name: 'both attack or neither', kind: 'always', verdict: true }]);
    const actions = body.actions as { index: number; label: string; next: unknown }[];
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((action) => action.next !== null)).toBe(true);
    // Following an action: its successor is the state at the longer path.
    const followed = (await getJson(`${base}api/model/state?steps=0.0`)).body;
    expect(followed.state).toEqual(actions[0]?.next);
    expect(followed.pathActions).toEqual([actions[0]?.label]);
  });

  it("starts from the checker's counterexample: the shortest path, 4 steps, to the violation", async () => {
    const steps = (await getJson(`${base}api/model/counterexample`)).body.steps as number[];
    expect(steps).toHaveLength(5);
    const last = (await getJson(`${base}api/model/state?steps=${steps.join('.')}`)).body;
    expect((last.properties as { verdict: unknown }[])[0]?.verdict).not.toBe(true);
    expect(last.pathActions).toEqual([
      'deliver {"type":"chain","index":0} from alice to bob',
      'deliver {"type":"chain","index":1} from bob to alice',
      "timer 'deadline' fires at alice",
      "timer 'deadline' fires at bob",
    ]);
  });

  it('answers steps that are not a path with 400', async () => {
    expect((await getJson(`${base}api/model/state?steps=0.99`)).status).toBe(400);
    expect((await getJson(`${base}api/model/state?steps=x`)).status).toBe(400);
  });
});
