/**
 * The kafka workload: append-only logs identified by string keys.
 *
 * - `send{key,msg}` -> `send_ok{offset}`: appends a message, returns its offset.
 * - `poll{offsets:{k:off}}` -> `poll_ok{msgs:{k:[[off,msg],…]}}`: messages from each offset on.
 * - `commit_offsets{offsets}` -> `commit_offsets_ok`: the client processed up to these offsets.
 * - `list_committed_offsets{keys}` -> `list_committed_offsets_ok{offsets}`.
 *
 * Each client thread polls from where it left off on the keys it is assigned,
 * commits what it polled, and now and then re-assigns itself keys, starting from
 * their committed offsets (the history calls that operation `assign`). The
 * check is in kafka-check.ts.
 */

import type { RandomStream } from '../../core/index.js';
import type { RunHistory } from '../run-history.js';
import { checkKafka } from './kafka-check.js';
import {
  checkReplyType,
  missingField,
  type BadReply,
  type Outcome,
  type Workload,
  type WorkloadOperation,
  type WorkloadSetting,
} from './workload.js';

/** Keys of the run. */
export const KAFKA_KEYS: readonly string[] = ['0', '1', '2', '3', '4'];

interface ThreadState {
  /** The next offset to poll, per assigned key. */
  offsets: Record<string, number> | undefined;
  /** Offsets to commit, after a poll. */
  commit: Record<string, number> | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function randomKeys(random: RandomStream): string[] {
  const keys = KAFKA_KEYS.filter(() => random.next() < 0.6);
  return keys.length > 0 ? keys : [random.pick(KAFKA_KEYS)];
}

/** Reads `msgs` of a poll reply: key -> [[offset, msg], …] with integer offsets. */
export function readPolledMessages(
  reply: Record<string, unknown>,
): { readonly msgs: Record<string, [number, unknown][]> } | BadReply {
  const msgs = reply['msgs'];
  if (!isRecord(msgs))
    return { problem: `'poll_ok' reply needs 'msgs', an object of key -> [[offset, msg], …]` };
  const result: Record<string, [number, unknown][]> = {};
  for (const [key, pairs] of Object.entries(msgs)) {
    if (!Array.isArray(pairs))
      return { problem: `'poll_ok' msgs.${key} must be an array of [offset, msg] pairs` };
    const list: [number, unknown][] = [];
    for (const pair of pairs as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2 || !Number.isSafeInteger(pair[0])) {
        return { problem: `'poll_ok' msgs.${key} holds ${JSON.stringify(pair)}, not an [offset, msg] pair` };
      }
      list.push([pair[0] as number, pair[1] as unknown]);
    }
    result[key] = list;
  }
  return { msgs: result };
}

/** The kafka workload. */
export function kafkaWorkload(setting: WorkloadSetting): Workload {
  const random = setting.random;
  const threads = new Map<number, ThreadState>();
  let nextMessage = 0;
  const idempotent: ReadonlySet<string> = new Set(['poll', 'assign']);
  const stateOf = (thread: number): ThreadState => {
    let state = threads.get(thread);
    if (state === undefined) {
      state = { offsets: undefined, commit: undefined };
      threads.set(thread, state);
    }
    return state;
  };
  return {
    name: 'kafka',
    idempotent,
    next(thread): WorkloadOperation {
      const state = stateOf(thread);
      if (state.commit !== undefined) {
        const offsets = state.commit;
        state.commit = undefined;
        return { f: 'commit_offsets', value: { offsets } };
      }
      const roll = random.next();
      if (state.offsets === undefined || roll < 0.1)
        return { f: 'assign', value: { keys: randomKeys(random) } };
      if (roll < 0.55) {
        const key = random.pick(KAFKA_KEYS);
        return { f: 'send', key, value: { key, msg: nextMessage++ } };
      }
      return { f: 'poll', value: { offsets: { ...state.offsets } } };
    },
    request(operation) {
      const value = operation.value as Record<string, unknown>;
      switch (operation.f) {
        case 'send':
          return { type: 'send', key: value['key'], msg: value['msg'] };
        case 'poll':
          return { type: 'poll', offsets: value['offsets'] };
        case 'commit_offsets':
          return { type: 'commit_offsets', offsets: value['offsets'] };
        default:
          return { type: 'list_committed_offsets', keys: value['keys'] };
      }
    },
    interpret(operation, reply): Outcome | BadReply {
      const expected = operation.f === 'assign' ? 'list_committed_offsets_ok' : `${operation.f}_ok`;
      const early = checkReplyType(operation, reply, expected, idempotent);
      if (early !== undefined) return early;
      const value = operation.value as Record<string, unknown>;
      switch (operation.f) {
        case 'send': {
          const offset = reply['offset'];
          if (!Number.isSafeInteger(offset)) return missingField(reply, 'offset', 'an integer offset');
          return { type: 'ok', value: { ...value, offset } };
        }
        case 'poll': {
          const polled = readPolledMessages(reply);
          return 'problem' in polled ? polled : { type: 'ok', value: { ...value, msgs: polled.msgs } };
        }
        case 'commit_offsets':
          return { type: 'ok', value };
        default: {
          const offsets = reply['offsets'];
          if (!isRecord(offsets) || !Object.values(offsets).every((offset) => Number.isSafeInteger(offset))) {
            return missingField(reply, 'offsets', 'an object of key -> integer offset');
          }
          return { type: 'ok', value: { ...value, offsets } };
        }
      }
    },
    observe(thread, operation, outcome) {
      if (outcome.type !== 'ok') return;
      const state = stateOf(thread);
      const output = outcome.value as Record<string, unknown>;
      if (operation.f === 'assign') {
        const committed = output['offsets'] as Record<string, number>;
        const keys = (operation.value as { keys: string[] }).keys;
        state.offsets = Object.fromEntries(keys.map((key) => [key, committed[key] ?? 0]));
      } else if (operation.f === 'poll' && state.offsets !== undefined) {
        const msgs = output['msgs'] as Record<string, [number, unknown][]>;
        const commit: Record<string, number> = {};
        for (const [key, pairs] of Object.entries(msgs)) {
          if (!(key in state.offsets) || pairs.length === 0) continue;
          const highest = Math.max(...pairs.map(([offset]) => offset));
          state.offsets[key] = Math.max(state.offsets[key] ?? 0, highest + 1);
          commit[key] = highest;
        }
        if (Object.keys(commit).length > 0) state.commit = commit;
      }
    },
    reset(thread) {
      threads.delete(thread);
    },
    finalOperations: () =>
      setting.nodes.map((node) => ({
        node,
        operation: { f: 'poll', value: { offsets: Object.fromEntries(KAFKA_KEYS.map((key) => [key, 0])) } },
      })),
    check: (history: RunHistory) => checkKafka(history),
  };
}
