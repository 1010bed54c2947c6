/**
 * Reads a file of untrusted size and type: regular files only, opened without blocking (a named
 * pipe called `x.yaml` would otherwise wait for a writer forever), and never more than the cap
 * plus one byte (a 50 MB file, or one that grows while it is read, is refused, not loaded).
 */
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** The content, or why it was not read. */
export type CappedRead = Buffer | 'too-large' | 'directory' | 'not-a-file';

/**
 * Reads `path` if it is a regular file of at most `max` bytes. Throws only the errors of `open`
 * (ENOENT, EACCES, ...) and of `check`, which sees what was opened before a byte is read.
 */
export async function readCapped(path: string, max: number, check?: (opened: Stats) => Promise<void>): Promise<CappedRead> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return 'directory';
    if (!st.isFile()) return 'not-a-file';
    if (st.size > max) return 'too-large';
    await check?.(st);
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buf.length; length += n) n = (await handle.read(buf, length, buf.length - length, length)).bytesRead;
    return length > max ? 'too-large' : buf.subarray(0, length);
  } finally {
    await handle.close();
  }
}
