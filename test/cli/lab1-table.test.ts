/**
 * `fairlink lab1-table` end to end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, runFairlink, scratchFolder } from './run-cli.js';

describe('fairlink lab1-table', () => {
  it('prints the table, and writes the HTML page when asked', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['lab1-table', '--trials', '5', '--html', 'tables/lab1.html'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^drop rate\s+trials\s+median tries/);
    // One line per drop rate of the lab (0.1% to 50%), then where the page went.
    expect(lines).toHaveLength(1 + 8 + 1);
    expect(lines.at(-1)).toBe('table written to tables/lab1.html');
    expect(filesUnder(cwd)).toEqual(['tables/lab1.html']);
    expect(readFileSync(join(cwd, 'tables/lab1.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('prints the rows as JSON with --json, and refuses bad input', async () => {
    const cwd = scratchFolder();
    const run = await runFairlink(['lab1-table', '--trials', '3', '--seed', '7', '--json'], { cwd });
    expect(run.code).toBe(0);
    const { rows } = JSON.parse(run.stdout) as { rows: { dropRate: number; trials: number }[] };
    expect(rows.map((row) => row.dropRate)).toEqual([0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(rows.every((row) => row.trials === 3)).toBe(true);
    const bad = await runFairlink(['lab1-table', '--trials', '0'], { cwd });
    expect(bad).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'fairlink: --trials 0: expected a whole number from 1 to 1000000\n',
    });
  });
});
