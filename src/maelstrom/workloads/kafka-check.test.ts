import { describe, expect, it } from 'vitest';
import { RunHistory } from '../run-history.js';
import { checkKafka } from './kafka-check.js';

type Step =
  | {
      readonly process: number;
      readonly f: 'send';
      readonly key: string;
      readonly msg: number;
      readonly offset: number;
    }
  | { readonly process: number; readonly f: 'poll'; readonly msgs: Record<string, [number, number][]> }
  | { readonly process: number; readonly f: 'assign'; readonly keys: string[] };

/** A history of acknowledged operations, one after the other. */
function history(steps: readonly Step[]): RunHistory {
  const run = new RunHistory();
  steps.forEach((step, index) => {
    const base = {
      process: step.process,
      client: `c${step.process}`,
      node: 'n0',
      invokeMs: index * 10,
      final: false,
    };
    if (step.f === 'send') {
      const record = run.invoke({
        ...base,
        f: 'send',
        key: step.key,
        input: { key: step.key, msg: step.msg },
      });
      run.complete(record, 'ok', { key: step.key, msg: step.msg, offset: step.offset }, index * 10 + 5);
    } else if (step.f === 'poll') {
      const record = run.invoke({ ...base, f: 'poll', input: { offsets: {} } });
      run.complete(record, 'ok', { offsets: {}, msgs: step.msgs }, index * 10 + 5);
    } else {
      const record = run.invoke({ ...base, f: 'assign', input: { keys: step.keys } });
      run.complete(record, 'ok', { keys: step.keys, offsets: {} }, index * 10 + 5);
    }
  });
  return run;
}

const sends: Step[] = [
  { process: 0, f: 'send', key: 'a', msg: 1, offset: 0 },
  { process: 0, f: 'send', key: 'a', msg: 2, offset: 1 },
  { process: 0, f: 'send', key: 'a', msg: 3, offset: 2 },
];

describe('checkKafka', () => {
  it('passes a consistent log read in order', () => {
    const result = checkKafka(
      history([
        ...sends,
        {
          process: 1,
          f: 'poll',
          msgs: {
            a: [
              [0, 1],
              [1, 2],
            ],
          },
        },
        { process: 1, f: 'poll', msgs: { a: [[2, 3]] } },
      ]),
    );
    expect(result.verdict).toBe('valid');
    expect(result.summary).toMatchObject({ acknowledgedSends: 3, unobserved: 0, lost: 0, skips: 0 });
  });

  it('finds a lost write: polls passed its offset without seeing it', () => {
    const result = checkKafka(
      history([
        ...sends,
        {
          process: 1,
          f: 'poll',
          msgs: {
            a: [
              [0, 1],
              [2, 3],
            ],
          },
        },
      ]),
    );
    expect(result.verdict).toBe('invalid');
    expect(result.summary).toMatchObject({ lost: 1, skips: 1 });
  });

  it('reports an acknowledged write no poll reached as unobserved, not lost', () => {
    const result = checkKafka(
      history([
        ...sends,
        {
          process: 1,
          f: 'poll',
          msgs: {
            a: [
              [0, 1],
              [1, 2],
            ],
          },
        },
      ]),
    );
    expect(result.verdict).toBe('valid');
    expect(result.summary).toMatchObject({ unobserved: 1, lost: 0 });
  });

  it('finds inconsistent offsets, duplicates and nonmonotonic sends', () => {
    const result = checkKafka(
      history([
        { process: 0, f: 'send', key: 'a', msg: 1, offset: 3 },
        { process: 1, f: 'send', key: 'a', msg: 2, offset: 3 },
        { process: 0, f: 'send', key: 'a', msg: 4, offset: 1 },
        { process: 2, f: 'poll', msgs: { a: [[5, 4]] } },
      ]),
    );
    expect(result.verdict).toBe('invalid');
    expect(result.summary).toMatchObject({ inconsistent: 1, duplicates: 1, nonmonotonicSends: 1 });
  });

  it('finds polls going backwards, but not across a re-assign', () => {
    const backwards = checkKafka(
      history([
        ...sends,
        { process: 1, f: 'poll', msgs: { a: [[1, 2]] } },
        { process: 1, f: 'poll', msgs: { a: [[0, 1]] } },
      ]),
    );
    expect(backwards.summary).toMatchObject({ nonmonotonicPolls: 1 });
    const reassigned = checkKafka(
      history([
        ...sends,
        {
          process: 1,
          f: 'poll',
          msgs: {
            a: [
              [1, 2],
              [2, 3],
            ],
          },
        },
        { process: 1, f: 'assign', keys: ['a'] },
        { process: 1, f: 'poll', msgs: { a: [[0, 1]] } },
      ]),
    );
    expect(reassigned.summary).toMatchObject({ nonmonotonicPolls: 0, skips: 0 });
    expect(reassigned.verdict).toBe('valid');
  });
});
