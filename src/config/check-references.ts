/**
 * Cross-declaration rules of streamwise objects, checked before any platform call: references
 * resolve on the same target, each package and subscription has exactly one default provider (and
 * it is active), a provider is attached once, and a subscription only uses its package's
 * providers. Pure.
 */
import { formatPath } from '../core/diagnostics.js';
import { keyOf, type Attachment, type Declared, type Diagnostic, type ObjectRef, type OfKind } from '../core/model.js';
import { fieldDiagnostic } from './problem.js';

type Provider = OfKind<Declared, 'ServiceProvider'>;
type Package = OfKind<Declared, 'ServicePackage'>;
type Subscription = OfKind<Declared, 'Subscription'>;

/** Declarations of one configuration by key (the first of a duplicated key wins). */
export interface Index {
  readonly declared: ReadonlyMap<string, Declared>;
  /** keys of documents rejected with their own diagnostics: references to them are not reported again */
  readonly rejected: ReadonlySet<string>;
}

/** Indexes declarations by key (`<kind>/<name>`). */
export function indexByKey(declared: readonly Declared[], rejected: Iterable<string> = []): Index {
  const byKey = new Map<string, Declared>();
  for (const d of declared) if (!byKey.has(d.key)) byKey.set(d.key, d);
  return { declared: byKey, rejected: new Set(rejected) };
}

function refText(ref: ObjectRef): string {
  return ref.by === 'name' ? ref.name : `id ${ref.id}`;
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.by === 'name' ? b.by === 'name' && a.name === b.name : b.by === 'id' && a.id === b.id;
}

function resolveRef<K extends 'ServiceProvider' | 'ServicePackage'>(
  owner: Package | Subscription,
  kind: K,
  ref: { readonly name: string },
  at: readonly (string | number)[],
  index: Index,
): { found?: OfKind<Declared, K>; problem?: Diagnostic } {
  const declared = index.declared.get(keyOf(kind, ref.name));
  const field = at.length === 3 ? [...at, 'providerRef'] : at;
  if (declared === undefined && index.rejected.has(keyOf(kind, ref.name))) return {};
  if (declared === undefined) return { problem: fieldDiagnostic(owner.origin, field, 'CONFIG_DANGLING_REF', `${formatPath(field)}: no ${kind} named ${JSON.stringify(ref.name)} is declared`) };
  const found = declared as OfKind<Declared, K>;
  if (declared.target !== owner.target) {
    const summary = `${formatPath(field)}: ${kind}/${ref.name} lives on target ${declared.target}, but ${owner.key} lives on target ${owner.target}`;
    return { problem: fieldDiagnostic(owner.origin, field, 'CONFIG_CROSS_TARGET_REF', summary) };
  }
  return { found };
}

function checkAttachments(owner: Package | Subscription, index: Index): Diagnostic[] {
  const out: Diagnostic[] = [];
  const list = owner.spec.providers;
  const defaults = list.flatMap((a, i) => (a.isDefault ? [i] : []));
  if (defaults.length === 0) out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', 0], 'CONFIG_DEFAULT_COUNT', 'spec.providers has no default provider: set default: true on exactly one'));
  for (const i of defaults.slice(1)) out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', i], 'CONFIG_DEFAULT_COUNT', `spec.providers[${i}] is a second default provider (spec.providers[${defaults[0] ?? 0}] is already the default)`));
  list.forEach((a, i) => {
    const at = ['spec', 'providers', i];
    const first = list.findIndex((b) => sameRef(a.provider, b.provider));
    if (first < i) out.push(fieldDiagnostic(owner.origin, at, 'CONFIG_DUPLICATE_ATTACHMENT', `spec.providers[${i}] attaches ${refText(a.provider)} again (already spec.providers[${first}])`));
    if (a.provider.by !== 'name') return;
    const { found, problem } = resolveRef(owner, 'ServiceProvider', a.provider, at, index);
    if (problem !== undefined) out.push(problem);
    if (found !== undefined && a.isDefault && !found.spec.active) out.push(inactiveDefault(owner, at, found));
  });
  return out;
}

function inactiveDefault(owner: Package | Subscription, at: readonly (string | number)[], provider: Provider): Diagnostic {
  return fieldDiagnostic(owner.origin, at, 'CONFIG_DEFAULT_INACTIVE', `the default provider ${provider.key} has active: false; a disabled provider cannot be a default`);
}

function checkSubscriptionPackage(sub: Subscription, index: Index): Diagnostic[] {
  if (sub.spec.package.by !== 'name') return [];
  const { found, problem } = resolveRef(sub, 'ServicePackage', sub.spec.package, ['spec', 'packageRef'], index);
  if (problem !== undefined) return [problem];
  if (found === undefined) return [];
  const pkg: Package = found;
  return sub.spec.providers.flatMap((a: Attachment, i) => {
    if (pkg.spec.providers.some((b) => sameRef(a.provider, b.provider))) return [];
    const summary = `spec.providers[${i}] (${refText(a.provider)}) is not a provider of ${pkg.key}; a subscription can only use its package's providers`;
    return [fieldDiagnostic(sub.origin, ['spec', 'providers', i], 'CONFIG_PROVIDER_NOT_IN_PACKAGE', summary)];
  });
}

/** Checks every package and subscription of `declared` against the others. */
export function checkReferences(declared: readonly Declared[], index: Index): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of declared) {
    if (d.kind === 'ServicePackage') out.push(...checkAttachments(d, index));
    if (d.kind === 'Subscription') out.push(...checkAttachments(d, index), ...checkSubscriptionPackage(d, index));
  }
  return out;
}
