/**
 * `fairlink history check` end to end, on files of the shared corpus.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

    it('--format jepsen-etcd on a file with no such line: exit 2, one line naming the file, not "linearizable"', async () => {
      const cwd = scratchFolder();
      const run = await runFairlink(
        [
          'history',
          'check',
          join(corpus, 'porcupine/kv/c01-ok.txt'),
          '--format',
          'jepsen-etcd',
          '--model',
          'cas-register',
        ],
        { cwd },
      );
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /^fairlink: \S*c01-ok\.txt: no event in the file: none of its 116 non-blank line\(s\) is a jepsen-etcd event/,
      );
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    });

    it.each([
      [
        'porcupine/jepsen/etcd_000.log',
        'queue',
        /etcd_000\.log:1: operation "read" is not known to the queue model/,
      ],
      [
        'porcupine/kv/c01-ok.txt',
        'register',
        /c01-ok\.txt:1: operation "append" is not known to the register model/,
      ],
    ])(
      '%s checked as a %s: bad input (exit 2) naming file and line, not "not linearizable"',
      async (file, model, message) => {
        const cwd = scratchFolder();
        const run = await runFairlink(['history', 'check', join(corpus, file), '--model', model], { cwd });
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(message);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      },
    );

    it('checks many files in one call: a verdict line per file, a summary, the worst exit code', async () => {
      const cwd = scratchFolder();
      const manifest = JSON.parse(readFileSync(join(corpus, 'porcupine', 'manifest.json'), 'utf8')) as {
        files: { path: string; linearizable: boolean }[];
      };
      const logs = manifest.files.filter((entry) => entry.path.startsWith('jepsen/')).slice(0, 12);
      const files = logs.map((entry) => join(corpus, 'porcupine', entry.path));
      const good = logs.filter((entry) => entry.linearizable).length;
      const run = await runFairlink(['history', 'check', ...files, '--model', 'cas-register'], { cwd });
      expect(run.code).toBe(logs.length === good ? 0 : 1);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(13);
      logs.forEach((entry, i) =>
        expect(lines[i]).toMatch(
          new RegExp(
            `${entry.path.replace('.', '\\.')}: ${entry.linearizable ? 'linearizable' : 'not-linearizable'} \\(`,
          ),
        ),
      );
      expect(lines[12]).toBe(`12 files: ${good} linearizable, ${12 - good} not linearizable`);

      // A file of bad input is named, the others are still checked, and exit 2 wins.
      const withBad = await runFairlink(
        [
          'history',
          'check',
          files[0] as string,
          'missing.log',
          files[1] as string,
          '--model',
          'cas-register',
          '--json',
        ],
        { cwd },
      );
      expect(withBad.code).toBe(2);
      expect(withBad.stderr).toBe('fairlink: missing.log: cannot read the file (ENOENT)\n');
      const json = JSON.parse(withBad.stdout) as {
        files: { source: string; outcome: string; exitCode: number; error?: string }[];
        summary: { files: number; badInput: number; exitCode: number };
      };
      expect(json.files.map((file) => [file.source, file.exitCode])).toEqual([
        [files[0], logs[0]?.linearizable === true ? 0 : 1],
        ['missing.log', 2],
        [files[1], logs[1]?.linearizable === true ? 0 : 1],
      ]);
      expect(json.files[1]).toMatchObject({
        outcome: 'bad-input',
        error: 'missing.log: cannot read the file (ENOENT)',
      });
      expect(json.summary).toMatchObject({ files: 3, badInput: 1, exitCode: 2 });
    });

    it('--html prints the path it wrote, and draws one file only', async () => {
      const cwd = scratchFolder();
      const file = join(corpus, 'porcupine/jepsen/etcd_002.log');
      const run = await runFairlink(
        ['history', 'check', file, '--model', 'cas-register', '--html', 'out/h.html'],
        { cwd },
      );
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split('\n').at(-1)).toBe('drawing written to out/h.html');
      expect(filesUnder(cwd)).toEqual(['out/h.html']);
      const two = await runFairlink(
        ['history', 'check', file, file, '--model', 'cas-register', '--html', 'x.html'],
        {
          cwd: scratchFolder(),
        },
      );
      expect(two.code).toBe(2);
      expect(two.stderr).toMatch(/^fairlink: --html draws one history: give one file, not 2/);
    });
  },
);

describe('fairlink history check on hand-written files', () => {
  it('reads a Jepsen EDN history written as one vector with comments, from --initial', async () => {
    const cwd = scratchFolder();
    writeFileSync(
      join(cwd, 'history.edn'),
      [
        '; a cas-register test that starts from 0',
        '[{:process 0, :type :invoke, :f :read, :value nil}',
        ' {:process 0, :type :ok, :f :read, :value 0} ; the initial value',
        ' {:process 1, :type :invoke, :f :cas, :value [0 1]}',
        ' {:process 1, :type :ok, :f :cas, :value [0 1]}]',
      ].join('\n'),
    );
    const fromNil = await runFairlink(['history', 'check', 'history.edn', '--model', 'cas-register'], {
      cwd,
    });
    expect(fromNil.stderr).toBe('');
    expect(fromNil.code).toBe(1);
    const fromZero = await runFairlink(
      ['history', 'check', 'history.edn', '--model', 'cas-register', '--initial', '0'],
      { cwd },
    );
    expect(fromZero.code).toBe(0);
    expect(fromZero.stdout).toMatch(/^history\.edn: linearizable \(model cas-register, 2 operations/);
    const refused = await runFairlink(
      ['history', 'check', 'history.edn', '--model', 'queue', '--initial', '0'],
      { cwd },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^fairlink: --initial: the queue model has no initial value/);
    const notJson = await runFairlink(
      ['history', 'check', 'history.edn', '--model', 'register', '--initial', 'zero'],
      { cwd },
    );
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^fairlink: --initial zero: expected a JSON value/);
  });

  it('says how many lines it skipped, in the text and in --json', async () => {
    const cwd = scratchFolder();
    writeFileSync(
      join(cwd, 'etcd.log'),
      [
        'INFO  jepsen.core - starting the test',
        'INFO  jepsen.util - 0\t:invoke\t:write\t1',
        'WARN  something else',
        'INFO  jepsen.util - 0\t:ok\t:write\t1',
      ].join('\n'),
    );
    const text = await runFairlink(['history', 'check', 'etcd.log', '--model', 'cas-register'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[1]).toBe(
      '  2 line(s) skipped: not events of this format (the first is line 1)',
    );
    const json = await runFairlink(['history', 'check', 'etcd.log', '--model', 'cas-register', '--json'], {
      cwd,
    });
    expect(JSON.parse(json.stdout)).toMatchObject({ skippedLines: 2, firstSkippedLine: 1, outcome: 'ok' });
  });
});
