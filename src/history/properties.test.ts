import { describe, expect, it } from 'vitest';
import type { NodeId } from '../core/index.js';
import type { ClientEvent, SystemView } from '../core/index.js';
import { checkLinearizability } from './linearizability/check.js';
import { keyValueModel } from './models/key-value.js';
import { registerModel } from './models/register.js';
import { always } from '../core/index.js';
import { checkHistoryProperty, linearizable, sequentiallyConsistent } from './properties.js';
import { pairOperations } from './types.js';
import { historyFromSimulation } from './workloads/history.js';

/** A view that has only a history: all the property reads. */
function viewOf(history: readonly ClientEvent[]): SystemView {
  return { history } as unknown as SystemView;
}

function event(
  time: number,
  process: string,
  type: ClientEvent['type'],
  operation: number,
  f: string,
  value: unknown,
): ClientEvent {
  return { time, process: process as NodeId, type, operation, f, value };
}

describe('linearizable (an always property judged at the end of a run)', () => {
  it('names the operations that cannot be ordered (culprits), by operation id', () => {
    const history = [
      event(0, 'c1', 'invoke', 7, 'write', 1),
      event(5, 'c1', 'ok', 7, 'write', 1),
      event(6, 'c2', 'invoke', 9, 'read', null),
      event(9, 'c2', 'ok', 9, 'read', null),
    ];
    const property = linearizable(registerModel());
    expect(property.culprits?.(viewOf(history))).toEqual([9]);
    // A linearizable history has none.
    expect(property.culprits?.(viewOf(history.slice(0, 2)))).toEqual([]);
  });

  it('orders events at the same virtual instant as the run executed them', () => {
    // c1's write of 1 completes at 5 ms; c2's read starts at that same instant, after it in the run, and reads null.
    const history = [
      event(0, 'c1', 'invoke', 1, 'write', 1),
      event(5, 'c1', 'ok', 1, 'write', 1),
      event(5, 'c2', 'invoke', 2, 'read', null),
      event(9, 'c2', 'ok', 2, 'read', null),
    ];
    const verdict = linearizable(registerModel()).holds(viewOf(history));
    expect(verdict).toBe(
      'not linearizable (2 operations, 1 partition(s)): after 1 operation(s) ending c1 write(1) -> 1 [0 ms to 5 ms], ' +
        'in state 1, no operation can come next: c2 read() -> null [5 ms to 9 ms] (illegal there)',
    );
    // By virtual times alone the two touch at 5 ms and count as concurrent: the read could come first.
    const timed = pairOperations(historyFromSimulation(history));
    expect(checkLinearizability(timed.operations, registerModel()).verdict).toBe('linearizable');
  });

  it('names the key, and says when an outcome is unknown', () => {
    const history = [
      event(0, 'c1', 'invoke', 1, 'put', { key: 'x', value: 'a' }),
      event(3, 'c1', 'ok', 1, 'put', { key: 'x', value: 'a' }),
      event(4, 'c1', 'invoke', 2, 'put', { key: 'x', value: 'b' }),
      event(900, 'c1', 'info', 2, 'put', { key: 'x', value: 'b' }),
      event(901, 'c2', 'invoke', 3, 'get', { key: 'x', value: null }),
      event(1_250, 'c2', 'ok', 3, 'get', { key: 'x', value: 'c' }),
      event(1_300, 'c2', 'invoke', 4, 'get', { key: 'y', value: null }),
      event(1_310, 'c2', 'ok', 4, 'get', { key: 'y', value: '' }),
    ];
    const verdict = linearizable(() => keyValueModel({ initial: '' }), { contextOperations: 1 }).holds(
      viewOf(history),
    );
    expect(verdict).toMatch(
      /^not linearizable \(4 operations, 2 partition\(s\)\): key "x": after \d operation\(s\) ending /,
    );
    expect(verdict).toMatch(
      /no operation can come next: c2 get\("x"\) -> "c" \[901 ms to 1.25 s\] \(illegal there\)$/,
    );
    // One operation of context, whichever the search placed last.
    expect(String(verdict).match(/\[/g)?.length).toBe(2);
    const accepted = history.slice(0, 4);
    expect(linearizable(() => keyValueModel({ initial: '' })).holds(viewOf(accepted))).toBe(true);
  });

  it('builds a fresh model from a factory for every run, and names itself after the model', () => {
    let built = 0;
    const property = linearizable(() => {
      built++;
      return keyValueModel();
    });
    expect(property.name).toBe('linearizable (kv)');
    property.holds(viewOf([]));
    property.holds(viewOf([]));
    expect(built).toBe(3);
    expect(linearizable(registerModel(), { name: 'reads see writes' }).name).toBe('reads see writes');
  });
});

describe('checkHistoryProperty (the result a history page draws)', () => {
  const stale = [
    event(0, 'c1', 'invoke', 1, 'write', 1),
    event(5, 'c1', 'ok', 1, 'write', 1),
    event(5, 'c2', 'invoke', 2, 'read', null),
    event(9, 'c2', 'ok', 2, 'read', null),
  ];

  it('checks as the property judged: the run’s order, the same operations placed and blocked', () => {
    const property = linearizable(registerModel());
    const result = checkHistoryProperty(property, historyFromSimulation(stale));
    expect(result?.verdict).toBe('not-linearizable');
    const explanation = result !== undefined && 'partitions' in result ? result.explanation?.[0] : undefined;
    expect(explanation?.linearized.map((op) => op.id)).toEqual([0]);
    expect(explanation?.blocked.map((entry) => [entry.operation.id, entry.reason])).toEqual([[1, 'illegal']]);
    // The property's own verdict names the same blocked read.
    expect(property.holds(viewOf(stale))).toMatch(/no operation can come next: c2 read\(\) -> null/);
  });

  it('gives the sequential checker’s result for sequentiallyConsistent, and nothing for other properties', () => {
    const sequential = checkHistoryProperty(
      sequentiallyConsistent(registerModel()),
      historyFromSimulation(stale),
    );
    expect(sequential?.verdict).toBe('sequentially-consistent');
    expect(
      checkHistoryProperty(
        always('x', () => true),
        historyFromSimulation(stale),
      ),
    ).toBeUndefined();
    const broken = [event(0, 'c1', 'ok', 1, 'read', null)];
    expect(
      checkHistoryProperty(linearizable(registerModel()), historyFromSimulation(broken)),
    ).toBeUndefined();
  });
});
