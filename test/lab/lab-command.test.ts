/** `fairlink lab`'s commands on bad input, `list`, and `--test` / `--seeds`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFairlink, scratchFolder, filesUnder } from '../cli/run-cli.js';
import { parseSuite } from '../../src/lab/suite.js';
import { dropIn, gradeHandout, initHandout } from './lab-kit.js';

describe('fairlink lab', () => {
  it('lists the labs with their points', async () => {
    const run = await runFairlink(['lab', 'list'], { cwd: scratchFolder() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^lab 1: Retransmission and a reliable key-value server \(11 tests, 100 points\)$/m,
    );
  });

  it('init writes the handout: text, skeleton, tests, a package depending on fairlink', async () => {
    const scratch = scratchFolder();
    const run = await runFairlink(['lab', 'init', '1'], { cwd: scratch });
    expect(run.code, run.stderr).toBe(0);
    expect(filesUnder(join(scratch, 'lab-1'))).toEqual([
      '.gitignore',
      'README.md',
      'lab.json',
      'package.json',
      'protocol.ts',
      'tests/key-value.ts',
      'tests/reliable-send.ts',
      'tsconfig.json',
    ]);
    const again = await runFairlink(['lab', 'init', '1'], { cwd: scratch });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^fairlink: lab-1: the folder is not empty/);
  });

  it('refuses an unknown lab, a folder that is no handout, another lab, an unknown test: exit 2, one line', async () => {
    const scratch = scratchFolder();
    const unknown = await runFairlink(['lab', 'init', '99'], { cwd: scratch });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^fairlink: lab '99': no such lab \(the labs are 1[\d, ]*; see fairlink lab list\)\n$/,
    );
    expect(filesUnder(scratch)).toEqual([]);

    const notHandout = await runFairlink(['lab', 'test', '1'], { cwd: scratch });
    expect(notHandout.code).toBe(2);
    expect(notHandout.stderr).toMatch(/not a lab handout folder \(no lab\.json\)/);

    writeFileSync(join(scratch, 'lab.json'), '{"lab": 2}');
    const other = await runFairlink(['lab', 'test', '1'], { cwd: scratch });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds lab 2's handout, not lab 1's/);

    const handout = await initHandout(1);
    const noTest = await runFairlink(['lab', 'test', '1', '--test', 'nope'], { cwd: handout });
    expect(noTest.code).toBe(2);
    expect(noTest.stderr).toMatch(
      /^fairlink: --test nope: lab 1 has no such test \(its tests: ping-under-20-percent-drop, /,
    );
  });

  it('runs one test with other seeds, and prints the text report', async () => {
    const handout = await initHandout(1);
    dropIn(handout, 1, 'solution/protocol.ts');
    const run = await runFairlink(
      ['lab', 'test', '1', '--test', 'key-value-under-1-percent-drop', '--seeds', '5..6'],
      {
        cwd: handout,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      'lab 1: Retransmission and a reliable key-value server (suite version 1, 1 test)\n' +
        'PASS      15/15  key-value-under-1-percent-drop: with 1% drop and 10 ms delay: set a=1, set b=22, get a -> 1, get b -> 22\n' +
        'total 15/15 points; 1 passed, 0 failed\n',
    );
    const { report } = await gradeHandout(handout, 1, ['--test', 'timeout-without-ack']);
    expect(report.tests.map((test) => [test.name, test.verdict])).toEqual([['timeout-without-ack', 'pass']]);
  });

  it('a student file that does not compile fails each test with the compiler error, not a crash', async () => {
    const handout = await initHandout(1);
    writeFileSync(join(handout, 'protocol.ts'), 'export const = ;\n');
    const { run, report } = await gradeHandout(handout, 1, ['--test', 'ping-under-20-percent-drop']);
    expect(run.code).toBe(1);
    expect(report.tests[0]?.reason).toMatch(/protocol\.ts/);
  });
});

describe('a suite file', () => {
  const valid = {
    format: 'fairlink-lab-suite',
    version: 1,
    lab: 7,
    title: 't',
    tests: [{ name: 'a', kind: 'check', description: 'd', points: 1, scenario: 's.ts' }],
  };

  it('is validated: version, kinds, fields, unique names', () => {
    expect(parseSuite(JSON.stringify(valid), 'suite.json', 7).tests).toHaveLength(1);
    expect(() => parseSuite(JSON.stringify({ ...valid, version: 2 }), 'suite.json', 7)).toThrow(
      /^suite\.json: at 'version': /,
    );
    expect(() =>
      parseSuite(JSON.stringify({ ...valid, tests: [{ ...valid.tests[0], kind: 'fuzz' }] }), 'suite.json', 7),
    ).toThrow(/at 'tests\.0\.kind'/);
    expect(() =>
      parseSuite(JSON.stringify({ ...valid, tests: [valid.tests[0], valid.tests[0]] }), 'suite.json', 7),
    ).toThrow(/two tests are named 'a'/);
    expect(() => parseSuite('{', 'suite.json', 7)).toThrow(/^suite\.json: not JSON/);
    expect(() => parseSuite(JSON.stringify(valid), 'suite.json', 8)).toThrow(/says lab 7, expected 8/);
  });
});
