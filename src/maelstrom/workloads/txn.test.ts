import { describe, expect, it } from 'vitest';
import { consistencyModels } from '../../history/index.js';
import { randomStream } from '../../sim/index.js';
import { CONSISTENCY_MODELS } from '../consistency-models.js';
import { RunHistory } from '../run-history.js';
import { createWorkload } from './index.js';
import { readCompletedTxn, TransactionGenerator, type MicroOperation } from './txn.js';
import { isBadReply } from './workload.js';

describe('the transaction generator (Elle’s)', () => {
  const draw = (count: number, options = { keyCount: 3, maxTxnLength: 4, maxWritesPerKey: 5 }) => {
    const generator = new TransactionGenerator(randomStream(7, 'workload'), 'append', options);
    return Array.from({ length: count }, () => generator.next());
  };

  it('writes each value once per key, 1, 2, 3 … and at most maxWritesPerKey to a key', () => {
    const txns = draw(500);
    const written = new Map<number, number[]>();
    for (const op of txns.flat()) {
      if (op[0] !== 'append') continue;
      written.set(op[1], [...(written.get(op[1]) ?? []), op[2] as number]);
    }
    for (const values of written.values()) {
      expect(values).toEqual(values.map((_, index) => index + 1));
      expect(values.length).toBeLessThanOrEqual(5);
    }
    // Keys retire and fresh ones take their place.
    expect(written.size).toBeGreaterThan(3);
  });

  it('makes transactions of 1 to maxTxnLength micro-operations on keyCount keys at a time', () => {
    const txns = draw(300);
    const lengths = new Set(txns.map((txn) => txn.length));
    expect([...lengths].sort()).toEqual([1, 2, 3, 4]);
    for (const txn of txns) for (const op of txn) expect(['r', 'append']).toContain(op[0]);
    // Reads ask with null.
    expect(
      txns
        .flat()
        .filter((op) => op[0] === 'r')
        .every((op) => op[2] === null),
    ).toBe(true);
  });

  it('draws later keys of the pool more often (weights 1, 2, 4 …)', () => {
    const generator = new TransactionGenerator(randomStream(1, 'workload'), 'w', {
      keyCount: 3,
      maxTxnLength: 1,
      maxWritesPerKey: 1_000_000,
    });
    const counts = [0, 0, 0];
    for (let i = 0; i < 7000; i++) counts[(generator.next()[0] as MicroOperation)[1]]! += 1;
    expect(counts[0]).toBeGreaterThan(700);
    expect(counts[0]).toBeLessThan(1300);
    expect(counts[2]).toBeGreaterThan(3500);
  });
});

describe('reading txn_ok', () => {
  const asked: MicroOperation[] = [
    ['r', 1, null],
    ['append', 1, 3],
  ];

  it('fills in the reads and keeps the writes', () => {
    expect(
      readCompletedTxn('txn-list-append', asked, [
        ['r', 1, [1, 2]],
        ['append', 1, 3],
      ]),
    ).toEqual({
      type: 'ok',
      value: [
        ['r', 1, [1, 2]],
        ['append', 1, 3],
      ],
    });
    expect(readCompletedTxn('txn-list-append', asked, 'nope')).toBeUndefined();
  });

  it.each([
    [[['r', 1, null]], /holds 1 micro-operations for a transaction of 2/],
    [
      [
        ['r', 2, null],
        ['append', 1, 3],
      ],
      /another function or key/,
    ],
    [
      [
        ['r', 1, []],
        ['append', 1, 4],
      ],
      /changed the written value/,
    ],
    [
      [
        ['r', 1, 5],
        ['append', 1, 3],
      ],
      /a list-append read returns a list/,
    ],
    [
      [
        ['r', 1],
        ['append', 1, 3],
      ],
      /is not \[f, key, value\]/,
    ],
  ])('names what does not match: %j', (reply, problem) => {
    const outcome = readCompletedTxn('txn-list-append', asked, reply);
    expect(outcome !== undefined && isBadReply(outcome) ? outcome.problem : outcome).toMatch(problem);
  });

  it('takes error 30 (txn-conflict) as a definite failure and error 13 (crash) as unknown', () => {
    const workload = createWorkload('txn-rw-register', {
      nodes: ['n0'],
      random: randomStream(1, 'workload'),
      topology: 'grid',
    });
    const operation = { f: 'txn', value: [['w', 1, 1]] };
    expect(workload.interpret(operation, { type: 'error', code: 30, text: 'conflict' })).toMatchObject({
      type: 'fail',
    });
    expect(workload.interpret(operation, { type: 'error', code: 13, text: 'crash' })).toMatchObject({
      type: 'info',
    });
  });
});

describe('the check', () => {
  it('judges a history against the models asked, and names the anomaly', () => {
    // T0 and T1 both read key 1 empty and append to it: lost update.
    const history = new RunHistory();
    const txn = (process: number, read: unknown, value: number, at: number) => {
      const record = history.invoke({
        process,
        client: `c${process}`,
        node: 'n0',
        f: 'txn',
        input: [
          ['r', 1, null],
          ['append', 1, value],
        ],
        invokeMs: at,
        final: false,
      });
      history.complete(
        record,
        'ok',
        [
          ['r', 1, read],
          ['append', 1, value],
        ],
        at + 2,
      );
    };
    txn(0, null, 1, 0);
    txn(1, null, 2, 1);
    const read = history.invoke({
      process: 2,
      client: 'c2',
      node: 'n0',
      f: 'txn',
      input: [['r', 1, null]],
      invokeMs: 10,
      final: false,
    });
    history.complete(read, 'ok', [['r', 1, [1, 2]]], 11);
    const check = (models: ('read-committed' | 'strict-serializable')[]) =>
      createWorkload('txn-list-append', {
        nodes: ['n0'],
        random: randomStream(1, 'workload'),
        topology: 'grid',
        consistencyModels: models,
      }).check(history);
    const strict = check([]);
    expect(strict.verdict).toBe('invalid');
    expect(strict.summary['anomalyTypes']).toContain('lost-update');
    expect(strict.lines[0]).toMatch(/^txn-list-append: invalid under strict-serializable \(3 transactions/);
    expect(strict.lines).toContain(
      'not cursor-stability; also not repeatable-read, snapshot-isolation, serializable, strong-session-snapshot-isolation, strong-session-serializable, strict-serializable',
    );
    expect(check(['read-committed']).verdict).toBe('valid');
  });
});

it('--consistency-models accepts exactly the models the transaction checker judges', () => {
  expect(CONSISTENCY_MODELS).toBe(consistencyModels);
});
