/**
 * The broadcast and g-set workloads: clients add unique integers (`broadcast`
 * or `add`) and read the whole set; after faults heal and a quiet period,
 * every acknowledged element must be in every node's final read (Jepsen's
 * set-full check: lost, stale and never-read counts, stable latencies).
 *
 * broadcast first sends each node `topology{topology}`.
 */

import { quantiles, type Quantiles } from '../../history/index.js';
import { checkSetConvergence } from '../../history/index.js';
import { canonicalString } from '../../history/index.js';
import type { PairedHistory } from '../../history/index.js';
import { buildTopology } from '../topology.js';
import type { RunHistory } from '../run-history.js';
import { readsByNode } from './final-reads.js';
import {
  checkReplyType,
  missingField,
  type Workload,
  type WorkloadCheck,
  type WorkloadSetting,
} from './workload.js';

interface SetShape {
  readonly name: 'broadcast' | 'g-set';
  /** The add operation's name and its request field. */
  readonly addF: 'broadcast' | 'add';
  readonly addField: 'message' | 'element';
  /** The read reply's field holding the elements. */
  readonly readField: 'messages' | 'value';
}

const BROADCAST: SetShape = {
  name: 'broadcast',
  addF: 'broadcast',
  addField: 'message',
  readField: 'messages',
};
const G_SET: SetShape = { name: 'g-set', addF: 'add', addField: 'element', readField: 'value' };

/** The broadcast workload. */
export function broadcastWorkload(setting: WorkloadSetting): Workload {
  return setWorkload(BROADCAST, setting);
}

/** The g-set workload. */
export function gSetWorkload(setting: WorkloadSetting): Workload {
  return setWorkload(G_SET, setting);
}

function setWorkload(shape: SetShape, setting: WorkloadSetting): Workload {
  let nextElement = 0;
  const idempotent: ReadonlySet<string> = new Set(['read']);
  const topology = shape.name === 'broadcast' ? buildTopology(setting.topology, setting.nodes) : undefined;
  const workload: Workload = {
    name: shape.name,
    idempotent,
    next: () =>
      setting.random.next() < 0.5 ? { f: shape.addF, value: nextElement++ } : { f: 'read', value: null },
    request: (operation) =>
      operation.f === 'read' ? { type: 'read' } : { type: shape.addF, [shape.addField]: operation.value },
    interpret(operation, reply) {
      const expected = operation.f === 'read' ? 'read_ok' : `${shape.addF}_ok`;
      const early = checkReplyType(operation, reply, expected, idempotent);
      if (early !== undefined) return early;
      if (operation.f !== 'read') return { type: 'ok', value: operation.value };
      const elements = reply[shape.readField];
      if (!Array.isArray(elements)) return missingField(reply, shape.readField, 'an array of elements');
      return { type: 'ok', value: elements };
    },
    finalOperations: () => setting.nodes.map((node) => ({ node, operation: { f: 'read', value: null } })),
    check: (history) => checkSet(shape, history, setting.nodes),
  };
  if (topology !== undefined) {
    workload.setupRequest = () => ({ body: { type: 'topology', topology }, replyType: 'topology_ok' });
  }
  return workload;
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

/**
 * Stable latencies as Jepsen's set-full checker (and so Maelstrom and the Gossip Glomers
 * targets) measures them: for each element present in the final reads, the time from when it
 * was known (its add acknowledged, or first read) to the end of the last read that began after
 * that and did not contain it; 0 when there was no such read. In ms. Reads must be attributed
 * to their nodes (see final-reads.ts): each node's last read is its final read.
 */
export function stableLatencies(history: PairedHistory, addF: string): Quantiles | undefined {
  const reads = history.operations
    .filter((op) => op.f === 'read' && op.status === 'ok' && Array.isArray(op.output))
    .map((op) => ({ op, elements: new Set((op.output as unknown[]).map(canonicalString)) }));
  const known = new Map<string, number>();
  for (const op of history.operations) {
    if (op.f === addF && op.status === 'ok') {
      const key = canonicalString(op.input);
      known.set(key, Math.min(known.get(key) ?? Infinity, op.ret));
    }
  }
  for (const read of reads) {
    for (const key of read.elements) known.set(key, Math.min(known.get(key) ?? Infinity, read.op.ret));
  }
  const lastCall = new Map<string, number>();
  for (const read of reads)
    lastCall.set(
      String(read.op.process),
      Math.max(lastCall.get(String(read.op.process)) ?? -Infinity, read.op.call),
    );
  const finals = reads.filter((read) => read.op.call === lastCall.get(String(read.op.process)));
  const latencies: number[] = [];
  for (const [key, knownAt] of known) {
    // Only elements every final read holds are stable; the others are lost or never judged.
    if (finals.length === 0 || !finals.every((read) => read.elements.has(key) && read.op.call > knownAt))
      continue;
    let lastAbsentEnd = knownAt;
    for (const read of reads) {
      if (read.op.call > knownAt && !read.elements.has(key))
        lastAbsentEnd = Math.max(lastAbsentEnd, read.op.ret);
    }
    latencies.push(lastAbsentEnd - knownAt);
  }
  return quantiles(latencies);
}

function checkSet(shape: SetShape, history: RunHistory, nodes: readonly string[]): WorkloadCheck {
  const { history: paired, nodesWithoutFinalRead } = readsByNode(history, 'read', nodes);
  const { stableLatencies: _firstStableRead, ...result } = checkSetConvergence(paired, {
    addFunctions: [shape.addF],
    readFunctions: ['read'],
  });
  const verdict = result.verdict === 'valid' && nodesWithoutFinalRead.length > 0 ? 'unknown' : result.verdict;
  const latencies = stableLatencies(paired, shape.addF);
  const lines = [
    `${shape.name}: ${result.acknowledged} of ${result.attempted} adds acknowledged; ${result.stable} stable, ` +
      `${result.lost} lost, ${result.stale} stale, ${result.neverRead} never read, ${result.unexpected} unexpected`,
  ];
  if (latencies !== undefined) {
    lines.push(
      `stable latency ms: median ${formatMs(latencies['0.5'])}, p95 ${formatMs(latencies['0.95'])}, ` +
        `p99 ${formatMs(latencies['0.99'])}, max ${formatMs(latencies['1'])}`,
    );
  }
  if (result.lostExamples.length > 0)
    lines.push(`lost, e.g.: ${result.lostExamples.slice(0, 10).join(', ')}`);
  if (result.unexpectedExamples.length > 0) {
    lines.push(`read but never added, e.g.: ${result.unexpectedExamples.slice(0, 10).join(', ')}`);
  }
  if (nodesWithoutFinalRead.length > 0) lines.push(`no final read from: ${nodesWithoutFinalRead.join(', ')}`);
  return {
    verdict,
    summary: {
      ...result,
      ...(latencies === undefined ? {} : { stableLatencies: latencies }),
      nodesWithoutFinalRead,
    },
    lines,
  };
}
