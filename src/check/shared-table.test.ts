import fc from 'fast-check';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SharedStateTable } from './shared-table.js';
import { NO_PARENT } from './state-table.js';

/** Inserts pairs into a table, growing it when the workers would stop for growth. */
function insertAll(pairs: readonly (readonly [number, number])[]): {
  table: SharedStateTable;
  ids: Map<string, number>;
} {
  let table = SharedStateTable.create();
  const ids = new Map<string, number>();
  let wrong = 0;
  pairs.forEach(([high, low], i) => {
    if (table.full) table = table.grown();
    // Each pair is its own level, so a fingerprint found again keeps its first parent (within one
    // level the table keeps the parent with the least fingerprint: pinned by its own test below).
    table.startLevel(i + 1);
    const id = table.insert(high, low, i - 1);
    // A lane of 0 is stored as 1 (0 marks empty slots): the table does not tell them apart.
    const key = `${high || 1}:${low || 1}`;
    if (ids.has(key)) {
      if (id !== -1) wrong++;
    } else {
      if (id < 0) wrong++;
      ids.set(key, id);
    }
  });
  expect(wrong).toBe(0);
  return { table, ids };
}

describe('SharedStateTable', () => {
  it('behaves as a set of 64-bit fingerprints with parent records, through growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer(), fc.integer({ min: -3, max: 3 })), { maxLength: 2000 }),
        (pairs) => {
          const { table, ids } = insertAll(pairs);
          expect(table.inserted).toBe(ids.size);
          expect(new Set(ids.values()).size).toBe(ids.size); // ids are unique
          for (const [key, id] of ids) {
            const [high = 0, low = 0] = key.split(':').map(Number);
            expect(table.has(high, low)).toBe(true);
            const first = pairs.findIndex(([h, l]) => (h || 1) === high && (l || 1) === low);
            expect(table.parentOf(id)).toBe(first - 1);
            expect([table.highOf(id), table.lowOf(id)]).toEqual([high, low]);
          }
        },
      ),
      // The example was a failure seen once: a later, larger-fingerprinted parent replaced the first.
      {
        numRuns: 40,
        examples: [
          [
            [
              [-1, 0],
              [13, 0],
              [13, 0],
            ],
          ],
        ],
      },
    );
  });

  it('grows past its first capacity (65,536 slots) without losing a state', () => {
    const pairs = Array.from({ length: 150_000 }, (_, i) => [i * 7919, i % 13] as const);
    const { table, ids } = insertAll([...pairs, ...pairs]);
    expect(ids.size).toBe(150_000);
    expect(table.inserted).toBe(150_000);
    expect(pairs.every(([high, low]) => table.has(high, low))).toBe(true);
    expect(table.has(-1, -1)).toBe(false);
  });

  it('rebuilds paths from the parent records, as fingerprints', () => {
    const table = SharedStateTable.create();
    const root = table.insert(1, 1, NO_PARENT);
    const child = table.insert(2, 2, root);
    const grandchild = table.insert(3, 3, child);
    expect(table.fingerprintsTo(grandchild)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('keeps, for a state of the level being built, the parent with the least fingerprint', () => {
    const table = SharedStateTable.create();
    const big = table.insert(9, 0, NO_PARENT);
    const bigger = table.insert(-5, 1, NO_PARENT); // lanes compare as unsigned: above 9
    const least = table.insert(2, 7, NO_PARENT);
    table.startLevel(2);
    const child = table.insert(40, 40, big);
    expect(table.insert(40, 40, bigger)).toBe(-1);
    expect(table.parentOf(child)).toBe(big);
    expect(table.insert(40, 40, least)).toBe(-1);
    expect(table.parentOf(child)).toBe(least);
    expect(table.insert(40, 40, big)).toBe(-1);
    expect(table.parentOf(child)).toBe(least);
    // A state of an earlier level keeps its parent.
    table.startLevel(3);
    const old = table.insert(41, 41, big);
    table.startLevel(4);
    expect(table.insert(41, 41, least)).toBe(-1);
    expect(table.parentOf(old)).toBe(big);
  });

  it('inserts each fingerprint exactly once when threads race on the same ones', async () => {
    const table = SharedStateTable.create(600_000);
    const count = 300_000;
    // Both threads wait for each other before inserting: their start-up times differ.
    const gate = new Int32Array(new SharedArrayBuffer(4));
    // Both threads insert the same fingerprints, in opposite orders, at the same time.
    const run = (reverse: boolean): Promise<Int32Array> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(raceWorker)}`), {
          workerData: {
            buffers: table.buffers,
            gate,
            count,
            reverse,
            module: new URL('./shared-table.ts', import.meta.url).href,
            tsx: tsxApi(),
          },
        });
        worker.once('message', (ids: Int32Array) => resolve(ids));
        worker.once('error', reject);
      });
    const [forward, backward] = await Promise.all([run(false), run(true)]);
    let won = 0;
    let wrong = 0;
    for (let i = 0; i < count; i++) {
      const a = forward[i] ?? -1;
      const b = backward[i] ?? -1;
      // Exactly one of the two threads inserted fingerprint i, and the table holds it.
      if ((a >= 0 ? 1 : 0) + (b >= 0 ? 1 : 0) !== 1 || !table.has(i, ~i)) wrong++;
      if (a >= 0) won++;
    }
    expect(wrong).toBe(0);
    // The two threads never handed out the same id.
    const ids = [...forward, ...backward].filter((id) => id >= 0);
    expect(new Set(ids).size).toBe(count);
    // Both threads did some of the inserting (the race happened).
    expect(won).toBeGreaterThan(0);
    expect(won).toBeLessThan(count);
  });
});

/** The URL of tsx's ESM API, for a worker that imports TypeScript. */
function tsxApi(): string {
  return new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx'))).href;
}

/** A thread that inserts fingerprints (i, ~i) and reports, per i, the id it got or -1. */
const raceWorker = `
import { workerData, parentPort } from 'node:worker_threads';
const { register } = await import(workerData.tsx);
register();
const { SharedStateTable } = await import(workerData.module);
const table = new SharedStateTable(workerData.buffers);
const gate = workerData.gate;
Atomics.add(gate, 0, 1);
Atomics.notify(gate, 0);
while (Atomics.load(gate, 0) < 2) Atomics.wait(gate, 0, 1, 10);
const ids = new Int32Array(workerData.count);
for (let k = 0; k < workerData.count; k++) {
  const i = workerData.reverse ? workerData.count - 1 - k : k;
  ids[i] = table.insert(i, ~i, -1);
}
parentPort.postMessage(ids);
`;
