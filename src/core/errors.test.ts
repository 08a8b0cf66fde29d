import { describe, expect, it } from 'vitest';
import { describeThrown, InputError, ProtocolFault } from './errors.js';
import { nodeId } from './ids.js';

describe('errors', () => {
  it('a ProtocolFault names node and handler in its message and keeps its cause', () => {
    const cause = new Error('inner');
    const fault = new ProtocolFault('threw', nodeId('n2'), 'onTimer', 'threw Error: inner', { cause });
    expect(fault.message).toBe('n2.onTimer: threw Error: inner');
    expect(fault.name).toBe('ProtocolFault');
    expect(fault.cause).toBe(cause);
    expect(fault).toBeInstanceOf(Error);
  });

  it('an InputError is an Error with its own name', () => {
    const error = new InputError('durationMs must be positive');
    expect(error.name).toBe('InputError');
    expect(error).toBeInstanceOf(Error);
  });

  it.each([
    [new TypeError('bad'), 'TypeError: bad'],
    ['text', 'a thrown string: text'],
    [42, 'a thrown number: 42'],
    [undefined, 'a thrown undefined: undefined'],
    [null, 'a thrown object: null'],
  ])('describeThrown(%s)', (thrown, text) => {
    expect(describeThrown(thrown)).toBe(text);
  });
});
