/**
 * The explorer over a scenario's real protocol code: its run for a seed or a schedule, the
 * state at any event, and branches (the run cut at an event, then one chosen action). Runs are
 * made by the simulator (`simulate`), scripted branches by its script replay: the explorer
 * only chooses which action comes next.
 */

import { readFile } from 'node:fs/promises';
import { InputError } from '../core/index.js';
import { loadScenario, prepareScenario, type PreparedScenario } from '../sim/index.js';
import { checkScheduleFits, scriptFromTrace } from '../sim/index.js';
import type { RunOptions, SimSnapshot } from '../sim/index.js';
import { loadTraceReader } from '../trace/index.js';
import { formatBranchPath, type BranchPath } from './branch-path.js';
import { actionOfChoice, enabledChoices, type Choice } from './choices.js';
import { momentOf, recordRun, snapshotsAt, type RecordedRun } from './recorded-run.js';
import { runView, type RunView } from './run-view.js';

/** What the explorer opens: a scenario, its parameters, and a seed or a schedule. */
export interface ScenarioSource {
  readonly scenarioPath: string;
  readonly params: readonly string[];
  readonly seed?: number | undefined;
  readonly schedulePath?: string | undefined;
}

/** The system at one event of a run, and what may happen next. */
export interface MomentView {
  readonly index: number;
  /** The events of this moment's step: `[first, end)`. */
  readonly step: readonly [number, number];
  readonly snapshot: SimSnapshot;
  /** The moment before, to show what the step changed (null at the first). */
  readonly before: SimSnapshot | null;
  readonly choices: readonly Choice[];
}

/** Runs kept at most, by path (each holds a trace). */
const RUNS_KEPT_MAX = 64;

export class ScenarioSession {
  private readonly runs = new Map<string, RecordedRun>();
  private readonly faultTargets: ReadonlySet<string>;

  private constructor(
    readonly source: ScenarioSource,
    private readonly prepared: PreparedScenario,
    private readonly baseOptions: RunOptions,
  ) {
    const nodes = Object.keys(prepared.config.nodes);
    const faults = prepared.config.faults;
    const targets =
      faults !== undefined && !Array.isArray(faults)
        ? (faults as { targets?: readonly string[] }).targets
        : undefined;
    this.faultTargets = new Set(
      targets ??
        nodes.filter((id) => {
          const entry = prepared.config.nodes[id] as { group?: string } | undefined;
          return (entry?.group ?? 'nodes') === 'nodes';
        }),
    );
  }

  /** Loads the scenario (as `fairlink sim` does) and checks the seed or schedule against it. */
  static async open(source: ScenarioSource): Promise<ScenarioSession> {
    const scenario = await loadScenario(source.scenarioPath);
    const prepared = prepareScenario(scenario, source.scenarioPath, source.params);
    let options: RunOptions;
    if (source.schedulePath !== undefined) {
      let text: string;
      try {
        text = await readFile(source.schedulePath, 'utf8');
      } catch {
        throw new InputError(`--schedule ${source.schedulePath}: cannot read the file`);
      }
      const { parseTraceJsonlWithLines } = await loadTraceReader();
      const { trace, eventLines } = parseTraceJsonlWithLines(text, source.schedulePath);
      checkScheduleFits(
        trace.header,
        { scenario: scenario.name, params: prepared.params, nodes: Object.keys(prepared.config.nodes) },
        source.schedulePath,
      );
      const { actions, choices, sendFates } = scriptFromTrace(trace, source.schedulePath, eventLines, {
        faults: true,
      });
      options = {
        seed: trace.header.seed,
        script: actions,
        scriptChoices: choices,
        scriptSendFates: sendFates,
      };
    } else {
      options = { seed: source.seed ?? 1 };
    }
    const session = new ScenarioSession(source, prepared, {
      ...options,
      scenario: scenario.name,
      params: prepared.params,
    });
    session.run([]);
    return session;
  }

  /** The run at the end of `path`. */
  view(path: BranchPath): RunView {
    return runView(this.run(path), this.prepared.config, {
      scenario: this.prepared.scenario.name,
      replay: this.replayCommand(path),
      path,
    });
  }

