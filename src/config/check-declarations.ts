/**
 * The cross-file step: rules that need the whole configuration. Unique names per kind, targets
 * assigned, references resolved (see check-references.ts), unique projectName per target and one
 * ProjectDefaults per target. Pure, and cheap enough to re-run on every change in watch mode.
 */
import { renderLocation } from '../core/diagnostics.js';
import type { Declared, Diagnostic } from '../core/model.js';
import { assignTargets } from './assign-targets.js';
import { checkReferences, indexByName } from './check-references.js';
import { fieldDiagnostic, fieldOrigin, type SourceOrigin } from './problem.js';

/** Options of `checkDeclarations`. */
export interface CheckOptions {
  /**
   * Keys (`<kind>/<name>`) of documents rejected by the per-file step (see `TextResult.rejected`):
   * references to them are not reported as dangling, since their own diagnostics explain them.
   * @default []
   */
  readonly rejected?: Iterable<string>;
}

/** Declarations with targets assigned, and every cross-declaration problem. */
export interface CheckResult {
  readonly declared: Declared[];
  readonly diagnostics: Diagnostic[];
}

/** Reports each declaration after the first with the same `groupKey`, citing the first. */
function duplicates(declared: readonly Declared[], groupKey: (d: Declared) => string | undefined, report: (d: Declared, first: Declared) => Diagnostic): Diagnostic[] {
  const firsts = new Map<string, Declared>();
  const out: Diagnostic[] = [];
  for (const d of declared) {
    const k = groupKey(d);
    if (k === undefined) continue;
    const first = firsts.get(k);
    if (first === undefined) firsts.set(k, d);
    else out.push(report(d, first));
  }
  return out;
}

function seeAlso(first: Declared, path: readonly string[]): string {
  const where = renderLocation(fieldOrigin(first.origin as SourceOrigin, path));
  return where ? ` (first declared at ${where})` : '';
}

function uniquenessProblems(declared: readonly Declared[]): Diagnostic[] {
  const name = ['metadata', 'name'];
  return [
    ...duplicates(declared, (d) => d.key, (d, first) => fieldDiagnostic(d.origin, name, 'CONFIG_DUPLICATE_NAME', `${d.key} is declared more than once${seeAlso(first, name)}`)),
    ...duplicates(
      declared,
      (d) => (d.kind === 'Project' ? `${d.target}\u0000${d.spec.projectName}` : undefined),
      (d, first) => {
        const projectName = d.kind === 'Project' ? d.spec.projectName : '';
        const summary = `projectName ${JSON.stringify(projectName)} is already used by ${first.key} on target ${d.target}${seeAlso(first, ['spec', 'projectName'])}`;
        return fieldDiagnostic(d.origin, ['spec', 'projectName'], 'CONFIG_DUPLICATE_PROJECT_NAME', summary);
      },
    ),
    ...duplicates(
      declared,
      (d) => (d.kind === 'ProjectDefaults' ? d.target : undefined),
      (d, first) => fieldDiagnostic(d.origin, name, 'CONFIG_DUPLICATE_DEFAULTS', `target ${d.target} already has ProjectDefaults ${first.name}${seeAlso(first, name)}; declare one per target`),
    ),
  ];
}

/**
 * Checks the whole configuration and assigns each declaration its target. Pass the outputs of
 * `declarationsFromText` / `declaredFromCustomResource` (targets unassigned unless `targetRef` was
 * given). Never throws; every problem is a diagnostic on the field concerned.
 */
export function checkDeclarations(declared: readonly Declared[], options: CheckOptions = {}): CheckResult {
  const rejected = new Set(options.rejected);
  const assigned = assignTargets(declared, rejected);
  const diagnostics = [...assigned.diagnostics, ...uniquenessProblems(assigned.declared), ...checkReferences(assigned.declared, indexByName(assigned.declared, rejected))];
  return { declared: assigned.declared, diagnostics };
}
