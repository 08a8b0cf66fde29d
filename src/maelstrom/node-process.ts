/**
 * A node as a real child process: its stdout split into lines, its stderr kept
 * as a log, its stdin fed one line per message, and a shutdown that leaves no
 * process behind.
 *
 * Once fairlink begins to stop a node (closes its stdin, or kills it), what the
 * node writes on stdout is no longer passed on: a node cut off by SIGTERM in the
 * middle of a line, or saying goodbye in plain text, has done nothing wrong by
 * then. Such lines are only counted ({@link NodeProcess.ignoredLinesAfterStop}).
 *
 * Each node runs in its own process group (`detached`), so that stopping it
 * also stops whatever it started (a shell wrapper, a JVM launcher). Groups of
 * nodes still running when fairlink exits, however it exits, are killed by an
 * `exit` hook.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** How a node process ended. */
export interface ProcessExit {
  /** The exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether fairlink was stopping it (close of stdin, SIGTERM or SIGKILL) when it ended. */
  readonly expected: boolean;
}

/** What the shutdown of one node took. */
export interface StopReport {
  /** `eof`: it exited when stdin closed; `sigterm`: it needed SIGTERM; `sigkill`: it ignored both. */
  readonly how: 'already-exited' | 'eof' | 'sigterm' | 'sigkill';
  readonly exit: ProcessExit | undefined;
}

/** Settings of a node process. */
export interface NodeProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /**
   * Called for each complete stdout line (without its newline), numbered from 1,
   * written before the stop began (see the module comment).
   */
  readonly onLine: (line: string, lineNumber: number) => void;
  /** Called for a stdout line longer than `lineBytesMax`; the line is discarded. */
  readonly onOversizedLine: (lineNumber: number, bytes: number) => void;
  /** Called once when the process ends (or could not start). */
  readonly onExit: (exit: ProcessExit) => void;
  /** Called when the process could not be started at all. */
  readonly onSpawnError: (error: Error) => void;
  /** Called for each complete stderr line, as it comes (the log keeps it too). */
  readonly onStderrLine?: (line: string) => void;
  /** Bytes of stderr kept; beyond, the log is cut and says so. Default 4 MiB. */
  readonly stderrBytesMax?: number;
  /** Longest stdout line accepted, in characters. Default 16 MiB. */
  readonly lineBytesMax?: number;
}

const STDERR_BYTES_MAX = 4 * 1024 * 1024;
const LINE_CHARACTERS_MAX = 16 * 1024 * 1024;

/** Process groups still alive, killed when fairlink exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) killGroup(group, 'SIGKILL');
  });
}

/** Sends `signal` to the process group `group`; a group already gone is not an error. */
export function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** The process groups of nodes that fairlink started and has not yet seen end (for tests). */
export function liveProcessGroups(): readonly number[] {
  return [...liveGroups];
}

