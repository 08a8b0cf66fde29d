import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryFormatError } from '../errors.js';
import { EdnSyntaxError, Keyword, ednToPlain, parseEdn } from './edn.js';
import { detectFormat, parseFormatName, parseHistory, readHistoryFile } from './index.js';
import { parseJepsenEtcd } from './jepsen-etcd.js';
import { parseJepsenKvEdn } from './jepsen-kv-edn.js';
import { formatJsonl, parseJsonl } from './jsonl.js';

/** Runs `parse` and returns the HistoryFormatError it throws. */
function formatError(parse: () => unknown): HistoryFormatError {
  try {
    parse();
  } catch (error) {
    if (error instanceof HistoryFormatError) return error;
    throw error;
  }
  throw new Error('expected a HistoryFormatError');
}

/** Events as the jepsen-kv-edn reader returns them (without `index` and `line`). */
const anyEdnEvent = (() => {
  const ednString = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', ';', '[', ',', 'é') });
  return fc.record(
    {
      process: fc.oneof(fc.nat(9), fc.constant('nemesis')),
      type: fc.constantFrom('invoke', 'ok', 'fail', 'info'),
      f: fc.constantFrom('read', 'write', 'cas', 'append', 'get'),
      key: fc.oneof(ednString, fc.nat(99)),
      value: fc.oneof(
        fc.constant(null),
        fc.integer({ min: -1000, max: 1000 }),
        ednString,
        fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 3 }),
      ),
      time: fc.nat(),
    },
    { requiredKeys: ['process', 'type', 'f', 'value'] },
  );
})();

/** Blank space between two forms: commas, newlines, and `;` comments holding brackets and quotes. */
const anyGap = fc.constantFrom(' ', ',', '\n', '\n\n', ' ; a comment [ { "\n', ';\n  ', '\t;;; x ]\n');

