/**
 * Runs fairlink and the tool it is measured against (its anchor) side by side, in the same run,
 * alternated (fairlink, anchor, fairlink, anchor, ...), each as a whole process measured the same
 * way (`measure.ts`), and reports medians of both and the ratio of the medians.
 *
 * Why alternated and in the same run: the machine is shared, its load changes by the minute, and
 * a ratio against a figure measured elsewhere or earlier measures the load as much as the tools.
 * Alternating spreads the load over both sides alike; the medians drop the worst outliers.
 *
 * A ratio is printed only when both sides did the same work: each side reads its own output into
 * counts (distinct states, generated states, depth; or histories judged as expected), and every
 * count that both report must agree, or the entry is an error. An anchor that cannot run (its
 * folder, its runtime missing) is reported as `{ "anchor": "unavailable: why" }`, with fairlink's
 * own figures and no ratio.
 */
import { loadavg } from 'node:os';
import { measureProcess, type Command, type ProcessMeasurement } from './measure.js';

export type Counts = Readonly<Record<string, number | string>>;

/** What a side's run found (compared across sides) and other figures (reported, as medians). */
export interface SideReading {
  readonly counts: Counts;
  readonly figures?: Readonly<Record<string, number>>;
}

export interface Side {
  /** The tool's name, as the report shows it: `fairlink`, `TLC`, `Stateright`, `Porcupine`. */
  readonly tool: string;
  readonly command: Command;
  /** Reads one run's output. Throws, saying why, when the run failed or its output is unknown. */
  readonly read: (run: ProcessMeasurement) => SideReading;
}

export interface Unavailable {
  readonly unavailable: string;
}

export interface Comparison {
  readonly name: string;
  /** Runs of each side (odd, so that the median is a run). */
  readonly repetitions: number;
  readonly fairlink: Side;
  readonly anchor: Side | Unavailable;
}

export interface SideSummary {
  readonly tool: string;
  readonly command: string;
  readonly seconds: number;
  readonly secondsAll: readonly number[];
  readonly cpuSeconds: number | null;
  readonly peakRssMiB: number | null;
  readonly figures: Readonly<Record<string, number>>;
}

export interface ComparisonEntry {
  readonly name: string;
  readonly repetitions: number;
  readonly loadAverage1Minute: { readonly before: number; readonly after: number };
  readonly counts?: Counts;
  readonly fairlink?: SideSummary;
  readonly anchor: SideSummary | string;
  /** Anchor median over fairlink median: above 1, fairlink is faster (or smaller). */
  readonly ratio?: {
    readonly seconds: number;
    readonly cpuSeconds: number | null;
    readonly peakRss: number | null;
    /**
     * Figures that both tools report of themselves, such as `searchSeconds` (their own search
     * time, start-up excluded): the same ratio, of the medians from the same runs.
     */
    readonly figures?: Readonly<Record<string, number>>;
  };
  readonly ratioOf?: string;
  readonly error?: string;
}

interface Run {
  readonly measurement: ProcessMeasurement;
  readonly reading: SideReading;
}

/** Runs the comparison. Failures become an entry with `error`, never an exception. */
export async function compareSideBySide(comparison: Comparison): Promise<ComparisonEntry> {
  const { name, repetitions, fairlink, anchor } = comparison;
  const loadBefore = loadAverage();
  const anchorSide = 'unavailable' in anchor ? undefined : anchor;
  // What the entry says of the anchor until it has a summary: why it is unavailable, or its name.
  const anchorLabel = 'unavailable' in anchor ? `unavailable: ${anchor.unavailable}` : anchor.tool;
  const fairlinkRuns: Run[] = [];
  const anchorRuns: Run[] = [];
  const finish = (
    rest: Omit<ComparisonEntry, 'name' | 'repetitions' | 'loadAverage1Minute'>,
  ): ComparisonEntry => ({
    name,
    repetitions,
    loadAverage1Minute: { before: loadBefore, after: loadAverage() },
    ...rest,
  });
  try {
    for (let i = 0; i < repetitions; i++) {
      process.stderr.write(`bench: ${name}: run ${i + 1} of ${repetitions}\n`);
      fairlinkRuns.push(await runSide(fairlink));
      if (anchorSide !== undefined) anchorRuns.push(await runSide(anchorSide));
    }
  } catch (error) {
    return finish({ anchor: anchorLabel, error: (error as Error).message });
  }
  const fairlinkCounts = steadyCounts(fairlink.tool, fairlinkRuns);
  if (typeof fairlinkCounts === 'string') return finish({ anchor: anchorLabel, error: fairlinkCounts });
  const fairlinkSummary = summarize(fairlink, fairlinkRuns);
  if (anchorSide === undefined) {
    return finish({ counts: fairlinkCounts, fairlink: fairlinkSummary, anchor: anchorLabel });
  }
  const anchorCounts = steadyCounts(anchorSide.tool, anchorRuns);
  const anchorSummary = summarize(anchorSide, anchorRuns);
  if (typeof anchorCounts === 'string') {
    return finish({ fairlink: fairlinkSummary, anchor: anchorSummary, error: anchorCounts });
  }
  const disagreement = countsDisagreement(anchorSide.tool, fairlinkCounts, anchorCounts);
  if (disagreement !== undefined) {
    return finish({ fairlink: fairlinkSummary, anchor: anchorSummary, error: disagreement });
  }
  return finish({
    counts: { ...anchorCounts, ...fairlinkCounts },
    fairlink: fairlinkSummary,
    anchor: anchorSummary,
    ratio: {
      seconds: ratioOf(anchorSummary.seconds, fairlinkSummary.seconds),
      cpuSeconds: ratioOrNull(anchorSummary.cpuSeconds, fairlinkSummary.cpuSeconds),
      peakRss: ratioOrNull(anchorSummary.peakRssMiB, fairlinkSummary.peakRssMiB),
      ...figureRatios(anchorSummary.figures, fairlinkSummary.figures),
    },
    ratioOf: `${anchorSide.tool} median / fairlink median (above 1: fairlink is faster, or smaller)`,
  });
}

