import { describe, expect, it } from 'vitest';
import { nodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { registerModel } from '../history/index.js';
import { actorModel } from './actors.js';
import { check } from './check.js';
import { linearizable, runOperations, sequentiallyConsistent } from '../history/index.js';
import { historyFromSimulation } from '../history/index.js';
import type { SystemView } from '../core/index.js';
import { historyEvents, recordClientStep, type ClientHistory } from './client-history.js';

/** The operations the history properties judge, from a kept history. */
const historyOperations = (history: ClientHistory) =>
  runOperations(historyFromSimulation(historyEvents(history)));

/** Client `c` runs its records in one step. */
const run = (
  history: ClientHistory | undefined,
  ...steps: [string, ...Parameters<typeof recordClientStep>[2]][]
) =>
  steps.reduce<ClientHistory | undefined>(
    (current, [client, ...records]) => recordClientStep(current, client, records),
    history,
  ) as ClientHistory;

describe('client histories kept in the state', () => {
  it('orders operations as real time did: a read invoked after a write returned follows it', () => {
    const history = run(
      undefined,
      ['a', { type: 'invoke', f: 'write', value: 1 }],
      ['a', { type: 'ok', value: null }],
      ['b', { type: 'invoke', f: 'read', value: null }],
      ['b', { type: 'ok', value: 1 }],
    );
    const [write, read] = historyOperations(history);
    expect(write).toMatchObject({ process: 'a', f: 'write', status: 'ok' });
    expect(read).toMatchObject({ process: 'b', f: 'read', status: 'ok', output: 1 });
    expect((write?.ret ?? Infinity) < (read?.call ?? -Infinity)).toBe(true);
  });

  it('keeps concurrent operations concurrent, and a pending one unknown', () => {
    const history = run(
      undefined,
      ['a', { type: 'invoke', f: 'write', value: 1 }],
      ['b', { type: 'invoke', f: 'read', value: null }],
      ['b', { type: 'ok', value: 1 }],
      ['c', { type: 'invoke', f: 'write', value: 2 }],
    );
    const [write, read, pending] = historyOperations(history);
    expect((write?.call ?? 0) < (read?.ret ?? 0) && (read?.call ?? 0) < (write?.ret ?? 0)).toBe(true);
    expect(pending).toMatchObject({ process: 'c', status: 'unknown', ret: Infinity });
  });

  it('is the same state whatever the order of events that real time does not order', () => {
    const invokeA = ['a', { type: 'invoke', f: 'write', value: 1 }] as const;
    const invokeB = ['b', { type: 'invoke', f: 'write', value: 2 }] as const;
    expect(run(undefined, [...invokeA], [...invokeB])).toEqual(run(undefined, [...invokeB], [...invokeA]));
  });

  it('marks a second invocation while one is in flight as invalid', () => {
    const history = run(undefined, [
      'a',
      { type: 'invoke', f: 'write', value: 1 },
      { type: 'invoke', f: 'write', value: 2 },
    ]);
    expect(history.invalid?.reason).toMatch(/in flight/);
    // The event that broke the rule ends the events, so the judges reject the history as the simulator's would.
    const view = { history: historyEvents(history) } as unknown as SystemView;
    expect(linearizable(registerModel()).holds(view)).toMatch(
      /breaks Jepsen's rules: .*invokes write while its write/,
    );
  });

  it("keeps failed and unknown operations in their client's order, and leaves failed ones out of the judged operations", () => {
    const history = run(
      undefined,
      ['a', { type: 'invoke', f: 'write', value: 1 }],
      ['a', { type: 'fail', value: null }],
      ['a', { type: 'invoke', f: 'write', value: 2 }],
      ['a', { type: 'info', value: null }],
      ['a', { type: 'invoke', f: 'read', value: null }],
    );
    expect(historyEvents(history).map((event) => `${event.type} ${event.f}`)).toEqual([
      'invoke write',
      'fail write',
      'invoke write',
      'info write',
      'invoke read',
    ]);
    expect(historyOperations(history).map((operation) => [operation.input, operation.status])).toEqual([
      [2, 'unknown'],
      [null, 'unknown'],
    ]);
  });

  it('makes linearizability an invariant of the checker, with a shortest counterexample: a stale read', () => {
    type Message = { readonly type: 'write'; readonly value: number } | { readonly type: 'read' };
    const server = nodeId('server');
    // A broken register: it acknowledges writes at once and applies them on a later message.
    const register = defineProtocol<{ value: number; pending: number | null }, Message | { type: 'apply' }>({
      name: 'lazy-register',
      init: () => ({ value: 0, pending: null }),
      onMessage(context, from, message) {
        if (message.type === 'write') {
          context.state.pending = message.value;
          context.send(from, { type: 'ack', value: 0 } as never);
          context.send(context.id, { type: 'apply' });
        } else if (message.type === 'apply') {
          context.state.value = context.state.pending ?? context.state.value;
        } else {
          context.send(from, { type: 'ack', value: context.state.value } as never);
        }
      },
    });
    const client = defineProtocol<{ step: number; operation: number }, { type: 'ack'; value: number }>({
      name: 'write-then-read',
      init: () => ({ step: 0, operation: 0 }),
      onBoot(context) {
        context.state.operation = context.invoke('write', 1);
        context.send(server, { type: 'write', value: 1 } as never);
      },
      onMessage(context, _from, message) {
        if (context.state.step === 0) {
          context.complete(context.state.operation, 'ok', null);
          context.state.operation = context.invoke('read', null);
          context.send(server, { type: 'read' } as never);
        } else if (context.state.step === 1) {
          context.complete(context.state.operation, 'ok', message.value);
        }
        context.state.step++;
      },
    });
    const result = check(
      actorModel({
        nodes: { server: register, client },
        properties: [
          linearizable(registerModel({ initial: 0 }), { name: 'linearizable' }),
          sequentiallyConsistent(registerModel({ initial: 0 }), { name: 'sequential' }),
        ],
      }),
    );
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('linearizable');
    // Write, ack, read, reply before the apply: four deliveries.
    expect(result.path?.actions.map((action) => action.type)).toEqual([
      'deliver',
      'deliver',
      'deliver',
      'deliver',
    ]);
  });
});
