/**
 * Turns observed live objects into declarations, so an existing platform can be adopted: the
 * output validates as-is once the secret placeholders' environment variables are set. It also
 * computes the ledger entries that let a configuration take over the exported objects instead of
 * creating copies of them (`syncwise export --adopt`). Pure.
 */
import type { LedgerEntry, LedgerState } from './ledger.js';
import type { LiveBluzone, LiveProject, LiveStreamwise } from './live.js';
import {
  API_VERSION,
  META_NAME,
  META_OWNER,
  RESERVED_PREFIX,
  keyOf,
  type ManagedKind,
  type Metadata,
  type RemoteConsumer,
  type RemoteStorage,
  type Sensitive,
} from './model.js';

/** One exported declaration, ready to be written as a YAML document. */
export interface ExportedDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A declaration with the live object it was made from. */
export interface ExportedObject {
  readonly kind: ManagedKind;
  readonly name: string;
  /** Platform id (streamwise `id`, bluzone `projectId`; the reseller id for ProjectDefaults). */
  readonly externalId: string;
  /** The `syncwise.io/owner` marker the object carries, if any. */
  readonly owner?: string;
  /** userMetadata keys the declaration sets (a configuration adopting it manages them). */
  readonly metadataKeys: readonly string[];
  readonly document: ExportedDocument;
}

/** A DNS-1123 label from any display name: `BBB Europe 1` -> `bbb-europe-1`. */
export function toDnsLabel(text: string, fallback: string): string {
  const label = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return label === '' || !/^[a-z]/.test(label) ? fallback : label;
}

/** Names a configuration already gives live objects: `(kind, platform id) -> metadata.name`. */
export type KnownNames = (kind: ManagedKind, id: string) => string | undefined;

const noNames: KnownNames = () => undefined;

/**
 * The names the ledger gives the objects it owns on `target`, so that exporting what a
 * configuration applied gives back the same keys: a project renamed by export would otherwise be
 * blocked as unmanaged, and its old key pruned.
 */
export function ledgerNames(ledger: LedgerState | undefined, target: string): KnownNames {
  const byId = new Map<string, string>();
  for (const e of Object.values(ledger?.entries ?? {})) if (e.target === target && e.state === 'applied') byId.set(`${e.kind}\u0000${e.externalId}`, e.name);
  return (kind, id) => byId.get(`${kind}\u0000${id}`);
}

/**
 * Assigns unique names: the name already known for the object first, then its reserved name
 * marker, else a label of its display name.
 */
function uniqueNames<T>(items: readonly T[], pick: (t: T) => { known?: string; marker?: string; display: string; id: string }): Map<T, string> {
  const used = new Set<string>();
  const out = new Map<T, string>();
  for (const item of items) {
    const { known } = pick(item);
    if (known === undefined || used.has(known)) continue;
    used.add(known);
    out.set(item, known);
  }
  for (const item of items) {
    if (out.has(item)) continue;
    const { marker, display, id } = pick(item);
    const base = marker ?? toDnsLabel(display, `obj-${id.toLowerCase()}`);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base.slice(0, 58)}-${i}`;
    used.add(name);
    out.set(item, name);
  }
  return out;
}

function userMetadata(metadata: Metadata): Metadata {
  return Object.fromEntries(Object.entries(metadata).filter(([k]) => !k.startsWith(RESERVED_PREFIX)));
}

function envRef(name: string, field: string): { valueFrom: { env: string } } {
  return { valueFrom: { env: `${name}_${field}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_') } };
}

const doc = (kind: string, name: string, spec: Record<string, unknown>): ExportedDocument => ({ apiVersion: API_VERSION, kind, metadata: { name }, spec });

const text = (m: Metadata, key: string): string | undefined => (typeof m[key] === 'string' ? (m[key] as string) : undefined);

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** A streamwise object's exported form: its user metadata becomes the declaration's. */
function streamwiseObject(kind: ManagedKind, name: string, live: { id: string; metadata: Metadata }, spec: Record<string, unknown>): ExportedObject {
  const meta = userMetadata(live.metadata);
  const owner = text(live.metadata, META_OWNER);
  return { kind, name, externalId: live.id, ...(owner !== undefined ? { owner } : {}), metadataKeys: Object.keys(meta).sort(), document: doc(kind, name, { ...spec, userMetadata: meta }) };
}

