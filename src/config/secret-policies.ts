/**
 * How declared secret values become `SecretSource`s. Files accept every form; a `valueFrom.file`
 * is made absolute against the declaring file and must stay inside the configuration root.
 * Custom resources accept only `secretKeyRef`, always read in their own namespace: a literal would
 * sit in etcd unencrypted, and env or file would read the operator's own environment. Pure.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { formatPath } from '../core/diagnostics.js';
import { sensitive, type SecretSource } from '../core/model.js';
import type { SecretPolicy } from './convert-common.js';
import type { Problem } from './problem.js';

/** Options of `fileSecretPolicy`. */
export interface FileSecretOptions {
  /** the file that declares the secrets (its directory anchors relative `valueFrom.file` paths) */
  readonly file: string;
  /** the configuration root; `valueFrom.file` must stay inside it. @default the file's directory */
  readonly root?: string;
  /** accept `valueFrom.file` paths outside the root. @default false */
  readonly allowOutsideRoot?: boolean;
}

/** Whether `path` is `root` or inside it (lexically; symlinks are checked when the file is read). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The policy for declarations loaded from files. */
export function fileSecretPolicy(options: FileSecretOptions): SecretPolicy {
  const dir = dirname(options.file);
  const root = resolve(options.root ?? dir);
  return (value, path): SecretSource | Problem => {
    if (typeof value === 'string') return { from: 'literal', value: sensitive(value) };
    const from = value.valueFrom;
    if (from.env !== undefined) return { from: 'env', name: from.env };
    if (from.file !== undefined) {
      const abs = resolve(dir, from.file);
      if (options.allowOutsideRoot === true) return { from: 'file', path: abs };
      if (isInside(root, abs)) return { from: 'file', path: abs, root };
      const message = `${formatPath([...path, 'valueFrom', 'file'])} points outside the configuration root (allow it with --allow-outside-root)`;
      return { path: [...path, 'valueFrom', 'file'], at: 'value', code: 'CONFIG_PATH_ESCAPE', message };
    }
    const ref = from.secretKeyRef ?? { name: '', key: '' };
    return { from: 'secretKeyRef', name: ref.name, key: ref.key, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) };
  };
}

/** The policy for custom resources of `namespace`: only `valueFrom.secretKeyRef` in that namespace. */
export function customResourceSecretPolicy(namespace: string | undefined): SecretPolicy {
  return (value, path): SecretSource | Problem => {
    const forbidden = (what: string, at: readonly (string | number)[]): Problem => ({
      path: at,
      at: 'value',
      code: 'CONFIG_SECRET_SOURCE',
      message: `${formatPath(at)}: ${what} is not allowed in a custom resource; use valueFrom.secretKeyRef`,
    });
    if (typeof value === 'string') return forbidden('a literal secret', path);
    const from = value.valueFrom;
    if (from.env !== undefined) return forbidden('valueFrom.env', [...path, 'valueFrom', 'env']);
    if (from.file !== undefined) return forbidden('valueFrom.file', [...path, 'valueFrom', 'file']);
    const ref = from.secretKeyRef ?? { name: '', key: '' };
    if (ref.namespace !== undefined && ref.namespace !== namespace) {
      const at = [...path, 'valueFrom', 'secretKeyRef', 'namespace'];
      return { path: at, at: 'value', code: 'CONFIG_SECRET_SOURCE', message: `${formatPath(at)}: a custom resource can only read Secrets of its own namespace` };
    }
    return { from: 'secretKeyRef', name: ref.name, key: ref.key, ...(namespace !== undefined ? { namespace } : {}) };
  };
}
