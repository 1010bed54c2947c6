/**
 * Finds the declaration files named by `-f` paths: a file as given, or every `.yaml`, `.yml` and
 * `.json` file below a directory (sorted, hidden entries skipped). A symbolic link is followed only
 * while its target stays inside the configuration root, unless allowed; link cycles end the walk.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Diagnostic } from '../core/model.js';
import { isInside } from './secret-policies.js';

/** A file to read, with the root its `valueFrom.file` paths must stay in. */
export interface FoundFile {
  /** the path shown in diagnostics: the `-f` path joined with the path below it */
  readonly file: string;
  readonly root: string;
}

/** Options of `findFiles`. */
export interface FindOptions {
  /** Follow links that leave the root. @default false */
  readonly allowOutsideRoot?: boolean;
  /** Deepest directory level walked below a `-f` directory. @default 32 */
  readonly maxDirectoryDepth?: number;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

interface Walk {
  readonly root: string;
  readonly realRoot: string;
  readonly options: FindOptions;
  readonly visited: Set<string>;
  readonly files: FoundFile[];
  readonly diagnostics: Diagnostic[];
}

function problem(file: string, code: string, summary: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { severity, code, summary, origin: { file } };
}

function errnoText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return typeof code === 'string' ? code : 'cannot be read';
}

async function followLink(path: string, shown: string, w: Walk): Promise<{ real: string; isDir: boolean } | undefined> {
  try {
    const real = await realpath(path);
    if (w.options.allowOutsideRoot !== true && !isInside(w.realRoot, real)) {
      w.diagnostics.push(problem(shown, 'CONFIG_PATH_ESCAPE', 'symbolic link points outside the configuration root (allow it with --allow-outside-root)'));
      return undefined;
    }
    return { real, isDir: (await stat(real)).isDirectory() };
  } catch (e) {
    w.diagnostics.push(problem(shown, 'CONFIG_READ', `broken symbolic link: ${errnoText(e)}`));
    return undefined;
  }
}

async function walkDirectory(dir: string, shown: string, depth: number, w: Walk): Promise<void> {
  const real = await realpath(dir);
  if (w.visited.has(real)) return;
  w.visited.add(real);
  if (depth > (w.options.maxDirectoryDepth ?? 32)) {
    w.diagnostics.push(problem(shown, 'CONFIG_TOO_DEEP', 'directory nesting too deep; not read further', 'warning'));
    return;
  }
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const shownPath = join(shown, entry.name);
    let isDir = entry.isDirectory();
    const isDeclaration = EXTENSIONS.has(extname(entry.name).toLowerCase());
    if (entry.isSymbolicLink() && !isDeclaration && !(await stat(path).then((st) => st.isDirectory(), () => false))) continue;
    if (entry.isSymbolicLink()) {
      const target = await followLink(path, shownPath, w);
      if (target === undefined) continue;
      isDir = target.isDir;
    }
    if (isDir) await walkDirectory(path, shownPath, depth + 1, w);
    else if (isDeclaration) w.files.push({ file: shownPath, root: w.root });
  }
}

async function findOne(input: string, options: FindOptions, out: { files: FoundFile[]; diagnostics: Diagnostic[] }): Promise<void> {
  const abs = resolve(input);
  let isDir: boolean;
  try {
    await lstat(abs);
    isDir = (await stat(abs)).isDirectory();
  } catch (e) {
    out.diagnostics.push(problem(input, 'CONFIG_READ', `cannot read: ${errnoText(e)}`));
    return;
  }
  if (!isDir) {
    out.files.push({ file: input, root: resolve(abs, '..') });
    return;
  }
  const w: Walk = { root: abs, realRoot: await realpath(abs), options, visited: new Set(), files: [], diagnostics: out.diagnostics };
  try {
    await walkDirectory(abs, input, 0, w);
  } catch (e) {
    out.diagnostics.push(problem(input, 'CONFIG_READ', `cannot read directory: ${errnoText(e)}`));
  }
  if (w.files.length === 0) out.diagnostics.push(problem(input, 'CONFIG_NO_FILES', 'no .yaml, .yml or .json files found', 'warning'));
  out.files.push(...w.files);
}

/**
 * Lists the files below `inputs` in a stable order, each once (the first `-f` path that reaches a
 * file decides how it is shown). Problems (missing paths, escaping links) are diagnostics.
 */
export async function findFiles(inputs: readonly string[], options: FindOptions = {}): Promise<{ files: FoundFile[]; diagnostics: Diagnostic[] }> {
  const out = { files: [] as FoundFile[], diagnostics: [] as Diagnostic[] };
  for (const input of inputs) await findOne(input, options, out);
  const seen = new Set<string>();
  const files = out.files.filter((f) => {
    const key = resolve(f.file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files, diagnostics: out.diagnostics };
}
