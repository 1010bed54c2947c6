/**
 * A problem found in one declaration, before it is given a location: files cite `file:line:col`,
 * custom resources `namespace/name#path`. Also the extended origin that keeps the positions of the
 * fields later checks cite, so document trees can be dropped after parsing. Pure.
 */
import { formatPath } from '../core/diagnostics.js';
import type { Diagnostic, Origin, Severity } from '../core/model.js';
import type { FieldPath, Position } from './locate.js';

/** One problem inside a declaration. */
export interface Problem {
  readonly path: FieldPath;
  /** cite the key of the last path segment (unknown or missing fields) or its value */
  readonly at: 'key' | 'value';
  readonly code: string;
  readonly message: string;
  /** @default 'error' */
  readonly severity?: Severity;
}

/** The origin of a declaration loaded from a file: the document's position plus cited fields. */
export interface SourceOrigin extends Origin {
  /** positions of fields that later checks cite, keyed by `formatPath` of the field */
  readonly fields?: Readonly<Record<string, Position>>;
}

/**
 * Where a field of a declaration is: its own recorded position, else that of its nearest recorded
 * ancestor, else the declaration's. The origin's `path` is always the field's own.
 */
export function fieldOrigin(origin: SourceOrigin, path: FieldPath): Origin {
  const { fields, ...base } = origin;
  for (let n = path.length; n > 0 && fields !== undefined; n--) {
    const pos = Object.hasOwn(fields, formatPath(path.slice(0, n))) ? fields[formatPath(path.slice(0, n))] : undefined;
    if (pos !== undefined) return { ...base, line: pos.line, col: pos.col, path: formatPath(path) };
  }
  return { ...base, path: formatPath(path) };
}

/** A diagnostic for `problem`, located by `locate` (files) or by the object's origin (custom resources). */
export function toDiagnostic(problem: Problem, origin: Origin, locate?: (p: Problem) => Position): Diagnostic {
  const path = formatPath(problem.path);
  const at = locate?.(problem);
  const where: Origin = at !== undefined ? { ...origin, line: at.line, col: at.col, path } : { ...origin, path };
  return { severity: problem.severity ?? 'error', code: problem.code, summary: problem.message, origin: where };
}

/** A diagnostic about a field of an already converted declaration. */
export function fieldDiagnostic(origin: SourceOrigin, path: FieldPath, code: string, summary: string): Diagnostic {
  return { severity: 'error', code, summary, origin: fieldOrigin(origin, path) };
}
