/**
 * Incremental desired state for the long-running modes: every declaration file is kept with the
 * hash of its content and what each of its documents parsed to, so a change re-reads only the files
 * it names and re-parses only the documents that changed (a one-document edit in a 10,000-object
 * repository parses one document; see config/chunks.ts). The cross-file checks then run over the
 * cached set, re-checking only what the changed declarations can affect; secrets are resolved
 * again only for declarations whose file, target or secret values changed, and a `valueFrom.file`
 * secret is read again only when its file changed (see secret-files.ts). The last valid desired
 * state is kept while an edit is invalid.
 */
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { extname } from 'node:path';
import { createDeclarationChecker, type DeclarationChecker } from '../config/check-declarations.js';
import { declarationsFromChunks, type ChunkMemo } from '../config/chunks.js';
import { findFiles } from '../config/find-files.js';
import { DEFAULT_MAX_FILE_BYTES, fileSecretsOf, linkEscapes, readDeclarationText, type FileSecretRef } from '../config/load-files.js';
import { hasErrors } from '../core/diagnostics.js';
import { createSecretFiles, type SecretFiles, type SecretFilesRun } from './secret-files.js';
import { createStableResources, type StableResources } from './stable-resources.js';
import type { Declared, Diagnostic, Resource, Sensitive } from '../core/model.js';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Whether the loader reads this file when it finds it in a directory (`.yaml`, `.yml`, `.json`). */
export function isDeclarationFile(path: string): boolean {
  return EXTENSIONS.has(extname(path).toLowerCase());
}

/** Cumulative counters, to show what a change cost (tests assert on them rather than on timing). */
export interface FileCacheStats {
  /** Files currently held. */
  readonly files: number;
  /** Directory listings made. */
  readonly listings: number;
  readonly reads: number;
  /** Files whose changed content was parsed (in whole or document by document). */
  readonly parses: number;
  /** Documents parsed one by one within those files (unchanged documents are not parsed again). */
  readonly documentParses: number;
  /** Reads whose content hash matched the cached one (no parse). */
  readonly unchanged: number;
  /** `valueFrom.file` secrets read (a secret file is read again only when it changed). */
  readonly secretReads: number;
}

/** What one `update` or `scan` changed. */
export interface CacheUpdate {
  /** true when any file's content was added, changed or removed. */
  readonly changed: boolean;
  readonly parsed: readonly string[];
  readonly removed: readonly string[];
}

/** The desired state over the cached files. */
export type DesiredSnapshot =
  | {
      readonly valid: true;
      readonly resources: readonly Resource<Sensitive>[];
      readonly diagnostics: readonly Diagnostic[];
      /** The resources whose secrets were resolved for this snapshot; the others are earlier snapshots' objects. */
      readonly resolved: readonly Resource<Sensitive>[];
    }
  | {
      readonly valid: false;
      readonly diagnostics: readonly Diagnostic[];
      /** The last valid desired state, if there was one. */
      readonly lastValid?: readonly Resource<Sensitive>[];
    };

export interface FileCache {
  /** Lists the roots again and re-reads every file: catches anything events missed. Parses only changed content. */
  scan(): Promise<CacheUpdate>;
  /** Re-reads only the named paths (changed, added, removed files or directories); lists only when a path is new. */
  update(paths: Iterable<string>): Promise<CacheUpdate>;
  /** Cross-file checks over the cached declarations, the symbolic link check of every secret file, and secret resolution where something changed. */
  desired(): Promise<DesiredSnapshot>;
  stats(): FileCacheStats;
}

export interface FileCacheOptions {
  /** Files and directories given with `-f`; files are keyed by these joined with the path below. */
  readonly paths: readonly string[];
  /** Follow symbolic links and `valueFrom.file` paths outside the configuration root. @default false */
  readonly allowOutsideRoot?: boolean;
  /** Where `valueFrom.env` secrets are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock that tells a secret file written just now from an older one. @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly root: string;
  readonly hash: string;
  readonly declared: readonly Declared[];
  readonly diagnostics: readonly Diagnostic[];
  /** Its `valueFrom.file` secrets, found once when the file is parsed. */
  readonly fileSecrets: readonly FileSecretRef[];
  /** Its documents' parses, for the next change of the file. */
  readonly chunks: ChunkMemo | undefined;
}

