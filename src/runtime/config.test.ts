import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { planCluster } from './cluster.js';
import { loadClusterConfig, parseClusterConfig } from './config.js';

const KEY = '00112233445566778899aabbccddeeff';

function cluster(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    scenario: 'scenario.ts',
    key: KEY,
    nodes: [
      { id: 'n1', host: '127.0.0.1', port: 7001 },
      { id: 'n2', host: '127.0.0.1', port: 7002 },
    ],
    ...overrides,
  });
}

function errorOf(text: string, path = '/configs/cluster.json'): string {
  try {
    parseClusterConfig(text, path);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('the cluster file', () => {
  it('resolves paths against its own folder and decodes the key', () => {
    const config = parseClusterConfig(
      cluster({ dataDir: 'data', params: { n: 3 }, seed: 7 }),
      '/configs/cluster.json',
    );
    expect(config.scenarioPath).toBe('/configs/scenario.ts');
    expect(config.dataDir).toBe('/configs/data');
    expect(config.key).toEqual(Buffer.from(KEY, 'hex'));
    expect(config.params).toEqual({ n: 3 });
    expect(config.seed).toBe(7);
    expect(config.nodes.map((node) => `${node.id}@${node.host}:${node.port}`)).toEqual([
      'n1@127.0.0.1:7001',
      'n2@127.0.0.1:7002',
    ]);
  });

  it.each([
    ['not JSON', '{', /cluster\.json: not valid JSON/],
    [
      'a port out of range',
      cluster({ nodes: [{ id: 'n1', host: 'h', port: 70000 }] }),
      /cluster\.json: nodes\[0\]\.port: /,
    ],
    ['a misspelt field', cluster({ dataDirectory: 'x' }), /cluster\.json: .*dataDirectory/],
    ['no nodes', cluster({ nodes: [] }), /cluster\.json: nodes: a cluster needs at least one node/],
    [
      'a bad node name',
      cluster({ nodes: [{ id: 'a b', host: 'h', port: 1 }] }),
      /nodes\[0\]\.id: not a valid node name/,
    ],
    ['no scenario', cluster({ scenario: undefined }), /cluster\.json: scenario: /],
    [
      'a node listed twice',
      cluster({
        nodes: [
          { id: 'n1', host: 'h', port: 1 },
          { id: 'n1', host: 'h', port: 2 },
        ],
      }),
      /nodes\[1\]\.id: node 'n1' is listed twice/,
    ],
    [
      'two nodes on one address',
      cluster({
        nodes: [
          { id: 'n1', host: 'h', port: 1 },
          { id: 'n2', host: 'h', port: 1 },
        ],
      }),
      /nodes\[1\]: 'n2' and 'n1' both listen on h:1/,
    ],
    ['both key and keyFile', cluster({ keyFile: 'k' }), /exactly one of "key" \(hex\) or "keyFile"/],
    ['no key', cluster({ key: undefined }), /exactly one of "key" \(hex\) or "keyFile"/],
    [
      'a key that is not hex',
      cluster({ key: 'zz'.repeat(16) }),
      /key: expected an even number of hex digits/,
    ],
    ['a short key', cluster({ key: 'abcd' }), /key: 2 bytes is too short, need at least 16/],
    [
      'a missing key file',
      cluster({ key: undefined, keyFile: 'nope.key' }),
      /keyFile nope\.key: no such file/,
    ],
  ])('refuses %s in one line naming the file and the field', (_name, text, expected) => {
    expect(errorOf(text)).toMatch(expected);
  });

  it('reads the key from keyFile, relative to the cluster file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'fairlink-config-'));
    writeFileSync(join(folder, 'cluster.key'), `${KEY}\n`);
    writeFileSync(join(folder, 'cluster.json'), cluster({ key: undefined, keyFile: 'cluster.key' }));
    expect(loadClusterConfig(join(folder, 'cluster.json')).key).toEqual(Buffer.from(KEY, 'hex'));
  });

  it('names a missing cluster file', () => {
    expect(() => loadClusterConfig('/nonexistent/cluster.json')).toThrow(
      '/nonexistent/cluster.json: no such file',
    );
  });
});

describe('matching the scenario', () => {
  const protocol = defineProtocol({ name: 'p', init: () => null });
  const config = parseClusterConfig(cluster(), '/configs/cluster.json');

  it("takes each node's protocol and group from the scenario, groups in the scenario's order", () => {
    const plan = planCluster(
      config,
      { nodes: { n2: protocol, n1: { protocol, group: 'clients' } }, durationMs: 1 },
      's',
    );
    expect(plan.nodes.map((node) => [node.id, node.group, node.members, node.peers])).toEqual([
      ['n2', 'nodes', ['n2'], []],
      ['n1', 'clients', ['n1'], []],
    ]);
    expect(plan.notes).toEqual([]);
  });

  it('refuses nodes without an address and addresses without a node', () => {
    expect(() => planCluster(config, { nodes: { n1: protocol, n3: protocol }, durationMs: 1 }, 's')).toThrow(
      "/configs/cluster.json: the nodes must be those of scenario 's' (n1, n3): no address for n3; n2 not in the scenario",
    );
  });

  it('notes what only the simulator honours', () => {
    const plan = planCluster(
      config,
      { nodes: { n1: { protocol, clock: { skewMs: 5 } }, n2: protocol }, durationMs: 1 },
      's',
    );
    expect(plan.notes).toEqual([
      'n1 has a clock skew or drift in the scenario; the runtime uses the real clock',
    ]);
  });
});
