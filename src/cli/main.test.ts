/**
 * The command line in-process: usage errors end as one line and exit code 2
 * before any scenario is loaded. (test/cli spawns the real command.)
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import type { ExitCodeValue } from './usage.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  let exitCode: ExitCodeValue = 0;
  const code = await main(args, {
    stdout,
    stderr,
    setExitCode: (value) => {
      exitCode = value;
    },
    exitCode: () => exitCode,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('fairlink (usage)', () => {
  it.each([
    [['sim', 'x.ts', '--sed', '3'], "fairlink: unknown option '--sed' (Did you mean --seed?)"],
    [['sim'], "fairlink: missing required argument 'scenario'"],
    [['sim', 'x.ts', '--seeds', '5..2'], 'fairlink: --seeds 5..2: the range is empty (5 > 2)'],
    [
      ['sim', 'x.ts', '--seeds', 'a..b'],
      'fairlink: --seeds a..b: expected A..B with whole numbers, such as 1..100',
    ],
    [
      ['sim', 'x.ts', '--seed', '1', '--seeds', '1..2'],
      'fairlink: --seed and --seeds: give one or the other',
    ],
    [['sim', 'x.ts', '--shrunk', 'e5'], 'fairlink: --shrunk replays one run: give its seed with --seed N'],
    [
      ['sim', 'x.ts', '--seed', '1', '--shard', '1/2'],
      'fairlink: --shard splits a range of seeds: use it with --seeds, not --seed',
    ],
    [
      ['sim', 'x.ts', '--trace', 'a.txt', '--html', 'a.txt'],
      "fairlink: --trace and --html name the same file 'a.txt'",
    ],
    [['sim', 'x.ts', '--step-timeout', '0'], 'fairlink: --step-timeout 0: expected a number of seconds > 0'],
    [['sim', 'x.ts', '--param', 'n'], 'fairlink: --param n: expected NAME=VALUE, such as --param nodes=5'],
    [['sim', 'a.ts', 'b.ts'], "fairlink: too many arguments for 'sim'. Expected 1 argument but got 2."],
    [['simulate'], "fairlink: unknown command 'simulate'"],
    [
      ['sim', 'x.ts', '--seed', '1', '--shrunk', 'q1'],
      "fairlink: shrink token 'q1': unknown section 'q1' (sections are e<end ms>, f<faults left out>, d<deliveries>, k<kept losses>)",
    ],
    [['sim', '--seeds', '1..3', 'src'], 'fairlink: src: not a file (expected a scenario module)'],
    [['sim', 'missing.ts'], 'fairlink: missing.ts: no such file'],
  ])('%j', async (args, line) => {
    const { code, stdout, stderr } = await run(...args);
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('prints help and the version with exit code 0', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: fairlink');
    expect(help.stdout).toContain('sim [options] <scenario>');
    const simHelp = await run('sim', '--help');
    expect(simHelp.stdout).toContain('--seeds <A..B>');
    const version = await run('--version');
    expect(version).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) as unknown,
      stderr: '',
    });
  });

  it('shows help on stderr with exit code 2 when no command is given', async () => {
    const { code, stdout, stderr } = await run();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: fairlink');
  });
});
