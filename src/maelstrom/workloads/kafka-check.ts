/**
 * The kafka check, after Jepsen's kafka test as Maelstrom describes it:
 *
 * - *inconsistent offsets*: two different messages seen at one offset of a key;
 * - *duplicates*: one message at two offsets;
 * - *lost writes*: an acknowledged send never seen by any poll, although polls
 *   saw a higher offset of its key;
 * - *nonmonotonic sends*: a client's successive sends to a key not getting
 *   increasing offsets;
 * - *nonmonotonic polls*: offsets that fail to increase within one poll, or
 *   from one of a client's polls of a key to its next (until it re-assigns);
 * - *skips*: a poll that jumps over an offset known to exist, within one poll
 *   or between a client's successive polls of a key.
 *
 * Any of these makes the history invalid. Acknowledged sends that no poll saw
 * and no poll passed are *unobserved*: reported, not judged (servers may hold
 * a message back for any time).
 */

import { canonicalString } from '../../history/index.js';
import type { RecordedOperation, RunHistory } from '../run-history.js';
import type { WorkloadCheck } from './workload.js';

const EXAMPLES_MAX = 10;

interface Finding {
  readonly key: string;
  readonly detail: string;
}

function sortedNumbers(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Whether a sorted list holds a value strictly between `low` and `high`. */
function hasBetween(sorted: readonly number[], low: number, high: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= low) lo = mid + 1;
    else hi = mid;
  }
  const candidate = sorted[lo];
  return candidate !== undefined && candidate < high ? candidate : undefined;
}

