/**
 * Measures a command as a whole process, from outside: wall time, CPU time and peak memory.
 *
 * Both sides of a side-by-side comparison (fairlink and the tool it is measured against) go
 * through this one function, so that they are measured the same way:
 * - wall time: from spawning to the process's exit, taken in this process (start-up included);
 * - CPU time and peak resident set size: from GNU `time` (`/usr/bin/time -f`), which reads the
 *   kernel's resource usage for the waited process. The peak is that of the largest single
 *   process of the tree (the kernel keeps the maximum over waited children): for a wrapper
 *   script such as TLC's, that is the JVM; for Node, the whole process with its worker threads.
 *   CPU time is the sum over the tree (user + system).
 * Without GNU `time` the command runs directly, and CPU and memory are reported as `null`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time: its `-f` format and `-o` file keep its report apart from the command's stderr. */
const GNU_TIME = '/usr/bin/time';
/** A run longer than this is killed (the whole process group) and reported as a failure. */
const RUN_DURATION_MAX_MS = 15 * 60 * 1000;

export interface ProcessMeasurement {
  readonly wallSeconds: number;
  /** User + system time of the process tree, or null without GNU time. */
  readonly cpuSeconds: number | null;
  /** Peak resident set size of the largest process of the tree, or null without GNU time. */
  readonly peakRssBytes: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Command {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd?: string;
}

/** How the measurement is taken on this machine, for the report. */
export function measurementMethod(): string {
  return existsSync(GNU_TIME)
    ? 'wall: spawn to exit, measured by the benchmark; CPU (user+system) and peak RSS: GNU time (/usr/bin/time) of the process tree'
    : 'wall: spawn to exit, measured by the benchmark; CPU and peak RSS not measured (/usr/bin/time is absent)';
}

/** Runs `command` to completion and measures it. Never throws for a failing command. */
export async function measureProcess(command: Command): Promise<ProcessMeasurement> {
  const useTime = existsSync(GNU_TIME);
  const folder = mkdtempSync(join(tmpdir(), 'fairlink-bench-'));
  const timeReport = join(folder, 'time.txt');
  const [program, args] = useTime
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeReport, command.program, ...command.args]]
    : [command.program, [...command.args]];
  try {
    const started = performance.now();
    const outcome = await new Promise<{
      code: number | null;
      signal: string | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      // Its own process group, so that a run that hangs can be killed with all its children.
      const child = spawn(program, args, {
        cwd: command.cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }, RUN_DURATION_MAX_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const usage = useTime ? parseTimeReport(readFileSync(timeReport, 'utf8')) : undefined;
    return {
      wallSeconds,
      cpuSeconds: usage?.cpuSeconds ?? null,
      peakRssBytes: usage?.peakRssBytes ?? null,
      exitCode: outcome.code,
      signal: outcome.signal,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * GNU time's report for the format `%U %S %M`: its last line (a failing command's report starts
 * with a line such as `Command exited with non-zero status 1`).
 */
export function parseTimeReport(text: string): { cpuSeconds: number; peakRssBytes: number } | undefined {
  const last = text.trim().split('\n').at(-1) ?? '';
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(last.trim());
  if (match === null) return undefined;
  return {
    cpuSeconds: Number(match[1]) + Number(match[2]),
    peakRssBytes: Number(match[3]) * 1024,
  };
}
