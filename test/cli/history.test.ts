/**
 * `fairlink history check` end to end, on files of the shared corpus.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

const corpus = process.env['FAIRLINK_CORPUS'] ?? join(repositoryRoot, '..', 'shared', 'corpus');
const present = existsSync(join(corpus, 'porcupine', 'manifest.json'));

describe.skipIf(!present)(
  'fairlink history check (needs the shared corpus; skipped when it is absent)',
  () => {
    it.each([
      ['etcd_000.log', 1],
      ['etcd_002.log', 0],
    ])('the etcd log %s gets its manifest verdict as an exit code (%i)', async (name, code) => {
      const cwd = scratchFolder();
      const run = await runFairlink(
        ['history', 'check', join(corpus, 'porcupine/jepsen', name), '--model', 'cas-register'],
        { cwd },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(code);
    });

    it('a non-linearizable key-value history, unpartitioned: exit 1, the blocked operations, a drawing', async () => {
      const cwd = scratchFolder();
      const run = await runFairlink(
        [
          'history',
          'check',
          join(corpus, 'porcupine/kv/c10-bad.txt'),
          '--model',
          'key-value',
          '--no-partition',
          '--html',
          'c10.html',
        ],
        { cwd },
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('not-linearizable');
      expect(run.stdout).toContain('none of these can be placed next');
      expect(filesUnder(cwd)).toEqual(['c10.html']);
    });

    it('--json reports the verdict and the time taken', async () => {
      const cwd = scratchFolder();
      const run = await runFairlink(
        ['history', 'check', join(corpus, 'porcupine/kv/c01-ok.txt'), '--model', 'key-value', '--json'],
        { cwd },
      );
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { result: { verdict: string; timeMs: number } };
      expect(result.result.verdict).toBe('linearizable');
      expect(result.result.timeMs).toEqual(expect.any(Number));
    });

    it.each([
      [
        ['history', 'check', 'missing.log', '--model', 'cas-register'],
        /^fairlink: missing\.log: cannot read the file/,
      ],
      [
        ['history', 'check', 'x.log', '--model', 'cas-register', '--checker', 'psychic'],
        /^fairlink: --checker psychic: expected one of/,
      ],
    ])('bad input %j: one line, exit 2', async (args, message) => {
      const cwd = scratchFolder();
      const run = await runFairlink(args, { cwd });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    });
  },
);
