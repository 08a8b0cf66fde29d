import { describe, expect, it } from 'vitest';
import { txnMachine, type TxnMicroOp } from './txn.js';

describe('the txn node’s state machine', () => {
  const apply = (state: Readonly<Record<string, unknown>>, txn: TxnMicroOp[]) =>
    txnMachine.apply(state, { request: { txn }, origin: 'n0' });

  it('applies a transaction whole, in order, its reads filled in', () => {
    const first = apply({}, [
      ['r', 1, null],
      ['append', 1, 5],
      ['r', 1, null],
      ['w', 2, 7],
    ]);
    expect(first.result).toEqual({
      origin: 'n0',
      reply: {
        type: 'txn_ok',
        txn: [
          ['r', 1, null],
          ['append', 1, 5],
          ['r', 1, [5]],
          ['w', 2, 7],
        ],
      },
    });
    const second = apply(first.state, [
      ['append', 1, 6],
      ['r', 1, null],
      ['r', 2, null],
    ]);
    expect((second.result.reply['txn'] as unknown[]).slice(1)).toEqual([
      ['r', 1, [5, 6]],
      ['r', 2, 7],
    ]);
    // The machine leaves its input as it was (Raft keeps it).
    expect(first.state).toEqual({ '1': [5], '2': 7 });
  });

  it('a read-only transaction leaves the very same state', () => {
    const state = { '1': [1] };
    expect(apply(state, [['r', 1, null]]).state).toBe(state);
    expect(txnMachine.readOnly({ request: { txn: [['r', 1, null]] }, origin: null })).toBe(true);
  });
});
