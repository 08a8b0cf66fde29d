/**
 * Lab 1's reliable key-value server: set a=1, set b=22, then get a -> 1 and get b -> 22, over a
 * link that loses 1% of the copies with 10 ms mean delay.
 *
 * The client sends one request at a time and retransmits it until the reply arrives; the server
 * runs each request once and answers every copy from its record of the last reply per client.
 *
 * What to look for: the history (`invoke` / `ok` per operation: `put [a 1]`, `put [b 22]`,
 * `get [a 1]`, `get [b 22]`); with `dropRate` raised, retransmitted requests in the trace that the
 * server answers without running them again.
 *
 * Run it: `fairlink sim examples/lab1-kv.ts --seeds 1..200`.
 */
import { defineScenario, eventually, exponential, invariant, type SystemView } from 'fairlink/sim';
import {
  keyValueClient,
  keyValueServer,
  type KeyValueClientState,
  type KeyValueOperation,
} from 'fairlink/protocols';

/** The lab's script. */
export const LAB1_SCRIPT: readonly KeyValueOperation[] = [
  { f: 'put', key: 'a', value: 1 },
  { f: 'put', key: 'b', value: 22 },
  { f: 'get', key: 'a' },
  { f: 'get', key: 'b' },
];

/** The client's results as `f key value` lines, such as `get a 1`. */
function results(view: SystemView): string[] {
  return (view.state<KeyValueClientState>('client')?.results ?? []).map(
    ({ operation, value }) => `${operation.f} ${operation.key} ${String(value)}`,
  );
}

export default defineScenario({
  name: 'lab1-kv',
  description:
    'A key-value server and a retransmitting client: set a=1, set b=22, get a -> 1, get b -> 22 under 1% loss.',
  params: { dropRate: 0.01, delayMeanMs: 10, resendMs: 50, durationMs: 10_000 },
  seeds: 200,
  build: (params) => ({
    nodes: {
      server: keyValueServer,
      client: {
        protocol: keyValueClient({ server: 'server', script: LAB1_SCRIPT, resendMs: params.resendMs }),
        group: 'clients',
      },
    },
    network: { drop: params.dropRate, delay: exponential(params.delayMeanMs) },
    durationMs: params.durationMs,
    properties: [
      // One client, one operation at a time: every read returns the last value written to its key.
      invariant('reads return the last write', (view) => {
        const written = new Map<string, unknown>();
        for (const { operation, value } of view.state<KeyValueClientState>('client')?.results ?? []) {
          if (operation.f === 'put') written.set(operation.key, operation.value);
          else if (value !== (written.get(operation.key) ?? null))
            return `get ${operation.key} returned ${String(value)}`;
        }
        return true;
      }),
      eventually(
        'the script completes: get a -> 1, get b -> 22',
        (view) => results(view).join(', ') === 'put a 1, put b 22, get a 1, get b 22',
      ),
    ],
    stopWhen: (view) => results(view).length === LAB1_SCRIPT.length,
  }),
});