/** Every object of a streamwise target with its declaration; secrets become `valueFrom.env` placeholders. */
export function exportStreamwiseObjects(live: LiveStreamwise, targetRef?: string, known: KnownNames = noNames): ExportedObject[] {
  const target = targetRef !== undefined ? { targetRef } : {};
  const naming = (kind: ManagedKind, o: { id: string; metadata: Metadata }, display: string) => ({ ...opt('known', known(kind, o.id)), ...opt('marker', text(o.metadata, META_NAME)), display, id: o.id });
  const provNames = uniqueNames(live.providers, (p) => naming('ServiceProvider', p, p.providerName));
  const pkgNames = uniqueNames(live.packages, (p) => naming('ServicePackage', p, p.packageName));
  const subNames = uniqueNames(live.subscriptions, (s) => naming('Subscription', s, s.subscriptionName));
  const provById = new Map(live.providers.map((p) => [p.id, provNames.get(p)]));
  const pkgById = new Map(live.packages.map((p) => [p.id, pkgNames.get(p)]));
  const attach = (list: readonly { providerId: string; isDefault: boolean }[]) =>
    list.map((a) => ({ ...(provById.has(a.providerId) ? { providerRef: provById.get(a.providerId) } : { providerId: a.providerId }), default: a.isDefault }));
  const out: ExportedObject[] = [];
  for (const p of live.providers) {
    const name = provNames.get(p) ?? p.id;
    const properties = { url: p.properties.url ?? '', secret: envRef(name, 'secret') };
    out.push(streamwiseObject('ServiceProvider', name, p, { providerName: p.providerName, active: p.active, providerType: p.providerType, properties, ...target }));
  }
  for (const p of live.packages) {
    out.push(streamwiseObject('ServicePackage', pkgNames.get(p) ?? p.id, p, { packageName: p.packageName, providers: attach(p.providers), ...target }));
  }
  for (const s of live.subscriptions) {
    const pkg = pkgById.has(s.packageId) ? { packageRef: pkgById.get(s.packageId) } : { packageId: s.packageId };
    out.push(streamwiseObject('Subscription', subNames.get(s) ?? s.id, s, { subscriptionName: s.subscriptionName, ...pkg, providers: attach(s.providers), ...target }));
  }
  return out;
}

/** Declarations for every object of a streamwise target; secrets become `valueFrom.env` placeholders. */
export function exportStreamwise(live: LiveStreamwise, targetRef?: string, known: KnownNames = noNames): ExportedDocument[] {
  return exportStreamwiseObjects(live, targetRef, known).map((o) => o.document);
}

function storage(s: RemoteStorage<Sensitive>, name: string): Record<string, unknown> {
  return { ...s, secretKey: envRef(name, 'storage_secret_key') };
}

function consumer(c: RemoteConsumer<Sensitive>, name: string): Record<string, unknown> {
  const { partitionKey, ...rest } = c;
  return { ...rest, awsSecretKey: envRef(name, 'consumer_secret_key'), ...(partitionKey === '' ? {} : { partitionKey }) };
}

function projectSpec(p: LiveProject, name: string): Record<string, unknown> {
  return {
    projectName: p.projectName,
    defaultOwnerEmail: p.defaultOwnerEmail,
    defaultOwnerPassword: envRef(name, 'owner_password'),
    joinAccountsEnabled: p.joinAccountsEnabled,
    debugEnabled: p.debugEnabled,
    remoteStorage: p.useDefaultRemoteStorage || p.remoteStorage === undefined ? { useDefault: true } : storage(p.remoteStorage, name),
    remoteConsumer: p.useDefaultRemoteConsumer || p.remoteConsumer === undefined ? { useDefault: true } : consumer(p.remoteConsumer, name),
  };
}

