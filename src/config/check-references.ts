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

/** The kinds a declaration references by name. */
export type ReferencedKind = 'ServiceProvider' | 'ServicePackage';

/** The providers and packages of one configuration by name (the first of a duplicated name wins). */
export interface Index {
  provider(name: string): Provider | undefined;
  package(name: string): Package | undefined;
  /** keys of documents rejected with their own diagnostics: references to them are not reported again */
  readonly rejected: ReadonlySet<string>;
}

/**
 * Calls `visit` with each declaration `d` references by name: the providers of a package or
 * subscription, and a subscription's package. A name attached twice is visited twice.
 */
export function forEachReference(d: Declared, visit: (kind: ReferencedKind, name: string) => void): void {
  if (d.kind !== 'ServicePackage' && d.kind !== 'Subscription') return;
  for (const a of d.spec.providers) if (a.provider.by === 'name') visit('ServiceProvider', a.provider.name);
  if (d.kind === 'Subscription' && d.spec.package.by === 'name') visit('ServicePackage', d.spec.package.name);
}

function refText(ref: ObjectRef): string {
  return ref.by === 'name' ? ref.name : `id ${ref.id}`;
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.by === 'name' ? b.by === 'name' && a.name === b.name : b.by === 'id' && a.id === b.id;
}

/** The field a reference is written at: `spec.providers[i].providerRef`, or `spec.packageRef` when `i` is -1. */
function refField(i: number): (string | number)[] {
  return i < 0 ? ['spec', 'packageRef'] : ['spec', 'providers', i, 'providerRef'];
}

/** A reference by name: to a provider from attachment `i`, or to a package (`i` is -1). */
interface Reference<K extends ReferencedKind> {
  readonly kind: K;
  readonly name: string;
  readonly i: number;
}

/**
 * The declaration a reference by name resolves to on the owner's target, or undefined with the
 * problem added to `out` (none when the named document was rejected with its own diagnostics).
 * Field paths and messages are built only for a problem.
 */
function resolveRef<K extends ReferencedKind>(owner: Package | Subscription, { kind, name, i }: Reference<K>, index: Index, out: Diagnostic[]): OfKind<Declared, K> | undefined {
  const declared = kind === 'ServiceProvider' ? index.provider(name) : index.package(name);
  if (declared === undefined) {
    if (index.rejected.size > 0 && index.rejected.has(keyOf(kind, name))) return undefined;
    const field = refField(i);
    out.push(fieldDiagnostic(owner.origin, field, 'CONFIG_DANGLING_REF', `${formatPath(field)}: no ${kind} named ${JSON.stringify(name)} is declared`));
    return undefined;
  }
  if (declared.target !== owner.target) {
    const field = refField(i);
    const summary = `${formatPath(field)}: ${kind}/${name} lives on target ${declared.target}, but ${owner.key} lives on target ${owner.target}`;
    out.push(fieldDiagnostic(owner.origin, field, 'CONFIG_CROSS_TARGET_REF', summary));
    return undefined;
  }
  return declared as OfKind<Declared, K>;
}

/** A second default of a list is reported at each later default, a missing one at the first item. */
function defaultProblems(owner: Package | Subscription, out: Diagnostic[]): void {
  const list = owner.spec.providers;
  let first = -1;
  for (let i = 0; i < list.length; i++) {
    if (!list[i]?.isDefault) continue;
    if (first === -1) first = i;
    else out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', i], 'CONFIG_DEFAULT_COUNT', `spec.providers[${i}] is a second default provider (spec.providers[${first}] is already the default)`));
  }
  if (first === -1) out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', 0], 'CONFIG_DEFAULT_COUNT', 'spec.providers has no default provider: set default: true on exactly one'));
}

/** Plain loops: this runs for every package and subscription of a configuration when it is first checked. */
function checkAttachments(owner: Package | Subscription, index: Index, out: Diagnostic[]): void {
  const list = owner.spec.providers;
  defaultProblems(owner, out);
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Attachment;
    let first = 0;
    while (first < i && !sameRef(a.provider, (list[first] as Attachment).provider)) first++;
    if (first < i) out.push(fieldDiagnostic(owner.origin, ['spec', 'providers', i], 'CONFIG_DUPLICATE_ATTACHMENT', `spec.providers[${i}] attaches ${refText(a.provider)} again (already spec.providers[${first}])`));
    if (a.provider.by !== 'name') continue;
    const found = resolveRef(owner, { kind: 'ServiceProvider', name: a.provider.name, i }, index, out);
    if (found !== undefined && a.isDefault && !found.spec.active) out.push(inactiveDefault(owner, i, found));
  }
}

function inactiveDefault(owner: Package | Subscription, i: number, provider: Provider): Diagnostic {
  return fieldDiagnostic(owner.origin, ['spec', 'providers', i], 'CONFIG_DEFAULT_INACTIVE', `the default provider ${provider.key} has active: false; a disabled provider cannot be a default`);
}

function isInPackage(a: Attachment, pkg: Package): boolean {
  const list = pkg.spec.providers;
  for (let k = 0; k < list.length; k++) if (sameRef(a.provider, (list[k] as Attachment).provider)) return true;
  return false;
}

function checkSubscriptionPackage(sub: Subscription, index: Index, out: Diagnostic[]): void {
  if (sub.spec.package.by !== 'name') return;
  const pkg = resolveRef(sub, { kind: 'ServicePackage', name: sub.spec.package.name, i: -1 }, index, out);
  if (pkg === undefined) return;
  const list = sub.spec.providers;
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Attachment;
    if (isInPackage(a, pkg)) continue;
    const summary = `spec.providers[${i}] (${refText(a.provider)}) is not a provider of ${pkg.key}; a subscription can only use its package's providers`;
    out.push(fieldDiagnostic(sub.origin, ['spec', 'providers', i], 'CONFIG_PROVIDER_NOT_IN_PACKAGE', summary));
  }
}

const NONE: readonly Diagnostic[] = [];

/**
 * The reference problems of one declaration (none for kinds other than package and
 * subscription). They depend only on the declaration and on the providers and packages its
 * references resolve to, so a re-check can skip every declaration whose references resolve as
 * before.
 */
export function referenceProblems(d: Declared, index: Index): readonly Diagnostic[] {
  if (d.kind !== 'ServicePackage' && d.kind !== 'Subscription') return NONE;
  const out: Diagnostic[] = [];
  checkAttachments(d, index, out);
  if (d.kind === 'Subscription') checkSubscriptionPackage(d, index, out);
  return out.length > 0 ? out : NONE;
}