/** One node process. */
export class NodeProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private partial = '';
  private discarding = false;
  private lineNumber = 0;
  private stderrChunks: string[] = [];
  private stderrBytes = 0;
  private stderrCut = false;
  private stderrPartial = '';
  private stopping = false;
  private ignoredAfterStop = 0;
  private exitInfo: ProcessExit | undefined;
  private readonly exited: Promise<void>;
  private resolveExited: () => void = () => undefined;
  private lastOutputAt = 0;
  private outbox: string[] = [];

  constructor(
    /** The node's id, for messages. */
    readonly id: string,
    private readonly options: NodeProcessOptions,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Starts the process. */
  start(): void {
    installExitHook();
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(this.options.command, [...this.options.args], {
        cwd: this.options.cwd,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.child = child;
    if (child.pid !== undefined) liveGroups.add(child.pid);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr.on('data', (chunk: string) => this.onStderr(chunk));
    // A node that exits or closes its stdin makes writes fail with EPIPE: that is reported as its exit.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.fail(error));
    child.on('exit', (code, signal) => {
      if (child.pid !== undefined) {
        // Whatever the node started in its group goes with it.
        killGroup(child.pid, 'SIGKILL');
        liveGroups.delete(child.pid);
      }
      this.exitInfo = { code, signal, expected: this.stopping };
      // stdout may still hold lines written just before the exit: let them drain first.
      child.stdout.once('close', () => this.finish());
      if (child.stdout.closed) this.finish();
    });
  }

  private finishedOnce = false;

  private finish(): void {
    if (this.finishedOnce) return;
    this.finishedOnce = true;
    if (this.partial !== '' && !this.discarding) this.emitLine(this.partial);
    this.partial = '';
    if (this.stderrPartial !== '') this.options.onStderrLine?.(this.stderrPartial);
    this.stderrPartial = '';
    this.options.onExit(this.exitInfo ?? { code: null, signal: null, expected: this.stopping });
    this.resolveExited();
  }

  private fail(error: Error): void {
    if (this.exitInfo !== undefined || this.finishedOnce) return;
    this.exitInfo = { code: null, signal: null, expected: false };
    this.options.onSpawnError(error);
    this.finishedOnce = true;
    this.resolveExited();
  }

  /** Whether the process is running. */
  get alive(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** The process id (undefined before start or when it could not start). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How it ended, once it has. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** Non-blank stdout lines (a cut last line included) written after the stop began, and not passed on. */
  get ignoredLinesAfterStop(): number {
    return this.ignoredAfterStop;
  }

  /** When it last wrote a stdout line, in `performance.now()` ms (0: never). */
  get lastOutputMs(): number {
    return this.lastOutputAt;
  }

  /**
   * Queues one line for the node's stdin. Returns false when the node is not
   * running. Lines queued in one turn of the event loop go out in one write
   * (messages due at the same moment arrive from one timer list, and one system
   * call per message would be most of the workbench's cost).
   */
  writeLine(line: string): boolean {
    if (!this.alive || this.child === undefined || this.child.stdin.destroyed) return false;
    this.outbox.push(line);
    if (this.outbox.length === 1) setImmediate(() => this.flush());
    return true;
  }

  private flush(): void {
    const lines = this.outbox;
    this.outbox = [];
    if (lines.length === 0 || !this.alive || this.child === undefined || this.child.stdin.destroyed) return;
    this.child.stdin.write(lines.join('\n') + '\n');
  }

  /** Bytes queued for the node's stdin that it has not read yet (beyond the pipe's buffer). */
  get unreadBytes(): number {
    return this.child?.stdin.writableLength ?? 0;
  }

  /** The node's stderr so far. */
  stderrText(): string {
    const text = this.stderrChunks.join('');
    return this.stderrCut ? `${text}\n[fairlink: log cut at ${this.stderrBytesMax()} bytes]\n` : text;
  }

  /** The last `count` lines of stderr, for diagnostics. */
  stderrTail(count: number): string[] {
    const lines = this.stderrChunks.join('').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  }

  private stderrBytesMax(): number {
    return this.options.stderrBytesMax ?? STDERR_BYTES_MAX;
  }

  private onStderr(chunk: string): void {
    if (this.options.onStderrLine !== undefined) this.passStderrLines(chunk, this.options.onStderrLine);
    if (this.stderrCut) return;
    const room = this.stderrBytesMax() - this.stderrBytes;
    if (chunk.length > room) {
      this.stderrChunks.push(chunk.slice(0, Math.max(0, room)));
      this.stderrBytes = this.stderrBytesMax();
      this.stderrCut = true;
      return;
    }
    this.stderrChunks.push(chunk);
    this.stderrBytes += chunk.length;
  }

  /** Splits stderr into lines for {@link NodeProcessOptions.onStderrLine}; a line is cut at the stdout limit. */
  private passStderrLines(chunk: string, onLine: (line: string) => void): void {
    const lines = (this.stderrPartial + chunk).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    const limit = this.options.lineBytesMax ?? LINE_CHARACTERS_MAX;
    if (this.stderrPartial.length > limit) {
      lines.push(this.stderrPartial);
      this.stderrPartial = '';
    }
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  private onStdout(chunk: string): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      if (newline === -1) break;
      const piece = chunk.slice(start, newline);
      start = newline + 1;
      if (this.discarding) {
        this.discarding = false;
        this.partial = '';
        continue;
      }
      const line = this.partial === '' ? piece : this.partial + piece;
      this.partial = '';
      this.emitLine(line);
    }
    if (start < chunk.length && !this.discarding) {
      this.partial += chunk.slice(start);
      const limit = this.options.lineBytesMax ?? LINE_CHARACTERS_MAX;
      if (this.partial.length > limit) {
        // A line this long is a node writing without newlines: report it once and skip to the next newline.
        this.lineNumber++;
        if (this.stopping) this.ignoredAfterStop++;
        else this.options.onOversizedLine(this.lineNumber, this.partial.length);
        this.partial = '';
        this.discarding = true;
      }
    }
  }

  private emitLine(rawLine: string): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    this.lineNumber++;
    this.lastOutputAt = performance.now();
    if (line.trim() === '') return;
    if (this.stopping) {
      this.ignoredAfterStop++;
      return;
    }
    this.options.onLine(line, this.lineNumber);
  }

  /**
   * Stops the node: closes its stdin (a well-behaved node exits on end of
   * input), then after `graceMs` sends SIGTERM to its group, then after
   * another `graceMs` SIGKILL. Resolves once it has exited.
   */
  async stop(graceMs: number): Promise<StopReport> {
    const child = this.child;
    if (child === undefined || this.exitInfo !== undefined) {
      await this.exited;
      return { how: 'already-exited', exit: this.exitInfo };
    }
    this.stopping = true;
    this.flush();
    child.stdin.end();
    if (await this.exitedWithin(graceMs)) return { how: 'eof', exit: this.exitInfo };
    if (child.pid !== undefined) killGroup(child.pid, 'SIGTERM');
    if (await this.exitedWithin(graceMs)) return { how: 'sigterm', exit: this.exitInfo };
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    // SIGKILL cannot be ignored; the bound only guards against a zombie that never reports.
    await this.exitedWithin(5_000);
    return { how: 'sigkill', exit: this.exitInfo };
  }

  /** Kills the node's group at once (an abort). */
  killNow(): void {
    this.stopping = true;
    const pid = this.child?.pid;
    if (pid !== undefined && this.exitInfo === undefined) killGroup(pid, 'SIGKILL');
  }

  private exitedWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
