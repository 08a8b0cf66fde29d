/**
 * `fairlink sim FILE --list-params` and `--param` checks against a scenario's
 * declared values; `--time-limit` counted from the process's start.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, repositoryRoot, runFairlink, scratchFolder } from './run-cli.js';

const example = (name: string): string => join(repositoryRoot, 'examples', name);

describe('fairlink sim: parameters', () => {
  it('lists a scenario’s parameters, defaults and allowed values, and runs nothing', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['sim', example('raft-kv-broken.ts'), '--list-params'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'raft-kv-broken: parameters (set with --param NAME=VALUE; default, then type)',
        '  bug              stale-reads  one of: stale-reads, commit-old-terms, volatile-vote',
        '  fixed            false        boolean',
        '  servers          3            number',
        '  clients          4            number',
        '  operations       200          number',
        '  dropRate         0.1          number',
        '  duplicateRate    0.02         number',
        '  faultIntervalMs  20           number',
        '',
      ].join('\n'),
    );
    expect(filesUnder(cwd)).toEqual([]);
    const json = await runFairlink(['sim', example('retransmit.ts'), '--list-params', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toEqual({
      scenario: 'retransmit',
      params: [
        { name: 'dropRate', default: 0.5, type: 'number' },
        { name: 'delayMeanMs', default: 10, type: 'number' },
        { name: 'resendMs', default: 20, type: 'number' },
        { name: 'durationMs', default: 5000, type: 'number' },
      ],
    });
  });

  it('refuses a value outside the declared set with one line naming the allowed values (exit 2)', async () => {
    const cwd = scratchFolder();
    for (const args of [['--seed', '1'], ['--list-params']]) {
      const run = await runFairlink(['sim', example('raft-kv-broken.ts'), '--param', 'bug=typo', ...args], {
        cwd,
      });
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'fairlink: --param bug=typo: expected one of stale-reads, commit-old-terms, volatile-vote\n',
      );
      expect(run.code).toBe(2);
    }
    expect(filesUnder(cwd)).toEqual([]);
  });
});

describe('fairlink sim and check: --time-limit counts from the process start', () => {
  // Starting Node, loading the modules and the scenario take more than a millisecond on any
  // machine: with a limit of 1 ms, the time is up before the first seed could start.
  it('a limit spent during start-up runs no seed: unknown, exit 3', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(
      ['sim', example('retransmit.ts'), '--seeds', '1..50', '--time-limit', '0.001'],
      { cwd },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^UNKNOWN retransmit: time limit reached after 0 of 50 seeds/);
    expect(run.code).toBe(3);
  });
});