  /** The system at event `index` of the run at the end of `path`. */
  moment(path: BranchPath, index: number): MomentView {
    const run = this.run(path);
    const eventsTotal = run.result.trace.events.length;
    if (!Number.isInteger(index) || index < 0 || index >= Math.max(1, eventsTotal)) {
      throw new InputError(`event ${index}: the run has events 0 to ${eventsTotal - 1}`);
    }
    const k = momentOf(run, index);
    const { now, before } = snapshotsAt(this.prepared.config, run, k);
    const failure = run.result.failure;
    // An open branch's `eventually` is not a verdict (see run-view.ts).
    const settled = failure !== undefined && !(path.length > 0 && failure.kind === 'eventually');
    const failed = settled && k === run.moments.length - 1;
    return {
      index,
      step: [k === 0 ? 0 : (run.moments[k - 1] as number), run.moments[k] as number],
      snapshot: now,
      before,
      // Past a violation the run is over: it has nothing to continue.
      choices: failed ? [] : enabledChoices(now, this.faultTargets),
    };
  }

  /** The command that opens this view again. */
  replayCommand(path: BranchPath): string {
    const source = this.source;
    const parts = ['npx fairlink explore', quote(source.scenarioPath)];
    for (const param of source.params) parts.push('--param', quote(param));
    if (source.schedulePath !== undefined) parts.push('--schedule', quote(source.schedulePath));
    else parts.push('--seed', String(this.baseOptions.seed));
    if (path.length > 0) parts.push('--path', quote(formatBranchPath(path)));
    return parts.join(' ');
  }

  private run(path: BranchPath): RecordedRun {
    const key = formatBranchPath(path);
    const kept = this.runs.get(key);
    if (kept) return kept;
    const made = path.length === 0 ? this.baseRun() : this.branchRun(path);
    if (this.runs.size >= RUNS_KEPT_MAX) this.runs.clear();
    this.runs.set(key, made);
    return made;
  }

  private baseRun(): RecordedRun {
    return recordRun(
      this.prepared.config,
      this.baseOptions,
      this.source.schedulePath ?? this.source.scenarioPath,
    );
  }

  /** The parent run cut after the moment that holds `at`, then the chosen action, as a script. */
  private branchRun(path: BranchPath): RecordedRun {
    const parent = this.run(path.slice(0, -1));
    const step = path[path.length - 1] as NonNullable<BranchPath[number]>;
    const where = `branch ${formatBranchPath(path)}`;
    const trace = parent.result.trace;
    if (step.at < 0 || step.at >= trace.events.length) {
      throw new InputError(`${where}: event ${step.at} is not in the run (0 to ${trace.events.length - 1})`);
    }
    const k = momentOf(parent, step.at);
    const { now } = snapshotsAt(this.prepared.config, parent, k);
    const action = actionOfChoice(now, step.choice);
    if (typeof action === 'string') throw new InputError(`${where}: ${action}`);
    const cut = parent.moments[k] as number;
    const prefix = { header: trace.header, events: trace.events.slice(0, cut) };
    // Replayed as `--schedule` replays a trace, every fault where it happened: the prefix is the
    // parent's, event for event.
    // A node crashed for good at the cut stays so (the prefix alone cannot tell it from a node
    // that recovers later): a branch offers to recover only a node that is down.
    const crashedForGood = now.nodes.filter((node) => node.status === 'crashed').map((node) => node.id);
    const { actions, choices, sendFates } = scriptFromTrace(prefix, where, undefined, {
      faults: true,
      crashedForGood,
    });
    return recordRun(
      this.prepared.config,
      {
        seed: trace.header.seed,
        scenario: this.prepared.scenario.name,
        params: this.prepared.params,
        // The chosen action happens just after the moment it was chosen at.
        script: [...actions, { ...action, atMs: now.timeMs }],
        scriptChoices: choices,
        scriptSendFates: sendFates,
      },
      where,
    );
  }
}

/** A shell word, quoted when it needs to be. */
function quote(word: string): string {
  return /^[\w./=:@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
