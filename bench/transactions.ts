/**
 * Benchmark of the transaction checker (`checkTransactions`, list-append) on generated histories
 * of 10,000 and 100,000 transactions: the cost should grow near-linearly, so the time per
 * transaction should stay about the same from one size to the other. Prints ONE JSON object.
 *
 * The histories are Jepsen-like: 10 clients, each with one transaction in flight, 1 to 4
 * micro-operations (appends and reads, half each) over 8 active keys; a key is retired after 32
 * appends and a fresh one takes its place (as Jepsen's list-append generator does), so lists
 * stay short. Each transaction takes effect atomically when it is invoked, against an in-memory
 * store: the history is strictly serializable, which is the checker's worst case (every search
 * runs and finds nothing). Timed: the whole check, real-time edges included (the default model,
 * strict-serializable); median of several runs after a warm-up.
 *
 *   npx tsx bench/transactions.ts            # BENCH_REPETITIONS=5
 */
import { loadavg } from 'node:os';
import { checkTransactions, type MicroOp, type Transaction } from '../src/history/index.js';

const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 5);
const CLIENTS = 10;
const ACTIVE_KEYS = 8;
const APPENDS_PER_KEY = 32;

/** A small deterministic generator (xorshift32), so every run checks the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` transactions by `CLIENTS` clients, with overlapping invocations and completions. With
 * `snapshot`, a transaction reads the store as it was at its invocation and its appends land at
 * its completion (a snapshot without first-committer-wins): lost updates, read and write skew,
 * and large strongly connected components.
 */
export function generateListAppendHistory(count: number, snapshot = false, seed = 1): Transaction[] {
  const next = random(seed);
  const store = new Map<number, number[]>();
  const appends = new Map<number, number>();
  const keys = Array.from({ length: ACTIVE_KEYS }, (_, i) => i);
  let nextKey = ACTIVE_KEYS;
  let nextValue = 1;
  let eventIndex = 0;
  const txns: Transaction[] = [];
  /** The transaction in flight of each client, completed at a random later step. */
  const inFlight: (Transaction | undefined)[] = new Array<Transaction | undefined>(CLIENTS);
  /** With `snapshot`, the appends of each client's transaction, applied when it completes. */
  const deferred: [number, number][][] = Array.from({ length: CLIENTS }, () => []);
  const complete = (client: number): void => {
    const txn = inFlight[client];
    if (txn === undefined) return;
    for (const [key, value] of deferred[client] ?? []) store.set(key, [...(store.get(key) ?? []), value]);
    deferred[client] = [];
    txns[txn.id] = { ...txn, completeIndex: eventIndex++ };
    inFlight[client] = undefined;
  };
  for (let id = 0; id < count; id++) {
    const client = Math.floor(next() * CLIENTS);
    complete(client);
    const ops: MicroOp[] = [];
    const length = 1 + Math.floor(next() * 4);
    /** The transaction's own view of the keys it touched (its snapshot, with `snapshot`). */
    const view = new Map<number, number[]>();
    for (let i = 0; i < length; i++) {
      const slot = Math.floor(next() * ACTIVE_KEYS);
      const key = keys[slot] as number;
      const list = view.get(key) ?? store.get(key) ?? [];
      if (next() < 0.5) {
        const value = nextValue++;
        if (snapshot) {
          view.set(key, [...list, value]);
          deferred[client]?.push([key, value]);
        } else store.set(key, [...list, value]);
        ops.push({ f: 'append', key, value });
        const made = (appends.get(key) ?? 0) + 1;
        appends.set(key, made);
        if (made >= APPENDS_PER_KEY) keys[slot] = nextKey++;
      } else ops.push({ f: 'r', key, value: [...list] });
    }
    const txn: Transaction = {
      id,
      process: client,
      status: 'ok',
      ops,
      invokeIndex: eventIndex++,
      completeIndex: Infinity,
    };
    txns.push(txn);
    inFlight[client] = txn;
  }
  for (let client = 0; client < CLIENTS; client++) complete(client);
  return txns;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function measure(count: number, snapshot = false): Record<string, unknown> {
  const history = generateListAppendHistory(count, snapshot);
  const first = checkTransactions(history, { workload: 'list-append' });
  const times: number[] = [];
  const cpu: number[] = [];
  const runs = count >= 100_000 ? Math.max(3, Math.ceil(repetitions / 2)) : repetitions;
  for (let i = 0; i < runs; i++) {
    const usage = process.cpuUsage();
    const started = performance.now();
    checkTransactions(history, { workload: 'list-append' });
    times.push(performance.now() - started);
    const spent = process.cpuUsage(usage);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const ms = median(times);
  process.stderr.write(`transactions: ${count} checked in ${ms.toFixed(0)} ms\n`);
  return {
    transactions: count,
    verdict: first.verdict,
    anomalies: first.counts,
    edges: first.edges,
    medianMs: round(ms, 1),
    cpuMs: round(median(cpu), 1),
    microsecondsPerTransaction: round((ms * 1000) / count, 2),
    runs,
  };
}

const small = measure(10_000);
const large = measure(100_000);
const broken = measure(100_000, true);
const perTxn = (entry: Record<string, unknown>): number => entry['microsecondsPerTransaction'] as number;
process.stdout.write(
  `${JSON.stringify({
    workload: 'list-append, strict-serializable (real-time edges on)',
    '10000': small,
    '100000': large,
    growth: {
      note: 'time per transaction at 100,000 over time per transaction at 10,000: 1 is linear',
      ratio: round(perTxn(large) / perTxn(small), 2),
      cpuRatio: round((large['cpuMs'] as number) / 10 / (small['cpuMs'] as number), 2),
    },
    loadAverage1Minute: round(loadavg()[0] ?? 0, 2),
    '100000 snapshot': {
      note: 'reads from a snapshot taken at invocation, appends applied at completion: anomalies everywhere',
      ...broken,
    },
    valid: small['verdict'] === 'valid' && large['verdict'] === 'valid' && broken['verdict'] === 'invalid',
  })}\n`,
);
