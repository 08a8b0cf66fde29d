/**
 * `fairlink sim <scenario> --schedule CHECK_TRACE`: a model checker's counterexample replayed
 * by the simulator, on the scenario's own simulation, with its invariants after every step.
 */

import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { loadScenario, prepareScenario } from '../sim/load-scenario.js';
import { scriptFromTrace } from '../sim/script.js';
import { simulate } from '../sim/simulator.js';
import { writeFileAtomic } from '../trace/files.js';
import { renderTraceHtml } from '../trace/html.js';
import { parseTraceJsonl, traceToJsonl } from '../trace/jsonl.js';
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
  const script = scriptFromTrace(parseTraceJsonl(text, replay.schedulePath), replay.schedulePath);
  const scenario = await loadScenario(replay.scenarioPath);
  const prepared = prepareScenario(scenario, replay.scenarioPath, replay.params);
  const result = simulate(prepared.config, {
    seed: 0,
    script,
    trace: true,
    scenario: scenario.name,
    params: prepared.params,
  });
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
    cli.stdout.write(
      `FAIL ${scenario.name}: the scripted replay of ${script.length} steps violates ${what} at step ${failure.timeMs}: ${failure.detail}\n` +
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