const within = (file: string, path: string): boolean => file === path || file.startsWith(path.endsWith('/') ? path : `${path}/`);

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(() => true, () => false);
}

/** What the symbolic link check of one file's secrets saw, and found. */
interface LinkCheck {
  /** The real path of the file's configuration root. */
  readonly root: string;
  /** The real path of each of its `valueFrom.file` secrets, in order. */
  readonly files: readonly (string | undefined)[];
  readonly problems: readonly Diagnostic[];
}

interface CacheState {
  readonly options: FileCacheOptions;
  readonly entries: Map<string, Entry>;
  /** Every file the last listing found, with its configuration root. */
  roots: Map<string, string>;
  listingDiagnostics: readonly Diagnostic[];
  lastValid: readonly Resource<Sensitive>[] | undefined;
  readonly counts: { listings: number; reads: number; parses: number; documentParses: number; unchanged: number };
  readonly stable: StableResources;
  readonly secretFiles: SecretFiles;
  /** The last symbolic link check of each file's secrets: done again only when a real path changed. */
  readonly linkChecks: WeakMap<Entry, LinkCheck>;
  /** Re-checks only what changed since the last run (the declarations are in file order, so an edit replaces a few in place). */
  readonly checker: DeclarationChecker;
}

/** Reads one file and parses it when its content hash changed. */
async function refresh(s: CacheState, file: string, root: string): Promise<'parsed' | 'unchanged' | 'removed'> {
  s.counts.reads += 1;
  const text = await readDeclarationText(file, DEFAULT_MAX_FILE_BYTES);
  if (typeof text !== 'string' && !(await exists(file))) return s.entries.delete(file) ? 'removed' : 'unchanged';
  const hash = createHash('sha256').update(typeof text === 'string' ? text : JSON.stringify(text)).digest('hex');
  if (s.entries.get(file)?.hash === hash) {
    s.counts.unchanged += 1;
    return 'unchanged';
  }
  s.counts.parses += 1;
  if (typeof text !== 'string') {
    s.entries.set(file, { root, hash, declared: [], diagnostics: [text], fileSecrets: [], chunks: undefined });
    return 'parsed';
  }
  const before = s.entries.get(file);
  const options = { root, allowOutsideRoot: s.options.allowOutsideRoot ?? false };
  const { result, memo, parsedChunks } = declarationsFromChunks(text, file, options, before?.root === root ? before.chunks : undefined);
  s.counts.documentParses += parsedChunks;
  s.entries.set(file, { root, hash, declared: result.declared, diagnostics: result.diagnostics, fileSecrets: fileSecretsOf(result.declared), chunks: memo });
  return 'parsed';
}

/** Lists the roots again; forgets the files no longer found and returns them. */
async function list(s: CacheState): Promise<string[]> {
  s.counts.listings += 1;
  const found = await findFiles(s.options.paths, { allowOutsideRoot: s.options.allowOutsideRoot ?? false });
  s.listingDiagnostics = found.diagnostics;
  s.roots = new Map(found.files.map((f) => [f.file, f.root]));
  const removed = [...s.entries.keys()].filter((f) => !s.roots.has(f));
  for (const f of removed) s.entries.delete(f);
  return removed;
}

async function refreshAll(s: CacheState, files: Iterable<string>, removedBefore: readonly string[]): Promise<CacheUpdate> {
  const parsed: string[] = [];
  const removed = [...removedBefore];
  for (const file of [...new Set(files)].sort()) {
    const r = await refresh(s, file, s.entries.get(file)?.root ?? s.roots.get(file) ?? file);
    if (r === 'parsed') parsed.push(file);
    if (r === 'removed') removed.push(file);
  }
  return { changed: parsed.length + removed.length > 0, parsed, removed };
}

