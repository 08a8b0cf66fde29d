/**
 * Real faults on loopback: a 3-server Raft key-value cluster and two clients
 * as separate processes; the leader is killed with SIGKILL mid-run and
 * restarted from its data folder. No acknowledged write may be lost and the
 * clients' history must be linearizable (fairlink's own checker).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterHarness, freePort, judgeRaftRun, sleep, waitFor, waitForClientsQuiet } from './harness.js';

const CLIENT_DURATION_MS = 5_000;

let harness: ClusterHarness | undefined;
afterEach(() => {
  harness?.killAll();
  harness = undefined;
});

describe('runtime: kill -9 and restart a Raft leader under client load', () => {
  it('loses no acknowledged write and keeps the history linearizable', { timeout: 240_000 }, async () => {
    const ids = ['n1', 'n2', 'n3', 'c1', 'c2'];
    const nodes = [];
    for (const id of ids) nodes.push({ id, host: '127.0.0.1', port: await freePort() });
    harness = new ClusterHarness(nodes, {
      clients: 2,
      durationMs: CLIENT_DURATION_MS,
      thinkMinMs: 1,
      thinkMaxMs: 5,
      faultIntervalMs: 0,
    });
    const cluster = harness;
    const runs = ids.map((id) => cluster.start(id));
    for (const run of runs) await cluster.waitForLine(run, /listening on/, 60_000);

    // Load is flowing: a leader, and each client has completed operations.
    await waitFor(
      'a leader and 30 events per client',
      () => {
        return (
          cluster.leader() !== undefined &&
          cluster.historyLength('c1') >= 30 &&
          cluster.historyLength('c2') >= 30
        );
      },
      60_000,
    );
    const victim = cluster.leader();
    expect(victim).toBeDefined();
    const victimRun = cluster.latest(victim?.id as string);
    const eventsAtKill = cluster.historyLength('c1') + cluster.historyLength('c2');
    cluster.signal(victimRun, 'SIGKILL');
    await cluster.exited(victimRun, 15_000);
    expect(victimRun.exit?.signal).toBe('SIGKILL');

    // The others elect a new leader and keep serving while the victim is down.
    await waitFor('a new leader', () => (cluster.leader()?.term ?? 0) > (victim?.term ?? 0), 30_000);
    await sleep(500);
    const restarted = cluster.start(victimRun.id);
    const recoveredLine = await cluster.waitForLine(restarted, /listening on/, 60_000);
    expect(recoveredLine).toMatch(/recovered from data\/n\d \(\d+ keys/);

    // The clients run out their time, read every key, and go quiet.
    await waitForClientsQuiet(cluster, ['c1', 'c2']);
    const eventsAtEnd = cluster.historyLength('c1') + cluster.historyLength('c2');
    await cluster.stopAll();
    for (const run of cluster.runs.filter((candidate) => candidate !== victimRun)) {
      expect(run.exit, `${run.id} stopped cleanly`).toEqual({ code: 0, signal: null });
    }

    const verdict = judgeRaftRun([cluster.historyText('c1'), cluster.historyText('c2')]);
    console.log(
      `kill -9 of leader ${victim?.id} (term ${victim?.term}) after ${eventsAtKill} history events: ` +
        `${verdict.operations} operations, ${verdict.acknowledged} acknowledged, ${verdict.unknown} unknown; ` +
        `${verdict.acknowledgedOwnWrites} acknowledged own-key writes, ${verdict.lostOwnWrites.length} lost; ` +
        `${verdict.linearizability.verdict}`,
    );
    expect(eventsAtEnd).toBeGreaterThan(eventsAtKill + 20);
    expect(verdict.acknowledgedOwnWrites).toBeGreaterThan(20);
    expect(verdict.lostOwnWrites).toEqual([]);
    expect(verdict.unreadOwnWrites).toBe(0);
    expect(verdict.linearizability.verdict).toBe('linearizable');
    // No frame failed authentication in an honest cluster.
    for (const run of cluster.runs) {
      const stopped = run.lines.find((line) => line.includes(': stopped;'));
      if (stopped !== undefined) expect(stopped).toMatch(/ 0 frames rejected/);
    }
  });
});

/** Whether the history's last event of some process is an invocation. */
