import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseParam,
  parseSecondsToMs,
  parseSeed,
  parseSeedRange,
  parseShard,
  parseWholeNumber,
  SEED_MAX,
} from './options.js';
import { UsageError } from './usage.js';

describe('parseSeedRange', () => {
  it('reads every A..B with A <= B', () => {
    fc.assert(
      fc.property(fc.nat({ max: SEED_MAX }), fc.nat({ max: SEED_MAX }), (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect(parseSeedRange(`${from}..${to}`)).toEqual({ from, to });
      }),
    );
  });

  it('refuses an empty range, naming both ends', () => {
    expect(() => parseSeedRange('5..2')).toThrow(new UsageError('--seeds 5..2: the range is empty (5 > 2)'));
  });

  it.each(['a..b', '1..', '..5', '1-5', '1...5', '-1..5', '1.5..3', ' 1..2', ''])('refuses %j', (text) => {
    expect(() => parseSeedRange(text)).toThrow(
      /^--seeds .*: expected A\.\.B with whole numbers, such as 1\.\.100$/,
    );
  });

  it('refuses seeds beyond 2^53 - 1', () => {
    expect(() => parseSeedRange('1..9007199254740993')).toThrow('seeds go from 0 to 9007199254740991');
  });
});

describe('parseSeed', () => {
  it('reads whole numbers', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('42')).toBe(42);
  });

  it.each(['-1', '1.5', '1e3', 'x', '', '9007199254740992'])('refuses %j', (text) => {
    expect(() => parseSeed(text)).toThrow(UsageError);
  });
});

describe('parseShard', () => {
  it('reads I/K with 1 <= I <= K', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
  });

  it.each(['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3'])('refuses %j', (text) => {
    expect(() => parseShard(text)).toThrow(/^--shard /);
  });
});

describe('other values', () => {
  it('reads seconds as ms', () => {
    expect(parseSecondsToMs('5', '--step-timeout')).toBe(5000);
    expect(parseSecondsToMs('0.25', '--step-timeout')).toBe(250);
    for (const text of ['0', '-1', 'x', '', 'Infinity']) {
      expect(() => parseSecondsToMs(text, '--step-timeout')).toThrow(`--step-timeout`);
    }
  });

  it('reads whole numbers in a range', () => {
    expect(parseWholeNumber('2', '--workers', 1, 64)).toBe(2);
    expect(() => parseWholeNumber('0', '--workers', 1, 64)).toThrow(
      '--workers 0: expected a whole number from 1 to 64',
    );
    expect(() => parseWholeNumber('65', '--workers', 1, 64)).toThrow(UsageError);
  });

  it('checks the shape of --param', () => {
    expect(parseParam('nodes=5')).toBe('nodes=5');
    expect(parseParam('label=a=b')).toBe('label=a=b');
    expect(() => parseParam('nodes')).toThrow('--param nodes: expected NAME=VALUE, such as --param nodes=5');
    expect(() => parseParam('=5')).toThrow(UsageError);
  });
});
