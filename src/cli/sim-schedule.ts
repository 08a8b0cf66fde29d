/**
 * `fairlink sim <scenario> --schedule CHECK_TRACE`: a model checker's counterexample replayed
 * by the simulator, on the scenario's own simulation, with its invariants after every step.
 *
 * The schedule is input: it is read whole (a file cut short is refused), checked against the
 * scenario before it runs, and a step the system cannot carry out is bad input at the line of
 * its event. Only a schedule that fits gets a verdict.
 */

import { readFile } from 'node:fs/promises';
import { InputError } from '../core/index.js';
import { loadScenario, prepareScenario } from '../sim/index.js';
import { checkScheduleFits, scriptFromTrace } from '../sim/index.js';
import { formatDuration } from '../sim/index.js';
import { ScriptStepError, simulate, type SimulationResult } from '../sim/index.js';
import { writeFileAtomic } from '../trace/index.js';
import { renderTraceHtml } from '../trace/index.js';
import { loadTraceReader, traceToJsonl } from '../trace/index.js';
import type { CliContext } from './context.js';
import { ExitCode, type ExitCodeValue } from './usage.js';

/** What the replay needs from the command line. */
export interface ScheduleReplay {
  readonly scenarioPath: string;
  readonly schedulePath: string;
  readonly params: readonly string[];
  readonly trace?: string | undefined;
  readonly html?: string | undefined;
  readonly json: boolean;
}

/** Replays a checker trace as a scripted simulation; returns the exit code. */
export async function replaySchedule(replay: ScheduleReplay, cli: CliContext): Promise<ExitCodeValue> {
  let text: string;
  try {
    text = await readFile(replay.schedulePath, 'utf8');
  } catch {
    throw new InputError(`--schedule ${replay.schedulePath}: cannot read the file`);
  }
  const { parseTraceJsonlWithLines } = await loadTraceReader();
  const { trace: schedule, eventLines } = parseTraceJsonlWithLines(text, replay.schedulePath);
  const scenario = await loadScenario(replay.scenarioPath);
  const prepared = prepareScenario(scenario, replay.scenarioPath, replay.params);
  checkScheduleFits(
    schedule.header,
    { scenario: scenario.name, params: prepared.params, nodes: Object.keys(prepared.config.nodes) },
    replay.schedulePath,
  );
  // A simulator trace replays with every fault where it happened (losses and duplicates at
  // their sends, partitions, pauses, clogs, clocks, crashes with their recovery times): the
  // replay records the run again, event for event. A checker's trace has no such faults: each
  // of its steps, a loss included, is an action of its own.
  const simulated = schedule.header.engine === 'sim';
  const {
    actions: script,
    lines,
    choices,
    sendFates,
  } = scriptFromTrace(schedule, replay.schedulePath, eventLines, { faults: simulated });
  let result: SimulationResult;
  try {
    result = simulate(prepared.config, {
      // The nodes' own random draws come from the seed: a shrunk simulator run replays with its seed.
      seed: schedule.header.seed,
      script,
      scriptChoices: choices,
      scriptSendFates: sendFates,
      trace: true,
      scenario: scenario.name,
      params: prepared.params,
    });
  } catch (thrown) {
    if (!(thrown instanceof ScriptStepError)) throw thrown;
    // The event cannot happen in this system: the schedule does not describe it.
    throw new InputError(
      `${replay.schedulePath}:${lines[thrown.step - 1] ?? '?'}: cannot replay this event: ${thrown.reason}`,
    );
  }
  const trace = result.trace;
  const files: { trace?: string; html?: string } = {};
  if (trace && replay.trace !== undefined) {
    await writeFileAtomic(replay.trace, traceToJsonl(trace));
    files.trace = replay.trace;
  }
  if (trace && replay.html !== undefined) {
    await writeFileAtomic(
      replay.html,
      renderTraceHtml(trace, { title: `${scenario.name}: scripted replay of ${replay.schedulePath}` }),
    );
    files.html = replay.html;
  }
  const failure = result.failure;
  if (replay.json) {
    cli.stdout.write(
      `${JSON.stringify({ verdict: failure ? 'fail' : 'pass', scenario: scenario.name, steps: script.length, ...(failure ? { failure } : {}), files })}\n`,
    );
  } else if (failure) {
    const what = 'property' in failure ? `'${failure.property}' (${failure.kind})` : failure.kind;
    // A simulator run's schedule keeps its times (script.ts); a checker's counts steps.
    const when = simulated ? formatDuration(failure.timeMs) : `step ${failure.timeMs}`;
    cli.stdout.write(
      `FAIL ${scenario.name}: the scripted replay of ${script.length} steps violates ${what} at ${when}: ${failure.detail}\n` +
        (files.trace ? `  trace:   ${files.trace}\n` : '') +
        (files.html ? `  diagram: ${files.html}\n` : ''),
    );
  } else {
    cli.stdout.write(
      `PASS ${scenario.name}: the scripted replay of ${script.length} steps violates nothing\n`,
    );
  }
  return failure ? ExitCode.violation : ExitCode.pass;
}
