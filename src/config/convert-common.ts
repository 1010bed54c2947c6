/**
 * Pieces every declaration converter shares: the envelope (name, key, labels, target), user
 * metadata copied as own data properties, and the context a converter runs in. Pure.
 */
import { keyOf, type Declared, type Metadata, type Origin, type SecretSource } from '../core/model.js';
import type * as G from './generated/declarations.js';
import type { FieldPath } from './locate.js';
import type { Problem } from './problem.js';

/** Value of `target` before `checkDeclarations` assigns one (no `targetRef` was given). */
export const UNASSIGNED_TARGET = '';

/** Turns a declared secret value into its source, or a problem (e.g. a literal in a custom resource). */
export type SecretPolicy = (value: G.SecretValue, path: FieldPath) => SecretSource | Problem;

/** What a converter needs besides the document. */
export interface ConvertContext {
  readonly origin: Origin;
  readonly secret: SecretPolicy;
  /** records a field whose position later diagnostics cite */
  readonly cite: (path: FieldPath) => void;
}

/** The result of converting one document. */
export interface Converted {
  readonly declared: Declared | undefined;
  readonly problems: Problem[];
}

/** Collects problems while a converter runs. */
export interface Collector extends ConvertContext {
  readonly problems: Problem[];
  /** the source of a secret field, or a placeholder after recording the problem */
  source(value: G.SecretValue, path: FieldPath): SecretSource;
}

/** Fields every kind shares (`target` left unassigned unless `targetRef` names one). */
export function envelope<K extends Declared['kind']>(kind: K, doc: { metadata: G.ObjectMeta; spec: object }, ctx: ConvertContext) {
  const name = doc.metadata.name;
  ctx.cite(['metadata', 'name']);
  const targetRef = 'targetRef' in doc.spec && typeof doc.spec.targetRef === 'string' ? doc.spec.targetRef : undefined;
  if (targetRef !== undefined) ctx.cite(['spec', 'targetRef']);
  const labels: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(doc.metadata.labels ?? {}));
  return { kind, name, key: keyOf(kind, name), labels, target: targetRef ?? UNASSIGNED_TARGET, origin: ctx.origin };
}

/** Copies user metadata as own data properties (never through the prototype), or leaves it unmanaged. */
export function userMetadata(value: G.UserMetadata | undefined): { userMetadata?: Metadata } {
  if (value === undefined) return {};
  const copy = (v: unknown): unknown => (Array.isArray(v) ? [...(v as unknown[])] : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v)) : v);
  return { userMetadata: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as Metadata };
}

