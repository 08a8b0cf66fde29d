/**
 * Durable storage of one node: an append-only log file of what steps persisted.
 *
 * File `storage.log` in the node's data folder: the 8-byte magic `FLSTOR01`,
 * then records `u32 length, u32 checksum, payload` (the checksum: the first 4
 * bytes of the payload's SHA-256), where the payload is the JSON of
 * `[[key, encodePlain(value)], ...]`: everything one step (or one flush of
 * several steps) persisted. A record is all or nothing: a record
 * whose length runs past the end of the file or whose checksum fails is the
 * torn tail of a write that a crash interrupted, and it and anything after it
 * are ignored. Its step's messages never left, because the engine sends only
 * after {@link DurableStorage.commit} returns ("persist before send").
 *
 * Opening compacts: the live keys are written as one record to a new file,
 * which is synced and renamed over the old one (the folder is synced too), so
 * the log does not grow across restarts and a torn tail is cut off.
 */

import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/index.js';
import { decodePlain, encodePlain, findPlainViolation } from '../core/index.js';

/** The first bytes of every storage file. */
export const STORAGE_MAGIC = Buffer.from('FLSTOR01', 'latin1');
/** The storage file's name inside the node's data folder. */
export const STORAGE_FILE = 'storage.log';
/** Holds the id of the process that has the folder open: two writers would corrupt the log. */
export const LOCK_FILE = 'lock';
const RECORD_HEADER_BYTES = 8;

/** What opening found. */
export interface StorageRecovery {
  /** Whether the file existed: the node ran before and must recover rather than boot. */
  readonly existed: boolean;
  /** Records read (before compaction). */
  readonly records: number;
  /** Bytes of a torn or corrupt tail that were ignored. */
  readonly tornBytes: number;
}

/** Where writes go: the real file, or nowhere (a node without a data folder). */
export interface DurableStore {
  /** The durable map as of the last completed step; engines read and update it. */
  readonly values: Map<string, unknown>;
  /** Queues the writes of one step; they become durable at the next {@link commit}. */
  stage(entries: ReadonlyMap<string, unknown>): void;
  /** Writes and syncs everything staged. Returns whether there was anything. */
  commit(): boolean;
  /** Whether writes are staged and not yet committed. */
  readonly dirty: boolean;
  close(): void;
}

/** Storage in memory: for nodes without a data folder (restart means a fresh node). */
export class MemoryStorage implements DurableStore {
  readonly values = new Map<string, unknown>();
  readonly dirty = false;

  stage(): void {}

  commit(): boolean {
    return false;
  }

  close(): void {}
}

/** The append-only file store. Synchronous on purpose: a step's sends wait for it anyway. */
export class DurableStorage implements DurableStore {
  private staged: Buffer[] = [];
  private descriptor: number | undefined;
  /** Counters, for status lines and tests. */
  readonly stats = { commits: 0, records: 0, bytes: 0 };

  private constructor(
    readonly folder: string,
    readonly values: Map<string, unknown>,
    descriptor: number,
    readonly recovery: StorageRecovery,
    private readonly lock: string,
  ) {
    this.descriptor = descriptor;
  }

  /**
   * Opens (creating if needed) the storage in `folder`, reads what survived,
   * compacts it and returns the store ready for appends.
   */
  static open(folder: string): DurableStorage {
    mkdirSync(folder, { recursive: true });
    const lock = acquireLock(folder);
    try {
      return DurableStorage.openLocked(folder, lock);
    } catch (error) {
      releaseLock(lock);
      throw error;
    }
  }

  private static openLocked(folder: string, lock: string): DurableStorage {
    const path = join(folder, STORAGE_FILE);
    const existed = existsSync(path);
    const values = new Map<string, unknown>();
    let records = 0;
    let tornBytes = 0;
    if (existed) {
      const read = readRecords(readFileSync(path), path);
      records = read.records.length;
      tornBytes = read.tornBytes;
      for (const record of read.records) for (const [key, value] of record) values.set(key, value);
    }
    writeCompacted(folder, path, values);
    const descriptor = openSync(path, 'a');
    return new DurableStorage(folder, values, descriptor, { existed, records, tornBytes }, lock);
  }

  get dirty(): boolean {
    return this.staged.length > 0;
  }

  stage(entries: ReadonlyMap<string, unknown>): void {
    if (entries.size === 0) return;
    this.staged.push(encodeRecord(entries));
  }

