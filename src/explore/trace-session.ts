/**
 * A saved trace, opened read-only (`fairlink explore TRACE.jsonl`): no protocol code runs, so
 * node states are unknown; what the trace records is shown (who is up, pending timers, messages
 * in flight, the client history so far) and nothing can be branched.
 */

import { readFile } from 'node:fs/promises';
import { InputError } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import type { SimSnapshot } from '../sim/index.js';
import type { Trace } from '../trace/index.js';
import { loadTraceReader } from '../trace/index.js';
import type { BranchPath } from './branch-path.js';
import type { MomentView } from './scenario-session.js';
import type { RunView } from './run-view.js';

export class TraceSession {
  private constructor(
    readonly tracePath: string,
    private readonly trace: Trace,
  ) {}

  static async open(tracePath: string): Promise<TraceSession> {
    let text: string;
    try {
      text = await readFile(tracePath, 'utf8');
    } catch {
      throw new InputError(`${tracePath}: cannot read the file`);
    }
    const { parseTraceJsonl } = await loadTraceReader();
    return new TraceSession(tracePath, parseTraceJsonl(text, tracePath));
  }

  view(path: BranchPath): RunView {
    if (path.length > 0)
      throw new InputError(`${this.tracePath}: a saved trace is read-only: it has no branches`);
    const events = this.trace.events;
    const focus = events.findIndex((event) => event.type === 'violation' || event.type === 'fault');
    return {
      scenario: this.trace.header.scenario,
      header: this.trace.header,
      events,
      failure: null,
      open: false,
      focus: Math.max(0, focus),
      highlighted: focus >= 0 ? [focus] : [],
      culpritOperations: [],
      replay: `npx fairlink explore ${this.tracePath}`,
      path: [],
    };
  }

  /** What the trace says of the system after event `index`. */
  moment(path: BranchPath, index: number): MomentView {
    this.view(path);
    const events = this.trace.events;
    if (!Number.isInteger(index) || index < 0 || index >= Math.max(1, events.length)) {
      throw new InputError(`event ${index}: the trace has events 0 to ${events.length - 1}`);
    }
    return {
      index,
      step: [index, index + 1],
      snapshot: this.recorded(index + 1),
      before: index === 0 ? null : this.recorded(index),
      choices: [],
    };
  }

  /** The system as the first `count` events record it. */
  private recorded(count: number): SimSnapshot {
    const status = new Map<string, 'up' | 'down' | 'crashed'>();
    const paused = new Set<string>();
    const clocks = new Map<string, { readonly skewMs: number; readonly drift: number }>();
    const timers = new Map<string, Set<string>>();
    // Each message in flight, and how many copies of it (a duplicate makes two).
    const inFlight = new Map<
      string,
      { entry: { msg: string; from: string; to: string; message: unknown }; copies: number }
    >();
    const history: SimSnapshot['history'][number][] = [];
    let timeMs = 0;
    let partition: Readonly<Record<string, readonly string[]>> | null = null;
    for (const node of this.trace.header.nodes) {
      status.set(node.id, 'down');
      timers.set(node.id, new Set());
    }
    for (const event of this.trace.events.slice(0, count)) {
      timeMs = event.t;
      switch (event.type) {
        case 'boot':
        case 'recover':
          status.set(event.node, 'up');
          break;
        case 'crash':
          status.set(event.node, 'down');
          timers.get(event.node)?.clear();
          paused.delete(event.node);
          break;
        case 'pause':
          paused.add(event.node);
          break;
        case 'resume':
          paused.delete(event.node);
          break;
        case 'clock':
          clocks.set(event.node, { skewMs: event.skewMs, drift: event.drift });
          break;
        case 'send':
          inFlight.set(event.msg, {
            entry: { msg: event.msg, from: event.node, to: event.to, message: event.body },
            copies: 1,
          });
          break;
        case 'duplicate': {
          const sent = inFlight.get(event.msg);
          if (sent !== undefined) sent.copies++;
          break;
        }
        case 'deliver':
        case 'drop': {
          const sent = inFlight.get(event.msg);
          if (sent !== undefined && --sent.copies === 0) inFlight.delete(event.msg);
          break;
        }
        case 'partition':
          partition = Object.keys(event.grudge).length > 0 ? event.grudge : null;
          break;
        case 'heal':
          partition = null;
          break;
        case 'timer-set':
          timers.get(event.node)?.add(event.name);
          break;
        case 'timer-fire':
        case 'timer-cancel':
          timers.get(event.node)?.delete(event.name);
          break;
        case 'invoke':
        case 'ok':
        case 'fail':
        case 'info':
          history.push({
            time: event.t,
            process: event.node as NodeId,
            type: event.type,
            operation: event.op,
            f: event.f,
            value: event.value,
          });
          break;
        default:
          break;
      }
    }
    return {
      timeMs,
      nodes: this.trace.header.nodes.map((node) => {
        const clock = clocks.get(node.id);
        return {
          id: node.id,
          status: status.get(node.id) ?? 'down',
          paused: paused.has(node.id),
          ...(clock === undefined ? {} : { clock }),
          state: null,
          durable: {},
          timers: [...(timers.get(node.id) ?? [])].sort(),
        };
      }),
      inFlight: [...inFlight.values()].flatMap(({ entry, copies }) =>
        Array.from({ length: copies }, () => entry),
      ),
      history,
      partition,
      properties: [],
    };
  }
}
