/**
 * The g-counter and pn-counter workloads: `add{delta}` -> `add_ok`, `read` ->
 * `read_ok{value}`. After faults heal and a quiet period, each node's final
 * read must equal the sum of the acknowledged adds plus some subset of the adds
 * whose outcome is unknown.
 *
 * Reads before that may be stale (the counters are eventually consistent) and
 * are only reported, with one exception: a g-counter only grows, so a read
 * above everything invoked before it ended counts increments that never
 * existed, and makes the history invalid.
 */

import { checkCounter } from '../../history/index.js';
import type { RunHistory } from '../run-history.js';
import { readsByNode } from './final-reads.js';
import {
  checkReplyType,
  missingField,
  type Workload,
  type WorkloadCheck,
  type WorkloadSetting,
} from './workload.js';

/** The g-counter workload: deltas 1 to 5. */
export function gCounterWorkload(setting: WorkloadSetting): Workload {
  return counterWorkload('g-counter', setting, () => setting.random.int(1, 5));
}

/** The pn-counter workload: deltas -5 to 5, never 0. */
export function pnCounterWorkload(setting: WorkloadSetting): Workload {
  return counterWorkload('pn-counter', setting, () => {
    const magnitude = setting.random.int(1, 5);
    return setting.random.next() < 0.5 ? -magnitude : magnitude;
  });
}

function counterWorkload(
  name: 'g-counter' | 'pn-counter',
  setting: WorkloadSetting,
  delta: () => number,
): Workload {
  const idempotent: ReadonlySet<string> = new Set(['read']);
  return {
    name,
    idempotent,
    next: () => (setting.random.next() < 0.5 ? { f: 'add', value: delta() } : { f: 'read', value: null }),
    request: (operation) =>
      operation.f === 'read' ? { type: 'read' } : { type: 'add', delta: operation.value },
    interpret(operation, reply) {
      const early = checkReplyType(
        operation,
        reply,
        operation.f === 'read' ? 'read_ok' : 'add_ok',
        idempotent,
      );
      if (early !== undefined) return early;
      if (operation.f !== 'read') return { type: 'ok', value: operation.value };
      const value = reply['value'];
      if (typeof value !== 'number' || !Number.isFinite(value))
        return missingField(reply, 'value', 'a number');
      return { type: 'ok', value };
    },
    finalOperations: () => setting.nodes.map((node) => ({ node, operation: { f: 'read', value: null } })),
    check: (history) => checkCounterHistory(name, history, setting.nodes),
  };
}

function checkCounterHistory(
  name: 'g-counter' | 'pn-counter',
  history: RunHistory,
  nodes: readonly string[],
): WorkloadCheck {
  const { history: paired, nodesWithoutFinalRead } = readsByNode(history, 'read', nodes);
  const result = checkCounter(paired, { addFunctions: ['add'], readFunctions: ['read'] });
  const impossibleFinal = result.finalReads.filter((read) => read.possible === false);
  const undecided = result.finalReads.some((read) => read.possible === 'undecided');
  // Only a g-counter read above the upper bound is impossible under eventual consistency.
  const phantom =
    name === 'g-counter'
      ? result.outOfBounds.filter((read) => (read.operation.output as number) > read.upper)
      : [];
  const verdict =
    impossibleFinal.length > 0 || phantom.length > 0
      ? 'invalid'
      : undecided || result.finalReads.length === 0 || nodesWithoutFinalRead.length > 0
        ? 'unknown'
        : 'valid';
  const lines = [
    `${name}: acknowledged sum ${result.acknowledgedSum}, ${result.unknownDeltas.length} adds of unknown outcome; ` +
      `final reads ${result.finalReads.map((read) => `${String(read.process).replace('node ', '')}=${JSON.stringify(read.value)}`).join(' ')}`,
  ];
  if (impossibleFinal.length > 0) {
    lines.push(
      `impossible final reads: ${impossibleFinal.map((read) => String(read.process).replace('node ', '')).join(', ')}`,
    );
  }
  if (phantom.length > 0)
    lines.push(`${phantom.length} reads above everything added so far (phantom increments)`);
  const stale = result.outOfBounds.length - phantom.length;
  if (stale > 0) lines.push(`${stale} reads outside real-time bounds before the end (stale; allowed)`);
  if (nodesWithoutFinalRead.length > 0) lines.push(`no final read from: ${nodesWithoutFinalRead.join(', ')}`);
  return {
    verdict,
    summary: {
      acknowledgedSum: result.acknowledgedSum,
      unknownDeltas: result.unknownDeltas,
      finalReads: result.finalReads,
      staleReads: stale,
      phantomReads: phantom.length,
      nodesWithoutFinalRead,
    },
    lines,
  };
}
