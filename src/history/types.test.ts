import { describe, expect, it } from 'vitest';
import { HistoryFormatError } from './errors.js';
import { pairOperations, type HistoryEvent } from './types.js';

const event = (
  index: number,
  process: number | string,
  type: HistoryEvent['type'],
  f: string,
  value: unknown,
  time?: number,
): HistoryEvent => ({
  process,
  type,
  f,
  value,
  index,
  line: index + 1,
  ...(time === undefined ? {} : { time }),
});

describe('pairOperations', () => {
  it('pairs invocations with completions, drops failures, and makes info and open operations unknown', () => {
    const paired = pairOperations({
      source: 'h',
      events: [
        event(0, 0, 'invoke', 'write', 1),
        event(1, 1, 'invoke', 'write', 2),
        event(2, 2, 'invoke', 'read', null),
        event(3, 0, 'ok', 'write', 1),
        event(4, 1, 'fail', 'write', 2),
        event(5, 2, 'info', 'read', null),
        event(6, 3, 'invoke', 'cas', [1, 2]),
        event(7, 'nemesis', 'info', 'start', null),
      ],
    });
    expect(paired.axis).toBe('index');
    expect(paired.failed).toBe(1);
    expect(paired.unknown).toBe(2);
    expect(paired.operations).toEqual([
      {
        id: 0,
        process: 0,
        f: 'write',
        input: 1,
        output: 1,
        status: 'ok',
        call: 0,
        ret: 3,
        callIndex: 0,
        retIndex: 3,
      },
      {
        id: 1,
        process: 2,
        f: 'read',
        input: null,
        output: undefined,
        status: 'unknown',
        call: 2,
        ret: Infinity,
        callIndex: 2,
        retIndex: 5,
      },
      {
        id: 2,
        process: 3,
        f: 'cas',
        input: [1, 2],
        output: undefined,
        status: 'unknown',
        call: 6,
        ret: Infinity,
        callIndex: 6,
      },
    ]);
  });

  it('uses times when every event has one', () => {
    const paired = pairOperations({
      source: 'h',
      events: [event(0, 0, 'invoke', 'read', null, 100), event(1, 0, 'ok', 'read', 5, 250)],
    });
    expect(paired.axis).toBe('time');
    expect(paired.operations[0]).toMatchObject({ call: 100, ret: 250, output: 5 });
  });

  it('keeps keys', () => {
    const paired = pairOperations({
      source: 'h',
      events: [
        { ...event(0, 0, 'invoke', 'get', null), key: 'k' },
        { ...event(1, 0, 'ok', 'get', 'v'), key: 'k' },
      ],
    });
    expect(paired.operations[0]?.key).toBe('k');
  });

  it.each([
    [[event(0, 0, 'ok', 'read', 1)], /h:1: process 0 completes read \(ok\) but invoked nothing/],
    [
      [event(0, 0, 'invoke', 'read', null), event(1, 0, 'invoke', 'read', null)],
      /h:2: process 0 invokes read while its read/,
    ],
    [
      [event(0, 0, 'invoke', 'read', null), event(1, 0, 'ok', 'write', 1)],
      /h:2: process 0 invoked read but completes write/,
    ],
    [[event(0, 0, 'invoke', 'read', null, 10), event(1, 0, 'ok', 'read', 1, 5)], /time goes backwards/],
  ])('rejects malformed histories naming the line (%#)', (events, message) => {
    expect(() => pairOperations({ source: 'h', events })).toThrow(HistoryFormatError);
    expect(() => pairOperations({ source: 'h', events })).toThrow(message);
  });
});
