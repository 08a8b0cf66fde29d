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
import { actingNode, type ScriptedAction, type SendFate } from './simulator.js';

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
  /**
   * With `faults`: the messages a simulator run lost or duplicated as they were sent, for
   * `RunOptions.scriptSendFates` (empty otherwise: a loss is then an action of its own).
   */
  readonly sendFates: Readonly<Record<string, SendFate>>;
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

/** How much of a run a script puts back. */
export interface ScriptOptions {
  /**
   * Every fault of the run, where it happened: each partition and heal is an action (the very
   * grudge the run drew), and so is each pause, resume, clog, clock change and the start of the
   * liveness phase; a message a partition or a node that was down kept from arriving is
   * delivered into it (and dropped, as it was); a crash keeps its recovery time; a message a
   * simulator run lost or duplicated as it was sent gets that fate at its send, inside the
   * sending step (`sendFates`); a crash for good stays one (`crashedForGood`); a run that
   * ended later than its last step waits until then.
   * Replayed with `sendFates`, a simulator trace gives the same trace, event for event. The
   * explorer replays a branch's prefix so.
   */
  readonly faults?: boolean;
  /**
   * With `faults`: the nodes crashed for good at the trace's end (`crashed`, not `down`): the
   * last crash of each is replayed as a `crash` fault's, never to recover. By default, those
   * whose last crash has no recovery time and no recovery after it: a simulator run's crash
   * faults. A trace cut from a longer run cannot tell a crash for good from one recovered later
   * (or from a crash chosen by hand in the explorer): whoever cut it says (the explorer, from
   * the run's state at the cut).
   */
  readonly crashedForGood?: readonly string[];
}

/** The index of each node's last crash event that is for good (`ScriptOptions.crashedForGood`). */
function crashesForGood(trace: Trace, forGood: readonly string[] | undefined): ReadonlySet<number> {
  const lastCrash = new Map<string, number>();
  trace.events.forEach((event, index) => {
    if (event.type === 'crash') lastCrash.set(event.node, index);
    if (event.type === 'recover') lastCrash.delete(event.node);
  });
  const indices = new Set<number>();
  for (const [node, index] of lastCrash) {
    const crash = trace.events[index];
    const chosen =
      forGood === undefined
        ? crash?.type === 'crash' && crash.recoverAt === undefined
        : forGood.includes(node);
    if (chosen) indices.add(index);
  }
  return indices;
}

/**
 * The scripted actions of a trace, in order. `eventLines` gives the line of each event in the
 * file (see `parseTraceJsonlWithLines`); without it, event `i` is taken to be on line `i + 2`.
 */
