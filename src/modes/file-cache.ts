/**
 * Incremental desired state for the long-running modes: every declaration file is kept with the
 * hash of its content and what it parsed to, so a change re-reads and re-parses only the files it
 * names (a one-file edit in a 10,000-object repository parses one file). The cross-file checks and
 * secret resolution then run over the cached set, and the last valid desired state is kept while
 * an edit is invalid.
 */
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { extname } from 'node:path';
import { checkDeclarations } from '../config/check-declarations.js';
import { findFiles } from '../config/find-files.js';
import { declarationsFromText } from '../config/from-text.js';
import { DEFAULT_MAX_FILE_BYTES, readDeclarationText, secretLinkProblems } from '../config/load-files.js';
import { resolveSecrets } from '../config/secrets.js';
import { hasErrors } from '../core/diagnostics.js';
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
  readonly parses: number;
  /** Reads whose content hash matched the cached one (no parse). */
  readonly unchanged: number;
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
  | { readonly valid: true; readonly resources: readonly Resource<Sensitive>[]; readonly diagnostics: readonly Diagnostic[] }
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
  /** Cross-file checks and secret resolution over the cached declarations. */
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
}

interface Entry {
  readonly root: string;
  readonly hash: string;
  readonly declared: readonly Declared[];
  readonly diagnostics: readonly Diagnostic[];
}

const within = (file: string, path: string): boolean => file === path || file.startsWith(path.endsWith('/') ? path : `${path}/`);

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(() => true, () => false);
}

interface CacheState {
  readonly options: FileCacheOptions;
  readonly entries: Map<string, Entry>;
  /** Every file the last listing found, with its configuration root. */
  roots: Map<string, string>;
  listingDiagnostics: readonly Diagnostic[];
  lastValid: readonly Resource<Sensitive>[] | undefined;
  readonly counts: { listings: number; reads: number; parses: number; unchanged: number };
  readonly stable: StableResources;
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
  const allowOutsideRoot = s.options.allowOutsideRoot ?? false;
  const result = typeof text === 'string' ? declarationsFromText(text, file, { root, allowOutsideRoot }) : { declared: [], diagnostics: [text] };
  s.entries.set(file, { root, hash, ...result });
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
 */
async function linkProblems(s: CacheState, files: readonly string[]): Promise<Diagnostic[]> {
  if (s.options.allowOutsideRoot === true) return [];
  const entries = files.flatMap((f) => s.entries.get(f) ?? []);
  return (await Promise.all(entries.map((e) => secretLinkProblems(e.declared, e.root)))).flat();
}

async function desired(s: CacheState): Promise<DesiredSnapshot> {
  const files = [...s.entries.keys()].sort();
  const own = files.flatMap((f) => s.entries.get(f)?.diagnostics ?? []);
  const sources = files.flatMap((f) => s.entries.get(f)?.declared ?? []);
  const checked = checkDeclarations(sources);
  const diagnostics = [...s.listingDiagnostics, ...own, ...(await linkProblems(s, files)), ...checked.diagnostics];
  const invalid = (all: readonly Diagnostic[]): DesiredSnapshot => ({ valid: false, diagnostics: all, ...(s.lastValid ? { lastValid: s.lastValid } : {}) });
  if (hasErrors(diagnostics)) return invalid(diagnostics);
  const resolved = await resolveSecrets(checked.declared, { env: s.options.env ?? process.env });
  const all = [...diagnostics, ...resolved.diagnostics];
  if (hasErrors(all)) return invalid(all);
  const resources = s.stable.stabilize(sources, resolved.resources);
  s.lastValid = resources;
  return { valid: true, resources, diagnostics: all };
}

/** Creates an empty cache; the first `scan()` fills it. */
export function createFileCache(options: FileCacheOptions): FileCache {
  const s: CacheState = {
    options, entries: new Map(), roots: new Map(), listingDiagnostics: [], lastValid: undefined,
    counts: { listings: 0, reads: 0, parses: 0, unchanged: 0 }, stable: createStableResources(),
  };
  return {
    scan: async () => {
      const removed = await list(s);
      return refreshAll(s, s.roots.keys(), removed);
    },
    update: (paths) => update(s, paths),
    desired: () => desired(s),
    stats: () => ({ files: s.entries.size, ...s.counts }),
  };
}
