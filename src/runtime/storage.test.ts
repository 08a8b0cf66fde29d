import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DurableStorage,
  encodeRecord,
  LOCK_FILE,
  readRecords,
  STORAGE_FILE,
  STORAGE_MAGIC,
} from './storage.js';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'fairlink-storage-'));
}

/** Opens, writes `steps` (one commit each), closes. */
function writeSteps(path: string, steps: readonly (readonly [string, unknown])[][]): void {
  const storage = DurableStorage.open(path);
  for (const step of steps) {
    const entries = new Map(step);
    for (const [key, value] of entries) storage.values.set(key, value);
    storage.stage(entries);
    expect(storage.commit()).toBe(true);
  }
  storage.close();
}

describe('DurableStorage', () => {
  it('a fresh folder has no earlier run; after a run, reopening recovers every key with its last value', () => {
    const path = folder();
    const first = DurableStorage.open(path);
    expect(first.recovery).toEqual({ existed: false, records: 0, tornBytes: 0 });
    first.close();
    writeSteps(path, [
      [
        ['term', 1],
        ['votedFor', 'n2'],
      ],
      [['log:1', { term: 1, command: new Map([['k', 1n]]) }]],
      [['term', 2]],
    ]);
    const reopened = DurableStorage.open(path);
    expect(reopened.recovery.existed).toBe(true);
    expect(reopened.recovery.records).toBe(3); // one per step (the first open had nothing to compact)
    expect([...reopened.values]).toEqual([
      ['term', 2],
      ['votedFor', 'n2'],
      ['log:1', { term: 1, command: new Map([['k', 1n]]) }],
    ]);
    // Recovered values are frozen, as the simulator's are: a handler cannot change storage by mutation.
    expect(Object.isFrozen(reopened.values.get('log:1'))).toBe(true);
    reopened.close();
  });

  it('compacts on open: the file holds one record of the live keys', () => {
    const path = folder();
    writeSteps(
      path,
      Array.from({ length: 50 }, (_, index) => [['counter', index] as const]),
    );
    const file = join(path, STORAGE_FILE);
    const before = statSync(file).size;
    DurableStorage.open(path).close();
    const records = readRecords(readFileSync(file), file).records;
    expect(records).toEqual([[['counter', 49]]]);
    expect(statSync(file).size).toBeLessThan(before / 10);
  });

  it('ignores a torn last record (a write cut by a crash) and keeps everything before it', () => {
    const path = folder();
    writeSteps(path, [[['a', 1]], [['b', 2]]]);
    const file = join(path, STORAGE_FILE);
    const torn = encodeRecord([['c', 3]]);
    appendFileSync(file, torn.subarray(0, torn.length - 3));
    const reopened = DurableStorage.open(path);
    expect(reopened.recovery.tornBytes).toBe(torn.length - 3);
    expect([...reopened.values]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    reopened.close();
    // Compaction cut the torn tail off: the next open finds nothing torn.
    const again = DurableStorage.open(path);
    expect(again.recovery.tornBytes).toBe(0);
    again.close();
  });

  it('ignores a record whose checksum fails, and everything after it', () => {
    const path = folder();
    writeSteps(path, [[['a', 1]]]);
    const file = join(path, STORAGE_FILE);
    const corrupt = encodeRecord([['b', 2]]);
    corrupt[corrupt.length - 2] = 0x20; // inside the JSON payload
    appendFileSync(file, Buffer.concat([corrupt, encodeRecord([['c', 3]])]));
    const reopened = DurableStorage.open(path);
    expect([...reopened.values]).toEqual([['a', 1]]);
    expect(reopened.recovery.tornBytes).toBeGreaterThan(0);
    reopened.close();
  });

  it('refuses a file that is not its own, naming it', () => {
    const path = folder();
    writeFileSync(join(path, STORAGE_FILE), 'hello');
    expect(() => DurableStorage.open(path)).toThrow(/storage\.log: not a fairlink storage file/);
  });

  it('refuses a folder that a live process holds, and takes over the lock of a dead one', async () => {
    const path = folder();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(path, LOCK_FILE), `${holder.pid}\n`);
      expect(() => DurableStorage.open(path)).toThrow(
        `${path}: in use by process ${holder.pid} (is this node already running?)`,
      );
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    const storage = DurableStorage.open(path);
    expect(readFileSync(join(path, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    storage.close();
    expect(existsSync(join(path, LOCK_FILE))).toBe(false);
  });

  it('writes nothing for a step that persisted nothing', () => {
    const path = folder();
    const storage = DurableStorage.open(path);
    storage.stage(new Map());
    expect(storage.dirty).toBe(false);
    expect(storage.commit()).toBe(false);
    storage.close();
    expect(readFileSync(join(path, STORAGE_FILE))).toEqual(STORAGE_MAGIC);
  });
});
