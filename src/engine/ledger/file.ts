/**
 * The default ledger backend: `<stateDir>/ledger.json`, written atomically (temp file, fsync,
 * rename), and a lock file so two runs on one state directory never interleave.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerState } from '../../core/ledger.js';
import type { LedgerStore } from '../ports.js';

export interface FileLedgerOptions {
  /** Directory holding ledger.json and the lock. @default '.syncwise' */
  readonly stateDir: string;
  /** How long `lock()` waits for a live holder before failing. @default 0 */
  readonly lockWaitMs?: number;
}

/**
 * Raised when another live process holds the state directory. Retryable: the holder finishes
 * sooner or later, so a watch or scheduled run backs off and tries again rather than waiting for
 * the next file change or tick.
 */
export class LockedError extends Error {
  readonly code = 'STATE_LOCKED';
  readonly retryable = true;
  constructor(readonly pid: number, readonly since: string, readonly path: string) {
    super(`state directory is locked by pid ${pid} since ${since} (${path}); wait for that run to finish or stop it`);
    this.name = 'LockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<{ pid: number; since: string } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; since?: unknown };
    if (typeof parsed.pid === 'number' && typeof parsed.since === 'string') return { pid: parsed.pid, since: parsed.since };
  } catch {
    // unreadable or half-written lock: treated as stale below
  }
  return undefined;
}

async function tryCreateLock(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    await fh.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function isFresh(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs < 1_000;
  } catch {
    return false;
  }
}

/** Writes `content` to `path` so that a crash leaves either the old or the new file, never a mix. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Creates the file-backed ledger store. */
export function fileLedger(options: FileLedgerOptions): LedgerStore {
  const file = join(options.stateDir, 'ledger.json');
  const lockFile = join(options.stateDir, 'lock');
  return {
    async load() {
      let raw: string;
      try {
        raw = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      const parsed = JSON.parse(raw) as LedgerState;
      if (parsed.version !== 1) throw new Error(`${file}: unsupported ledger version ${String(parsed.version)}`);
      return parsed;
    },
    async save(state) {
      await mkdir(options.stateDir, { recursive: true });
      await writeFileAtomic(file, `${JSON.stringify(state, null, 1)}\n`);
    },
    async lock() {
      await mkdir(options.stateDir, { recursive: true });
      const deadline = Date.now() + (options.lockWaitMs ?? 0);
      for (;;) {
        if (await tryCreateLock(lockFile)) break;
        const holder = await readHolder(lockFile);
        if (holder === undefined && (await isFresh(lockFile))) {
          await new Promise((r) => setTimeout(r, 20)); // being written by its holder right now
          continue;
        }
        if (holder === undefined || !isAlive(holder.pid)) {
          await rm(lockFile, { force: true }); // stale: its process is gone
          continue;
        }
        if (Date.now() >= deadline) throw new LockedError(holder.pid, holder.since, lockFile);
        await new Promise((r) => setTimeout(r, 200));
      }
      return async () => { await rm(lockFile, { force: true }); };
    },
  };
}

/** A fresh random owner id for a new ledger: `cfg-1a2b3c4d`. */
export function newOwnerId(): string {
  return `cfg-${randomBytes(4).toString('hex')}`;
}

