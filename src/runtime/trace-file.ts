/**
 * A runtime node's trace: the trace format of every engine (engine `runtime`),
 * one file per node, written as the node runs.
 *
 * Times are ms since the node process started (the format wants times from
 * 0); the header's `config.startedAtEpochMs` places them on the wall clock so
 * that the traces of several nodes can be aligned. Message ids are
 * `<sender>:<incarnation>:<number>`, the same in the sender's `send` event and
 * the receiver's `deliver` event, so the files of all nodes join into one
 * space-time diagram.
 *
 * Lines are buffered and written every {@link TRACE_FLUSH_MS} or when the
 * buffer is large, and at a graceful stop: a node killed with SIGKILL loses
 * at most the last fraction of a second of its trace.
 */

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEvent, TraceHeader } from '../trace/index.js';

/** How often buffered lines are written. */
export const TRACE_FLUSH_MS = 200;
const BUFFER_BYTES_MAX = 256 * 1024;

export class TraceWriter {
  private descriptor: number | undefined;
  private lines: string[] = [];
  private bytes = 0;
  private readonly timer: NodeJS.Timeout;

  /** Creates (or truncates) `path` and writes the header. */
  constructor(
    readonly path: string,
    header: TraceHeader,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.descriptor = openSync(path, 'w');
    this.lines.push(JSON.stringify(header));
    this.flush();
    this.timer = setInterval(() => this.flush(), TRACE_FLUSH_MS);
    this.timer.unref();
  }

  record(event: TraceEvent): void {
    if (this.descriptor === undefined) return;
    const line = JSON.stringify(event);
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes > BUFFER_BYTES_MAX) this.flush();
  }

  flush(): void {
    if (this.descriptor === undefined || this.lines.length === 0) return;
    const bytes = Buffer.from(`${this.lines.join('\n')}\n`, 'utf8');
    this.lines = [];
    this.bytes = 0;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.descriptor, bytes, written);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    if (this.descriptor !== undefined) closeSync(this.descriptor);
    this.descriptor = undefined;
  }
}
