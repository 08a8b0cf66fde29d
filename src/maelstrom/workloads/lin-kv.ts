/**
 * The lin-kv workload: `read{key}`, `write{key,value}` and `cas{key,from,to}`
 * on a few integer keys at a time, values 0 to 4, checked for linearizability
 * per key with a compare-and-set register model.
 *
 * A key retires after {@link OPERATIONS_PER_KEY} operations and a fresh one
 * takes its place, so that each key's history stays small enough to search
 * (Jepsen's independent-key generator). A read answered with error 20 (no such
 * key) is recorded as reading `null`, the register's initial value: a stronger
 * check than Maelstrom's, which drops such reads. A cas answered with 20 or 22
 * did not happen and is recorded as `fail`.
 */

import { checkLinearizability } from '../../history/index.js';
import { casRegisterModel } from '../../history/index.js';
import { describeValue } from '../../history/index.js';
import { ErrorCode } from '../protocol.js';
import type { RunHistory } from '../run-history.js';
import {
  checkReplyType,
  missingField,
  type Workload,
  type WorkloadCheck,
  type WorkloadOperation,
  type WorkloadSetting,
} from './workload.js';

/** Keys in use at once. */
export const ACTIVE_KEYS = 5;
/** Operations per key before it retires. */
export const OPERATIONS_PER_KEY = 120;
/** Values are drawn from 0 to this. */
const VALUE_MAX = 4;

/** Options of the lin-kv workload. */
export interface LinKvOptions {
  /** How long the linearizability search may take before the verdict is `unknown` (default 30 s). */
  readonly checkTimeoutMs?: number;
}

/** The lin-kv workload. */
export function linKvWorkload(setting: WorkloadSetting, options: LinKvOptions = {}): Workload {
  const random = setting.random;
  const idempotent: ReadonlySet<string> = new Set(['read']);
  const active = Array.from({ length: ACTIVE_KEYS }, (_, index) => ({ key: index, used: 0 }));
  let nextKey = ACTIVE_KEYS;
  const pickKey = (): number => {
    const slot = random.pick(active);
    if (slot.used >= OPERATIONS_PER_KEY) {
      slot.key = nextKey++;
      slot.used = 0;
    }
    slot.used++;
    return slot.key;
  };
  return {
    name: 'lin-kv',
    idempotent,
    next(): WorkloadOperation {
      const key = pickKey();
      const choice = random.int(0, 2);
      if (choice === 0) return { f: 'read', key, value: null };
      if (choice === 1) return { f: 'write', key, value: random.int(0, VALUE_MAX) };
      return { f: 'cas', key, value: [random.int(0, VALUE_MAX), random.int(0, VALUE_MAX)] };
    },
    request(operation) {
      switch (operation.f) {
        case 'read':
          return { type: 'read', key: operation.key };
        case 'write':
          return { type: 'write', key: operation.key, value: operation.value };
        default: {
          const [from, to] = operation.value as [number, number];
          return { type: 'cas', key: operation.key, from, to };
        }
      }
    },
    interpret(operation, reply) {
      if (operation.f === 'read' && reply.type === 'error' && reply['code'] === ErrorCode.keyDoesNotExist) {
        return { type: 'ok', value: null };
      }
      const early = checkReplyType(operation, reply, `${operation.f}_ok`, idempotent);
      if (early !== undefined) return early;
      if (operation.f !== 'read') return { type: 'ok', value: operation.value };
      if (!('value' in reply)) return missingField(reply, 'value', 'the value read');
      return { type: 'ok', value: reply['value'] };
    },
    check: (history) => checkLinKv(history, options.checkTimeoutMs ?? 30_000),
  };
}

function checkLinKv(history: RunHistory, timeoutMs: number): WorkloadCheck {
  const { history: paired } = history.paired();
  const result = checkLinearizability(paired.operations, casRegisterModel(), { timeoutMs });
  const verdict =
    result.verdict === 'linearizable'
      ? 'valid'
      : result.verdict === 'not-linearizable'
        ? 'invalid'
        : 'unknown';
  const lines = [
    `lin-kv: ${result.verdict} (${result.operations} operations over ${result.partitions} keys, ` +
      `${paired.failed} failed, ${paired.unknown} of unknown outcome; checked in ${result.timeMs.toFixed(0)} ms)`,
  ];
  const explanation = result.explanation?.[0];
  if (explanation !== undefined) {
    const blocked = explanation.blocked.map((entry) => entry.description).join('; ');
    lines.push(
      `key ${describeValue(explanation.key ?? null)}: after ${explanation.linearized.length} operations the value is ` +
        `${explanation.state}, and none of these can come next: ${blocked}`,
    );
  }
  if (result.reason !== undefined) lines.push(result.reason);
  return {
    verdict,
    summary: {
      verdict: result.verdict,
      operations: result.operations,
      keys: result.partitions,
      keysChecked: result.partitionsChecked,
      failed: paired.failed,
      unknown: paired.unknown,
      checkMs: Math.round(result.timeMs),
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(explanation === undefined
        ? {}
        : {
            explanation: {
              key: explanation.key ?? null,
              state: explanation.state,
              linearizedCount: explanation.linearized.length,
              blocked: explanation.blocked.map((entry) => ({
                operation: entry.description,
                reason: entry.reason,
                process: entry.operation.process,
              })),
            },
          }),
    },
    lines,
    linearizability: result,
  };
}
