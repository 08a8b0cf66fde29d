// The side-by-side benchmarks (bench/anchors/): a ratio only for the same work, measured in the
// same run, alternated; an anchor that cannot run is said to be unavailable.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTimeReport } from '../../bench/anchors/measure.js';
import { compareSideBySide, countsDisagreement, type Side } from '../../bench/anchors/side-by-side.js';
import {
  parseGoTestVerbose,
  parseStaterightLine,
  parseTlcOutput,
  porcupineTests,
  staterightModel,
  tlcTwoPhase,
} from '../../bench/anchors/tools.js';

/** A side that prints `counts` as JSON from a real Node process, and logs when it is read. */
function printing(tool: string, counts: Record<string, number>, log: string[]): Side {
  return {
    tool,
    command: {
      program: process.execPath,
      args: ['-e', `process.stdout.write(${JSON.stringify(JSON.stringify(counts))})`],
    },
    read: (run) => {
      log.push(tool);
      return { counts: JSON.parse(run.stdout) as Record<string, number> };
    },
  };
}

describe('compareSideBySide', () => {
  it('alternates the two sides and gives the ratio of the medians when the counts agree', async () => {
    const log: string[] = [];
    const entry = await compareSideBySide({
      name: 'same work',
      repetitions: 3,
      fairlink: printing('fairlink', { distinctStates: 288 }, log),
      anchor: printing('TLC', { distinctStates: 288 }, log),
    });
    expect(log).toEqual(['fairlink', 'TLC', 'fairlink', 'TLC', 'fairlink', 'TLC']);
    expect(entry.error).toBeUndefined();
    expect(entry.counts).toEqual({ distinctStates: 288 });
    expect(typeof entry.anchor).toBe('object');
    expect(entry.fairlink?.secondsAll).toHaveLength(3);
    expect(entry.ratio?.seconds).toBeGreaterThan(0);
    expect(entry.ratioOf).toContain('TLC median / fairlink median');
    expect(entry.ratio?.figures).toBeUndefined();
  });

  it('gives the ratio of a figure that both tools report of themselves', async () => {
    const reporting = (tool: string, figures: Record<string, number>): Side => ({
      ...printing(tool, { distinctStates: 288 }, []),
      read: () => ({ counts: { distinctStates: 288 }, figures }),
    });
    const entry = await compareSideBySide({
      name: 'own figures',
      repetitions: 1,
      fairlink: reporting('fairlink', { searchSeconds: 2 }),
      // A figure that only one tool reports has no ratio.
      anchor: reporting('Stateright', { searchSeconds: 5, threadsUsed: 2 }),
    });
    expect(entry.ratio?.figures).toEqual({ searchSeconds: 2.5 });
  });

  it('reports an error and no ratio when the counts disagree', async () => {
    const entry = await compareSideBySide({
      name: 'different work',
      repetitions: 1,
      fairlink: printing('fairlink', { distinctStates: 288 }, []),
      anchor: printing('TLC', { distinctStates: 289 }, []),
    });
    expect(entry.error).toMatch(/counts disagree .*distinctStates 288 against 289/);
    expect(entry.ratio).toBeUndefined();
  });

  it('says the anchor is unavailable, runs fairlink alone, and gives no ratio', async () => {
    const log: string[] = [];
    const entry = await compareSideBySide({
      name: 'no java',
      repetitions: 1,
      fairlink: printing('fairlink', { distinctStates: 288 }, log),
      anchor: { unavailable: 'java is not on PATH' },
    });
    expect(entry.anchor).toBe('unavailable: java is not on PATH');
    expect(entry.ratio).toBeUndefined();
    expect(entry.error).toBeUndefined();
    expect(log).toEqual(['fairlink']);
  });

  it('reports a side that fails as an error, naming the tool', async () => {
    const entry = await compareSideBySide({
      name: 'failing anchor',
      repetitions: 1,
      fairlink: printing('fairlink', { distinctStates: 288 }, []),
      anchor: {
        tool: 'Stateright',
        command: { program: process.execPath, args: ['-e', 'process.exit(3)'] },
        read: (run) => {
          throw new Error(`exited with ${String(run.exitCode)}`);
        },
      },
    });
    expect(entry.error).toMatch(/^Stateright .*exited with 3/);
    expect(entry.ratio).toBeUndefined();
  });
});

describe('countsDisagreement', () => {
  it('compares the counts both sides report, and refuses when they share none', () => {
    expect(
      countsDisagreement('TLC', { distinctStates: 1, searchMs: 4 }, { distinctStates: 1 }),
    ).toBeUndefined();
    expect(countsDisagreement('TLC', { depth: 3 }, { depth: 4 })).toMatch(/depth 3 against 4/);
    expect(countsDisagreement('TLC', { depth: 3 }, { histories: 4 })).toMatch(/no count in common/);
  });
});

describe('reading the anchors', () => {
  it("reads TLC's final counts and refuses an incomplete run", () => {
    const output = [
      'Model checking completed. No error has been found.',
      '58146 states generated, 8832 distinct states found, 0 states left on queue.',
      'The depth of the complete state graph search is 17.',
    ].join('\n');
    expect(parseTlcOutput(output)).toEqual({
      verdict: 'ok',
      distinctStates: 8832,
      generatedStates: 58146,
      depth: 17,
    });
    expect(() => parseTlcOutput('Progress(9): 25,882 states generated')).toThrow(/no final state counts/);
  });

  it("reads Stateright's TIMED line", () => {
    const line =
      'TIMED mode=bfs n=7 threads=2 states=2744706 unique=296448 depth=23 secs=5.847 discoveries=["abort agreement"]';
    expect(parseStaterightLine(line)).toEqual({
      counts: { distinctStates: 296448, generatedStates: 2744706, depth: 23 },
      figures: { searchSeconds: 5.847 },
    });
  });

  it("counts Go's passing and failing tests", () => {
    const output =
      '=== RUN   TestA\n--- PASS: TestA (0.00s)\n--- FAIL: TestB (0.01s)\n--- PASS: TestC (0.59s)\nFAIL\n';
    expect(parseGoTestVerbose(output)).toEqual({ histories: 3, asExpected: 2 });
  });

  it("reads GNU time's last line, also after a failing command's notice", () => {
    expect(parseTimeReport('Command exited with non-zero status 1\n1.50 0.25 2048\n')).toEqual({
      cpuSeconds: 1.75,
      peakRssBytes: 2048 * 1024,
    });
    expect(parseTimeReport('garbage')).toBeUndefined();
  });
});

describe('locating the anchors', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('says every anchor is unavailable, and why, without an anchors folder', () => {
    vi.stubEnv('FAIRLINK_ANCHORS', '/nonexistent/anchors');
    for (const side of [
      tlcTwoPhase(7, 1),
      staterightModel('2pc', 'bfs', 7, 2),
      porcupineTests('^TestKv', '/tmp'),
    ]) {
      expect(side).toEqual({
        unavailable: 'no anchors folder at /nonexistent/anchors (set FAIRLINK_ANCHORS)',
      });
    }
  });
});
