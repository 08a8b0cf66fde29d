/**
 * Real faults between network namespaces, Jepsen style: each node of a Raft
 * key-value cluster (3 servers, 2 clients) runs in its own Linux network
 * namespace, joined by veth links to a bridge. Partitions drop traffic both
 * ways; `tc netem` adds loss and delay. The checks are those of the loopback
 * kill test: no acknowledged write lost, the history linearizable.
 *
 * These tests need root, iproute2 and (for netem) a kernel with sch_netem.
 * When something is missing, each test says by name that it is skipped and
 * why. Namespaces are removed after every test, whatever happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterHarness, judgeRaftRun, sleep, waitFor, waitForClientsQuiet } from './harness.js';
import { NamespaceNetwork, netemSkipReason, netnsSkipReason } from './netns.js';

const IDS = ['n1', 'n2', 'n3', 'c1', 'c2'];
const SERVERS = ['n1', 'n2', 'n3'];
const PORT = 7000;

const netnsSkip = netnsSkipReason();
const netemSkip = netnsSkip ?? netemSkipReason();
const PARTITION_TEST =
  'Raft in network namespaces: partitions (dropped traffic) of the leader and of a follower';
const NETEM_TEST =
  'Raft in network namespaces: tc netem loss and delay on every link, and a partition of the leader';
for (const [name, reason] of [
  [PARTITION_TEST, netnsSkip],
  [NETEM_TEST, netemSkip],
] as const) {
  if (reason !== undefined) console.warn(`SKIPPED "${name}": ${reason}`);
}

let network: NamespaceNetwork | undefined;
let harness: ClusterHarness | undefined;
afterEach(async () => {
  harness?.killAll();
  if (harness)
    await waitFor(
      'node processes to die',
      () => harness?.runs.every((run) => run.exit !== undefined) ?? true,
      5_000,
    ).catch(() => undefined);
  network?.destroy();
  harness = undefined;
  network = undefined;
});

/**
 * Starts the cluster in namespaces, waits for load, runs `faults`, heals, waits for the
 * clients to finish and judges their histories.
 */
async function runWithFaults(
  clientDurationMs: number,
  faults: (network: NamespaceNetwork, cluster: ClusterHarness) => Promise<void>,
  before?: (network: NamespaceNetwork) => void,
): Promise<ReturnType<typeof judgeRaftRun>> {
  const net = (network = new NamespaceNetwork(IDS));
  before?.(net);
  const cluster = (harness = new ClusterHarness(
    net.nodes.map((node) => ({ id: node.id, host: node.address, port: PORT })),
    { clients: 2, durationMs: clientDurationMs, thinkMinMs: 1, thinkMaxMs: 5, faultIntervalMs: 0 },
    (id, command) => net.wrap(id, command),
  ));
  const runs = IDS.map((id) => cluster.start(id));
  for (const run of runs) await cluster.waitForLine(run, /listening on/, 60_000);
  await waitFor(
    'a leader and 20 events per client',
    () => {
      return (
        cluster.leader() !== undefined &&
        cluster.historyLength('c1') >= 20 &&
        cluster.historyLength('c2') >= 20
      );
    },
    15_000,
  );

  await faults(net, cluster);
  net.heal();
  net.clearNetem();

  await waitForClientsQuiet(cluster, ['c1', 'c2']);
  await cluster.stopAll();
  return judgeRaftRun([cluster.historyText('c1'), cluster.historyText('c2')]);
}

function report(name: string, verdict: ReturnType<typeof judgeRaftRun>): void {
  console.log(
    `${name}: ${verdict.operations} operations, ${verdict.acknowledged} acknowledged, ${verdict.unknown} unknown; ` +
      `${verdict.acknowledgedOwnWrites} acknowledged own-key writes, ${verdict.lostOwnWrites.length} lost; ` +
      `${verdict.linearizability.verdict}`,
  );
}

function expectSafe(verdict: ReturnType<typeof judgeRaftRun>): void {
  expect(verdict.acknowledgedOwnWrites).toBeGreaterThan(10);
  expect(verdict.lostOwnWrites).toEqual([]);
  expect(verdict.unreadOwnWrites).toBe(0);
  expect(verdict.linearizability.verdict).toBe('linearizable');
}

describe('runtime: real faults between network namespaces', () => {
  it.skipIf(netnsSkip !== undefined)(
    netnsSkip === undefined ? PARTITION_TEST : `${PARTITION_TEST} (skipped: ${netnsSkip})`,
    { timeout: 300_000 },
    async () => {
      const verdict = await runWithFaults(10_000, async (net, cluster) => {
        const leader = cluster.leader();
        expect(leader).toBeDefined();
        net.isolate(leader?.id as string);
        // The majority side elects a new leader and serves the clients meanwhile.
        await waitFor(
          'a leader on the majority side',
          () => (cluster.leader()?.term ?? 0) > (leader?.term ?? 0),
          10_000,
        );
        await sleep(1_500);
        net.heal();
        await sleep(1_500);
        const follower = SERVERS.find((id) => id !== cluster.leader()?.id) as string;
        net.isolate(follower);
        await sleep(2_000);
      });
      report('partitions', verdict);
      expectSafe(verdict);
    },
  );

  it.skipIf(netemSkip !== undefined)(
    netemSkip === undefined ? NETEM_TEST : `${NETEM_TEST} (skipped: ${netemSkip})`,
    { timeout: 300_000 },
    async () => {
      const verdict = await runWithFaults(
        9_000,
        async (net, cluster) => {
          const leader = cluster.leader();
          net.isolate(leader?.id as string);
          await waitFor(
            'a leader on the majority side',
            () => (cluster.leader()?.term ?? 0) > (leader?.term ?? 0),
            15_000,
          );
          await sleep(1_500);
        },
        (net) => {
          for (const id of IDS) net.netem(id, ['delay', '10ms', '5ms', 'loss', '3%']);
        },
      );
      report('netem', verdict);
      expectSafe(verdict);
    },
  );
});
