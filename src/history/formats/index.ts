/**
 * History file formats: names, detection, parsing.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { HistoryFormatError, HistoryUsageError } from '../errors.js';
import type { History } from '../types.js';
import { parseJepsenEtcd } from './jepsen-etcd.js';
import { parseJepsenKvEdn } from './jepsen-kv-edn.js';
import { parseJsonl } from './jsonl.js';

/** Names of the history formats. */
export const historyFormats = ['jepsen-etcd', 'jepsen-kv-edn', 'jsonl'] as const;

/** A history format's name. */
export type HistoryFormat = (typeof historyFormats)[number];

/** Resolves a format name given by a user (`edn` and `etcd` are accepted as short names). */
export function parseFormatName(name: string): HistoryFormat {
  const aliases: Record<string, HistoryFormat> = {
    etcd: 'jepsen-etcd',
    'jepsen-etcd-log': 'jepsen-etcd',
    edn: 'jepsen-kv-edn',
    'jepsen-edn': 'jepsen-kv-edn',
    'kv-edn': 'jepsen-kv-edn',
    json: 'jsonl',
  };
  const lower = name.toLowerCase();
  const found = historyFormats.find((format) => format === lower) ?? aliases[lower];
  if (found === undefined)
    throw new HistoryUsageError(`unknown format "${name}"; known formats: ${historyFormats.join(', ')}`);
  return found;
}

/**
 * Guesses a file's format from its first non-blank line: a Jepsen log line, EDN (a map `{:`, a
 * comment, or a vector or list of maps around the whole file), or a JSON object (`{"`).
 *
 * @throws {@link HistoryFormatError} when no format fits.
 */
export function detectFormat(text: string, source: string): HistoryFormat {
  const lines = text.split('\n', 200);
  const index = lines.findIndex((line) => line.trim() !== '');
  const first = (lines[index] ?? '').trim();
  if (index < 0)
    throw new HistoryFormatError(source, undefined, 'empty history; give --format to read it anyway');
  if (lines.some((line) => /^INFO\s+jepsen\.util\b/.test(line)) || /^[A-Z]+\s+jepsen\./.test(first))
    return 'jepsen-etcd';
  if (/^\{\s*:/.test(first) || first.startsWith(';') || /^[[(](?!\s*\{\s*")/.test(first))
    return 'jepsen-kv-edn';
  if (/^\{\s*"/.test(first)) return 'jsonl';
  throw new HistoryFormatError(
    source,
    index + 1,
    `cannot tell the format (expected a jepsen.util log line, an EDN map or a JSON object); give --format (${historyFormats.join(', ')})`,
  );
}

/** What each format's events look like, for the error about a file with none. */
const eventForms: Record<HistoryFormat, string> = {
  'jepsen-etcd': 'lines "INFO jepsen.util - P :TYPE :F VALUE"',
  'jepsen-kv-edn': 'EDN maps {:process P, :type T, :f F, ...}',
  jsonl: 'JSON objects {"process": P, "type": T, "f": F, ...}',
};

function parseAs(format: HistoryFormat, text: string, source: string): History {
  switch (format) {
    case 'jepsen-etcd':
      return parseJepsenEtcd(text, source);
    case 'jepsen-kv-edn':
      return parseJepsenKvEdn(text, source);
    case 'jsonl':
      return parseJsonl(text, source);
  }
}

/**
 * Parses `text` in `format` (detected when absent). `source` names the input in errors.
 *
 * @throws {@link HistoryFormatError} for a malformed event, and for a file from which no event
 *   was read: that is a file in another format (or an empty one), never an empty history to
 *   judge.
 */
export function parseHistory(text: string, format: HistoryFormat | undefined, source: string): History {
  const chosen = format ?? detectFormat(text, source);
  const history = parseAs(chosen, text, source);
  if (history.events.length === 0) {
    const skipped = history.skipped;
    throw new HistoryFormatError(
      source,
      undefined,
      skipped === undefined
        ? `no event in the file (expected ${eventForms[chosen]})`
        : `no event in the file: none of its ${skipped.count} non-blank line(s) is a ${chosen} event (expected ${eventForms[chosen]}); is --format right?`,
    );
  }
  return history;
}

/** Reads and parses a history file. */
export async function readHistoryFile(path: string, format?: HistoryFormat): Promise<History> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new HistoryFormatError(path, undefined, `cannot read the file (${code})`);
  }
  return parseHistory(text, format, path);
}
