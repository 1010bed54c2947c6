/**
 * Loads declarations from files and directories (`syncwise validate|plan|apply -f PATH...`):
 * finds the files, reads each with its size capped before reading it fully, rejects binary and
 * invalid UTF-8 text, runs the per-file step and then the cross-file checks. Every problem of every
 * file is reported in one pass; bad input never throws.
 */
import { isUtf8 } from 'node:buffer';
import { realpath } from 'node:fs/promises';
import { formatPath } from '../core/diagnostics.js';
import type { Declared, Diagnostic } from '../core/model.js';
import { checkDeclarations } from './check-declarations.js';
import { findFiles, type FoundFile } from './find-files.js';
import { declarationsFromText, type TextResult } from './from-text.js';
import { listSecrets } from './map-secrets.js';
import { DEFAULT_MAX_DEPTH } from './parse.js';
import type { FieldPath } from './locate.js';
import { fieldDiagnostic } from './problem.js';
import { readCapped, type CappedRead } from './read-capped.js';
import { isInside } from './secret-policies.js';

export { declarationsFromText, type TextOptions, type TextResult } from './from-text.js';
export { checkDeclarations, type CheckOptions } from './check-declarations.js';

/** Options of `loadDeclarations`. */
export interface LoadOptions {
  /** Follow symbolic links and `valueFrom.file` paths outside the configuration root. @default false */
  readonly allowOutsideRoot?: boolean;
  /** Largest file read, in bytes; a larger file is reported without being read. @default 5 MiB */
  readonly maxFileBytes?: number;
  /** Deepest YAML nesting accepted (checked before parsing). @default 64 */
  readonly maxDepth?: number;
}

/** Declarations (targets assigned), every problem found, and the files read, in a stable order. */
export interface LoadResult {
  readonly declared: Declared[];
  readonly diagnostics: Diagnostic[];
  readonly files: string[];
}

/** Largest declaration file read by default: 5 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
const READ_CONCURRENCY = 16;

function fileProblem(file: string, code: string, summary: string, line?: number, col?: number): Diagnostic {
  return { severity: 'error', code, summary, origin: line !== undefined ? { file, line, col: col ?? 1 } : { file } };
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i] ?? 0;
  const [n, min] = b < 0x80 ? [1, 0] : b >= 0xc2 && b <= 0xdf ? [2, 0x80] : b >= 0xe0 && b <= 0xef ? [3, 0x800] : b >= 0xf0 && b <= 0xf4 ? [4, 0x10000] : [0, 0];
  if (n <= 1) return n;
  let cp = b & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = buf[i + k];
    if (c === undefined || (c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

/** 1-based line and column (in characters) of byte `offset`, or of the first invalid UTF-8 byte. */
function positionOfByte(buf: Buffer, offset?: number): { line: number; col: number } {
  let i = 0;
  if (offset === undefined) for (let n = sequenceLength(buf, 0); n > 0 && i < buf.length; n = sequenceLength(buf, i)) i += n;
  const lines = buf.subarray(0, offset ?? i).toString('utf8').split('\n');
  return { line: lines.length, col: (lines[lines.length - 1] ?? '').length + 1 };
}

/** Reads one file as UTF-8 text, or returns the diagnostic that explains why it cannot be used. */
export async function readDeclarationText(file: string, maxBytes: number): Promise<string | Diagnostic> {
  let buf: CappedRead;
  try {
    buf = await readCapped(file, maxBytes);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return fileProblem(file, 'CONFIG_READ', `cannot read: ${typeof code === 'string' ? code : 'I/O error'}`);
  }
  if (buf === 'not-a-file' || buf === 'directory') return fileProblem(file, 'CONFIG_READ', 'not a regular file (a pipe, socket or device); it is not read');
  if (buf === 'too-large') return fileProblem(file, 'CONFIG_TOO_LARGE', `file is larger than ${maxBytes} bytes; it is not read`);
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    const at = positionOfByte(buf, nul);
    return fileProblem(file, 'CONFIG_ENCODING', 'binary file (contains a NUL byte); declarations must be UTF-8 text', at.line, at.col);
  }
  if (!isUtf8(buf)) {
    const at = positionOfByte(buf);
    return fileProblem(file, 'CONFIG_ENCODING', 'invalid UTF-8; declarations must be UTF-8 text', at.line, at.col);
  }
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A `valueFrom.file` secret of a declaration: the absolute file and the secret's field. */
export interface FileSecretRef {
  readonly declared: Declared;
  /** The absolute path the declaration reads. */
  readonly file: string;
  /** The secret's field, e.g. `['spec', 'properties', 'secret']`. */
  readonly path: FieldPath;
}

