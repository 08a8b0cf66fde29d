import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
