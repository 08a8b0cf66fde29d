import { describe, expect, it } from 'vitest';
import { errorBody, isDefiniteError, parseEnvelopeLine, serverIds } from './protocol.js';

describe('parseEnvelopeLine', () => {
  it('reads a message, ignoring unknown top-level keys', () => {
    const parsed = parseEnvelopeLine(
      '{"id":4,"src":"n1","dest":"c2","body":{"type":"echo_ok","in_reply_to":1,"echo":"x"}}',
    );
    expect(parsed).toEqual({
      ok: true,
      envelope: { src: 'n1', dest: 'c2', body: { type: 'echo_ok', in_reply_to: 1, echo: 'x' } },
    });
  });

  it.each([
    ['hello', 'non-json', /^not JSON/],
    ['[1,2]', 'not-an-object', /^expected a JSON object, got an array$/],
    ['{"dest":"n2","body":{"type":"x"}}', 'missing-field', /^missing field 'src'$/],
    ['{"src":"n1","body":{"type":"x"}}', 'missing-field', /^missing field 'dest'$/],
    ['{"src":"n1","dest":"n2"}', 'missing-field', /^missing field 'body'$/],
    ['{"src":"n1","dest":"n2","body":{}}', 'missing-field', /^missing field 'body.type'$/],
    [
      '{"src":1,"dest":"n2","body":{"type":"x"}}',
      'bad-field',
      /^field 'src' must be a non-empty string, got a number$/,
    ],
    ['{"src":"n1","dest":"n2","body":"x"}', 'bad-field', /^field 'body' must be an object, got a string$/],
    [
      '{"src":"n1","dest":"n2","body":{"type":"x","msg_id":"7"}}',
      'bad-field',
      /^field 'body.msg_id' must be an integer/,
    ],
    [
      '{"src":"n1","dest":"n2","body":{"type":"x","in_reply_to":1.5}}',
      'bad-field',
      /^field 'body.in_reply_to' must be an integer/,
    ],
  ])('names what is wrong with %s', (line, kind, detail) => {
    const parsed = parseEnvelopeLine(line);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.kind).toBe(kind);
    expect(parsed.problem.detail).toMatch(detail);
  });
});

describe('ids and errors', () => {
  it('numbers servers from n0', () => {
    expect(serverIds(3)).toEqual(['n0', 'n1', 'n2']);
  });

  it('tells definite errors from indefinite ones', () => {
    expect([0, 1, 10, 11, 12, 13, 14, 20, 21, 22, 30, 1000].filter(isDefiniteError)).toEqual([
      1, 10, 11, 12, 14, 20, 21, 22, 30,
    ]);
    expect(errorBody(3, 20, 'key does not exist')).toEqual({
      type: 'error',
      in_reply_to: 3,
      code: 20,
      text: 'key does not exist',
    });
  });
});