  commit(): boolean {
    if (this.staged.length === 0) return false;
    if (this.descriptor === undefined) throw new Error('DurableStorage.commit: the storage is closed');
    const bytes = this.staged.length === 1 ? (this.staged[0] as Buffer) : Buffer.concat(this.staged);
    this.stats.records += this.staged.length;
    this.staged = [];
    let written = 0;
    while (written < bytes.length) written += writeSync(this.descriptor, bytes, written);
    fdatasyncSync(this.descriptor);
    this.stats.commits++;
    this.stats.bytes += bytes.length;
    return true;
  }

  close(): void {
    if (this.descriptor === undefined) return;
    closeSync(this.descriptor);
    this.descriptor = undefined;
    releaseLock(this.lock);
  }
}

/**
 * Takes the folder's lock file, or explains who holds it. A lock left by a
 * process that is gone (killed with SIGKILL) is taken over.
 */
function acquireLock(folder: string): string {
  const path = join(folder, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(path, 'wx');
      try {
        writeSync(descriptor, `${process.pid}\n`);
      } finally {
        closeSync(descriptor);
      }
      return path;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    // Our own pid in a lock we did not take is a previous life of this process id (a container restart).
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new InputError(`${folder}: in use by process ${owner} (is this node already running?)`);
    }
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }
  throw new InputError(`${path}: cannot take the lock (another process keeps taking it)`);
}

function releaseLock(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** One record: header and payload. */
export function encodeRecord(entries: Iterable<readonly [string, unknown]>): Buffer {
  const pairs: [string, unknown][] = [];
  for (const [key, value] of entries) pairs.push([key, encodePlain(value)]);
  const payload = Buffer.from(JSON.stringify(pairs), 'utf8');
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32BE(payload.length, 0);
  record.writeUInt32BE(checksum(payload), 4);
  payload.copy(record, RECORD_HEADER_BYTES);
  return record;
}

/** The records of a storage file, up to the first torn or corrupt one. */
export function readRecords(
  file: Buffer,
  path: string,
): { records: (readonly [string, unknown])[][]; tornBytes: number } {
  if (file.length < STORAGE_MAGIC.length || !file.subarray(0, STORAGE_MAGIC.length).equals(STORAGE_MAGIC)) {
    throw new InputError(`${path}: not a fairlink storage file (it does not start with FLSTOR01)`);
  }
  const records: (readonly [string, unknown])[][] = [];
  let offset = STORAGE_MAGIC.length;
  while (offset < file.length) {
    if (file.length - offset < RECORD_HEADER_BYTES) break;
    const length = file.readUInt32BE(offset);
    const expected = file.readUInt32BE(offset + 4);
    const start = offset + RECORD_HEADER_BYTES;
    if (file.length - start < length) break;
    const payload = file.subarray(start, start + length);
    if (checksum(payload) !== expected) break;
    const record = decodeRecord(payload);
    if (record === undefined) break;
    records.push(record);
    offset = start + length;
  }
  return { records, tornBytes: file.length - offset };
}

/** The first 4 bytes of the SHA-256 of `payload` (crc32 would do, but node:zlib has it only from Node 20.15). */
function checksum(payload: Buffer): number {
  return createHash('sha256').update(payload).digest().readUInt32BE(0);
}

function decodeRecord(payload: Buffer): [string, unknown][] | undefined {
  let pairs: unknown;
  try {
    pairs = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(pairs)) return undefined;
  const decoded: [string, unknown][] = [];
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return undefined;
    const value = decodePlain(pair[1]);
    // Frozen like the values the simulator keeps, so that a handler cannot change storage by mutating a load.
    findPlainViolation(value, true);
    decoded.push([pair[0], value]);
  }
  return decoded;
}

/** Replaces the file at `path` by the magic and one record of `values`, durably. */
function writeCompacted(folder: string, path: string, values: ReadonlyMap<string, unknown>): void {
  const temporary = `${path}.compact`;
  const parts: Buffer[] = [STORAGE_MAGIC];
  if (values.size > 0) parts.push(encodeRecord(values));
  const bytes = Buffer.concat(parts);
  const descriptor = openSync(temporary, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, path);
  syncFolder(folder);
}

/** Makes a rename or a new file in `folder` durable. */
function syncFolder(folder: string): void {
  const descriptor = openSync(folder, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
