/**
 * A network of Linux network namespaces for runtime tests, Jepsen style: one
 * namespace per node with an `eth0` on a private subnet, all joined by veth
 * links to a bridge that lives in a namespace of its own (nothing is added
 * to the host's network). Faults: `tc netem` loss and delay on a node's link,
 * and partitions by dropping traffic (blackhole routes on both sides, so no
 * packet crosses in either direction).
 *
 * Needs root and iproute2 (`ip`, `tc`); {@link netnsSkipReason} says why a
 * test cannot run here, by name. {@link NamespaceNetwork.destroy} removes
 * every namespace it created, and is safe to call more than once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The subnet's first three octets. */
const SUBNET = '10.213.77';

/** Whether `tool` is an executable on the PATH (or in /sbin, /usr/sbin, where iproute2 lives). */
export function onPath(tool: string): boolean {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/sbin', '/usr/sbin'];
  return folders.some((folder) => {
    try {
      accessSync(join(folder, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function tryRun(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status === 0) return undefined;
  return (result.stderr || result.error?.message || `exit ${String(result.status)}`).trim().split('\n')[0];
}

/** Why network-namespace tests cannot run here, or `undefined` when they can. */
export function netnsSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux (network namespaces are a Linux feature)';
  if (process.getuid?.() !== 0) return 'not running as root (creating network namespaces needs root)';
  for (const tool of ['ip', 'tc']) {
    if (!onPath(tool)) return `\`${tool}\` is missing (install iproute2, as .ci/install-packages.sh does)`;
  }
  const probe = `flprobe${randomBytes(3).toString('hex')}`;
  const failure = tryRun('ip', ['netns', 'add', probe]);
  if (failure !== undefined) return `cannot create a network namespace (${failure})`;
  try {
    const veth = tryRun('ip', [
      '-n',
      probe,
      'link',
      'add',
      'probe0',
      'type',
      'veth',
      'peer',
      'name',
      'probe1',
    ]);
    if (veth !== undefined) return `cannot create veth links (${veth})`;
    const bridge = tryRun('ip', ['-n', probe, 'link', 'add', 'br0', 'type', 'bridge']);
    if (bridge !== undefined) return `cannot create a bridge (${bridge})`;
  } finally {
    tryRun('ip', ['netns', 'del', probe]);
  }
  return undefined;
}

/** Why `tc netem` cannot be used here (the kernel lacks sch_netem, say), or `undefined`. */
export function netemSkipReason(): string | undefined {
  const probe = `flprobe${randomBytes(3).toString('hex')}`;
  const failure = tryRun('ip', ['netns', 'add', probe]);
  if (failure !== undefined) return `cannot create a network namespace (${failure})`;
  try {
    tryRun('ip', ['-n', probe, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
    const netem = tryRun('ip', [
      'netns',
      'exec',
      probe,
      'tc',
      'qdisc',
      'add',
      'dev',
      'probe0',
      'root',
      'netem',
      'delay',
      '1ms',
    ]);
    if (netem !== undefined) return `tc netem is not available in this kernel (tc: ${netem})`;
  } finally {
    tryRun('ip', ['netns', 'del', probe]);
  }
  return undefined;
}

/** One node's place in the network. */
export interface NamespaceNode {
  readonly id: string;
  readonly namespace: string;
  readonly address: string;
}

export class NamespaceNetwork {
  readonly nodes: readonly NamespaceNode[];
  private readonly switchNamespace: string;
  private readonly created: string[] = [];
  private readonly partitions = new Set<string>();

  /** Creates the namespaces, links and bridge for `ids` (on any failure, removes what it made). */
  constructor(ids: readonly string[]) {
    const tag = `fl${randomBytes(2).toString('hex')}`;
    this.switchNamespace = `${tag}-switch`;
    this.nodes = ids.map((id, index) => ({
      id,
      namespace: `${tag}-${id}`,
      address: `${SUBNET}.${index + 2}`,
    }));
    try {
      this.addNamespace(this.switchNamespace);
      run('ip', ['-n', this.switchNamespace, 'link', 'add', 'br0', 'type', 'bridge']);
      run('ip', ['-n', this.switchNamespace, 'link', 'set', 'br0', 'up']);
      this.nodes.forEach((node, index) => {
        this.addNamespace(node.namespace);
        const port = `port${index}`;
        run('ip', [
          '-n',
          this.switchNamespace,
          'link',
          'add',
          port,
          'type',
          'veth',
          'peer',
          'name',
          'eth0',
          'netns',
          node.namespace,
        ]);
        run('ip', ['-n', this.switchNamespace, 'link', 'set', port, 'master', 'br0']);
        run('ip', ['-n', this.switchNamespace, 'link', 'set', port, 'up']);
        run('ip', ['-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0']);
        run('ip', ['-n', node.namespace, 'link', 'set', 'eth0', 'up']);
        run('ip', ['-n', node.namespace, 'link', 'set', 'lo', 'up']);
      });
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  node(id: string): NamespaceNode {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (node === undefined) throw new Error(`no node ${id} in the network`);
    return node;
  }

  /** The command that runs `command` inside node `id`'s namespace. */
  wrap(id: string, command: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.node(id).namespace, ...command];
  }

  /** Cuts `id` off from every other node, both ways (packets are dropped, not refused). */
  isolate(id: string): void {
    for (const other of this.nodes) if (other.id !== id) this.cut(id, other.id);
  }

  /** Drops every packet between `a` and `b`. */
  cut(a: string, b: string): void {
    const [first, second] = [this.node(a), this.node(b)];
    for (const [from, to] of [
      [first, second],
      [second, first],
    ] as const) {
      const key = `${from.namespace} ${to.address}`;
      if (this.partitions.has(key)) continue;
      run('ip', ['-n', from.namespace, 'route', 'add', 'blackhole', `${to.address}/32`]);
      this.partitions.add(key);
    }
  }

  /** Removes every partition. */
  heal(): void {
    for (const key of this.partitions) {
      const [namespace, address] = key.split(' ') as [string, string];
      tryRun('ip', ['-n', namespace, 'route', 'del', 'blackhole', `${address}/32`]);
    }
    this.partitions.clear();
  }

  /** Applies `tc netem` on node `id`'s link, such as `['delay', '20ms', '10ms', 'loss', '5%']`. */
  netem(id: string, settings: readonly string[]): void {
    const node = this.node(id);
    tryRun('ip', ['netns', 'exec', node.namespace, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
    run('ip', [
      'netns',
      'exec',
      node.namespace,
      'tc',
      'qdisc',
      'add',
      'dev',
      'eth0',
      'root',
      'netem',
      ...settings,
    ]);
  }

  /** Removes netem from every link. */
  clearNetem(): void {
    for (const node of this.nodes)
      tryRun('ip', ['netns', 'exec', node.namespace, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
  }

  /** Deletes every namespace this network created (and with them, their links). */
  destroy(): void {
    for (const namespace of this.created.splice(0).reverse()) tryRun('ip', ['netns', 'del', namespace]);
  }

  private addNamespace(name: string): void {
    run('ip', ['netns', 'add', name]);
    this.created.push(name);
  }
}
