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

/** Assigns unique names: the reserved name marker when present, else a label of the display name. */
function uniqueNames<T>(items: readonly T[], pick: (t: T) => { marker?: string; display: string; id: string }): Map<T, string> {
  const used = new Set<string>();
  const out = new Map<T, string>();
  for (const item of items) {
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

function opt(m: string | undefined): { marker?: string } {
  return m === undefined ? {} : { marker: m };
}

/** A streamwise object's exported form: its user metadata becomes the declaration's. */
function streamwiseObject(kind: ManagedKind, name: string, live: { id: string; metadata: Metadata }, spec: Record<string, unknown>): ExportedObject {
  const meta = userMetadata(live.metadata);
  const owner = text(live.metadata, META_OWNER);
  return { kind, name, externalId: live.id, ...(owner !== undefined ? { owner } : {}), metadataKeys: Object.keys(meta).sort(), document: doc(kind, name, { ...spec, userMetadata: meta }) };
}

/** Every object of a streamwise target with its declaration; secrets become `valueFrom.env` placeholders. */
export function exportStreamwiseObjects(live: LiveStreamwise, targetRef?: string): ExportedObject[] {
  const target = targetRef !== undefined ? { targetRef } : {};
  const provNames = uniqueNames(live.providers, (p) => ({ ...opt(text(p.metadata, META_NAME)), display: p.providerName, id: p.id }));
  const pkgNames = uniqueNames(live.packages, (p) => ({ ...opt(text(p.metadata, META_NAME)), display: p.packageName, id: p.id }));
  const subNames = uniqueNames(live.subscriptions, (s) => ({ ...opt(text(s.metadata, META_NAME)), display: s.subscriptionName, id: s.id }));
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
export function exportStreamwise(live: LiveStreamwise, targetRef?: string): ExportedDocument[] {
  return exportStreamwiseObjects(live, targetRef).map((o) => o.document);
}

function storage(s: RemoteStorage<Sensitive>, name: string): Record<string, unknown> {
  return { ...s, secretKey: envRef(name, 'storage_secret_key') };
}

function consumer(c: RemoteConsumer<Sensitive>, name: string): Record<string, unknown> {
  return { ...c, awsSecretKey: envRef(name, 'consumer_secret_key') };
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
export function exportBluzoneObjects(live: LiveBluzone, targetRef?: string): ExportedObject[] {
  const target = targetRef !== undefined ? { targetRef } : {};
  const out: ExportedObject[] = [];
  const { serviceProviderId, defaultRemoteStorage: ds, defaultRemoteConsumer: dc } = live.reseller;
  if (ds !== undefined || dc !== undefined) {
    const name = 'project-defaults';
    const spec = { ...(ds ? { remoteStorage: storage(ds, name) } : {}), ...(dc ? { remoteConsumer: consumer(dc, name) } : {}), ...target };
    out.push({ kind: 'ProjectDefaults', name, externalId: serviceProviderId, metadataKeys: [], document: doc('ProjectDefaults', name, spec) });
  }
  const projects = live.projects.filter((p) => unexportableReason(p) === undefined);
  const names = uniqueNames(projects, (p) => ({ display: p.projectName, id: p.projectId }));
  for (const p of projects) {
    const name = names.get(p) ?? p.projectId;
    out.push({ kind: 'Project', name, externalId: p.projectId, metadataKeys: [], document: doc('Project', name, { ...projectSpec(p, name), ...target }) });
  }
  return out;
}

/** Declarations for a bluzone target: its ProjectDefaults (when set) and every project. */
export function exportBluzone(live: LiveBluzone, targetRef?: string): ExportedDocument[] {
  return exportBluzoneObjects(live, targetRef).map((o) => o.document);
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
