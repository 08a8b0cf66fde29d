/**
 * Scripts from traces: a model checker's counterexample, replayed in the simulator.
 *
 * A checker trace lists, step by step, which message was delivered or dropped, which timer
 * fired, which node crashed or recovered. Turned into a script, it drives a simulator run of
 * the scenario's own configuration (`RunOptions.script`), with the simulator's invariants
 * checked after every step: the same bug, shown by the other engine.
 *
 * A trace is input from outside: before it runs, its header must describe the scenario it is
 * replayed on (`checkScheduleFits`), and each action keeps the line of the event it comes from,
 * so that an action the system cannot carry out is reported as bad input at that line.
 */

import { InputError } from '../core/index.js';
import { decodePlain, plainToJson } from '../core/index.js';
import type { Trace, TraceHeader } from '../trace/index.js';
import type { ScriptedAction } from './simulator.js';

/** The scripted actions of a trace, in order, and the line in the file of each one's event. */
export interface TraceScript {
  readonly actions: readonly ScriptedAction[];
  /** `lines[i]` is the line (from 1) of the event that action `i` replays. */
  readonly lines: readonly number[];
  /** Each node's choices (`choose` events) in order, for `RunOptions.scriptChoices`. */
  readonly choices: Readonly<Record<string, readonly number[]>>;
  /** `stepChoices[i]`: the choices action `i`'s step made (`ScriptedAction.choices`), if any. */
  readonly stepChoices: readonly (readonly number[] | undefined)[];
  /** `sentBy[i]`: for a delivery or loss, the step that sent its message (`ScriptedAction.sentBy`). */
  readonly sentBy: readonly ScriptedAction['sentBy'][];
}

/**
 * The actions of a script as a lenient replay takes them: each with the choices its step made
 * and, for a message, the step that sent it. Leaving actions out then changes less of the
 * rest: a step keeps its choices, and a message whose content changed is still found.
 */
export function actionsForLenientReplay(script: TraceScript): readonly ScriptedAction[] {
  return script.actions.map((action, index) => {
    const choices = script.stepChoices[index];
    const sentBy = script.sentBy[index];
    return {
      ...action,
      ...(choices === undefined ? {} : { choices }),
      ...(sentBy === undefined ? {} : { sentBy }),
    };
  });
}

/**
 * The scripted actions of a trace, in order. `eventLines` gives the line of each event in the
 * file (see `parseTraceJsonlWithLines`); without it, event `i` is taken to be on line `i + 2`.
 */
