/**
 * Runs every benchmark of this folder (each `bench/*.ts` but this file) and prints one JSON
 * object: the machine, then each benchmark's own JSON object under its file name.
 *
 * Benchmarks run one after another, each in its own process: the machine has two cores, and two
 * benchmarks side by side would measure each other. Each prints one JSON object on stdout; its
 * stderr (progress) passes through. A benchmark that is missing, fails, runs too long or prints
 * no JSON object is reported in place as `{ "error": ... }`, and the exit code is then 1 (as it is
 * when a benchmark's report lists entries in error under `errors`). A file
 * that exits cleanly without printing anything is a helper module that a benchmark imports (such
 * as a scenario), not a benchmark: it is listed as skipped (helpers are better kept in a folder).
 *
 * Run with `npm run bench` (which builds first: the benchmarks measure the built code).
 */

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The benchmarks the issue asks for: reported even when their file is missing. */
const EXPECTED = ['sim', 'history', 'check'];
/**
 * A benchmark that runs longer than this is stopped and reported as an error. `check.ts` runs
 * TLC beside fairlink up to 8 RMs: about 10 minutes of CPU, 36 minutes of wall time measured
 * on the 2-core machine at a load average of 15-20.
 */
const BENCHMARK_DURATION_MAX_MS = 90 * 60 * 1000;
/** How much of a failing benchmark's stderr the error entry quotes. */
const STDERR_TAIL_CHARACTERS = 2_000;

const benchFolder = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = dirname(benchFolder);

/** Runs `bench/<name>.ts` and returns its JSON object, or an error or skipped entry. */
async function runBenchmark(name: string): Promise<unknown> {
  const file = join(benchFolder, `${name}.ts`);
  return new Promise((resolve) => {
    // --expose-gc lets a benchmark collect garbage between measured runs.
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARACTERS);
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), BENCHMARK_DURATION_MAX_MS);
    child.on('error', (error) => {
      clearTimeout(timeout);
      resolve({ error: `bench/${name}.ts could not start: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      if (code !== 0) {
        const why = signal ? `was stopped by ${signal}` : `exited with code ${String(code)}`;
        resolve({ error: `bench/${name}.ts ${why}`, stderr: stderrTail.trim() });
        return;
      }
      if (stdout.trim() === '' && !EXPECTED.includes(name)) {
        resolve({ skipped: `bench/${name}.ts printed nothing: a helper module, not a benchmark` });
        return;
      }
      const result = parseObject(stdout);
      resolve(
        result ?? {
          error: `bench/${name}.ts printed no JSON object`,
          stdout: stdout.slice(-STDERR_TAIL_CHARACTERS),
        },
      );
    });
  });
}

/** The JSON object a benchmark printed: all of stdout, or else its last object starting at a line. */
function parseObject(text: string): Record<string, unknown> | undefined {
  const candidates = [text, ...text.split(/\n(?=\{)/).slice(-1)];
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // Not this one; try the next candidate.
    }
  }
  return undefined;
}

/**
 * A benchmark that failed, or one whose report lists entries in error (`errors`, non-empty):
 * counts that disagree with the tool measured beside it, verdicts not as expected.
 */
function isError(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const errors = (entry as { errors?: unknown }).errors;
  return 'error' in entry || (Array.isArray(errors) && errors.length > 0);
}

async function main(): Promise<void> {
  const found = readdirSync(benchFolder)
    .filter((file) => file.endsWith('.ts') && file !== basename(fileURLToPath(import.meta.url)))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
  const names = [...EXPECTED, ...found.filter((name) => !EXPECTED.includes(name))];
  const processors = cpus();
  const report: Record<string, unknown> = {
    machine: {
      cpus: processors.length,
      cpuModel: processors[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      nodeVersion: process.version,
      platform: `${process.platform}-${process.arch}`,
      date: new Date().toISOString(),
    },
  };
  for (const name of names) {
    if (!found.includes(name)) {
      report[name] = { error: `bench/${name}.ts does not exist` };
      continue;
    }
    process.stderr.write(`bench: running bench/${name}.ts\n`);
    report[name] = await runBenchmark(name);
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (names.some((name) => isError(report[name]))) process.exitCode = 1;
}

await main();
