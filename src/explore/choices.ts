/**
 * What may happen next at a moment of a run: the choices the explorer offers, each a scripted
 * action that the simulator itself carries out (`RunOptions.script`). The list is read off the
 * simulator's own snapshot; nothing here decides what a choice does to the system.
 */

import { decodePlain } from '../core/index.js';
import type { ScriptedAction, SimSnapshot } from '../sim/index.js';
import { partitionSides } from './partition-choice.js';

/** One enabled choice: its id (what a branch path names) and a line for people. */
export interface Choice {
  readonly id: string;
  readonly kind: 'deliver' | 'drop' | 'timer' | 'crash' | 'recover' | 'partition' | 'heal';
  readonly label: string;
  /**
   * A partition's choice is a form: the nodes it may separate (the fault targets), which the user
   * puts on sides; its id is then `partitionChoiceId` of the sides (partition-choice.ts).
   */
  readonly nodes?: readonly string[];
}

/**
 * The choices enabled at `snapshot`: deliver or drop each message in flight, fire each pending
 * timer, crash a server that is up, recover one that is down. Faults hit only `faultTargets`
 * (the scenario's `nodes` group: clients do not crash in its rules).
 */
export function enabledChoices(snapshot: SimSnapshot, faultTargets: ReadonlySet<string>): readonly Choice[] {
  const choices: Choice[] = [];
  const up = new Set(snapshot.nodes.filter((node) => node.status === 'up').map((node) => node.id));
  for (const entry of snapshot.inFlight) {
    const text = JSON.stringify(entry.message);
    if (up.has(entry.to))
      choices.push({
        id: `deliver:${entry.msg}`,
        kind: 'deliver',
        label: `deliver ${entry.msg} ${entry.from}→${entry.to} ${text}`,
      });
    choices.push({
      id: `drop:${entry.msg}`,
      kind: 'drop',
      label: `drop ${entry.msg} ${entry.from}→${entry.to} ${text}`,
    });
  }
  for (const node of snapshot.nodes) {
    if (node.status !== 'up') continue;
    for (const name of node.timers)
      choices.push({
        id: `timer:${node.id}:${name}`,
        kind: 'timer',
        label: `fire timer '${name}' at ${node.id}`,
      });
  }
  for (const node of snapshot.nodes) {
    if (!faultTargets.has(node.id)) continue;
    if (node.status === 'up')
      choices.push({ id: `crash:${node.id}`, kind: 'crash', label: `crash ${node.id}` });
    if (node.status === 'down')
      choices.push({ id: `recover:${node.id}`, kind: 'recover', label: `recover ${node.id}` });
  }
  // The simulator's partition fault, over the fault targets, sides chosen by the user.
  const targets = snapshot.nodes.filter((node) => faultTargets.has(node.id)).map((node) => node.id);
  if (targets.length >= 2)
    choices.push({
      id: 'partition:',
      kind: 'partition',
      label: 'partition: choose the sides',
      nodes: targets,
    });
  if (snapshot.partition !== null)
    choices.push({ id: 'heal:partition', kind: 'heal', label: 'heal the partition' });
  return choices;
}

/** The scripted action of choice `id` at `snapshot`, or why it is not enabled there. */
export function actionOfChoice(snapshot: SimSnapshot, id: string): ScriptedAction | string {
  const [kind, ...rest] = id.split(':');
  const subject = rest.join(':');
  switch (kind) {
    case 'deliver':
    case 'drop': {
      const entry = snapshot.inFlight.find((candidate) => candidate.msg === subject);
      if (entry === undefined) return `message ${subject} is not in flight there`;
      // The very copy chosen: copies alike (a duplicate, a resend) may be in flight together.
      return {
        type: kind,
        from: entry.from,
        to: entry.to,
        message: decodePlain(entry.message),
        msg: entry.msg,
      };
    }
    case 'timer': {
      const [node = '', ...name] = rest;
      return { type: 'timer', node, name: name.join(':') };
    }
    case 'crash':
    case 'recover':
      return { type: kind, node: subject };
    case 'partition':
      return partitionAction(snapshot, subject);
    case 'heal':
      return { type: 'heal' };
    default:
      return `'${id}' is not a choice (deliver:, drop:, timer:, crash:, recover:, partition:, heal:)`;
  }
}

/** The partition fault of sides `text` (`n1+n2|n3`), or why it is not one. */
function partitionAction(snapshot: SimSnapshot, text: string): ScriptedAction | string {
  const sides = partitionSides(text);
  const known = new Set(snapshot.nodes.map((node) => node.id));
  const seen = new Set<string>();
  for (const node of sides.flat()) {
    if (!known.has(node)) return `partition '${text}': ${node} is not a node`;
    if (seen.has(node)) return `partition '${text}': ${node} is on two sides`;
    seen.add(node);
  }
  if (sides.some((side) => side.length === 0) || seen.size === 0)
    return `partition '${text}': expected sides of nodes such as n1+n2|n3`;
  return { type: 'partition', shape: { kind: 'groups', groups: sides } };
}
