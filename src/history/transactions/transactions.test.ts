import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../formats/index.js';
import { violatedModels, type AnomalyType } from './anomalies.js';
import { checkTransactions, type TransactionCheckResult } from './check.js';
import { drawCycleAscii, drawCycleSvg } from './explain.js';
import { concurrentTxns, executeSerially, serialTxns, type PlannedTxn } from './testing.js';
import type { MicroOp, Transaction } from './types.js';

const listAppend = (
  txns: readonly Transaction[],
  models?: Parameters<typeof checkTransactions>[1]['consistencyModels'],
): TransactionCheckResult =>
  checkTransactions(txns, {
    workload: 'list-append',
    ...(models === undefined ? {} : { consistencyModels: models }),
  });

describe('list-append: one hand-built history per anomaly', () => {
  const cases: {
    name: AnomalyType;
    txns: Transaction[];
    not: string[];
  }[] = [
    {
      // x's order says T0 before T1, y's says T1 before T0.
      name: 'G0',
      txns: concurrentTxns(
        {
          ops: [
            ['append', 'x', 1],
            ['append', 'y', 2],
          ],
        },
        {
          ops: [
            ['append', 'x', 2],
            ['append', 'y', 1],
          ],
        },
        {
          ops: [
            ['r', 'x', [1, 2]],
            ['r', 'y', [1, 2]],
          ],
        },
      ),
      not: ['read-uncommitted'],
    },
    {
      name: 'G1a',
      txns: concurrentTxns({ ops: [['append', 'x', 1]], status: 'fail' }, { ops: [['r', 'x', [1]]] }),
      not: ['read-committed'],
    },
    {
      name: 'G1b',
      txns: concurrentTxns(
        {
          ops: [
            ['append', 'x', 1],
            ['append', 'x', 2],
          ],
        },
        { ops: [['r', 'x', [1]]] },
      ),
      not: ['read-committed'],
    },
    {
      // Each saw the other's write: a cycle of write-read edges.
      name: 'G1c',
      txns: concurrentTxns(
        {
          ops: [
            ['append', 'x', 1],
            ['r', 'y', [1]],
          ],
        },
        {
          ops: [
            ['append', 'y', 1],
            ['r', 'x', [1]],
          ],
        },
      ),
      not: ['read-committed'],
    },
    {
      // T0 saw T1's y but not its x.
      name: 'G-single',
      txns: concurrentTxns(
        {
          ops: [
            ['r', 'x', []],
            ['r', 'y', [1]],
          ],
        },
        {
          ops: [
            ['append', 'x', 1],
            ['append', 'y', 1],
          ],
        },
        { ops: [['r', 'x', [1]]] },
      ),
      not: ['repeatable-read', 'snapshot-isolation'],
    },
    {
      // Write skew: each read both keys empty and wrote one.
      name: 'G2-item',
      txns: concurrentTxns(
        {
          ops: [
            ['r', 'x', []],
            ['r', 'y', []],
            ['append', 'x', 1],
          ],
        },
        {
          ops: [
            ['r', 'x', []],
            ['r', 'y', []],
            ['append', 'y', 1],
          ],
        },
        {
          ops: [
            ['r', 'x', [1]],
            ['r', 'y', [1]],
          ],
        },
      ),
      not: ['repeatable-read'],
    },
    {
      name: 'lost-update',
      txns: concurrentTxns(
        {
          ops: [
            ['r', 'x', []],
            ['append', 'x', 1],
          ],
        },
        {
          ops: [
            ['r', 'x', []],
            ['append', 'x', 2],
          ],
        },
        { ops: [['r', 'x', [1, 2]]] },
      ),
      not: ['cursor-stability'],
    },
    {
      name: 'internal',
      txns: concurrentTxns({
        ops: [
          ['append', 'x', 1],
          ['r', 'x', []],
        ],
      }),
      not: ['read-uncommitted'],
    },
    {
      name: 'incompatible-order',
      txns: concurrentTxns(
        { ops: [['append', 'x', 1]] },
        { ops: [['append', 'x', 2]] },
        { ops: [['r', 'x', [1, 2]]] },
        { ops: [['r', 'x', [2]]] },
      ),
      not: ['read-uncommitted'],
    },
    {
      name: 'duplicate-elements',
      txns: concurrentTxns({ ops: [['append', 'x', 1]] }, { ops: [['r', 'x', [1, 1]]] }),
      not: ['read-uncommitted'],
    },
  ];
  for (const { name, txns, not } of cases) {
    it(`finds ${name} and names the weakest model it violates`, () => {
      const result = listAppend(txns);
      expect(result.verdict).toBe('invalid');
      expect(result.anomalyTypes).toContain(name);
      expect(violatedModels([name]).not).toEqual(not);
      expect(result.not).toEqual(not);
    });
  }

  it('explains a cycle in words and draws it', () => {
    const result = listAppend(cases.find((c) => c.name === 'G-single')?.txns ?? []);
    const [anomaly] = result.anomalies['G-single'] ?? [];
    expect(anomaly?.cycle?.map((step) => step.kind).sort()).toEqual(['rw', 'wr']);
    const texts = anomaly?.cycle?.map((step) => step.text) ?? [];
    expect(texts).toContain('T0 read key y ending in 1, which T1 appended (wr)');
    expect(texts).toContain(
      'T0 read key x empty, and T1 appended the next element, 1, which T0 did not see (rw)',
    );
    const ascii = drawCycleAscii(anomaly?.cycle ?? []);
    expect(ascii[0]).toMatch(/^T\d -(rw|wr)-> T\d -(rw|wr)-\+$/);
    expect(drawCycleSvg(anomaly?.cycle ?? [])).toContain('<svg');
  });

  it('a stale read is fine for serializable but a G-single-realtime for strict serializability', () => {
    // T0 appends and completes; T1, invoked after, still reads x empty.
    const txns = serialTxns(
      { ops: [['append', 'x', 1]] },
      { ops: [['r', 'x', []]] },
      { ops: [['r', 'x', [1]]] },
    );
    expect(listAppend(txns, ['serializable']).verdict).toBe('valid');
    const strict = listAppend(txns, ['strict-serializable']);
    expect(strict.verdict).toBe('invalid');
    expect(strict.anomalyTypes).toEqual(['G-single-realtime']);
    expect(strict.not).toEqual(['strict-serializable']);
  });

  it('a client that misses its own write: fine for serializable, G-single-process for strong session models', () => {
    // T0 and T1 ran on client 0, in that order; T1 did not see T0's append.
    const txns = serialTxns(
      { ops: [['append', 'x', 1]] },
      { ops: [['r', 'x', []]] },
      { ops: [['r', 'x', [1]]], process: 1 },
    );
    expect(listAppend(txns, ['serializable']).verdict).toBe('valid');
    const session = listAppend(txns, ['strong-session-snapshot-isolation']);
    expect(session.anomalyTypes).toEqual(['G-single-process']);
    expect(session.not).toEqual(['strong-session-snapshot-isolation']);
    expect(session.anomalies['G-single-process']?.[0]?.cycle?.map((step) => step.kind).sort()).toEqual([
      'process',
      'rw',
    ]);
  });

  it('judges against the models asked: write skew is allowed by snapshot isolation', () => {
    const skew = concurrentTxns(
      {
        ops: [
          ['r', 'x', []],
          ['r', 'y', []],
          ['append', 'x', 1],
        ],
      },
      {
        ops: [
          ['r', 'x', []],
          ['r', 'y', []],
          ['append', 'y', 1],
        ],
      },
      {
        ops: [
          ['r', 'x', [1]],
          ['r', 'y', [1]],
        ],
      },
    );
    expect(listAppend(skew, ['snapshot-isolation']).verdict).toBe('valid');
    expect(listAppend(skew, ['serializable']).verdict).toBe('invalid');
  });

  it('reads Jepsen EDN histories of :txn operations', () => {
    const text = [
      '{:type :invoke, :f :txn, :value [[:append 1 1] [:r 2 nil]], :process 0, :time 1}',
      '{:type :invoke, :f :txn, :value [[:append 2 1] [:r 1 nil]], :process 1, :time 2}',
      '{:type :ok, :f :txn, :value [[:append 1 1] [:r 2 [1]]], :process 0, :time 3}',
      '{:type :ok, :f :txn, :value [[:append 2 1] [:r 1 [1]]], :process 1, :time 4}',
    ].join('\n');
    const result = checkTransactions(parseHistory(text, undefined, 'h.edn'), { workload: 'list-append' });
    expect(result.anomalyTypes).toEqual(['G1c']);
    expect(result.committed).toBe(2);
  });

  it('takes what a transaction saw of the others from its reads, without its own appends', () => {
    // T0 saw x empty and read its own 1 on top; its 1 landed after T1's 2. Not an incompatible
    // order (a snapshot with its own writes on top), but T0 missed T1's append: G-single.
    const result = listAppend(
      concurrentTxns(
        {
          ops: [
            ['append', 'x', 1],
            ['r', 'x', [1]],
          ],
        },
        { ops: [['append', 'x', 2]] },
        { ops: [['r', 'x', [2, 1]]] },
      ),
    );
    expect(result.anomalyTypes).toEqual(['G-single']);
  });

  it('reads JSON Lines histories whose values are transactions', () => {
    const text = [
      '{"process": 0, "type": "invoke", "f": "txn", "value": [["append", "x", 1], ["r", "x", null]]}',
      '{"process": 0, "type": "ok", "f": "txn", "value": [["append", "x", 1], ["r", "x", [1]]]}',
      '{"process": 1, "type": "invoke", "f": "txn", "value": [["r", "x", null]]}',
      '{"process": 1, "type": "ok", "f": "txn", "value": [["r", "x", []]]}',
      '{"process": 2, "type": "invoke", "f": "txn", "value": [["r", "x", null]]}',
      '{"process": 2, "type": "ok", "f": "txn", "value": [["r", "x", [1]]]}',
    ].join('\n');
    const result = checkTransactions(parseHistory(text, 'jsonl', 'h.jsonl'), { workload: 'list-append' });
    expect(result.anomalyTypes).toEqual(['G-single-realtime']);
  });

  it('refuses an element appended twice to one key, naming the transactions', () => {
    expect(() =>
      listAppend(concurrentTxns({ ops: [['append', 'x', 1]] }, { ops: [['append', 'x', 1]] })),
    ).toThrow(/T1 writes 1 to key x, as T0 did/);
  });
});

