/**
 * The cluster file: which scenario to run, where each node listens, the
 * cluster key and where nodes keep their durable storage.
 *
 * The protocols come from a scenario module, the very file `fairlink sim`
 * runs: the runtime calls its `build(params)` and takes each node's protocol
 * and group from the result. That is what makes "the protocol code is the
 * same that the simulator runs" true by construction. The cluster file adds
 * only what a real network needs:
 *
 * ```json
 * {
 *   "scenario": "raft-cluster.ts",
 *   "params": { "operations": 300 },
 *   "keyFile": "cluster.key",
 *   "dataDir": "data",
 *   "nodes": [
 *     { "id": "n1", "host": "127.0.0.1", "port": 7101 },
 *     { "id": "c1", "host": "127.0.0.1", "port": 7104 }
 *   ]
 * }
 * ```
 *
 * Paths are relative to the cluster file. The file is input from outside:
 * every problem is an {@link InputError} whose one line names the file, the
 * field and what is wrong (DESIGN.md section 7).
 */

import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/index.js';
import { nodeId, type NodeId } from '../core/index.js';

/** The shortest cluster key accepted: 128 bits. */
export const CLUSTER_KEY_BYTES_MIN = 16;

/** Where one node listens (and where its peers connect to it). */
export interface NodeAddress {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
}

/** A validated cluster file, with paths made absolute. */
export interface ClusterConfig {
  /** The cluster file as the user named it (for messages). */
  readonly path: string;
  /** The scenario module, absolute. */
  readonly scenarioPath: string;
  /** Scenario parameter overrides, as `--param NAME=VALUE` would give them. */
  readonly params: Readonly<Record<string, number | boolean | string>>;
  /** Seeds each node's random streams (`random()` and timer delays); absent: drawn at start. */
  readonly seed: number | undefined;
  /** The shared secret that authenticates every frame. */
  readonly key: Buffer;
  /** The folder holding one sub-folder per node, absolute; absent: storage in memory only. */
  readonly dataDir: string | undefined;
  /** Every node of the system, in the file's order. */
  readonly nodes: readonly NodeAddress[];
}

const HEX_KEY = /^(?:[0-9a-fA-F]{2})+$/;

const nodeSchema = z.strictObject({
  id: z.string().refine(isNodeName, {
    message: "not a valid node name (letters, digits, '_', '.', ':', '-'; at most 64 characters)",
  }),
  host: z.string().min(1, 'needs a host name or IP address'),
  port: z.number().int().min(1).max(65_535),
});

const clusterSchema = z.strictObject({
  scenario: z.string().min(1, 'needs the path of a scenario module'),
  params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  key: z.string().optional(),
  keyFile: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
  nodes: z.array(nodeSchema).min(1, 'a cluster needs at least one node'),
});

function isNodeName(name: string): boolean {
  try {
    nodeId(name);
    return true;
  } catch {
    return false;
  }
}

/** Reads and validates the cluster file at `path` (relative to the working directory). */
export function loadClusterConfig(path: string): ClusterConfig {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError(
      `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`}`,
    );
  }
  return parseClusterConfig(text, path);
}

/**
 * Validates the text of a cluster file. `path` locates the relative paths
 * inside it and names the file in errors.
 */
export function parseClusterConfig(text: string, path: string): ClusterConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = clusterSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
    throw new InputError(`${path}: ${where}${issue?.message ?? 'invalid cluster file'}`);
  }
  const file = parsed.data;
  const folder = dirname(resolve(path));

  const ids = new Set<string>();
  const endpoints = new Map<string, string>();
  file.nodes.forEach((node, index) => {
    if (ids.has(node.id))
      throw new InputError(`${path}: nodes[${index}].id: node '${node.id}' is listed twice`);
    ids.add(node.id);
    const endpoint = `${node.host}:${node.port}`;
    const other = endpoints.get(endpoint);
    if (other !== undefined) {
      throw new InputError(
        `${path}: nodes[${index}]: '${node.id}' and '${other}' both listen on ${endpoint}`,
      );
    }
    endpoints.set(endpoint, node.id);
  });

  return {
    path,
    scenarioPath: resolve(folder, file.scenario),
    params: file.params ?? {},
    seed: file.seed,
    key: clusterKey(file.key, file.keyFile, folder, path),
    dataDir: file.dataDir === undefined ? undefined : resolve(folder, file.dataDir),
    nodes: file.nodes.map((node) => ({ id: node.id as NodeId, host: node.host, port: node.port })),
  };
}

/** The key from `key` (hex) or `keyFile` (a file holding hex): exactly one of them. */
function clusterKey(
  hex: string | undefined,
  keyFile: string | undefined,
  folder: string,
  path: string,
): Buffer {
  if ((hex === undefined) === (keyFile === undefined)) {
    throw new InputError(`${path}: give the cluster key as exactly one of "key" (hex) or "keyFile" (a path)`);
  }
  let text = hex;
  let source = 'key';
  if (keyFile !== undefined) {
    source = `keyFile ${keyFile}`;
    try {
      text = readFileSync(resolve(folder, keyFile), 'utf8').trim();
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new InputError(
        `${path}: ${source}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`}`,
      );
    }
  }
  if (text === undefined || !HEX_KEY.test(text)) {
    throw new InputError(
      `${path}: ${source}: expected an even number of hex digits, such as the output of openssl rand -hex 32`,
    );
  }
  const key = Buffer.from(text, 'hex');
  if (key.length < CLUSTER_KEY_BYTES_MIN) {
    throw new InputError(
      `${path}: ${source}: ${key.length} bytes is too short, need at least ${CLUSTER_KEY_BYTES_MIN} (${CLUSTER_KEY_BYTES_MIN * 2} hex digits)`,
    );
  }
  return key;
}

/** `nodes[1].port` from zod's path. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `${text === '' ? '' : '.'}${String(segment)}`;
  }
  return text;
}

/** A path for messages: relative to the working directory when that is shorter. */
export function displayPath(absolute: string): string {
  const relativePath = relative(process.cwd(), absolute);
  return relativePath !== '' && relativePath.length < absolute.length ? relativePath : absolute;
}

/** The node's own folder in the data folder, if the cluster has one. */
export function nodeDataDirectory(config: ClusterConfig, id: NodeId): string | undefined {
  return config.dataDir === undefined ? undefined : resolve(config.dataDir, id);
}
