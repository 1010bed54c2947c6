/**
 * Diagnostics rendered like a compiler's: `examples/app.yaml:12:5 error CONFIG_SCHEMA spec.x must be
 * boolean`. Pure: values in, strings out.
 */
import type { Diagnostic, Origin } from './model.js';

/** Returns where a diagnostic points: `file:line:col`, `namespace/name#spec.path`, or `''`. */
export function renderLocation(origin: Origin | undefined): string {
  if (origin === undefined) return '';
  if (origin.file !== undefined) {
    if (origin.line === undefined) return origin.file;
    return `${origin.file}:${origin.line}:${origin.col ?? 1}`;
  }
  if (origin.object !== undefined) return origin.path ? `${origin.object}#${origin.path}` : origin.object;
  return '';
}

/**
 * Renders one diagnostic on one line, plus its detail indented on the following lines. Control
 * characters are escaped, so a hostile key in a file cannot rewrite the terminal.
 */
export function renderDiagnostic(d: Diagnostic): string {
  const where = renderLocation(d.origin);
  const head = `${where ? `${where} ` : ''}${d.severity} ${d.code} ${d.summary}`;
  const lines = [escapeControl(head)];
  if (d.detail) for (const l of d.detail.split('\n')) lines.push(`  ${escapeControl(l)}`);
  return lines.join('\n');
}

/** Renders diagnostics in source order (see `sortDiagnostics`), one per line. */
export function renderDiagnostics(ds: readonly Diagnostic[]): string {
  return sortDiagnostics(ds).map(renderDiagnostic).join('\n');
}

/** Whether any diagnostic is an error (warnings alone do not block a run). */
export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Counts errors and warnings. */
export function countDiagnostics(ds: readonly Diagnostic[]): { readonly errors: number; readonly warnings: number } {
  const errors = ds.filter((d) => d.severity === 'error').length;
  return { errors, warnings: ds.length - errors };
}

/**
 * Orders diagnostics by file (or object), line, column, then code and summary: the same problems in
 * any input order render identically. Diagnostics without a location come first.
 */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(compareDiagnostics);
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.origin?.file ?? a.origin?.object ?? '';
  const fb = b.origin?.file ?? b.origin?.object ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const byPos = (a.origin?.line ?? 0) - (b.origin?.line ?? 0) || (a.origin?.col ?? 0) - (b.origin?.col ?? 0);
  if (byPos !== 0) return byPos;
  const ka = `${a.origin?.path ?? ''}\u0000${a.code}\u0000${a.summary}`;
  const kb = `${b.origin?.path ?? ''}\u0000${b.code}\u0000${b.summary}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Formats a field path for messages: `spec.providers[0].providerRef`. Keys that are not plain
 * identifiers are quoted: `spec.userMetadata["a b"]`.
 */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
