/**
 * How `syncwise export` writes declarations: one YAML stream per target, opened by a comment that
 * names the target and lists the environment variables its secret placeholders read.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ExportedObject } from '../../core/export.js';
import type { Api } from '../../core/model.js';

/** The exported objects of one target. */
export interface TargetExport {
  readonly target: string;
  readonly api: Api;
  /** The target is the embedded sandbox (no Target declared). */
  readonly embedded: boolean;
  readonly objects: readonly ExportedObject[];
}

/** Names of the environment variables the `valueFrom.env` placeholders of `value` read, in order. */
export function placeholderNames(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) placeholderNames(v, out);
  else if (value !== null && typeof value === 'object') {
    const env = (value as { valueFrom?: { env?: unknown } }).valueFrom?.env;
    if (typeof env === 'string') out.push(env);
    else for (const v of Object.values(value)) placeholderNames(v, out);
  }
  return out;
}

function header(t: TargetExport): string {
  const where = t.embedded ? `the embedded sandbox (${t.api})` : `target "${t.target}" (${t.api})`;
  const envs = placeholderNames(t.objects.map((o) => o.document.spec));
  const lines = [`Live objects of ${where}, exported by \`syncwise export\`: ${t.objects.length} object(s).`];
  if (envs.length > 0) {
    lines.push(
      'Secrets cannot be read back from the platform: every secret below is a valueFrom.env placeholder.',
      'Set these environment variables (or change each source to a file or a secretKeyRef) before plan or apply:',
      ...envs.map((e) => `  ${e}`),
    );
  }
  if (t.objects.some((o) => o.kind === 'Project')) {
    lines.push('A project cannot be updated: a changed field (defaultOwnerPassword included) replaces it, and needs replacePolicy: Allow.');
  }
  return `${lines.map((l) => `# ${l}`).join('\n')}\n`;
}

/** The YAML text of one target's export: the header comment, then one document per object. */
export function renderExport(t: TargetExport): string {
  const docs = t.objects.map((o) => stringify(o.document, { lineWidth: 0 }));
  return `${header(t)}${docs.length > 0 ? `---\n${docs.join('---\n')}` : ''}`;
}

/** The file a target's export is written to: `<dir>/<target>.yaml`. */
export function exportFile(dir: string, t: TargetExport): string {
  return join(dir, `${t.target}.yaml`);
}

/** Writes one file per target into `dir`; refuses to replace a file unless `overwrite`. */
export async function writeExports(dir: string, exports: readonly TargetExport[], overwrite: boolean): Promise<string[]> {
  const files = exports.map((t) => exportFile(dir, t));
  const taken = overwrite ? [] : files.filter((f) => existsSync(f));
  if (taken.length > 0) throw new Error(`${taken.join(', ')} already exist(s): pass --overwrite to replace, or choose another --output-dir`);
  await mkdir(dir, { recursive: true });
  for (const [i, t] of exports.entries()) await writeFile(files[i] ?? exportFile(dir, t), renderExport(t));
  return files;
}