/**
 * Why a project cannot be declared as it is, if so: a declaration either follows the reseller's
 * default or sets its own remote storage and consumer, while the platform also allows none.
 */
export function unexportableReason(p: LiveProject): string | undefined {
  const none = [
    ...(!p.useDefaultRemoteStorage && p.remoteStorage === undefined ? ['remoteStorage'] : []),
    ...(!p.useDefaultRemoteConsumer && p.remoteConsumer === undefined ? ['remoteConsumer'] : []),
  ];
  return none.length === 0 ? undefined : `it has no ${none.join(' and no ')}, which a declaration cannot express: it is left out`;
}

/** A bluzone target's ProjectDefaults (when set) and every project that can be declared, with their declarations. */
export function exportBluzoneObjects(live: LiveBluzone, targetRef?: string, known: KnownNames = noNames): ExportedObject[] {
  const target = targetRef !== undefined ? { targetRef } : {};
  const out: ExportedObject[] = [];
  const { serviceProviderId, defaultRemoteStorage: ds, defaultRemoteConsumer: dc } = live.reseller;
  if (ds !== undefined || dc !== undefined) {
    const name = known('ProjectDefaults', serviceProviderId) ?? 'project-defaults';
    const spec = { ...(ds ? { remoteStorage: storage(ds, name) } : {}), ...(dc ? { remoteConsumer: consumer(dc, name) } : {}), ...target };
    out.push({ kind: 'ProjectDefaults', name, externalId: serviceProviderId, metadataKeys: [], document: doc('ProjectDefaults', name, spec) });
  }
  const projects = live.projects.filter((p) => unexportableReason(p) === undefined);
  const names = uniqueNames(projects, (p) => ({ ...opt('known', known('Project', p.projectId)), display: p.projectName, id: p.projectId }));
  for (const p of projects) {
    const name = names.get(p) ?? p.projectId;
    out.push({ kind: 'Project', name, externalId: p.projectId, metadataKeys: [], document: doc('Project', name, { ...projectSpec(p, name), ...target }) });
  }
  return out;
}

/** Declarations for a bluzone target: its ProjectDefaults (when set) and every project. */
export function exportBluzone(live: LiveBluzone, targetRef?: string, known: KnownNames = noNames): ExportedDocument[] {
  return exportBluzoneObjects(live, targetRef, known).map((o) => o.document);
}

/** What adopting exported objects records, and what it leaves alone (with the reason). */
export interface Adoption {
  readonly entries: readonly LedgerEntry[];
  /** Keys the ledger already maps to the same object: their entries are kept as they are. */
  readonly managed: readonly string[];
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
}

/**
 * The ledger entries that make `ledger`'s configuration manage the exported objects of `target`
 * (the name the plan will use for it). The spec hash is left empty: what was applied is unknown,
 * so the first apply re-sends write-only secrets and writes the ownership markers. An object
 * another configuration owns, or a key the ledger already maps to another object, is skipped.
 */
export function adoptionEntries(objects: readonly ExportedObject[], target: string, ledger: LedgerState): Adoption {
  const entries: LedgerEntry[] = [];
  const managed: string[] = [];
  const skipped: { key: string; reason: string }[] = [];
  for (const o of objects) {
    const key = keyOf(o.kind, o.name);
    const known = ledger.entries[key]?.state === 'applied' ? ledger.entries[key] : undefined;
    if (o.owner !== undefined && o.owner !== ledger.owner) {
      skipped.push({ key, reason: `id ${o.externalId} is owned by configuration "${o.owner}": pass --owner ${o.owner} to manage it as that configuration` });
    } else if (known !== undefined && known.target === target && known.externalId === o.externalId) {
      managed.push(key);
    } else if (known !== undefined) {
      skipped.push({ key, reason: `the ledger already maps ${key} to id ${known.externalId} on target "${known.target}"` });
    } else {
      entries.push({ key, kind: o.kind, name: o.name, target, externalId: o.externalId, hash: '', managedMetadataKeys: o.metadataKeys, state: 'applied' });
    }
  }
  return { entries, managed, skipped };
}
