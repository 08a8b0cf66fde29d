import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkHistoryFile } from './check-file.js';
import { runHistoryCheck } from './cli.js';
import { HistoryFormatError, HistoryUsageError } from './errors.js';
import { pairOperations } from './types.js';
import { parseJsonl } from './formats/jsonl.js';
import { checkLinearizability } from './linearizability/check.js';
import { registerModel } from './models/register.js';
import { renderHistoryHtml } from './report/html.js';

let folder = '';
const line = (process: number, type: string, f: string, value: unknown, time: number, key?: string) =>
  JSON.stringify({ process, type, f, value, time, ...(key === undefined ? {} : { key }) });
const staleRead = [
  line(0, 'invoke', 'write', 1, 0),
  line(0, 'ok', 'write', 1, 10),
  line(1, 'invoke', 'read', null, 20),
  line(1, 'ok', 'read', null, 30),
].join('\n');
const fine = [
  line(0, 'invoke', 'write', 1, 0),
  line(1, 'invoke', 'read', null, 1),
  line(1, 'ok', 'read', 1, 5),
  line(0, 'ok', 'write', 1, 10),
].join('\n');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fairlink-check-'));
  await writeFile(join(folder, 'stale.jsonl'), staleRead);
  await writeFile(join(folder, 'fine.jsonl'), fine);
  await writeFile(join(folder, 'broken.jsonl'), `${line(0, 'invoke', 'read', null, 0)}\n{oops\n`);
  await writeFile(
    join(folder, 'set.jsonl'),
    [
      line(0, 'invoke', 'add', 1, 0),
      line(0, 'ok', 'add', 1, 1),
      line(1, 'invoke', 'read', null, 2),
      line(1, 'ok', 'read', [], 3),
    ].join('\n'),
  );
  await writeFile(
    join(folder, 'counter.jsonl'),
    [
      line(0, 'invoke', 'add', 2, 0),
      line(0, 'ok', 'add', 2, 1),
      line(1, 'invoke', 'read', null, 2),
      line(1, 'ok', 'read', 2, 3),
    ].join('\n'),
  );
});

describe('checkHistoryFile', () => {
  it('checks linearizability with a named model, or with a model object', async () => {
    const bad = await checkHistoryFile(join(folder, 'stale.jsonl'), { model: 'register' });
    expect(bad).toMatchObject({ checker: 'linearizable', outcome: 'violation', exitCode: 1 });
    const good = await checkHistoryFile(join(folder, 'fine.jsonl'), {
      model: registerModel(),
      format: 'jsonl',
      timeoutSeconds: 10,
    });
    expect(good).toMatchObject({ outcome: 'ok', exitCode: 0 });
  });

  it('runs the other checkers', async () => {
    expect(
      (await checkHistoryFile(join(folder, 'stale.jsonl'), { model: 'register', checker: 'sequential' }))
        .outcome,
    ).toBe('ok');
    expect((await checkHistoryFile(join(folder, 'set.jsonl'), { checker: 'set' })).outcome).toBe('violation');
    expect((await checkHistoryFile(join(folder, 'counter.jsonl'), { checker: 'counter' })).outcome).toBe(
      'ok',
    );
  });

  it('refuses bad options', async () => {
    await expect(checkHistoryFile(join(folder, 'fine.jsonl'))).rejects.toThrow(HistoryUsageError);
    await expect(
      checkHistoryFile(join(folder, 'fine.jsonl'), { model: 'register', timeoutSeconds: 0 }),
    ).rejects.toThrow(/--timeout/);
    await expect(checkHistoryFile(join(folder, 'fine.jsonl'), { model: 'nope' })).rejects.toThrow(
      /unknown model/,
    );
  });
});