export function scriptFromTrace(trace: Trace, fileName: string, eventLines?: readonly number[]): TraceScript {
  const sent = new Map<
    string,
    { from: string; to: string; message: unknown; sentBy: NonNullable<ScriptedAction['sentBy']> }
  >();
  const actions: ScriptedAction[] = [];
  const lines: number[] = [];
  const choices: Record<string, number[]> = {};
  const stepChoices: (number[] | undefined)[] = [];
  const sentBy: ScriptedAction['sentBy'][] = [];
  // The action whose step is running (-1: the boots; a loss runs no step) and its sends per link.
  let step = -1;
  const stepSends = new Map<string, number>();
  const stepStarts = (): void => {
    step = actions.length - 1;
    stepSends.clear();
  };
  const messageOf = (
    msg: string,
    line: number,
  ): { from: string; to: string; message: unknown; sentBy: NonNullable<ScriptedAction['sentBy']> } => {
    const found = sent.get(msg);
    if (!found)
      throw new InputError(
        `${fileName}:${line}: the event refers to message ${msg}, which no earlier event sent`,
      );
    return found;
  };
  // A simulator run's actions keep their times: its handlers may read the clock. A checker's
  // steps have no times to keep (action i happens at time i).
  const timed = trace.header.engine === 'sim';
  let atMs = 0;
  const push = (action: ScriptedAction, line: number, by?: ScriptedAction['sentBy']): void => {
    actions.push(timed ? { ...action, atMs } : action);
    lines.push(line);
    sentBy.push(by);
  };
  trace.events.forEach((event, index) => {
    const line = eventLines?.[index] ?? index + 2; // The header is line 1.
    atMs = event.t;
    switch (event.type) {
      case 'send': {
        const link = `${event.node}\u0000${event.to}`;
        const nth = stepSends.get(link) ?? 0;
        stepSends.set(link, nth + 1);
        sent.set(event.msg, {
          from: event.node,
          to: event.to,
          message: decodePlain(event.body),
          sentBy: { action: step, nth },
        });
        return;
      }
      case 'deliver': {
        const { sentBy: by, ...message } = messageOf(event.msg, line);
        push({ type: 'deliver', ...message }, line, by);
        stepStarts();
        return;
      }
      case 'drop':
        if (event.reason === 'loss') {
          const { sentBy: by, ...message } = messageOf(event.msg, line);
          push({ type: 'drop', ...message }, line, by);
        }
        return;
      case 'timer-fire':
        push({ type: 'timer', node: event.node, name: event.name }, line);
        stepStarts();
        return;
      case 'crash':
        push({ type: 'crash', node: event.node }, line);
        stepStarts();
        return;
      case 'recover':
        push({ type: 'recover', node: event.node }, line);
        stepStarts();
        return;
      case 'choose': {
        (choices[event.node] ??= []).push(event.index);
        // A choice belongs to the running step when it runs at the choosing node (a choice
        // before the first step is a boot's).
        const running = actions[step];
        if (running !== undefined && ('to' in running ? running.to : running.node) === event.node)
          (stepChoices[step] ??= []).push(event.index);
        return;
      }
      default:
        return;
    }
  });
  return { actions, lines, choices, stepChoices, sentBy };
}

/** What a schedule is replayed on. */
export interface ScheduleTarget {
  /** The scenario's name. */
  readonly scenario: string;
  /** Its parameters, resolved (defaults and `--param` overrides). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Its node ids. */
  readonly nodes: readonly string[];
}

/**
 * Checks that a trace header describes the system a schedule is replayed on: the same
 * scenario, parameters and nodes. A trace of another scenario, or of the same one built with
 * other parameters, would otherwise fail somewhere in the middle, or worse, pass or fail for
 * reasons that have nothing to do with the run it records. Throws an `InputError` naming line 1.
 */
export function checkScheduleFits(header: TraceHeader, target: ScheduleTarget, fileName: string): void {
  const fail = (problem: string): never => {
    throw new InputError(`${fileName}:1: ${problem}`);
  };
  if (header.scenario !== target.scenario) {
    fail(`the schedule is a trace of scenario '${header.scenario}', not of '${target.scenario}'`);
  }
  const names = [...new Set([...Object.keys(header.params), ...Object.keys(target.params)])];
  for (const name of names) {
    const recorded = header.params[name];
    const given = target.params[name];
    if (recorded === undefined) fail(`the schedule was made without parameter '${name}'`);
    if (given === undefined)
      fail(`the schedule was made with parameter '${name}', which the scenario does not have`);
    if (plainToJson(recorded) !== plainToJson(given)) {
      const recordedText = showParam(recorded);
      fail(
        `the schedule was made with ${name}=${recordedText}, this replay has ${name}=${showParam(given)} ` +
          `(give --param ${name}=${recordedText})`,
      );
    }
  }
  const recordedNodes = header.nodes.map((node) => node.id);
  const sameNodes =
    recordedNodes.length === target.nodes.length && recordedNodes.every((id) => target.nodes.includes(id));
  if (!sameNodes) {
    fail(
      `the schedule's nodes (${recordedNodes.join(', ')}) are not the scenario's (${target.nodes.join(', ')})`,
    );
  }
}

/** A parameter's value as `--param NAME=VALUE` takes it. */
function showParam(value: unknown): string {
  return typeof value === 'string' ? value : plainToJson(value);
}
