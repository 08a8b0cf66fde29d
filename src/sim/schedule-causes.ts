/**
 * What caused what in a run's schedule: for each scripted action of a trace (as
 * `scriptFromTrace` lists them), the action whose step sent its message or set its timer, and
 * whether its step invoked a client operation.
 *
 * Schedule shrinking uses it to leave out a client operation whole: the step that invoked it
 * and everything that step led to (the request's deliveries, the servers' work on it, the
 * reply, the retries), but not the client's next operation. A client starts its next
 * operation only after a reply, so leaving actions out one at a time, or in contiguous
 * chunks, cannot take out an operation in the middle of a client's run: its reply goes, and
 * with it every operation after. Without the whole of operation k, the timer that the reply
 * to operation k-1 set starts the next operation where operation k+1 started before.
 */

import type { Trace } from '../trace/index.js';

/** The causes of a schedule's actions; indices are those of `scriptFromTrace(trace).actions`. */
export interface ScheduleCauses {
  /** `parent[i]`: the action whose step sent action i's message or set its timer; -1 for none (boot). */
  readonly parent: readonly number[];
  /** `invokes[i]`: action i's step invoked a client operation. */
  readonly invokes: readonly boolean[];
}

/**
 * The causes of a simulator trace's actions. It walks the events as `scriptFromTrace` does (a
 * delivery, a loss, a timer firing, a crash or a recovery is an action; what follows it up to
 * the next one happened in its step), so the indices match.
 */
export function scheduleCauses(trace: Trace): ScheduleCauses {
  const parent: number[] = [];
  const invokes: boolean[] = [];
  const sentBy = new Map<string, number>();
  const timerSetBy = new Map<string, number>();
  let current = -1;
  /** An action; `step`: a handler ran for it (not for a loss, which a seeded run records inside the sender's step). */
  const act = (cause: number | undefined, step = true): void => {
    if (step) current = parent.length;
    parent.push(cause ?? -1);
    invokes.push(false);
  };
  for (const event of trace.events) {
    switch (event.type) {
      case 'send':
        sentBy.set(event.msg, current);
        break;
      case 'deliver':
        act(sentBy.get(event.msg));
        break;
      case 'drop':
        if (event.reason === 'loss') act(sentBy.get(event.msg), false);
        break;
      case 'timer-set':
        timerSetBy.set(`${event.node}/${event.name}`, current);
        break;
      case 'timer-cancel':
        timerSetBy.delete(`${event.node}/${event.name}`);
        break;
      case 'timer-fire': {
        const key = `${event.node}/${event.name}`;
        act(timerSetBy.get(key));
        timerSetBy.delete(key);
        break;
      }
      case 'crash':
        act(undefined);
        // A crash clears the node's timers: a later firing was set after its recovery.
        for (const key of [...timerSetBy.keys()])
          if (key.startsWith(`${event.node}/`)) timerSetBy.delete(key);
        break;
      case 'recover':
        act(undefined);
        break;
      case 'invoke':
        if (current >= 0) invokes[current] = true;
        break;
      default:
        break;
    }
  }
  return { parent, invokes };
}

/**
 * The actions that `root` led to, itself included: what its step sent or set, transitively,
 * never entering the step of another action that invokes an operation (the next operation of
 * the client, or another client's, stays). With `keep`, only the actions it accepts are in
 * the cone, though the others are followed: the client's own part of an operation (its
 * request's deliveries, the reply, the retries) without the servers' work in between, which
 * may carry later operations too (a leader replicating one entry per append).
 */
export function operationCone(
  causes: ScheduleCauses,
  root: number,
  keep: (index: number) => boolean = () => true,
): ReadonlySet<number> {
  const children = new Map<number, number[]>();
  causes.parent.forEach((cause, index) => {
    if (cause >= 0) {
      const list = children.get(cause);
      if (list) list.push(index);
      else children.set(cause, [index]);
    }
  });
  const cone = new Set<number>([root]);
  const seen = new Set<number>([root]);
  const pending = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const child of children.get(next) ?? []) {
      if (seen.has(child) || causes.invokes[child]) continue;
      seen.add(child);
      if (keep(child)) cone.add(child);
      pending.push(child);
    }
  }
  return cone;
}
