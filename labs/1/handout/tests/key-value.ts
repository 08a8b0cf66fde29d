/**
 * Lab 1's tests of the key-value server: a client runs set a=1, set b=22, get a, get b over a
 * faulty link, and (`fairlink check`) every interleaving of a shorter script. Written by the
 * course kit (`fairlink lab test` writes this file afresh before each run: edit protocol.ts only).
 *
 *   npx fairlink sim tests/key-value.ts --seeds 1..20 --param dropRate=0.3
 *   npx fairlink check tests/key-value.ts
 */
import { actorModel } from 'fairlink/check';
import { always, eventually, type SystemView } from 'fairlink/core';
import { defineScenario, exponential, oneOf, type TimedFault } from 'fairlink/sim';
import {
  keyValueClient,
  keyValueServer,
  type KeyValueClientState,
  type KeyValueOperation,
  type KeyValueServerState,
} from '../protocol.js';

/** The lab's script. */
const SCRIPT: readonly KeyValueOperation[] = [
  { f: 'put', key: 'a', value: 1 },
  { f: 'put', key: 'b', value: 22 },
  { f: 'get', key: 'a' },
  { f: 'get', key: 'b' },
];

/** What the script's operations must return, as `f key value` lines. */
const EXPECTED = ['put a 1', 'put b 22', 'get a 1', 'get b 22'];

function client(view: SystemView): KeyValueClientState | undefined {
  return view.state<KeyValueClientState>('client');
}

function results(view: SystemView): string[] {
  return (client(view)?.results ?? []).map(
    ({ operation, value }) => `${operation.f} ${operation.key} ${String(value)}`,
  );
}

/** The properties, for both engines, over the first `operations` operations of the script. */
function properties(operations: number) {
  return [
    always('every result is the expected one', (view) => {
      const got = results(view);
      const wrong = got.findIndex((line, index) => line !== EXPECTED[index]);
      return wrong < 0 || `operation ${wrong + 1} returned '${got[wrong]}', expected '${EXPECTED[wrong]}'`;
    }),
    always('exactly once: the server runs each request at most once', (view) => {
      // Requests sent so far: the finished ones and the one in progress.
      const sent = Math.min(operations, (client(view)?.next ?? 0) + 1);
      const executed = view.state<KeyValueServerState>('server')?.executed ?? 0;
      return executed <= sent || `the server ran ${executed} requests, the client sent ${sent}`;
    }),
    eventually(
      'the script completes, each request run exactly once',
      (view) =>
        results(view).length === operations &&
        view.state<KeyValueServerState>('server')?.executed === operations,
    ),
  ];
}

export default defineScenario({
  name: 'lab1-key-value',
  description: 'Lab 1: set a=1, set b=22, get a -> 1, get b -> 22 through a retransmitting client.',
  params: {
    dropRate: 0.01,
    duplicateRate: 0,
    delayMeanMs: 10,
    ordering: oneOf(['unordered', 'fifo']),
    resendMs: 50,
    durationMs: 10_000,
    /** The server is cut off from 0 ms for this long (0: never). */
    partitionMs: 0,
    /** For the model check: how many operations of the script to run. */
    operations: 2,
  },
  seeds: 20,
  build: (params) => {
    const faults: TimedFault[] =
      params.partitionMs > 0
        ? [
            {
              atMs: 0,
              fault: {
                kind: 'partition',
                shape: { kind: 'isolate', node: 'server' },
                forMs: params.partitionMs,
              },
            },
          ]
        : [];
    return {
      nodes: {
        server: keyValueServer,
        // In the `nodes` group (not `clients`): partitions cut among that group's nodes.
        client: keyValueClient({ server: 'server', script: SCRIPT, resendMs: params.resendMs }),
      },
      network: {
        drop: params.dropRate,
        duplicate: params.duplicateRate,
        ordering: params.ordering,
        delay: exponential(params.delayMeanMs),
      },
      faults,
      durationMs: params.durationMs,
      properties: properties(SCRIPT.length),
      stopWhen: (view) => results(view).length === SCRIPT.length,
    };
  },
  // Every interleaving on a network that may delay, lose, duplicate and reorder any message.
  model: (params) =>
    actorModel({
      nodes: {
        server: keyValueServer,
        client: keyValueClient({
          server: 'server',
          script: SCRIPT.slice(0, params.operations),
          resendMs: params.resendMs,
        }),
      },
      network: { semantics: 'unordered-duplicating' },
      properties: properties(params.operations),
    }),
});
