/**
 * The unique-ids workload: `generate` -> `generate_ok{id}`, and no id is ever
 * returned twice (ids are compared as canonical JSON, so `1` and `"1"` differ).
 */

import { canonicalString } from '../../history/index.js';
import type { RunHistory } from '../run-history.js';
import { checkReplyType, missingField, type Workload, type WorkloadCheck } from './workload.js';

const EXAMPLES_MAX = 10;

/** The unique-ids workload. */
export function uniqueIdsWorkload(): Workload {
  const idempotent: ReadonlySet<string> = new Set();
  return {
    name: 'unique-ids',
    idempotent,
    next: () => ({ f: 'generate', value: null }),
    request: () => ({ type: 'generate' }),
    interpret(operation, reply) {
      const early = checkReplyType(operation, reply, 'generate_ok', idempotent);
      if (early !== undefined) return early;
      if (!('id' in reply) || reply['id'] === null) return missingField(reply, 'id', 'the generated id');
      return { type: 'ok', value: reply['id'] };
    },
    check: checkUniqueIds,
  };
}

/** No id may be acknowledged twice. */
export function checkUniqueIds(history: RunHistory): WorkloadCheck {
  const seen = new Map<string, { count: number; nodes: Set<string> }>();
  let acknowledged = 0;
  for (const record of history.operations) {
    if (record.type !== 'ok') continue;
    acknowledged++;
    const id = canonicalString(record.output);
    const entry = seen.get(id) ?? { count: 0, nodes: new Set<string>() };
    entry.count++;
    entry.nodes.add(record.node);
    seen.set(id, entry);
  }
  const duplicated = [...seen].filter(([, entry]) => entry.count > 1);
  const attempted = history.operations.length;
  return {
    verdict: duplicated.length > 0 ? 'invalid' : acknowledged === 0 ? 'unknown' : 'valid',
    summary: {
      attempted,
      acknowledged,
      unknown: history.operations.filter((record) => record.type === 'info').length,
      distinct: seen.size,
      duplicated: duplicated.length,
      duplicatedExamples: duplicated.slice(0, EXAMPLES_MAX).map(([id, entry]) => ({
        id: JSON.parse(id) as unknown,
        times: entry.count,
        nodes: [...entry.nodes].sort(),
      })),
    },
    lines: [
      `unique-ids: ${acknowledged} ids acknowledged, ${seen.size} distinct, ${duplicated.length} returned more than once` +
        (duplicated[0] === undefined
          ? ''
          : ` (e.g. ${duplicated[0][0]} ${duplicated[0][1].count} times, by ${[...duplicated[0][1].nodes].sort().join(', ')})`),
    ],
  };
}