export function scriptFromTrace(
  trace: Trace,
  fileName: string,
  eventLines?: readonly number[],
  options: ScriptOptions = {},
): TraceScript {
  type Sent = { from: string; to: string; message: unknown; sentBy: NonNullable<ScriptedAction['sentBy']> };
  const sent = new Map<string, Sent>();
  const actions: ScriptedAction[] = [];
  const lines: number[] = [];
  const choices: Record<string, number[]> = {};
  const stepChoices: (number[] | undefined)[] = [];
  const sentBy: ScriptedAction['sentBy'][] = [];
  const sendFates: Record<string, SendFate> = {};
  // The action whose step is running (-1: the boots; a loss runs no step) and its sends per link.
  let step = -1;
  const stepSends = new Map<string, number>();
  const stepStarts = (): void => {
    step = actions.length - 1;
    stepSends.clear();
  };
  const faults = options.faults === true;
  const forGood = faults ? crashesForGood(trace, options.crashedForGood) : new Set<number>();
  /** The message an event refers to, apart from the step that sent it. */
  const messageOf = (
    msg: string,
    line: number,
  ): { message: { from: string; to: string; message: unknown; msg?: string }; by: Sent['sentBy'] } => {
    const found = sent.get(msg);
    if (!found)
      throw new InputError(
        `${fileName}:${line}: the event refers to message ${msg}, which no earlier event sent`,
      );
    const { sentBy: by, ...message } = found;
    // With faults, the very copy the run delivered (copies alike may arrive out of order).
    return { message: faults ? { ...message, msg } : message, by };
  };
  // A simulator run's actions keep their times: its handlers may read the clock. A checker's
  // steps have no times to keep (action i happens at time i).
  const simulated = trace.header.engine === 'sim';
  let atMs = 0;
  const push = (action: ScriptedAction, line: number, by?: ScriptedAction['sentBy']): void => {
    actions.push(simulated ? { ...action, atMs } : action);
    lines.push(line);
    sentBy.push(by);
  };
  const pushMessage = (type: 'deliver' | 'drop', msg: string, line: number): void => {
    const { message, by } = messageOf(msg, line);
    push({ type, ...message }, line, by);
  };
  // With faults: the partition in place, and the messages it dropped as they were sent (the
  // replay drops those itself, at the same point of the sender's step).
  let grudge: Readonly<Record<string, readonly string[]>> = {};
  const droppedAtSend = new Set<string>();
  // A simulator run decides a copy's loss or duplication as it sends it: the event comes right
  // after the send's, inside the sending step. (A checker's loss is an action of its own.)
  const atItsSend = (index: number, msg: string): boolean => {
    const previous = trace.events[index - 1];
    return faults && simulated && previous?.type === 'send' && previous.msg === msg;
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
        if (faults && grudge[event.to]?.includes(event.node)) droppedAtSend.add(event.msg);
        return;
      }
      case 'deliver':
        pushMessage('deliver', event.msg, line);
        stepStarts();
        return;
      case 'duplicate':
        if (atItsSend(index, event.msg)) sendFates[event.msg] = 'duplicate';
        return;
      case 'drop':
        if (event.reason === 'loss' && atItsSend(index, event.msg)) sendFates[event.msg] = 'loss';
        else if (event.reason === 'loss') pushMessage('drop', event.msg, line);
        // Delivered into the partition (or to the node down), it is dropped as in the run.
        else if (
          faults &&
          (event.reason === 'down' || event.reason === 'partition') &&
          !droppedAtSend.has(event.msg)
        )
          pushMessage('deliver', event.msg, line);
        return;
      case 'partition':
        if (!faults) return;
        grudge = event.grudge;
        push(
          { type: 'partition', shape: { kind: 'recorded', name: event.name, grudge: event.grudge } },
          line,
        );
        return;
      case 'heal': {
        if (!faults) return;
        grudge = {};
        // The liveness phase heals as it begins: its action does that.
        const previous = trace.events[index - 1];
        if (!(previous?.type === 'phase' && previous.phase === 'liveness')) push({ type: 'heal' }, line);
        return;
      }
      case 'phase':
        if (faults && event.phase === 'liveness') push({ type: 'liveness' }, line);
        return;
      case 'pause':
      case 'resume':
        if (faults) push({ type: event.type, node: event.node }, line);
        return;
      case 'clog':
        if (faults) push({ type: 'clog', from: event.from, to: event.to, untilMs: event.until }, line);
        return;
      case 'clock':
        if (faults) push({ type: 'clock', node: event.node, skewMs: event.skewMs, drift: event.drift }, line);
        return;
      case 'timer-fire':
        push({ type: 'timer', node: event.node, name: event.name }, line);
        stepStarts();
        return;
      case 'crash':
        push(
          {
            type: 'crash',
            node: event.node,
            ...(faults && event.recoverAt !== undefined ? { recoverAt: event.recoverAt } : {}),
            ...(forGood.has(index) ? { forGood: true } : {}),
          },
          line,
        );
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
        if (running !== undefined && actingNode(running) === event.node)
          (stepChoices[step] ??= []).push(event.index);
        return;
      }
      default:
        return;
    }
  });
  // A simulator run judges some properties as it ends (linearizability, \`eventually\`), at the
  // time it ended: later than its last step when it ran on to its end time. The replay waits
  // until then too, so that its verdict is the run's, time included.
  const last = trace.events[trace.events.length - 1];
  if (faults && simulated && last !== undefined && last.t > (actions[actions.length - 1]?.atMs ?? 0))
    push({ type: 'wait' }, eventLines?.[trace.events.length - 1] ?? trace.events.length + 1);
  return { actions, lines, choices, stepChoices, sentBy, sendFates };
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