async function update(s: CacheState, paths: Iterable<string>): Promise<CacheUpdate> {
  const named = [...paths];
  if (named.every((p) => s.entries.has(p))) return refreshAll(s, named, []);
  const removed = await list(s);
  const fresh = [...s.roots.keys()].filter((f) => !s.entries.has(f) || named.some((p) => within(f, p)));
  return refreshAll(s, fresh, removed);
}

/**
 * `valueFrom.file` paths that lead out of their root through a symbolic link. Checked on every
 * run, not only when a file is parsed: a link can be re-pointed without the declaration changing.
 * The real paths are resolved on every run; the check itself is repeated only for a file whose
 * declarations or real paths changed.
 */
function linkProblems(s: CacheState, entries: readonly Entry[], secrets: SecretFilesRun): Diagnostic[] {
  if (s.options.allowOutsideRoot === true) return [];
  const out: Diagnostic[] = [];
  for (const e of entries) {
    if (e.fileSecrets.length === 0) continue;
    const seen: LinkCheck = { root: secrets.realPath(e.root) ?? e.root, files: e.fileSecrets.map((f) => secrets.realPath(f.file)), problems: [] };
    const last = s.linkChecks.get(e);
    const problems = last !== undefined && sameLinks(last, seen) ? last.problems : linkEscapes(e.fileSecrets, seen.root, (f) => secrets.realPath(f));
    if (problems !== last?.problems) s.linkChecks.set(e, { ...seen, problems });
    out.push(...problems);
  }
  return out;
}

function sameLinks(a: LinkCheck, b: LinkCheck): boolean {
  return a.root === b.root && a.files.length === b.files.length && a.files.every((f, i) => f === b.files[i]);
}

/** The declarations of `entries` in order, by plain loops: `flatMap` takes about 2 ms over 10,000 of them. */
function declaredIn(entries: readonly Entry[]): Declared[] {
  const out: Declared[] = [];
  for (const e of entries) for (const d of e.declared) out.push(d);
  return out;
}

async function desired(s: CacheState): Promise<DesiredSnapshot> {
  const entries = [...s.entries.keys()].sort().flatMap((f) => s.entries.get(f) ?? []);
  const sources = declaredIn(entries);
  const checked = s.checker.check(sources);
  const withSecrets = entries.filter((e) => e.fileSecrets.length > 0);
  const secrets = await s.secretFiles.refresh(withSecrets.flatMap((e) => e.fileSecrets.map((f) => f.file)), withSecrets.map((e) => e.root));
  const diagnostics = [...s.listingDiagnostics, ...entries.flatMap((e) => e.diagnostics), ...linkProblems(s, withSecrets, secrets), ...checked.diagnostics];
  const invalid = (all: readonly Diagnostic[]): DesiredSnapshot => ({ valid: false, diagnostics: all, ...(s.lastValid ? { lastValid: s.lastValid } : {}) });
  if (hasErrors(diagnostics)) return invalid(diagnostics);
  const env = s.options.env ?? process.env;
  const resolution = await s.stable.resolve({ sources, declared: checked.declared }, { env, readFile: secrets.readFile, knownFile: secrets.known });
  const all = [...diagnostics, ...resolution.diagnostics];
  if (hasErrors(all)) return invalid(all);
  resolution.keep();
  s.lastValid = resolution.resources;
  return { valid: true, resources: resolution.resources, diagnostics: all, resolved: resolution.resolved };
}

/** Creates an empty cache; the first `scan()` fills it. */
export function createFileCache(options: FileCacheOptions): FileCache {
  const s: CacheState = {
    options, entries: new Map(), roots: new Map(), listingDiagnostics: [], lastValid: undefined,
    counts: { listings: 0, reads: 0, parses: 0, documentParses: 0, unchanged: 0 }, stable: createStableResources(),
    secretFiles: createSecretFiles(options.now ? { now: options.now } : {}),
    checker: createDeclarationChecker(),
    linkChecks: new WeakMap(),
  };
  return {
    scan: async () => {
      const removed = await list(s);
      return refreshAll(s, s.roots.keys(), removed);
    },
    update: (paths) => update(s, paths),
    desired: () => desired(s),
    stats: () => ({ files: s.entries.size, ...s.counts, secretReads: s.secretFiles.reads() }),
  };
}
