/**
 * Scripts from traces: a model checker's counterexample, replayed in the simulator.
 *
 * A checker trace lists, step by step, which message was delivered or dropped, which timer
 * fired, which node crashed or recovered. Turned into a script, it drives a simulator run of
 * the scenario's own configuration (`RunOptions.script`), with the simulator's invariants
 * checked after every step: the same bug, shown by the other engine.
 */

import { InputError } from '../core/errors.js';
import { decodePlain } from '../core/plain.js';
import type { Trace } from '../trace/events.js';
import type { ScriptedAction } from './simulator.js';

/** The scripted actions of a trace, in order. */
export function scriptFromTrace(trace: Trace, fileName: string): ScriptedAction[] {
  const sent = new Map<string, { from: string; to: string; message: unknown }>();
  const script: ScriptedAction[] = [];
  const messageOf = (msg: string, line: number): { from: string; to: string; message: unknown } => {
    const found = sent.get(msg);
    if (!found)
      throw new InputError(
        `${fileName}: event ${line} refers to message ${msg}, which no earlier event sent`,
      );
    return found;
  };
  trace.events.forEach((event, index) => {
    const line = index + 2; // The header is line 1.
    switch (event.type) {
      case 'send':
        sent.set(event.msg, { from: event.node, to: event.to, message: decodePlain(event.body) });
        return;
      case 'deliver':
        script.push({ type: 'deliver', ...messageOf(event.msg, line) });
        return;
      case 'drop':
        if (event.reason === 'loss') script.push({ type: 'drop', ...messageOf(event.msg, line) });
        return;
      case 'timer-fire':
        script.push({ type: 'timer', node: event.node, name: event.name });
        return;
      case 'crash':
        script.push({ type: 'crash', node: event.node });
        return;
      case 'recover':
        script.push({ type: 'recover', node: event.node });
        return;
      default:
        return;
    }
  });
  return script;
}
