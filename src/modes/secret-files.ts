/**
 * File-backed secrets (`valueFrom.file`) for the long-running modes. Every run looks at each secret
 * file again (one `lstat`, and a `realpath` per directory), but reads one only when what it sees
 * changed: device, inode, size, modification or status-change time. A one-file edit in a
 * 10,000-object repository with 300 secret files then reads none of them, and a rotated secret is
 * still read on the next run: writing a file changes its times, and replacing it (a rename, or a
 * re-pointed link as Kubernetes does for mounted Secrets) changes its inode as well.
 *
 * A file whose times are less than 2 s older than the moment it was read is read again on the next
 * run: a second write within the file system's timestamp granularity, with the same size, would
 * otherwise look unchanged (git treats such "racily clean" index entries the same way).
 *
 * The looks are synchronous: a few microseconds each from the kernel's cache, where 300 of them
 * queued on libuv's four-thread pool took several milliseconds of every run.
 */
import { lstatSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readSecretFile } from '../config/secrets.js';

/** A read is trusted on later runs only when the file's times were at least this much older than the read. */
const RACY_MS = 2000;

/** What one run saw of a secret file. */
interface Look {
  /** The path with every symbolic link resolved; undefined when the file cannot be looked at (it does not exist). */
  readonly real?: string;
  /** Device, inode, size and times of the file a read would open. */
  readonly signature?: string;
  /** The later of its modification and status-change times, in ms. */
  readonly changedAtMs: number;
}

interface Content {
  readonly signature: string;
  readonly text: string;
  /** False when the file had changed too recently to trust its signature: read it again next run. */
  readonly trusted: boolean;
}

/** The secret files of one run. */
export interface SecretFilesRun {
  /** A path's real path (links resolved), for the check that a secret stays inside its root; undefined when it does not exist. */
  realPath(path: string): string | undefined;
  /** The text of a file when it is known this run (unchanged since it was read, or read this run); undefined otherwise. */
  known(path: string): string | undefined;
  /** Reads a file as `SecretSources.readFile` does (confined to `root` when given), from memory when it is known; errors keep their `code`. */
  readFile(path: string, root?: string): Promise<string>;
}

/** Secret file contents kept across runs. */
export interface SecretFiles {
  /** Looks at `files` (and resolves `roots`), forgets what changed and every file no longer named. */
  refresh(files: Iterable<string>, roots: Iterable<string>): Promise<SecretFilesRun>;
  /** Secret files read so far. */
  reads(): number;
}

/** Options of `createSecretFiles`. */
export interface SecretFilesOptions {
  /** @default Date.now */
  readonly now?: () => number;
}

function signatureOf(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

function changedAtMs(s: BigIntStats): number {
  return Number((s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) / 1_000_000n);
}

/** `realpath`, once per path in a run (all secret files of a repository usually share one directory). */
type RealPathOf = (path: string) => string | undefined;

function look(path: string, realPathOf: RealPathOf): Look {
  const own = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (own === undefined) return { changedAtMs: 0 };
  if (!own.isSymbolicLink()) {
    const dir = realPathOf(dirname(path));
    return { ...(dir !== undefined ? { real: join(dir, basename(path)) } : {}), signature: signatureOf(own), changedAtMs: changedAtMs(own) };
  }
  const real = realPathOf(path);
  const target = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (target === undefined) return { ...(real !== undefined ? { real } : {}), changedAtMs: 0 };
  return { ...(real !== undefined ? { real } : {}), signature: signatureOf(target), changedAtMs: changedAtMs(target) };
}

function realPathOrNothing(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function memoRealPath(): RealPathOf {
  const memo = new Map<string, string | undefined>();
  return (path) => {
    if (memo.has(path)) return memo.get(path);
    const real = realPathOrNothing(path);
    memo.set(path, real);
    return real;
  };
}

interface Store {
  readonly now: () => number;
  /** The text of each file read, while it is unchanged (and was not read too soon after a change). */
  contents: Map<string, Content>;
  reads: number;
}

/** What a run saw: each secret file, and the real path of each root. */
interface Seen {
  readonly files: ReadonlyMap<string, Look>;
  readonly roots: ReadonlyMap<string, string | undefined>;
}

function lookAll(files: Iterable<string>, roots: Iterable<string>): Seen {
  const realPathOf = memoRealPath();
  const looks = new Map<string, Look>();
  for (const p of files) if (!looks.has(p)) looks.set(p, look(p, realPathOf));
  const reals = new Map<string, string | undefined>();
  for (const r of roots) if (!reals.has(r)) reals.set(r, realPathOf(r));
  return { files: looks, roots: reals };
}

function runOf(store: Store, seen: Seen): SecretFilesRun {
  const reading = new Map<string, Promise<string>>(); // two declarations reading one file read it once
  const read = async (p: string, root: string | undefined): Promise<string> => {
    store.reads += 1;
    const text = await readSecretFile(p, root);
    const l = seen.files.get(p);
    if (l?.signature !== undefined) store.contents.set(p, { signature: l.signature, text, trusted: store.now() - l.changedAtMs >= RACY_MS });
    return text;
  };
  return {
    realPath: (p) => (seen.files.has(p) ? seen.files.get(p)?.real : seen.roots.get(p)),
    known: (p) => store.contents.get(p)?.text,
    readFile(p, root) {
      const c = store.contents.get(p);
      if (c !== undefined) return Promise.resolve(c.text);
      let r = reading.get(p);
      if (r === undefined) reading.set(p, (r = read(p, root)));
      return r;
    },
  };
}

/** Creates an empty store; the first run reads every secret file. */
export function createSecretFiles(options: SecretFilesOptions = {}): SecretFiles {
  const store: Store = { now: options.now ?? Date.now, contents: new Map(), reads: 0 };
  return {
    async refresh(files, roots) {
      const seen = lookAll(files, roots);
      const kept = new Map<string, Content>();
      for (const [p, l] of seen.files) {
        const c = store.contents.get(p);
        if (c !== undefined && c.trusted && c.signature === l.signature) kept.set(p, c);
      }
      store.contents = kept;
      return runOf(store, seen);
    },
    reads: () => store.reads,
  };
}