describe('rw-register', () => {
  const register = (txns: readonly Transaction[]): TransactionCheckResult =>
    checkTransactions(txns, { workload: 'rw-register' });

  it('finds G1c from unique writes', () => {
    const result = register(
      concurrentTxns(
        {
          ops: [
            ['w', 'x', 1],
            ['r', 'y', 1],
          ],
        },
        {
          ops: [
            ['w', 'y', 1],
            ['r', 'x', 1],
          ],
        },
      ),
    );
    expect(result.anomalyTypes).toEqual(['G1c']);
  });

  it('finds a lost update from two read-then-write transactions', () => {
    const result = register(
      concurrentTxns(
        {
          ops: [
            ['r', 'x', null],
            ['w', 'x', 1],
          ],
        },
        {
          ops: [
            ['r', 'x', null],
            ['w', 'x', 2],
          ],
        },
      ),
    );
    expect(result.anomalyTypes).toContain('lost-update');
    expect(result.anomalyTypes).toContain('G2-item');
  });

  it('finds G1a, G1b and internal', () => {
    expect(
      register(concurrentTxns({ ops: [['w', 'x', 1]], status: 'fail' }, { ops: [['r', 'x', 1]] }))
        .anomalyTypes,
    ).toEqual(['G1a']);
    expect(
      register(
        concurrentTxns(
          {
            ops: [
              ['w', 'x', 1],
              ['w', 'x', 2],
            ],
          },
          { ops: [['r', 'x', 1]] },
        ),
      ).anomalyTypes,
    ).toEqual(['G1b']);
    expect(
      register(
        concurrentTxns(
          {
            ops: [
              ['w', 'x', 1],
              ['r', 'x', 2],
            ],
          },
          { ops: [['w', 'x', 2]] },
        ),
      ).anomalyTypes,
    ).toContain('internal');
  });

  it('with sequential keys, finds G0 from the order in which each client saw the values', () => {
    // Client 0 saw x go 1 then 2; client 1 saw y go 2 then 1.
    const txns = serialTxns(
      {
        ops: [
          ['w', 'x', 1],
          ['w', 'y', 1],
        ],
        process: 0,
      },
      {
        ops: [
          ['w', 'x', 2],
          ['w', 'y', 2],
        ],
        process: 1,
      },
      { ops: [['r', 'x', 2]], process: 0 },
      { ops: [['r', 'y', 1]], process: 1 },
    );
    expect(register(txns).anomalyTypes).not.toContain('G0');
    const sequential = checkTransactions(txns, { workload: 'rw-register', sequentialKeys: true });
    expect(sequential.anomalyTypes).toContain('G0');
    expect(sequential.not).toEqual(['read-uncommitted']);
  });

  it('passes a serial history', () => {
    const result = register(
      serialTxns(
        {
          ops: [
            ['r', 'x', null],
            ['w', 'x', 1],
          ],
        },
        {
          ops: [
            ['r', 'x', 1],
            ['w', 'x', 2],
          ],
        },
        { ops: [['r', 'x', 2]] },
      ),
    );
    expect(result.verdict).toBe('valid');
  });
});

