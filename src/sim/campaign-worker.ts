/**
 * A worker thread of a simulation campaign: loads the scenario itself (by
 * path, with the same parameters), then runs the seeds, shrinks and traces
 * the main thread asks for.
 *
 * Running user code here rather than in the main thread is what lets the
 * campaign survive it: the worker writes where it is into a shared array
 * (which seed, which node and handler, how many steps), and the main thread's
 * watchdog terminates a worker whose handler never returns.
 */

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { describeThrown, InputError } from '../core/index.js';
import type { HandlerName, Protocol } from '../core/index.js';
import type { CampaignFailure } from './campaign.js';
import {
  CONTROL_STOP_ABOVE,
  PHASE,
  WATCH,
  type SeedOutcome,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './campaign-messages.js';
import { checkDeterminism } from './determinism.js';
import { loadScenario, prepareScenario, type PreparedScenario } from './load-scenario.js';
import { parseShrinkToken } from './replay-token.js';
import { scheduleSizeOf, shrinkSchedule, summarizeSchedule } from './schedule-shrink.js';
import { shrinkFailure, type ShrinkOutcome } from './shrink.js';
import {
  HANDLER_BY_CODE,
  simulate,
  type NodeSpec,
  type RunOptions,
  type SimulationConfig,
  type SimulationResult,
} from './simulator.js';

/** The worker's state once the scenario is loaded. */
interface Loaded {
  readonly setup: WorkerSetup;
  readonly prepared: PreparedScenario;
  /** The configuration with handlers that report to the watch array, for runs the simulator is not told to watch. */
  readonly watchedConfig: SimulationConfig;
  readonly watch: Int32Array;
  readonly control: Int32Array;
}

/** Each handler with its code in the watch array (the simulator's, see `HANDLER_BY_CODE`). */
const HANDLER_CODES = HANDLER_BY_CODE.flatMap((handler, code) =>
  handler === undefined ? [] : [[handler, code] as const],
) satisfies readonly (readonly [HandlerName, number])[];

/**
 * The same configuration with every handler wrapped to write the watch array
 * as the simulator does (`RunOptions.watch`). Shrinking and the determinism
 * check call the simulator themselves, without a watch array; with this
 * configuration the watchdog still sees their steps and can name a handler
 * that never returns. The wrappers inherit from the protocols, so names and
 * traces are unchanged.
 */
function watchHandlers(config: SimulationConfig, watch: Int32Array): SimulationConfig {
  const nodes: Record<string, NodeSpec> = {};
  Object.entries(config.nodes).forEach(([name, entry], index) => {
    const spec = isNodeSpec(entry) ? entry : { protocol: entry };
    const protocol = spec.protocol as Protocol;
    const wrapped = Object.create(protocol) as Record<string, unknown>;
    for (const [handler, code] of HANDLER_CODES) {
      const original = (protocol as unknown as Record<string, unknown>)[handler];
      if (typeof original !== 'function') continue;
      // defineProperty, not assignment: a frozen protocol's read-only handler would refuse an assignment.
      Object.defineProperty(wrapped, handler, {
        value: function watched(...args: unknown[]): unknown {
          watch[WATCH.node] = index + 1;
          watch[WATCH.handler] = code;
          watch[WATCH.steps] = ((watch[WATCH.steps] as number) + 1) | 0;
          try {
            return (original as (...parameters: unknown[]) => unknown).apply(protocol, args);
          } finally {
            watch[WATCH.node] = 0;
          }
        },
      });
    }
    nodes[name] = { ...spec, protocol: wrapped as unknown as Protocol };
  });
  return { ...config, nodes };
}

/** The simulator's own test for a node entry with a spec (see `toSpec` in simulator.ts). */
function isNodeSpec(entry: SimulationConfig['nodes'][string]): entry is NodeSpec {
  return 'protocol' in entry && typeof entry.protocol === 'object';
}

function post(reply: WorkerReply): void {
  (parentPort as NonNullable<typeof parentPort>).postMessage(reply);
}

function setPhase(loaded: Pick<Loaded, 'watch'>, phase: number, index = 0): void {
  Atomics.store(loaded.watch, WATCH.index, index);
  Atomics.store(loaded.watch, WATCH.steps, 0);
  Atomics.store(loaded.watch, WATCH.node, 0);
  Atomics.store(loaded.watch, WATCH.phase, phase);
}

/** Options of one run of seed `seed`. */
function runOptions(loaded: Loaded, seed: number, trace: boolean, shrunk: string | undefined): RunOptions {
  const { scenario, params } = loaded.prepared;
  return {
    seed,
    trace,
    scenario: scenario.name,
    params,
    watch: loaded.watch,
    ...(shrunk === undefined ? {} : { shrink: parseShrinkToken(shrunk), shrunk }),
  };
}

/** One run; a throw that escapes the simulator (outside any handler) is a finding too. */
function runOnce(
  loaded: Loaded,
  index: number,
  seed: number,
  trace: boolean,
  shrunk: string | undefined,
): SeedOutcome {
  let result: SimulationResult;
  try {
    result = simulate(loaded.prepared.config, runOptions(loaded, seed, trace, shrunk));
  } catch (thrown) {
    if (thrown instanceof InputError || (thrown instanceof Error && thrown.name === 'InputError'))
      throw thrown;
    return {
      index,
      seed,
      failure: { kind: 'crashed', detail: `the run threw ${describeThrown(thrown)} outside any handler` },
      endMs: 0,
      stats: { steps: 0, sends: 0, deliveries: 0, drops: 0, duplicates: 0, timersFired: 0, faults: 0 },
    };
  }
  return outcomeOf(index, result);
}

function outcomeOf(index: number, result: SimulationResult): SeedOutcome {
  return {
    index,
    seed: result.seed,
    ...(result.failure ? { failure: result.failure } : {}),
    endMs: result.endMs,
    stats: result.stats,
    ...(result.trace ? { trace: result.trace } : {}),
  };
}

/** Runs a seed twice more with traces; a difference is a finding. */
function determinismFailure(loaded: Loaded, seed: number): CampaignFailure | undefined {
  const { scenario, params } = loaded.prepared;
  const shrunk = loaded.setup.shrunk;
  const report = checkDeterminism(loaded.watchedConfig, {
    seed,
    scenario: scenario.name,
    params,
    ...(shrunk === undefined ? {} : { shrink: parseShrinkToken(shrunk) }),
  });
  if (report.identical) return undefined;
  const difference = report.firstDifference;
  const show = (line: string | undefined): string =>
    line === undefined || line === ''
      ? '(the trace ended)'
      : line.length > 160
        ? `${line.slice(0, 160)}…`
        : line;
  return {
    kind: 'nondeterminism',
    detail:
      `two runs of the same seed differ at trace line ${difference?.line ?? '?'}: ` +
      `${show(difference?.first)} | ${show(difference?.second)}`,
  };
}

/** Lowers the shared stop index to `index` unless it is lower already (other workers write it too). */
function lowerStop(control: Int32Array, index: number): void {
  for (;;) {
    const current = Atomics.load(control, CONTROL_STOP_ABOVE);
    if (current <= index) return;
    if (Atomics.compareExchange(control, CONTROL_STOP_ABOVE, current, index) === current) return;
  }
}

function handleRun(loaded: Loaded, request: Extract<WorkerRequest, { type: 'run' }>): void {
  for (let index = request.from; index < request.from + request.count; index++) {
    // Another seed below this one failed: the campaign reports the lowest failing seed only.
    if (index > Atomics.load(loaded.control, CONTROL_STOP_ABOVE)) break;
    setPhase(loaded, PHASE.seed, index);
    let outcome = runOnce(
      loaded,
      index,
      request.first + index * request.stride,
      request.trace,
      loaded.setup.shrunk,
    );
    if (loaded.setup.checkDeterminism && outcome.failure === undefined) {
      const failure = determinismFailure(loaded, outcome.seed);
      if (failure) outcome = { ...outcome, failure };
    }
    setPhase(loaded, PHASE.idle);
    // Stop the seeds above this one here and now: the main thread hears of the failure only later.
    if (outcome.failure !== undefined && !loaded.setup.keepGoing) lowerStop(loaded.control, index);
    post({ type: 'seed', outcome });
  }
  post({ type: 'chunk-done' });
}

function handleShrink(loaded: Loaded, request: Extract<WorkerRequest, { type: 'shrink' }>): void {
  setPhase(loaded, PHASE.shrink, request.index);
  const seed = request.seed;
  const failing = simulate(loaded.prepared.config, runOptions(loaded, seed, false, undefined));
  if (failing.ok) {
    post({
      type: 'shrink-failed',
      message: `seed ${seed} passed when run again (is the scenario deterministic?)`,
    });
    return;
  }
  let shrunk: ShrinkOutcome;
  try {
    shrunk = shrinkFailure(loaded.watchedConfig, failing, {
      seed,
      scenario: loaded.prepared.scenario.name,
      params: loaded.prepared.params,
      ...(request.runsMax === undefined ? {} : { runsMax: request.runsMax }),
      onProgress: (attempts) => post({ type: 'shrink-progress', attempts }),
    });
  } catch (thrown) {
    post({
      type: 'shrink-failed',
      message: thrown instanceof Error ? thrown.message : describeThrown(thrown),
    });
    return;
  }
  // The seed-level shrink's traced run, or (not shrunk) the failing run traced: the schedule to cut.
  const seedLevel = shrunk.reduced
    ? shrunk.result
    : simulate(loaded.prepared.config, runOptions(loaded, seed, true, undefined));
  let scheduleNotCut: string | undefined;
  if (request.scheduleTimeMs !== 0) {
    const startedMs = performance.now();
    const scheduled = shrinkSchedule(loaded.watchedConfig, seedLevel, {
      ...(request.scheduleTimeMs === undefined ? {} : { timeBudgetMs: request.scheduleTimeMs }),
      ...(request.scheduleRunsMax === undefined ? {} : { runsMax: request.scheduleRunsMax }),
      tracedConfig: loaded.prepared.config,
      scenario: loaded.prepared.scenario.name,
      params: loaded.prepared.params,
      onProgress: (attempts, best) =>
        post({ type: 'shrink-progress', attempts: shrunk.attempts + attempts, steps: best.steps }),
    });
    if (scheduled.reduced) {
      setPhase(loaded, PHASE.idle);
      const how = {
        attempts: scheduled.attempts,
        wallMs: Math.round(performance.now() - startedMs),
        stoppedBy: scheduled.stoppedBy,
      };
      post({
        type: 'shrunk',
        shrunk: {
          token: shrunk.token,
          // Measured from the run as the seeds found it, not from the seed-level shrink.
          summary: summarizeSchedule(scheduleSizeOf(failing), scheduled.after, how),
          attempts: shrunk.attempts + scheduled.attempts,
          schedule: how,
          sizes: { before: scheduleSizeOf(failing), after: scheduled.after },
        },
        outcome: outcomeOf(request.index, scheduled.result),
      });
      return;
    }
    scheduleNotCut = scheduled.why;
  }
  setPhase(loaded, PHASE.idle);
  const why = scheduleNotCut === undefined ? {} : { scheduleNotCut };
  if (!shrunk.reduced) {
    // No smaller run fails the same way: report the run as it is, and say why.
    post({ type: 'shrunk', notShrunk: shrunk.summary, ...why, outcome: outcomeOf(request.index, seedLevel) });
    return;
  }
  // shrinkFailure's last run is the traced replay of the token, as `--seed N --shrunk TOKEN` runs it.
  const outcome = outcomeOf(request.index, shrunk.result);
  post({
    type: 'shrunk',
    shrunk: {
      token: shrunk.token,
      summary: shrunk.summary,
      attempts: shrunk.attempts,
      sizes: { before: scheduleSizeOf(failing), after: scheduleSizeOf(shrunk.result) },
    },
    ...why,
    outcome,
  });
}

function handleTrace(loaded: Loaded, request: Extract<WorkerRequest, { type: 'trace' }>): void {
  setPhase(loaded, PHASE.trace, request.index);
  const outcome = runOnce(loaded, request.index, request.seed, true, request.shrunk);
  setPhase(loaded, PHASE.idle);
  post({ type: 'traced', outcome });
}

async function start(setup: WorkerSetup): Promise<void> {
  const watch = new Int32Array(setup.watch);
  const control = new Int32Array(setup.control);
  setPhase({ watch }, PHASE.loading);
  let prepared: PreparedScenario;
  try {
    const scenario = await loadScenario(setup.scenarioPath);
    prepared = prepareScenario(scenario, setup.scenarioPath, setup.params);
    if (setup.shrunk !== undefined) parseShrinkToken(setup.shrunk);
  } catch (thrown) {
    const inputError =
      thrown instanceof InputError || (thrown instanceof Error && thrown.name === 'InputError');
    post(
      inputError
        ? { type: 'input-error', message: (thrown as Error).message }
        : { type: 'internal-error', message: describeThrown(thrown) },
    );
    return;
  }
  setPhase({ watch }, PHASE.idle);
  const loaded: Loaded = {
    setup,
    prepared,
    watchedConfig: watchHandlers(prepared.config, watch),
    watch,
    control,
  };
  const { scenario, params, config } = prepared;
  post({
    type: 'ready',
    scenario: {
      name: scenario.name,
      ...(scenario.description === undefined ? {} : { description: scenario.description }),
      ...(scenario.seeds === undefined ? {} : { seeds: scenario.seeds }),
      params,
      nodes: Object.keys(config.nodes),
    },
  });
  (parentPort as NonNullable<typeof parentPort>).on('message', (request: WorkerRequest) => {
    try {
      switch (request.type) {
        case 'run':
          handleRun(loaded, request);
          return;
        case 'shrink':
          handleShrink(loaded, request);
          return;
        case 'trace':
          handleTrace(loaded, request);
          return;
      }
    } catch (thrown) {
      const inputError =
        thrown instanceof InputError || (thrown instanceof Error && thrown.name === 'InputError');
      post(
        inputError
          ? { type: 'input-error', message: (thrown as Error).message }
          : { type: 'internal-error', message: (thrown as Error).stack ?? describeThrown(thrown) },
      );
    }
  });
}

if (!isMainThread && parentPort) void start(workerData as WorkerSetup);
