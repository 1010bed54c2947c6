/**
 * Resolves declared secret sources (literal, env, file, Kubernetes Secret) into `Sensitive`
 * values. A source that cannot be read is a diagnostic naming the variable, file or Secret and
 * the field, never the value. The readers are passed in, so the shells decide where values come
 * from (process env, the file system, the Kubernetes API) and tests can pass plain values.
 */
import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { sensitive, type Declared, type Diagnostic, type Resource, type SecretSource, type Sensitive } from '../core/model.js';
import { formatPath } from '../core/diagnostics.js';
import { listSecrets, mapSecrets } from './map-secrets.js';
import { fieldDiagnostic } from './problem.js';
import { readCapped } from './read-capped.js';
import { isInside } from './secret-policies.js';

/** Where secret values are read from. */
export interface SecretSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Reads a `valueFrom.file` (absolute path), confined to `root` when one is given (see
   * `readSecretFile`). @default `readSecretFile`
   */
  readonly readFile?: (absPath: string, root?: string) => Promise<string>;
  /** Reads a key of a Kubernetes Secret; undefined when the Secret or key does not exist. */
  readonly secretKeyRef?: (namespace: string | undefined, name: string, key: string) => Promise<string | undefined>;
}

const MAX_SECRET_FILE_BYTES = 64 * 1024;

const escaped = (): Error => Object.assign(new Error('secret file: EPATHESCAPE'), { code: 'EPATHESCAPE' });

/**
 * The check that the file opened at `path` lies inside `root`: its real path must be inside the
 * real root and still name the very file that was opened (same device and inode). The check that
 * loading made is not enough on its own: a link swapped between that check and the read would
 * otherwise hand over a file from anywhere.
 */
function confinedTo(root: string, path: string): (opened: Stats) => Promise<void> {
  return async (opened) => {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]).catch(() => { throw escaped(); });
    if (!isInside(realRoot, real)) throw escaped();
    const now = await stat(real).catch(() => undefined);
    if (now?.dev !== opened.dev || now.ino !== opened.ino) throw escaped();
  };
}

/**
 * Reads a regular file of at most 64 KiB (a pipe or a 20 MB file is refused without waiting or
 * loading it), refusing one outside `root` when a root is given: the default
 * `SecretSources.readFile`. Errors carry the `code` the resolver reports.
 */
export async function readSecretFile(path: string, root?: string): Promise<string> {
  const read = await readCapped(path, MAX_SECRET_FILE_BYTES, root === undefined ? undefined : confinedTo(root, path));
  if (Buffer.isBuffer(read)) return read.toString('utf8');
  const code = { 'too-large': 'EFBIG', directory: 'EISDIR', 'not-a-file': 'ENOTREG' }[read];
  throw Object.assign(new Error(`secret file: ${code}`), { code });
}

/** Removes one trailing newline (`\n` or `\r\n`), as `echo secret > file` writes one. */
export function trimOneNewline(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

function describeSource(s: SecretSource): string {
  switch (s.from) {
    case 'literal':
      return 'the literal value';
    case 'env':
      return `environment variable ${s.name}`;
    case 'file':
      return `file ${s.path}`;
    case 'secretKeyRef':
      return `key ${JSON.stringify(s.key)} of Secret ${s.namespace !== undefined ? `${s.namespace}/` : ''}${s.name}`;
  }
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTREG') return 'is not a regular file (a pipe, socket or device)';
  if (code === 'EFBIG') return `is larger than ${MAX_SECRET_FILE_BYTES} bytes`;
  if (code === 'EPATHESCAPE') return 'leads outside the configuration root through a symbolic link (allow it with --allow-outside-root)';
  return `cannot be read${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** Reads one source; a string is the problem (without the value), a Sensitive the value. */
async function readSource(s: SecretSource, sources: SecretSources): Promise<Sensitive | string> {
  switch (s.from) {
    case 'literal':
      return s.value;
    case 'env': {
      const v = sources.env[s.name];
      return v === undefined || v === '' ? 'is not set' : sensitive(v);
    }
    case 'file':
      try {
        return sensitive(trimOneNewline(await (sources.readFile ?? readSecretFile)(s.path, s.root)));
      } catch (e) {
        return errorCode(e);
      }
    case 'secretKeyRef': {
      if (sources.secretKeyRef === undefined) return 'cannot be read: no Kubernetes connection is configured';
      try {
        const v = await sources.secretKeyRef(s.namespace, s.name, s.key);
        return v === undefined ? 'does not exist' : sensitive(v);
      } catch {
        return 'cannot be read from the Kubernetes API';
      }
    }
  }
}

async function resolveOne(d: Declared, sources: SecretSources): Promise<{ resource?: Resource<Sensitive>; diagnostics: Diagnostic[] }> {
  const values = new Map<string, Sensitive>();
  const diagnostics: Diagnostic[] = [];
  let complete = true;
  for (const { value, path } of listSecrets(d)) {
    const got = await readSource(value, sources);
    const empty = typeof got !== 'string' && got.reveal() === '';
    if (typeof got === 'string' || empty) {
      complete = false;
      const summary = `${formatPath(path)}: ${describeSource(value)} ${typeof got === 'string' ? got : 'is empty'}`;
      diagnostics.push(fieldDiagnostic(d.origin, path, 'CONFIG_SECRET_MISSING', summary));
    } else values.set(formatPath(path), got);
  }
  if (!complete) return { diagnostics };
  return { resource: mapSecrets(d, (_v, path) => values.get(formatPath(path)) ?? sensitive('')), diagnostics };
}

/**
 * Resolves the secrets of every declaration. Resources whose secrets all resolve are returned in
 * input order; each missing variable, file or Secret key is a `CONFIG_SECRET_MISSING` diagnostic on
 * its field. Never throws for a missing or unreadable source.
 */
export async function resolveSecrets(declared: readonly Declared[], sources: SecretSources): Promise<{ resources: Resource<Sensitive>[]; diagnostics: Diagnostic[] }> {
  const resolved = await Promise.all(declared.map((d) => resolveOne(d, sources)));
  const resources = resolved.flatMap((r) => (r.resource !== undefined ? [r.resource] : []));
  return { resources, diagnostics: resolved.flatMap((r) => r.diagnostics) };
}
