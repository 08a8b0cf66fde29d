/**
 * The Porcupine corpus (see shared/corpus/porcupine/README.md): every file must get the verdict
 * its manifest states. Verdicts come from the manifest, never from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHistory } from './formats/index.js';
import { checkLinearizability } from './linearizability/check.js';
import { keyValueModel } from './models/key-value.js';
import { casRegisterModel } from './models/register.js';
import { pairOperations } from './types.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpusRoot = process.env['FAIRLINK_CORPUS'] ?? resolve(repositoryRoot, '..', 'shared', 'corpus');
const porcupine = join(corpusRoot, 'porcupine');
const present = existsSync(join(porcupine, 'manifest.json'));

interface ManifestEntry {
  readonly path: string;
  readonly format: string;
  readonly linearizable: boolean;
}

const entries: ManifestEntry[] = present
  ? (JSON.parse(readFileSync(join(porcupine, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }).files
  : [];

function check(entry: ManifestEntry, partition: boolean, timeoutMs?: number) {
  const text = readFileSync(join(porcupine, entry.path), 'utf8');
  const format = entry.format === 'jepsen-etcd-log' ? 'jepsen-etcd' : 'jepsen-kv-edn';
  const { operations } = pairOperations(parseHistory(text, format, entry.path));
  const model = format === 'jepsen-etcd' ? casRegisterModel() : keyValueModel();
  return checkLinearizability(operations, model, {
    partition,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

const expected = (entry: ManifestEntry): string => (entry.linearizable ? 'linearizable' : 'not-linearizable');

describe.skipIf(!present)(`Porcupine corpus at ${porcupine}`, () => {
  it('has the files the manifest lists', () => {
    expect(entries.filter((e) => e.path.startsWith('jepsen/'))).toHaveLength(102);
    expect(entries.filter((e) => e.path.startsWith('kv/'))).toHaveLength(6);
  });

  it('gives every etcd log its expected verdict', () => {
    const wrong = entries
      .filter((entry) => entry.path.startsWith('jepsen/'))
      .map((entry) => ({ path: entry.path, want: expected(entry), got: check(entry, true).verdict }))
      .filter(({ want, got }) => want !== got);
    expect(wrong).toEqual([]);
  });

  const kv = entries.filter((entry) => entry.path.startsWith('kv/'));
  it.each(kv.map((entry) => [entry.path, entry] as const))('%s partitioned by key', (_path, entry) => {
    const result = check(entry, true);
    expect(result.verdict).toBe(expected(entry));
    if (!entry.linearizable) expect(result.explanation?.[0]?.blocked.length).toBeGreaterThan(0);
  });

  // Without partitioning the map is one object: one search over the whole history and the whole
  // map (the component search, see linearizability/component-search.ts). Every file must get its
  // verdict: running out of the budget (`unknown`) fails the test like a wrong verdict. The budget
  // only guards against a search that never ends (c50-ok takes about 2 s; a busy machine may
  // make that ten times longer); how fast the search is, bench/history.ts measures.
  const wholeMapBudgetMs = 60_000;
  it.each(kv.map((entry) => [entry.path, entry] as const))(
    '%s as one map, without partitioning',
    (_path, entry) => {
      const result = check(entry, false, wholeMapBudgetMs);
      expect(result.partitions).toBe(1);
      expect(result.verdict).toBe(expected(entry));
      if (!entry.linearizable) expect(result.explanation?.[0]?.blocked.length).toBeGreaterThan(0);
    },
  );
});

describe.skipIf(present)(`Porcupine corpus absent (looked in ${porcupine}; set FAIRLINK_CORPUS)`, () => {
  it('is skipped', () => {
    expect(present).toBe(false);
  });
});