/** Checks a kafka history (see the module comment). */
export function checkKafka(history: RunHistory): WorkloadCheck {
  const records = history.operations.filter((record) => record.type === 'ok');
  // What is known at each (key, offset), from sends and polls.
  const messagesAt = new Map<string, Map<number, Set<string>>>();
  const offsetsOf = new Map<string, Set<number>>();
  const polledOffsets = new Map<string, Set<number>>();
  const sends: { key: string; offset: number; msg: unknown; record: RecordedOperation }[] = [];
  const note = (key: string, offset: number, msg: unknown): void => {
    let byOffset = messagesAt.get(key);
    if (byOffset === undefined) messagesAt.set(key, (byOffset = new Map<number, Set<string>>()));
    let texts = byOffset.get(offset);
    if (texts === undefined) byOffset.set(offset, (texts = new Set<string>()));
    texts.add(canonicalString(msg));
    let messageOffsets = offsetsOf.get(`${key}\u0000${canonicalString(msg)}`);
    if (messageOffsets === undefined)
      offsetsOf.set(`${key}\u0000${canonicalString(msg)}`, (messageOffsets = new Set()));
    messageOffsets.add(offset);
  };
  for (const record of records) {
    const output = record.output as Record<string, unknown>;
    if (record.f === 'send') {
      const key = String(output['key']);
      const offset = output['offset'] as number;
      note(key, offset, output['msg']);
      sends.push({ key, offset, msg: output['msg'], record });
    } else if (record.f === 'poll') {
      for (const [key, pairs] of Object.entries(output['msgs'] as Record<string, [number, unknown][]>)) {
        let polled = polledOffsets.get(key);
        if (polled === undefined) polledOffsets.set(key, (polled = new Set()));
        for (const [offset, msg] of pairs) {
          note(key, offset, msg);
          polled.add(offset);
        }
      }
    }
  }
  const knownOffsets = new Map<string, number[]>();
  for (const [key, byOffset] of messagesAt) knownOffsets.set(key, sortedNumbers(byOffset.keys()));

  const inconsistent: Finding[] = [];
  for (const [key, byOffset] of messagesAt) {
    for (const [offset, texts] of byOffset) {
      if (texts.size > 1)
        inconsistent.push({ key, detail: `offset ${offset} holds ${[...texts].join(' and ')}` });
    }
  }
  const duplicates: Finding[] = [];
  for (const [keyAndMessage, offsets] of offsetsOf) {
    if (offsets.size > 1) {
      const [key, msg] = keyAndMessage.split('\u0000') as [string, string];
      duplicates.push({ key, detail: `message ${msg} at offsets ${sortedNumbers(offsets).join(', ')}` });
    }
  }
  const highestPolledOf = new Map<string, number>();
  for (const [key, polled] of polledOffsets) {
    let highest = -Infinity;
    for (const offset of polled) highest = Math.max(highest, offset);
    highestPolledOf.set(key, highest);
  }
  const lost: Finding[] = [];
  let unobserved = 0;
  for (const send of sends) {
    if (polledOffsets.get(send.key)?.has(send.offset)) continue;
    const highestPolled = highestPolledOf.get(send.key) ?? -Infinity;
    if (highestPolled > send.offset) {
      lost.push({
        key: send.key,
        detail: `message ${canonicalString(send.msg)} acknowledged at offset ${send.offset}, never polled though offset ${highestPolled} was`,
      });
    } else unobserved++;
  }

  const nonmonotonicSends: Finding[] = [];
  const nonmonotonicPolls: Finding[] = [];
  const skips: Finding[] = [];
  const byProcess = new Map<number, RecordedOperation[]>();
  for (const record of records) {
    const list = byProcess.get(record.process) ?? [];
    list.push(record);
    byProcess.set(record.process, list);
  }
  for (const [process, list] of byProcess) {
    const lastSent = new Map<string, number>();
    const lastPolled = new Map<string, number>();
    for (const record of list) {
      const output = record.output as Record<string, unknown>;
      if (record.f === 'assign') {
        for (const key of (record.input as { keys: string[] }).keys) lastPolled.delete(key);
      } else if (record.f === 'send') {
        const key = String(output['key']);
        const offset = output['offset'] as number;
        const previous = lastSent.get(key);
        if (previous !== undefined && offset <= previous) {
          nonmonotonicSends.push({
            key,
            detail: `process ${process} sent at offset ${previous}, then at ${offset}`,
          });
        }
        lastSent.set(key, offset);
      } else if (record.f === 'poll') {
        for (const [key, pairs] of Object.entries(output['msgs'] as Record<string, [number, unknown][]>)) {
          const known = knownOffsets.get(key) ?? [];
          let previous = lastPolled.get(key);
          for (const [offset] of pairs) {
            if (previous !== undefined) {
              if (offset <= previous) {
                nonmonotonicPolls.push({
                  key,
                  detail: `process ${process} polled offset ${previous}, then ${offset}`,
                });
              } else {
                const skipped = hasBetween(known, previous, offset);
                if (skipped !== undefined) {
                  skips.push({
                    key,
                    detail: `process ${process} polled ${previous} then ${offset}, skipping ${skipped}`,
                  });
                }
              }
            }
            previous = previous === undefined ? offset : Math.max(previous, offset);
          }
          if (previous !== undefined) lastPolled.set(key, previous);
        }
      }
    }
  }

  const categories = { inconsistent, duplicates, lost, nonmonotonicSends, nonmonotonicPolls, skips };
  const invalid = Object.values(categories).some((list) => list.length > 0);
  const acknowledged = sends.length;
  const lines = [
    `kafka: ${acknowledged} sends acknowledged; ${lost.length} lost, ${unobserved} unobserved, ` +
      `${inconsistent.length} inconsistent offsets, ${duplicates.length} duplicates, ` +
      `${nonmonotonicSends.length} nonmonotonic sends, ${nonmonotonicPolls.length} nonmonotonic polls, ${skips.length} skips`,
  ];
  for (const [name, list] of Object.entries(categories)) {
    const first = list[0];
    if (first !== undefined) lines.push(`${name}, e.g. key ${first.key}: ${first.detail}`);
  }
  return {
    verdict: invalid ? 'invalid' : acknowledged === 0 ? 'unknown' : 'valid',
    summary: {
      acknowledgedSends: acknowledged,
      unobserved,
      ...Object.fromEntries(
        Object.entries(categories).flatMap(([name, list]): [string, unknown][] => [
          [name, list.length],
          [`${name}Examples`, list.slice(0, EXAMPLES_MAX)],
        ]),
      ),
    },
    lines,
  };
}