describe('checkHistoryFile and the model', () => {
  it('refuses, as bad input naming the file and line, a history whose operations the model does not know', async () => {
    const check = checkHistoryFile(join(folder, 'fine.jsonl'), { model: 'queue' });
    await expect(check).rejects.toThrow(HistoryFormatError);
    await expect(check).rejects.toThrow(
      /fine\.jsonl:1: operation "write" is not known to the queue model \(it knows enqueue, dequeue\)$/,
    );
    await expect(
      checkHistoryFile(join(folder, 'fine.jsonl'), { model: 'set', checker: 'sequential' }),
    ).rejects.toThrow(/fine\.jsonl:1: operation "write" is not known to the set model/);
  });

  it('names the line of a value of the wrong shape: the invocation for an input, the completion for an output', async () => {
    await writeFile(
      join(folder, 'shapes.jsonl'),
      [
        line(0, 'invoke', 'add', 1, 0),
        line(0, 'ok', 'add', 1, 1),
        line(1, 'invoke', 'read', null, 2),
        line(1, 'ok', 'read', 1, 3),
      ].join('\n'),
    );
    await expect(checkHistoryFile(join(folder, 'shapes.jsonl'), { model: 'set' })).rejects.toThrow(
      /shapes\.jsonl:4: read returns a list in the set model, got 1$/,
    );
    await writeFile(
      join(folder, 'cas.jsonl'),
      `${line(0, 'invoke', 'write', 1, 0)}\n${line(1, 'invoke', 'cas', 1, 1)}`,
    );
    await expect(checkHistoryFile(join(folder, 'cas.jsonl'), { model: 'cas-register' })).rejects.toThrow(
      /cas\.jsonl:2: cas takes \[from, to\] in the cas-register model, got 1$/,
    );
  });

  it('refuses a history with no client operation (only the nemesis and log lines) rather than judging nothing', async () => {
    const nemesis = (type: string, f: string, time: number) =>
      JSON.stringify({ process: 'nemesis', type, f, value: null, time });
    await writeFile(
      join(folder, 'nemesis-only.jsonl'),
      [nemesis('info', 'start', 0), nemesis('info', 'stop', 5), line(3, 'info', 'read', null, 6)].join('\n'),
    );
    await expect(checkHistoryFile(join(folder, 'nemesis-only.jsonl'), { model: 'register' })).rejects.toThrow(
      /nemesis-only\.jsonl: no client operation in the file: its 3 event\(s\)/,
    );
  });

  it('starts a register from --initial', async () => {
    await writeFile(
      join(folder, 'starts-at-0.jsonl'),
      `${line(0, 'invoke', 'read', null, 0)}\n${line(0, 'ok', 'read', 0, 1)}`,
    );
    const path = join(folder, 'starts-at-0.jsonl');
    expect((await checkHistoryFile(path, { model: 'cas-register' })).outcome).toBe('violation');
    expect((await checkHistoryFile(path, { model: 'cas-register', initial: 0 })).outcome).toBe('ok');
    expect(
      (await checkHistoryFile(path, { model: 'register', initial: 0, checker: 'sequential' })).outcome,
    ).toBe('ok');
    await expect(checkHistoryFile(path, { model: 'counter', initial: 0 })).rejects.toThrow(
      /--initial: the counter model has no initial value/,
    );
    await expect(checkHistoryFile(path, { model: registerModel(), initial: 0 })).rejects.toThrow(
      HistoryUsageError,
    );
    await expect(checkHistoryFile(path, { checker: 'counter', initial: 0 })).rejects.toThrow(/uses no model/);
  });
});

describe('runHistoryCheck', () => {
  it('prints a verdict with the explanation, and exits 1 for a violation', async () => {
    const output = await runHistoryCheck({ files: [join(folder, 'stale.jsonl')], model: 'register' });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toContain('not-linearizable');
    expect(output.stdout).toContain('none of these can be placed next:');
    expect(output.stdout).toMatch(/#1 process 1 read\(\) -> null \[20, 30\]: illegal in that state/);
  });

  it('prints JSON, and writes the HTML report', async () => {
    const html = join(folder, 'report.html');
    const output = await runHistoryCheck({
      files: [join(folder, 'fine.jsonl')],
      model: 'register',
      json: true,
      html,
      partition: false,
      timeout: 5,
    });
    expect(output.exitCode).toBe(0);
    const parsed = JSON.parse(output.stdout) as { outcome: string; result: { verdict: string } };
    expect(parsed.outcome).toBe('ok');
    expect(parsed.result.verdict).toBe('linearizable');
    expect(await readFile(html, 'utf8')).toContain('<svg');
  });

  it('exits 2 with a one-line error naming the file and line for bad input', async () => {
    const output = await runHistoryCheck({ files: [join(folder, 'broken.jsonl')], model: 'register' });
    expect(output.exitCode).toBe(2);
    expect(output.stdout).toBe('');
    expect(output.stderr).toMatch(/broken\.jsonl:2: invalid JSON/);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect((await runHistoryCheck({ files: [join(folder, 'fine.jsonl')], model: 'what' })).exitCode).toBe(2);
  });

  it('exits 3 when nothing can be decided', async () => {
    await writeFile(join(folder, 'empty-set.jsonl'), line(0, 'invoke', 'add', 1, 0));
    expect(
      (await runHistoryCheck({ files: [join(folder, 'empty-set.jsonl')], checker: 'set' })).exitCode,
    ).toBe(3);
  });
});

describe('renderHistoryHtml', () => {
  it('draws one row per process and marks the partial linearization and the blocked operations', () => {
    const paired = pairOperations(parseJsonl(staleRead, 'stale'));
    const result = checkLinearizability(paired.operations, registerModel());
    const html = renderHistoryHtml(paired, result, { title: 'stale <read>' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>stale &#60;read&#62;</title>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/class="proc"/g)).toHaveLength(2);
    expect(html).toContain('class="op linearized"');
    expect(html).toContain('class="op blocked illegal"');
    expect(html).toContain('1. write(1) → 1');
  });

  it('promises in its legend only the colours it uses: none of a check without a failure', () => {
    const paired = pairOperations(parseJsonl(staleRead, 'stale'));
    const legend = (html: string) => /<p class="legend">(.*)<\/p>/.exec(html)?.[1] ?? '';
    expect(legend(renderHistoryHtml(paired))).not.toContain('cannot be placed next');
    expect(legend(renderHistoryHtml(paired))).not.toContain('partial linearization');
    const failed = renderHistoryHtml(paired, checkLinearizability(paired.operations, registerModel()));
    expect(legend(failed)).toContain('cannot be placed next');
  });

  it('draws unknown operations to the end of the axis', () => {
    const paired = pairOperations(
      parseJsonl(
        [
          line(0, 'invoke', 'write', 1, 0),
          line(1, 'invoke', 'read', null, 1),
          line(1, 'ok', 'read', null, 2),
        ].join('\n'),
        'u',
      ),
    );
    expect(renderHistoryHtml(paired)).toContain('class="op unknown"');
  });
});