/** An EDN value as text. */
function writeEdn(value: null | number | string | readonly number[]): string {
  if (value === null) return 'nil';
  if (typeof value === 'string') return `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;
  if (typeof value === 'number') return String(value);
  return `[${value.map(writeEdn).join(' ')}]`;
}

/** An event as an EDN map; `inner` separates a key from its value, `between` two entries. */
function writeEdnMap(
  event: {
    process: number | string;
    type: string;
    f: string;
    key?: string | number;
    value: null | number | string | readonly number[];
    time?: number;
  },
  inner: () => string,
  between: () => string,
): string {
  const entries: [string, string][] = [
    ['process', typeof event.process === 'string' ? `:${event.process}` : String(event.process)],
    ['type', `:${event.type}`],
    ['f', `:${event.f}`],
  ];
  if (event.key !== undefined) entries.push(['key', writeEdn(event.key)]);
  entries.push(['value', writeEdn(event.value)]);
  if (event.time !== undefined) entries.push(['time', String(event.time)]);
  return `{${entries.map(([key, text]) => `:${key}${inner()}${text}`).join(between())}}`;
}

describe('EDN subset', () => {
  it('reads maps, vectors, lists, sets, keywords, strings, numbers, nil and booleans', () => {
    const value = parseEdn(
      '{:a [1 -2 3.5 "s\\"q"], :b (nil true false), :c #{:x}, "k" 12345678901234567890N} ; note',
    );
    expect(value).toBeInstanceOf(Map);
    const map = value as Map<unknown, unknown>;
    expect(map.get(Keyword.of('a'))).toEqual([1, -2, 3.5, 's"q']);
    expect(map.get(Keyword.of('b'))).toEqual([null, true, false]);
    expect(map.get(Keyword.of('c'))).toEqual(new Set([Keyword.of('x')]));
    expect(map.get('k')).toBe(12345678901234567890n);
  });

  it('interns keywords so that they work as map keys', () => {
    expect(Keyword.of('ok')).toBe(Keyword.of('ok'));
    expect(String(Keyword.of('ok'))).toBe(':ok');
  });

  it('skips #_ forms and reads tagged literals as their value', () => {
    expect(parseEdn('[1 #_ 2 3 #inst "2020-01-01"]')).toEqual([1, 3, '2020-01-01']);
  });

  it('converts to plain data', () => {
    expect(ednToPlain(parseEdn('{:type :ok, :value [1 :two #{3}]}'))).toEqual({
      type: 'ok',
      value: [1, 'two', [3]],
    });
  });

  it.each([
    ['{:a 1', 'missing "}"'],
    ['{:a}', 'even number'],
    ['"open', 'unterminated string'],
    ['[1 2] 3', 'after the value'],
    ['\\c', 'character literals'],
    ['1x', 'bad number'],
    [')', 'unexpected'],
  ])('rejects %s', (text, message) => {
    expect(() => parseEdn(text)).toThrow(EdnSyntaxError);
    expect(() => parseEdn(text)).toThrow(message);
  });
});

describe('jepsen-etcd format', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
    'some other log line',
    'INFO  jepsen.util - 0\t:ok\t:read\t3',
    'INFO  jepsen.util - 1   :invoke :cas    [1 2]',
    'INFO  jepsen.util - 1\t:fail\t:cas\t[1 2]',
    'INFO  jepsen.util - 2\t:invoke\t:write\t4',
    'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
  ].join('\n');

  it('reads jepsen.util lines and skips the others', () => {
    const history = parseJepsenEtcd(log, 'etcd.log');
    expect(history.events.map((e) => [e.process, e.type, e.f, e.value, e.line])).toEqual([
      [0, 'invoke', 'read', null, 1],
      [0, 'ok', 'read', 3, 3],
      [1, 'invoke', 'cas', [1, 2], 4],
      // A failed CAS is etcd answering "the comparison failed": it happened and returned false.
      [1, 'ok', 'cas', false, 5],
      [2, 'invoke', 'write', 4, 6],
      [2, 'info', 'write', null, 7],
      [3, 'invoke', 'read', null, 8],
      // A timed-out read says nothing: unknown.
      [3, 'info', 'read', null, 9],
    ]);
    expect(history.events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('counts the lines it skips, and where the first is', () => {
    expect(parseJepsenEtcd(log, 'etcd.log').skipped).toEqual({ count: 1, firstLine: 2 });
    expect(parseJepsenEtcd('\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n\n', 'e').skipped).toBeUndefined();
  });

  it('names the file and line of a malformed event', () => {
    const error = formatError(() =>
      parseJepsenEtcd(
        'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tbanana\n',
        'etcd_042.log',
      ),
    );
    expect(error.source).toBe('etcd_042.log');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^etcd_042\.log:2: bad value "banana"/);
    expect(() => parseJepsenEtcd('INFO jepsen.util - x :what', 'a.log')).toThrow(
      /^a\.log:1: not a jepsen\.util event/,
    );
  });
});

describe('jepsen-kv-edn format', () => {
  it('reads one operation map per line', () => {
    const text = [
      '{:process 3, :type :invoke, :f :append, :key "4", :value "x 3 1 y"}',
      '',
      '{:process 3, :type :ok, :f :append, :key "4", :value "x 3 1 y", :time 17}',
      '{:process :nemesis, :type :info, :f :start, :value nil}',
    ].join('\r\n');
    const history = parseJepsenKvEdn(text, 'c01.txt');
    expect(history.events).toEqual([
      { process: 3, type: 'invoke', f: 'append', key: '4', value: 'x 3 1 y', index: 0, line: 1 },
      { process: 3, type: 'ok', f: 'append', key: '4', value: 'x 3 1 y', time: 17, index: 1, line: 3 },
      { process: 'nemesis', type: 'info', f: 'start', value: null, index: 2, line: 4 },
    ]);
  });

  it('reads a whole-file vector or list of maps, with ; comments anywhere', () => {
    const perLine = [
      '{:process 0, :type :invoke, :f :write, :value 3}',
      '{:process 0, :type :ok, :f :write, :value 3}',
      '{:process 1, :type :invoke, :f :read, :value nil}',
    ].join('\n');
    const vector = [
      '; a Jepsen history, stored whole',
      '[{:process 0, :type :invoke, :f :write, :value 3} ; the first write',
      ' {:process 0, :type :ok,',
      '  ; a comment inside a map',
      '  :f :write, :value 3}',
      ' {:process 1, :type :invoke, :f :read, :value nil}]',
      '; the end',
    ].join('\n');
    const withoutLines = (text: string) =>
      parseJepsenKvEdn(text, 'h.edn').events.map(({ line: _line, ...event }) => event);
    expect(withoutLines(vector)).toEqual(withoutLines(perLine));
    expect(withoutLines(`(${perLine})`)).toEqual(withoutLines(perLine));
    expect(parseJepsenKvEdn(vector, 'h.edn').events.map((e) => e.line)).toEqual([2, 3, 6]);
  });

  it('names the line of an error in a whole-file vector', () => {
    const message = (text: string) => formatError(() => parseJepsenKvEdn(text, 'v.edn')).message;
    expect(message('[{:process 0, :type :invoke, :f :read}\n {:process 0}]\n')).toMatch(
      /^v\.edn:2: :type must be/,
    );
    expect(message('[{:process 0, :type :invoke, :f :read}\n\n')).toMatch(
      /^v\.edn:3: EDN syntax error: missing "\]" closing the "\[" that opens the file at column 1/,
    );
    expect(message('[{:process 0, :type :invoke, :f :read}]\n  {:a 1}')).toMatch(
      /^v\.edn:2: EDN syntax error: unexpected text after the closing "\]" at column 3/,
    );
  });

  it('reads a history written as one vector, with comments, as it reads it one map per line', () => {
    fc.assert(
      fc.property(
        fc.array(anyEdnEvent, { minLength: 1, maxLength: 10 }),
        fc.array(anyGap, { minLength: 1, maxLength: 7 }),
        fc.constantFrom(['[', ']'], ['(', ')']),
        (events, gaps, [opening, closing]) => {
          const perLine = events
            .map((event) =>
              writeEdnMap(
                event,
                () => ' ',
                () => ', ',
              ),
            )
            .join('\n');
          let gapCount = 0;
          const gap = (): string => gaps[gapCount++ % gaps.length] as string;
          const whole = `${gap()}${opening}${events.map((event) => writeEdnMap(event, gap, gap)).join(gap())}${closing}${gap()}`;
          const lineByLine = parseJepsenKvEdn(perLine, 'lines.edn').events;
          expect(lineByLine.map(({ line: _line, ...event }) => event)).toEqual(
            events.map((event, index) => ({ ...event, index })),
          );
          expect(
            parseJepsenKvEdn(whole, 'whole.edn').events.map(({ line: _line, ...event }) => event),
          ).toEqual(lineByLine.map(({ line: _line, ...event }) => event));
        },
      ),
    );
  });

  it.each([
    ['{:process 1, :type :invoke, :f :get', 'EDN syntax error'],
    ['[1 2]', 'expected an EDN map'],
    ['{:type :invoke, :f :get}', ':process'],
    ['{:process 1, :type :done, :f :get}', ':type'],
    ['{:process 1, :type :ok, :f "get"}', ':f must be a keyword'],
    ['{:process 1, :type :ok, :f :get, :key [1]}', ':key'],
  ])('names the file and line of %s', (line, message) => {
    const error = formatError(() =>
      parseJepsenKvEdn(`{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n${line}\n`, 'kv/c10.txt'),
    );
    expect(error.line).toBe(2);
    expect(error.message.startsWith('kv/c10.txt:2: ')).toBe(true);
    expect(error.message).toContain(message);
  });
});

describe('jsonl format', () => {
  it('reads one event per line and writes it back', () => {
    const text =
      '{"process":0,"type":"invoke","f":"write","value":3,"time":10}\n\n{"process":0,"type":"ok","f":"write","value":3,"time":12,"extra":true}\n';
    const history = parseJsonl(text, 'h.jsonl');
    expect(history.events).toEqual([
      { process: 0, type: 'invoke', f: 'write', value: 3, time: 10, index: 0, line: 1 },
      { process: 0, type: 'ok', f: 'write', value: 3, time: 12, index: 1, line: 3 },
    ]);
    expect(parseJsonl(formatJsonl(history), 'again').events.map(({ line: _line, ...rest }) => rest)).toEqual(
      history.events.map(({ line: _line, ...rest }) => rest),
    );
  });

  it.each([
    ['{"process":0,"type":"invoke"', 'invalid JSON'],
    ['[1]', 'expected a JSON object'],
    ['{"type":"invoke","f":"read"}', '"process"'],
    ['{"process":0,"type":"begin","f":"read"}', '"type"'],
    ['{"process":0,"type":"ok","f":""}', '"f"'],
    ['{"process":0,"type":"ok","f":"read","key":{}}', '"key"'],
    ['{"process":0,"type":"ok","f":"read","time":"now"}', '"time"'],
  ])('names the file and line of %s', (line, message) => {
    const error = formatError(() =>
      parseJsonl(`{"process":0,"type":"invoke","f":"read"}\n${line}`, 'x.jsonl'),
    );
    expect(error.message.startsWith('x.jsonl:2: ')).toBe(true);
    expect(error.message).toContain(message);
  });
});

describe('format detection', () => {
  it('tells the three formats apart', () => {
    expect(detectFormat('\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n', 'a')).toBe('jepsen-etcd');
    expect(detectFormat('{:process 0, :type :invoke, :f :get}\n', 'b')).toBe('jepsen-kv-edn');
    expect(detectFormat('{"process": 0}\n', 'c')).toBe('jsonl');
    expect(() => detectFormat('hello\n', 'd.txt')).toThrow(/^d\.txt:1: cannot tell the format/);
    expect(() => detectFormat('  \n', 'e.txt')).toThrow(/empty history/);
  });

  it('detects EDN written as one vector or list, and leaves a JSON array alone', () => {
    expect(detectFormat('; history\n[{:process 0, :type :invoke, :f :read}]\n', 'a')).toBe('jepsen-kv-edn');
    expect(detectFormat('({:process 0, :type :invoke, :f :read})', 'b')).toBe('jepsen-kv-edn');
    expect(detectFormat('[\n{:process 0, :type :invoke, :f :read}]', 'c')).toBe('jepsen-kv-edn');
    expect(() => detectFormat('[{"process": 0}]', 'd.json')).toThrow(/cannot tell the format/);
  });

  it('refuses a file from which the chosen format reads no event, rather than judge it empty', () => {
    const edn =
      '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value nil}\n';
    expect(() => parseHistory(edn, 'jepsen-etcd', 'h.edn')).toThrow(
      /^h\.edn: no event in the file: none of its 2 non-blank line\(s\) is a jepsen-etcd event \(expected lines "INFO jepsen\.util/,
    );
    expect(() => parseHistory('; nothing but a comment\n', 'jepsen-kv-edn', 'c.edn')).toThrow(
      /^c\.edn: no event in the file \(expected EDN maps/,
    );
    expect(() => parseHistory('[]', undefined, 'v.edn')).toThrow(/^v\.edn: no event in the file/);
    expect(() => parseHistory('\n\n', 'jsonl', 'j.jsonl')).toThrow(/^j\.jsonl: no event in the file/);
  });

  it('accepts format aliases and rejects unknown names', () => {
    expect(parseFormatName('EDN')).toBe('jepsen-kv-edn');
    expect(parseFormatName('jepsen-etcd-log')).toBe('jepsen-etcd');
    expect(() => parseFormatName('xml')).toThrow(/unknown format "xml"/);
  });

  it('parses with an explicit format and reads files', async () => {
    expect(parseHistory('{"process":0,"type":"invoke","f":"read"}', 'jsonl', 's').events).toHaveLength(1);
    const folder = await mkdtemp(join(tmpdir(), 'fairlink-history-'));
    const path = join(folder, 'h.jsonl');
    await writeFile(path, '{"process":0,"type":"invoke","f":"read"}\n');
    expect((await readHistoryFile(path)).source).toBe(path);
    await expect(readHistoryFile(join(folder, 'missing.jsonl'))).rejects.toThrow(
      /missing\.jsonl: cannot read the file \(ENOENT\)/,
    );
  });
});
