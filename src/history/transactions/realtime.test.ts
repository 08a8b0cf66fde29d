import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL, DependencyGraph } from './graph.js';
import { addRealtimeEdges } from './realtime.js';
import type { Transaction } from './types.js';

/** Transactions from (client, length) pairs: each client runs one at a time, events interleaved. */
function interleave(steps: readonly { client: number; finish: boolean; fails: boolean }[]): Transaction[] {
  const txns: Transaction[] = [];
  const open = new Map<number, Transaction>();
  let index = 0;
  for (const { client, finish, fails } of steps) {
    const running = open.get(client);
    if (running !== undefined && finish) {
      txns[running.id] = { ...running, status: fails ? 'fail' : 'ok', completeIndex: index++ };
      open.delete(client);
    } else if (running === undefined) {
      const txn: Transaction = {
        id: txns.length,
        process: client,
        status: 'info',
        ops: [],
        invokeIndex: index++,
        completeIndex: Infinity,
      };
      txns.push(txn);
      open.set(client, txn);
    }
  }
  return txns;
}

function reachable(graph: DependencyGraph, from: number): Set<number> {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length > 0) {
    const v = stack.pop() as number;
    for (const e of graph.edgesFrom(v, ALL)) {
      const w = graph.edge(e).to;
      if (!seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen;
}

describe('real-time edges', () => {
  it('reach exactly the pairs where one committed transaction completed before the other was invoked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ client: fc.integer({ min: 0, max: 3 }), finish: fc.boolean(), fails: fc.boolean() }),
          {
            maxLength: 40,
          },
        ),
        (steps) => {
          const txns = interleave(steps);
          const graph = new DependencyGraph(txns.length);
          addRealtimeEdges(txns, graph);
          for (const a of txns) {
            const reach = reachable(graph, a.id);
            for (const b of txns) {
              const precedes = a.status === 'ok' && b.status !== 'fail' && a.completeIndex < b.invokeIndex;
              expect(reach.has(b.id)).toBe(precedes);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