const plannedTxn: fc.Arbitrary<PlannedTxn> = fc.record({
  ops: fc.array(
    fc.record({ f: fc.constantFrom('append' as const, 'r' as const), key: fc.integer({ min: 0, max: 2 }) }),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
  status: fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'fail' as const, 'info' as const),
  applied: fc.boolean(),
});

describe('properties', () => {
  it('serial histories are always valid under strict serializability', () => {
    fc.assert(
      fc.property(fc.array(plannedTxn, { minLength: 1, maxLength: 15 }), (plans) => {
        const result = listAppend(executeSerially(plans), ['strict-serializable']);
        expect(result.anomalyTypes).toEqual([]);
        expect(result.verdict).toBe('valid');
      }),
      { numRuns: 300 },
    );
  });

  it('serial rw-register histories are always valid under strict serializability', () => {
    fc.assert(
      fc.property(fc.array(plannedTxn, { minLength: 1, maxLength: 15 }), (plans) => {
        const result = checkTransactions(executeSerially(plans, true), {
          workload: 'rw-register',
          sequentialKeys: true,
        });
        expect(result.anomalyTypes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  /** Micro-operations on fresh keys p, q, r that plant a cycle of each kind between two transactions. */
  const plants: Record<
    'G0' | 'G1c' | 'G-single' | 'G2-item',
    { first: MicroOp[]; second: MicroOp[]; reads: MicroOp[] }
  > = {
    G0: {
      first: [
        { f: 'append', key: 'p', value: 1 },
        { f: 'append', key: 'q', value: 2 },
      ],
      second: [
        { f: 'append', key: 'p', value: 2 },
        { f: 'append', key: 'q', value: 1 },
      ],
      reads: [
        { f: 'r', key: 'p', value: [1, 2] },
        { f: 'r', key: 'q', value: [1, 2] },
      ],
    },
    G1c: {
      first: [
        { f: 'append', key: 'p', value: 1 },
        { f: 'r', key: 'q', value: [1] },
      ],
      second: [
        { f: 'append', key: 'q', value: 1 },
        { f: 'r', key: 'p', value: [1] },
      ],
      reads: [],
    },
    'G-single': {
      first: [
        { f: 'r', key: 'q', value: [1] },
        { f: 'r', key: 'r', value: [] },
      ],
      second: [
        { f: 'append', key: 'q', value: 1 },
        { f: 'append', key: 'r', value: 1 },
      ],
      reads: [{ f: 'r', key: 'r', value: [1] }],
    },
    'G2-item': {
      first: [
        { f: 'r', key: 'p', value: [] },
        { f: 'r', key: 'q', value: [] },
        { f: 'append', key: 'p', value: 1 },
      ],
      second: [
        { f: 'r', key: 'p', value: [] },
        { f: 'r', key: 'q', value: [] },
        { f: 'append', key: 'q', value: 1 },
      ],
      reads: [
        { f: 'r', key: 'p', value: [1] },
        { f: 'r', key: 'q', value: [1] },
      ],
    },
  };

  it('a cycle planted in a serial history is always found', () => {
    const committed = fc.array(
      plannedTxn.map((plan) => ({ ...plan, status: 'ok' as const })),
      { minLength: 2, maxLength: 12 },
    );
    fc.assert(
      fc.property(
        committed,
        fc.constantFrom(...(Object.keys(plants) as (keyof typeof plants)[])),
        fc.nat(),
        fc.nat(),
        (plans, kind, a, b) => {
          const txns = executeSerially(plans);
          const i = a % txns.length;
          const j = (i + 1 + (b % (txns.length - 1))) % txns.length;
          const plant = plants[kind];
          const with_ = (txn: Transaction, extra: MicroOp[]): Transaction => ({
            ...txn,
            ops: [...txn.ops, ...extra],
          });
          const planted = txns.map((txn) =>
            txn.id === i ? with_(txn, plant.first) : txn.id === j ? with_(txn, plant.second) : txn,
          );
          const n = planted.length;
          planted.push({
            id: n,
            process: 9,
            status: 'ok',
            ops: plant.reads,
            invokeIndex: 2 * n,
            completeIndex: 2 * n + 1,
          });
          const result = listAppend(planted, ['serializable']);
          expect(result.verdict).toBe('invalid');
          // A write skew among serial edges may close through them with a single anti-dependency.
          const accepted = kind === 'G2-item' ? ['G2-item', 'G-single'] : [kind];
          expect(result.anomalyTypes.some((type) => accepted.includes(type))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
