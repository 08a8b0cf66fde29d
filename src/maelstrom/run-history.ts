/**
 * The client history of a run, in Jepsen's conventions: each operation is an
 * invocation and at most one completion (`ok`, `fail` or `info`), with times
 * in ms since the start of the run, the client process that ran it and the
 * node it went to.
 */

import type { History, HistoryEvent, HistoryKey, Operation, PairedHistory } from '../history/index.js';
import { pairOperations } from '../history/index.js';

/** How an operation ended. */
export type CompletionType = 'ok' | 'fail' | 'info';

/** One operation of the run. */
export interface RecordedOperation {
  /** Jepsen's process number: a client thread's, renumbered after each `info` (a crashed process). */
  readonly process: number;
  /** The client id on the network (`c4`). */
  readonly client: string;
  /** The node the request went to. */
  readonly node: string;
  readonly f: string;
  readonly key?: HistoryKey;
  /** The invocation's value. */
  readonly input: unknown;
  readonly invokeMs: number;
  /** Whether this operation belongs to the final phase (after faults healed). */
  readonly final: boolean;
  /** Unset while pending. */
  type?: CompletionType;
  /** The completion's value. */
  output?: unknown;
  completeMs?: number;
  /** The error the node answered, or `timeout`. */
  error?: string;
}

/** Records operations as they happen. */
export class RunHistory {
  readonly operations: RecordedOperation[] = [];

  /** Records an invocation; returns the record to complete later. */
  invoke(operation: Omit<RecordedOperation, 'type' | 'output' | 'completeMs' | 'error'>): RecordedOperation {
    const record: RecordedOperation = { ...operation };
    this.operations.push(record);
    return record;
  }

  /** Records how `record` ended. */
  complete(
    record: RecordedOperation,
    type: CompletionType,
    output: unknown,
    atMs: number,
    error?: string,
  ): void {
    record.type = type;
    record.output = output;
    record.completeMs = atMs;
    if (error !== undefined) record.error = error;
  }

  /**
   * The events in real-time order, as a {@link History}: every invocation and
   * completion, ties broken by record order (an invocation before its own
   * completion). Each event's `index` is its position.
   */
  toHistory(source = 'maelstrom run'): History {
    const moments: { atMs: number; order: number; event: Omit<HistoryEvent, 'index'> }[] = [];
    this.operations.forEach((record, order) => {
      const key = record.key === undefined ? {} : { key: record.key };
      moments.push({
        atMs: record.invokeMs,
        order: order * 2,
        event: {
          process: record.process,
          type: 'invoke',
          f: record.f,
          value: record.input,
          ...key,
          time: record.invokeMs,
        },
      });
      if (record.type !== undefined && record.completeMs !== undefined) {
        moments.push({
          atMs: record.completeMs,
          order: order * 2 + 1,
          event: {
            process: record.process,
            type: record.type,
            f: record.f,
            value: record.output ?? null,
            ...key,
            time: record.completeMs,
          },
        });
      }
    });
    moments.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    return { source, events: moments.map((moment, index) => ({ ...moment.event, index })) };
  }

  /** The history paired into operations, with a way back from each to its record. */
  paired(): {
    readonly history: PairedHistory;
    readonly recordOf: (operation: Operation) => RecordedOperation;
  } {
    const history = this.toHistory();
    // Events were built two per record in record order, then sorted: map event index back to its record.
    const recordByCallIndex = new Map<number, RecordedOperation>();
    const pendingByProcess = new Map<number, RecordedOperation[]>();
    for (const record of this.operations) {
      const list = pendingByProcess.get(record.process) ?? [];
      list.push(record);
      pendingByProcess.set(record.process, list);
    }
    const cursor = new Map<number, number>();
    for (const event of history.events) {
      if (event.type !== 'invoke') continue;
      const process = event.process as number;
      const position = cursor.get(process) ?? 0;
      cursor.set(process, position + 1);
      const record = pendingByProcess.get(process)?.[position];
      if (record !== undefined) recordByCallIndex.set(event.index, record);
    }
    const paired = pairOperations(history);
    return {
      history: paired,
      recordOf: (operation) => {
        const record = recordByCallIndex.get(operation.callIndex);
        if (record === undefined) throw new Error(`RunHistory: no record for operation ${operation.id}`);
        return record;
      },
    };
  }

  /** Lines of JSON, one event each, in the `jsonl` history format (plus `node` and `client`). */
  toJsonl(): string {
    const history = this.toHistory();
    const lines: string[] = [];
    // Invocations and completions carry the same node and client: find them by process and order.
    const byProcess = new Map<number, RecordedOperation[]>();
    for (const record of this.operations) {
      const list = byProcess.get(record.process) ?? [];
      list.push(record);
      byProcess.set(record.process, list);
    }
    const invoked = new Map<number, number>();
    const completed = new Map<number, number>();
    for (const event of history.events) {
      const process = event.process as number;
      const counter = event.type === 'invoke' ? invoked : completed;
      const position = counter.get(process) ?? 0;
      counter.set(process, position + 1);
      const record = byProcess.get(process)?.[position];
      lines.push(
        JSON.stringify({
          process: event.process,
          type: event.type,
          f: event.f,
          ...(event.key === undefined ? {} : { key: event.key }),
          value: event.value ?? null,
          time: event.time,
          ...(record === undefined
            ? {}
            : {
                node: record.node,
                client: record.client,
                ...(record.final ? { final: true } : {}),
                ...(event.type !== 'invoke' && record.error !== undefined ? { error: record.error } : {}),
              }),
        }),
      );
    }
    return lines.length === 0 ? '' : lines.join('\n') + '\n';
  }
}
