/**
 * Converts a Kubernetes custom resource of a syncwise kind into a declaration, validated by the
 * same schemas as files. Diagnostics cite `namespace/name#spec.path`. Only the parts of a custom
 * resource that declare something are read (name, labels, spec): status and the server-managed
 * metadata fields are ignored. Secrets may only come from `valueFrom.secretKeyRef`, read in the
 * resource's own namespace. Pure.
 */
import type { Declared, Diagnostic, Origin } from '../core/model.js';
import { checkDocument, keyOfRejected } from './check-document.js';
import { toDiagnostic, type Problem } from './problem.js';
import { customResourceSecretPolicy } from './secret-policies.js';
import { toDeclared } from './to-declared.js';

function own(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (Object.getOwnPropertyDescriptor(obj, key)?.value as unknown) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The part of a custom resource that is a declaration, in the shape of a file document. */
function declarationPart(obj: unknown): Record<string, unknown> {
  const metadata = own(obj, 'metadata');
  const labels = own(metadata, 'labels');
  const meta = { name: own(metadata, 'name'), ...(labels !== undefined ? { labels } : {}) };
  const part: Record<string, unknown> = { apiVersion: own(obj, 'apiVersion'), kind: own(obj, 'kind'), metadata: meta, spec: own(obj, 'spec') };
  for (const k of Object.keys(part)) if (part[k] === undefined) delete part[k];
  return part;
}

/**
 * Validates and converts one custom resource (as read from the Kubernetes API). Returns no
 * declaration when it has any problem (and then its key in `rejected`, for `checkDeclarations`);
 * targets are left unassigned (see `checkDeclarations`).
 */
export function declaredFromCustomResource(obj: unknown): { declared: Declared[]; diagnostics: Diagnostic[]; rejected: string[] } {
  const namespace = text(own(own(obj, 'metadata'), 'namespace'));
  const name = text(own(own(obj, 'metadata'), 'name')) ?? '(unnamed)';
  const origin: Origin = { object: namespace !== undefined ? `${namespace}/${name}` : name };
  const isObject = typeof obj === 'object' && obj !== null && !Array.isArray(obj);
  const checked = checkDocument(isObject ? declarationPart(obj) : obj);
  const reject = (problems: readonly Problem[]): { declared: Declared[]; diagnostics: Diagnostic[]; rejected: string[] } => {
    const key = keyOfRejected(obj);
    return { declared: [], diagnostics: problems.map((p) => toDiagnostic(p, origin)), rejected: key !== undefined ? [key] : [] };
  };
  if (checked.doc === undefined) return reject(checked.problems);
  const converted = toDeclared(checked.doc, { origin, secret: customResourceSecretPolicy(namespace), cite: () => undefined });
  const problems = [...checked.problems, ...converted.problems];
  if (converted.declared === undefined || problems.length > 0) return reject(problems);
  return { declared: [converted.declared], diagnostics: [], rejected: [] };
}
