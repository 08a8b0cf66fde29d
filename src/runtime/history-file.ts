/**
 * A client node's history, written as it happens in the history module's
 * `jsonl` format, so that `fairlink history` and `checkLinearizability` can
 * judge a real run exactly as they judge a simulated one.
 *
 * Each line is `{"process", "type", "f", "key"?, "value", "time"}`: the
 * process is the node id, the time is the wall clock in ms since the Unix
 * epoch (so that the histories of clients in several processes on one host
 * share a time axis). A keyed value `{ key, value }` is split into the line's
 * `key` and `value`, as `historyFromSimulation` does; other values are
 * written as they are (`encodePlain`).
 *
 * Lines are written with one `write` each, straight to the file: a node
 * killed with SIGKILL loses nothing it recorded (the kernel holds the bytes).
 * When a client restarts, its operations that were still pending are closed
 * with `info` (their outcome is unknown), so the history stays well formed.
 */

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OperationOutcome } from '../core/index.js';
import { encodePlain } from '../core/index.js';
import { splitRecordedValue } from '../history/index.js';

/** One history line, before JSON. */
export interface HistoryLine {
  readonly process: string;
  readonly type: 'invoke' | OperationOutcome;
  readonly f: string;
  readonly key?: string | number;
  readonly value: unknown;
  readonly time: number;
}

/**
 * The line for one client event. A keyed value `{ key, value }` (the
 * recording convention of `fairlink/history`'s workloads) gives the line its
 * `key` and `value`, exactly as the simulator's histories are converted.
 */
export function historyLine(
  process: string,
  type: 'invoke' | OperationOutcome,
  f: string,
  recorded: unknown,
  time: number,
): HistoryLine {
  const { key, value } = splitRecordedValue(recorded);
  return { process, type, f, ...(key === undefined ? {} : { key }), value: encodePlain(value) ?? null, time };
}

/** Appends a client's history to a JSON Lines file. */
export class HistoryWriter {
  private descriptor: number | undefined;
  /** Operations invoked and not yet completed: the f of each, by operation id. */
  private readonly pending = new Map<number, string>();

  private constructor(
    readonly path: string,
    private readonly process: string,
  ) {}

  /**
   * Opens `path` for appending. When the file already has events of `process`
   * (a restart), its pending invocations are first closed with `info` at `timeMs`.
   */
  static open(path: string, process: string, timeMs: number): HistoryWriter {
    const writer = new HistoryWriter(path, process);
    mkdirSync(dirname(path), { recursive: true });
    let unfinished: string[] = [];
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      // A line cut short by a crash would run into the next one: cut it off.
      const whole = text.slice(0, text.lastIndexOf('\n') + 1);
      if (whole.length < text.length) truncateSync(path, Buffer.byteLength(whole));
      unfinished = pendingInvocations(whole, process);
    }
    writer.descriptor = openSync(path, 'a');
    for (const f of unfinished) writer.write(historyLine(process, 'info', f, null, timeMs));
    return writer;
  }

  /** Records an invocation. */
  invoke(operation: number, f: string, value: unknown, timeMs: number): void {
    this.pending.set(operation, f);
    this.write(historyLine(this.process, 'invoke', f, value, timeMs));
  }

  /** Records a completion; `f` is the invocation's. */
  complete(operation: number, outcome: OperationOutcome, value: unknown, timeMs: number): void {
    const f = this.pending.get(operation) ?? '?';
    this.pending.delete(operation);
    this.write(historyLine(this.process, outcome, f, value, timeMs));
  }

  /** The f of a pending operation (for the trace). */
  operationName(operation: number): string | undefined {
    return this.pending.get(operation);
  }

  close(): void {
    if (this.descriptor === undefined) return;
    closeSync(this.descriptor);
    this.descriptor = undefined;
  }

  private write(line: HistoryLine): void {
    if (this.descriptor === undefined) return;
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.descriptor, bytes, written);
  }
}

/**
 * The `f` of each invocation of `process` in a history text that has no
 * completion. Lines that are not JSON are skipped.
 */
export function pendingInvocations(text: string, process: string): string[] {
  const open: string[] = [];
  for (const line of text.split('\n')) {
    let event: { process?: unknown; type?: unknown; f?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue;
    }
    if (event.process !== process || typeof event.f !== 'string') continue;
    if (event.type === 'invoke') open.push(event.f);
    else open.shift();
  }
  return open;
}
