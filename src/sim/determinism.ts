/**
 * The determinism self-check: the same seed, run twice, must give the same trace.
 *
 * Everything a run does comes from its configuration and seed, so two runs
 * in one process write byte-identical traces (DESIGN section 4). They do
 * not when protocol code keeps state outside its context (a module-level
 * counter, a cache in a closure shared by every node and every run) or
 * reaches for something the global guard does not catch (object identity,
 * a WeakMap, iteration over a map keyed by something run-dependent). Such a
 * protocol replays differently from how it failed, which breaks replay and
 * shrinking; this check catches it and shows the first line that differs.
 */

import { createHash } from 'node:crypto';
import { traceToJsonl } from '../trace/index.js';
import { simulate, type ShrinkDirectives, type SimulationConfig } from './simulator.js';

/** Options of the check: the run to repeat. */
export interface DeterminismOptions {
  readonly seed: number;
  /** For the trace header (same in both runs). */
  readonly scenario?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Directives of a shrunk run, to check its replay. */
  readonly shrink?: ShrinkDirectives;
}

/** The verdict. */
export interface DeterminismReport {
  /** Whether the two traces are byte for byte the same. */
  readonly identical: boolean;
  /** SHA-256 (hex) of each run's JSON Lines trace. */
  readonly hashes: readonly [string, string];
  /** The first line that differs (1-based; line 1 is the header), when one does. */
  readonly firstDifference?: { readonly line: number; readonly first: string; readonly second: string };
}

/** The JSON Lines of one traced run of `config`. */
function traceLines(config: SimulationConfig, options: DeterminismOptions): string {
  const result = simulate(config, {
    seed: options.seed,
    trace: true,
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
    ...(options.params === undefined ? {} : { params: options.params }),
    ...(options.shrink === undefined ? {} : { shrink: options.shrink }),
  });
  if (!result.trace)
    throw new Error('checkDeterminism: the simulator returned no trace although one was asked for');
  return traceToJsonl(result.trace);
}

/** Runs `options.seed` twice with a trace and compares the traces. */
export function checkDeterminism(config: SimulationConfig, options: DeterminismOptions): DeterminismReport {
  const first = traceLines(config, options);
  const second = traceLines(config, options);
  const hashes = [sha256(first), sha256(second)] as const;
  if (first === second) return { identical: true, hashes };
  const firstLines = first.split('\n');
  const secondLines = second.split('\n');
  // The header counts the events, so it differs whenever they do: the first differing event is
  // what the user needs, and the header only when the events are all the same.
  const linesMax = Math.max(firstLines.length, secondLines.length);
  let line = 1;
  while (line < linesMax && firstLines[line] === secondLines[line]) line++;
  if (line === linesMax) line = 0;
  // Traces end in a newline, so the shorter one shows an empty last line: "ended here".
  return {
    identical: false,
    hashes,
    firstDifference: { line: line + 1, first: firstLines[line] ?? '', second: secondLines[line] ?? '' },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