async function runSide(side: Side): Promise<Run> {
  const measurement = await measureProcess(side.command);
  try {
    return { measurement, reading: side.read(measurement) };
  } catch (error) {
    throw new Error(`${side.tool} (${commandLine(side.command)}): ${(error as Error).message}`);
  }
}

/** The counts of every run of one side, which must be the same each time (or a reason). */
function steadyCounts(tool: string, runs: readonly Run[]): Counts | string {
  const first = runs[0]?.reading.counts;
  if (first === undefined) return `${tool}: no run`;
  for (const run of runs) {
    if (JSON.stringify(run.reading.counts) !== JSON.stringify(first)) {
      return `${tool} found different counts from run to run: ${JSON.stringify(first)}, then ${JSON.stringify(run.reading.counts)}`;
    }
  }
  return first;
}

/**
 * Why fairlink's counts and the anchor's differ, or undefined when every count that both
 * report agrees. Counts that only one side reports are not compared, but at least one must be
 * shared: a comparison that checks nothing is refused too.
 */
export function countsDisagreement(tool: string, fairlink: Counts, anchor: Counts): string | undefined {
  const shared = Object.keys(fairlink).filter((key) => key in anchor);
  if (shared.length === 0) {
    return `fairlink and ${tool} report no count in common: ${JSON.stringify(fairlink)} against ${JSON.stringify(anchor)}`;
  }
  const differing = shared.filter((key) => fairlink[key] !== anchor[key]);
  if (differing.length === 0) return undefined;
  const pairs = differing.map((key) => `${key} ${String(fairlink[key])} against ${String(anchor[key])}`);
  return `counts disagree (fairlink against ${tool}): ${pairs.join(', ')}; no ratio is given for different work`;
}

function summarize(side: Side, runs: readonly Run[]): SideSummary {
  const cpu = runs.map((run) => run.measurement.cpuSeconds);
  const rss = runs.map((run) => run.measurement.peakRssBytes);
  const figureNames = [...new Set(runs.flatMap((run) => Object.keys(run.reading.figures ?? {})))];
  const figures: Record<string, number> = {};
  for (const figure of figureNames) {
    const values = runs.map((run) => run.reading.figures?.[figure]).filter((v) => v !== undefined);
    figures[figure] = round(median(values), 3);
  }
  return {
    tool: side.tool,
    command: commandLine(side.command),
    seconds: round(median(runs.map((run) => run.measurement.wallSeconds)), 3),
    secondsAll: runs.map((run) => round(run.measurement.wallSeconds, 3)),
    cpuSeconds: cpu.every((c) => c !== null) ? round(median(cpu), 3) : null,
    peakRssMiB: rss.every((r) => r !== null) ? Math.round(median(rss) / 2 ** 20) : null,
    figures,
  };
}

export function commandLine(command: Command): string {
  return [command.program, ...command.args].map((part) => (/\s/.test(part) ? `'${part}'` : part)).join(' ');
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('bench: the median of no values');
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function ratioOf(anchor: number, fairlink: number): number {
  return round(anchor / fairlink, 2);
}

function ratioOrNull(anchor: number | null, fairlink: number | null): number | null {
  return anchor === null || fairlink === null || fairlink === 0 ? null : ratioOf(anchor, fairlink);
}

function figureRatios(
  anchor: Readonly<Record<string, number>>,
  fairlink: Readonly<Record<string, number>>,
): { figures?: Record<string, number> } {
  const shared = Object.keys(fairlink).filter((name) => name in anchor && fairlink[name] !== 0);
  if (shared.length === 0) return {};
  return {
    figures: Object.fromEntries(
      shared.map((name) => [name, ratioOf(anchor[name] ?? 0, fairlink[name] ?? 1)]),
    ),
  };
}

function loadAverage(): number {
  return round(loadavg()[0] ?? 0, 2);
}
