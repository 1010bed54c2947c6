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

/** The providers and packages of one configuration by name (the first of a duplicated name wins). */
export interface Index {
  readonly providers: ReadonlyMap<string, Provider>;
  readonly packages: ReadonlyMap<string, Package>;
  /** keys of documents rejected with their own diagnostics: references to them are not reported again */
  readonly rejected: ReadonlySet<string>;
}

/**
 * Indexes the providers and packages of `declared` by name. By name within a kind, not by key:
 * a reference then needs no `<kind>/<name>` string built and hashed (35,000 of them in a
 * 10,000-object configuration, on every change in watch mode).
 */
export function indexByName(declared: readonly Declared[], rejected: ReadonlySet<string>): Index {
  const providers = new Map<string, Provider>();
  const packages = new Map<string, Package>();
  for (const d of declared) {
    if (d.kind === 'ServiceProvider' && !providers.has(d.name)) providers.set(d.name, d);
    else if (d.kind === 'ServicePackage' && !packages.has(d.name)) packages.set(d.name, d);
  }
  return { providers, packages, rejected };
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
  const declared = (kind === 'ServiceProvider' ? index.providers : index.packages).get(ref.name);
  if (declared === undefined) {
    const field = at.length === 3 ? [...at, 'providerRef'] : at;
    if (index.rejected.has(keyOf(kind, ref.name))) return {};
    return { problem: fieldDiagnostic(owner.origin, field, 'CONFIG_DANGLING_REF', `${formatPath(field)}: no ${kind} named ${JSON.stringify(ref.name)} is declared`) };
  }
  if (declared.target !== owner.target) {
    const field = at.length === 3 ? [...at, 'providerRef'] : at;
    const summary = `${formatPath(field)}: ${kind}/${ref.name} lives on target ${declared.target}, but ${owner.key} lives on target ${owner.target}`;
    return { problem: fieldDiagnostic(owner.origin, field, 'CONFIG_CROSS_TARGET_REF', summary) };
  }
  return { found: declared as OfKind<Declared, K> };
}

function defaultProblems(owner: Package | Subscription): Diagnostic[] {
  const list = owner.spec.providers;
  let first = -1;
  const out: Diagnostic[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!list[i]?.isDefault) continue;
    if (first === -1) first = i;
    else out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', i], 'CONFIG_DEFAULT_COUNT', `spec.providers[${i}] is a second default provider (spec.providers[${first}] is already the default)`));
  }
  if (first === -1) out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', 0], 'CONFIG_DEFAULT_COUNT', 'spec.providers has no default provider: set default: true on exactly one'));
  return out;
}

/** Plain loops: this runs for every package and subscription of a configuration. */
function checkAttachments(owner: Package | Subscription, index: Index, out: Diagnostic[]): void {
  const list = owner.spec.providers;
  const defaults = defaultProblems(owner);
  if (defaults.length > 0) out.push(...defaults);
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Attachment;
    let first = 0;
    while (first < i && !sameRef(a.provider, (list[first] as Attachment).provider)) first++;
    if (first < i) out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', i], 'CONFIG_DUPLICATE_ATTACHMENT', `spec.providers[${i}] attaches ${refText(a.provider)} again (already spec.providers[${first}])`));
    if (a.provider.by !== 'name') continue;
    const at = ['spec', 'providers', i];
    const { found, problem } = resolveRef(owner, 'ServiceProvider', a.provider, at, index);
    if (problem !== undefined) out.push(problem);
    if (found !== undefined && a.isDefault && !found.spec.active) out.push(inactiveDefault(owner, at, found));
  }
}

function inactiveDefault(owner: Package | Subscription, at: readonly (string | number)[], provider: Provider): Diagnostic {
  return fieldDiagnostic(owner.origin, at, 'CONFIG_DEFAULT_INACTIVE', `the default provider ${provider.key} has active: false; a disabled provider cannot be a default`);
}

function checkSubscriptionPackage(sub: Subscription, index: Index, out: Diagnostic[]): void {
  if (sub.spec.package.by !== 'name') return;
  const { found, problem } = resolveRef(sub, 'ServicePackage', sub.spec.package, ['spec', 'packageRef'], index);
  if (problem !== undefined) out.push(problem);
  if (found === undefined) return;
  const pkg: Package = found;
  sub.spec.providers.forEach((a: Attachment, i) => {
    if (pkg.spec.providers.some((b) => sameRef(a.provider, b.provider))) return;
    const summary = `spec.providers[${i}] (${refText(a.provider)}) is not a provider of ${pkg.key}; a subscription can only use its package's providers`;
    out.push(fieldDiagnostic(sub.origin, ['spec', 'providers', i], 'CONFIG_PROVIDER_NOT_IN_PACKAGE', summary));
  });
}

/** Checks every package and subscription of `declared` against the others. */
export function checkReferences(declared: readonly Declared[], index: Index): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of declared) {
    if (d.kind === 'ServicePackage') checkAttachments(d, index, out);
    if (d.kind === 'Subscription') {
      checkAttachments(d, index, out);
      checkSubscriptionPackage(d, index, out);
    }
  }
  return out;
}
