/**
 * Output files that are whole or absent, never half-written (DESIGN section 7).
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `content` to `path` atomically: the bytes go to a temporary file in
 * the same folder (same file system, so the rename cannot copy), are flushed
 * to disk, and the temporary file is then renamed over `path`. Readers see
 * the old file or the new one, never a part. Missing parent folders are
 * created. On any error the temporary file is removed and the error rethrown;
 * `path` is then untouched.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  // A random suffix keeps two writers of the same path (two shards, say) off each other's temporary file.
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