/** Every `valueFrom.file` secret of `declared`, in declaration and field order. */
export function fileSecretsOf(declared: readonly Declared[]): FileSecretRef[] {
  const out: FileSecretRef[] = [];
  for (const d of declared) for (const { value, path } of listSecrets(d)) if (value.from === 'file') out.push({ declared: d, file: value.path, path });
  return out;
}

/**
 * The `CONFIG_PATH_ESCAPE` diagnostics of file secrets whose real path (`realOf`, symbolic links
 * resolved; undefined for a file that does not exist yet) is outside `realRoot`. Pure.
 */
export function linkEscapes(refs: readonly FileSecretRef[], realRoot: string, realOf: (file: string) => string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ref of refs) {
    const real = realOf(ref.file);
    if (real === undefined || isInside(realRoot, real)) continue;
    const at = [...ref.path, 'valueFrom', 'file'];
    out.push(fieldDiagnostic(ref.declared.origin, at, 'CONFIG_PATH_ESCAPE', `${formatPath(at)} leads outside the configuration root through a symbolic link (allow it with --allow-outside-root)`));
  }
  return out;
}

/**
 * Reports `valueFrom.file` paths that stay inside the root as written but lead out of it through a
 * symbolic link. A file that does not exist yet is not a problem here (validate needs no secrets).
 */
export async function secretLinkProblems(declared: readonly Declared[], root: string): Promise<Diagnostic[]> {
  const refs = fileSecretsOf(declared);
  if (refs.length === 0) return [];
  const realRoot = await realpath(root).catch(() => root);
  const real = new Map<string, string | undefined>();
  for (const { file } of refs) if (!real.has(file)) real.set(file, await realpath(file).catch(() => undefined));
  return linkEscapes(refs, realRoot, (file) => real.get(file));
}

async function loadOne(found: FoundFile, options: LoadOptions): Promise<TextResult> {
  const text = await readDeclarationText(found.file, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  if (typeof text !== 'string') return { declared: [], diagnostics: [text], rejected: [] };
  const allowOutsideRoot = options.allowOutsideRoot ?? false;
  const result = declarationsFromText(text, found.file, { root: found.root, allowOutsideRoot, maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH });
  if (allowOutsideRoot) return result;
  const links = await secretLinkProblems(result.declared, found.root);
  return links.length === 0 ? result : { ...result, diagnostics: [...result.diagnostics, ...links] };
}

/**
 * Loads every declaration below `paths` (files or directories, recursively; multi-document YAML
 * and JSON), checks them together and assigns their targets. Never throws for bad input: each
 * problem is a diagnostic at `file:line:col`. Apply nothing when `hasErrors(result.diagnostics)`.
 */
export async function loadDeclarations(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const found = await findFiles(paths, { allowOutsideRoot: options.allowOutsideRoot ?? false });
  const results: TextResult[] = new Array(found.files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < found.files.length; i = next++) {
      const f = found.files[i];
      if (f !== undefined) results[i] = await loadOne(f, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, found.files.length) }, worker));
  const declared = results.flatMap((r) => r.declared);
  const checked = checkDeclarations(declared, { rejected: results.flatMap((r) => r.rejected) });
  const diagnostics = [...found.diagnostics, ...results.flatMap((r) => r.diagnostics), ...checked.diagnostics];
  return { declared: checked.declared, diagnostics, files: found.files.map((f) => f.file) };
}
