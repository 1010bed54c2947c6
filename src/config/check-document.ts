/**
 * Checks one declaration document on its own, the same way for files and custom resources: it is
 * a mapping, its apiVersion and kind are syncwise's, it matches its kind's schema, and it uses no
 * reserved names. Pure.
 */
import { formatPath } from '../core/diagnostics.js';
import { API_VERSION, EMBEDDED_TARGET, KINDS, keyOf, RESERVED_PREFIX, type Kind } from '../core/model.js';
import type * as G from './generated/declarations.js';
import type { Problem } from './problem.js';
import { editDistance } from './schema-messages.js';
import { validateDeclaration } from './validate.js';

/**
 * The outcome of checking one document: the problems found, and the document typed as its kind
 * when it matches the schema (it may still have problems, such as a reserved key, so that
 * conversion can report its own problems in the same pass).
 */
export interface CheckedDocument {
  readonly doc: G.Declaration | undefined;
  readonly problems: Problem[];
}

function own(obj: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(obj, key)?.value as unknown;
}

function shown(v: unknown): string {
  return typeof v === 'string' && v.length <= 80 ? JSON.stringify(v) : `a ${v === null ? 'null' : typeof v}`;
}

function kindProblem(kind: unknown): Problem {
  const path = ['kind'];
  if (kind === undefined) return { path, at: 'key', code: 'CONFIG_SCHEMA', message: `kind is required (one of ${KINDS.join(', ')})` };
  const hint = typeof kind === 'string' ? KINDS.find((k) => editDistance(k.toLowerCase(), kind.toLowerCase()) <= 2) : undefined;
  const expected = hint !== undefined ? `did you mean ${hint}?` : `expected one of ${KINDS.join(', ')}`;
  return { path, at: 'value', code: 'CONFIG_UNKNOWN_KIND', message: `kind ${shown(kind)} is not a syncwise kind (${expected})` };
}

/** Checks that `data` is a mapping with syncwise's apiVersion and a known kind. */
export function identifyKind(data: unknown): { readonly kind: Kind } | { readonly problems: Problem[] } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const found = Array.isArray(data) ? 'a sequence' : `a ${data === null ? 'null' : typeof data}`;
    return { problems: [{ path: [], at: 'value', code: 'CONFIG_NOT_OBJECT', message: `a declaration must be a mapping with apiVersion, kind, metadata and spec (found ${found})` }] };
  }
  const apiVersion = own(data, 'apiVersion');
  const kind = own(data, 'kind');
  const problems: Problem[] = [];
  if (apiVersion === undefined) problems.push({ path: ['apiVersion'], at: 'key', code: 'CONFIG_SCHEMA', message: `apiVersion is required (${API_VERSION})` });
  else if (apiVersion !== API_VERSION) problems.push({ path: ['apiVersion'], at: 'value', code: 'CONFIG_API_VERSION', message: `apiVersion ${shown(apiVersion)} is not supported (expected ${API_VERSION})` });
  const known = typeof kind === 'string' && (KINDS as readonly string[]).includes(kind);
  // a foreign apiVersion (a Deployment, a Secret) is reported once, whatever its kind
  if (!known && (apiVersion === API_VERSION || apiVersion === undefined)) problems.push(kindProblem(kind));
  return problems.length > 0 ? { problems } : { kind: kind as Kind };
}

function reservedProblems(doc: G.Declaration): Problem[] {
  const problems: Problem[] = [];
  const meta = 'userMetadata' in doc.spec ? doc.spec.userMetadata : undefined;
  for (const key of Object.keys(meta ?? {})) {
    if (!key.startsWith(RESERVED_PREFIX)) continue;
    const path = ['spec', 'userMetadata', key];
    problems.push({ path, at: 'key', code: 'CONFIG_RESERVED_KEY', message: `${formatPath(path)}: keys starting with ${RESERVED_PREFIX} are reserved for syncwise` });
  }
  if (doc.kind === 'Target' && doc.metadata.name === EMBEDDED_TARGET) {
    const path = ['metadata', 'name'];
    problems.push({ path, at: 'value', code: 'CONFIG_RESERVED_NAME', message: `metadata.name "${EMBEDDED_TARGET}" is reserved for the embedded sandbox; choose another Target name` });
  }
  return problems;
}

/**
 * The key (`<kind>/<name>`) a rejected document would have had, when its kind and name can be
 * read, so that references to it are not reported as dangling on top of its own problems.
 */
export function keyOfRejected(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const kind = own(data, 'kind');
  const meta = own(data, 'metadata');
  const name = typeof meta === 'object' && meta !== null ? own(meta, 'name') : undefined;
  return typeof kind === 'string' && (KINDS as readonly string[]).includes(kind) && typeof name === 'string' ? keyOf(kind as Kind, name) : undefined;
}

/** Checks one document fully; a document that passes is typed as its kind's generated type. */
export function checkDocument(data: unknown): CheckedDocument {
  const identified = identifyKind(data);
  if ('problems' in identified) return { doc: undefined, problems: identified.problems };
  const problems = validateDeclaration(identified.kind, data);
  if (problems.length > 0) return { doc: undefined, problems };
  const doc = data as G.Declaration;
  return { doc, problems: reservedProblems(doc) };
}
