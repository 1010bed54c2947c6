/**
 * Turns observed live objects into declarations, so an existing platform can be adopted: the
 * output validates as-is once the secret placeholders' environment variables are set. Pure.
 */
import type { LiveBluzone, LiveProject, LiveStreamwise } from './live.js';
import { API_VERSION, META_NAME, RESERVED_PREFIX, type Metadata, type RemoteConsumer, type RemoteStorage, type Sensitive } from './model.js';

/** One exported declaration, ready to be written as a YAML document. */
export interface ExportedDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: Readonly<Record<string, unknown>>;
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

const marker = (m: Metadata): string | undefined => (typeof m[META_NAME] === 'string' ? (m[META_NAME] as string) : undefined);

/** Declarations for every object of a streamwise target; secrets become `valueFrom.env` placeholders. */
export function exportStreamwise(live: LiveStreamwise, targetRef?: string): ExportedDocument[] {
  const target = targetRef !== undefined ? { targetRef } : {};
  const provNames = uniqueNames(live.providers, (p) => ({ ...opt(marker(p.metadata)), display: p.providerName, id: p.id }));
  const pkgNames = uniqueNames(live.packages, (p) => ({ ...opt(marker(p.metadata)), display: p.packageName, id: p.id }));
  const subNames = uniqueNames(live.subscriptions, (s) => ({ ...opt(marker(s.metadata)), display: s.subscriptionName, id: s.id }));
  const provById = new Map(live.providers.map((p) => [p.id, provNames.get(p)]));
  const pkgById = new Map(live.packages.map((p) => [p.id, pkgNames.get(p)]));
  const attach = (list: readonly { providerId: string; isDefault: boolean }[]) =>
    list.map((a) => ({ ...(provById.has(a.providerId) ? { providerRef: provById.get(a.providerId) } : { providerId: a.providerId }), default: a.isDefault }));
  const docs: ExportedDocument[] = [];
  for (const p of live.providers) {
    const name = provNames.get(p) ?? p.id;
    docs.push(doc('ServiceProvider', name, {
      providerName: p.providerName, active: p.active, providerType: p.providerType,
      properties: { url: p.properties.url ?? '', secret: envRef(name, 'secret') },
      userMetadata: userMetadata(p.metadata), ...target,
    }));
  }
  for (const p of live.packages) {
    docs.push(doc('ServicePackage', pkgNames.get(p) ?? p.id, { packageName: p.packageName, providers: attach(p.providers), userMetadata: userMetadata(p.metadata), ...target }));
  }
  for (const s of live.subscriptions) {
    const pkg = pkgById.has(s.packageId) ? { packageRef: pkgById.get(s.packageId) } : { packageId: s.packageId };
    docs.push(doc('Subscription', subNames.get(s) ?? s.id, { subscriptionName: s.subscriptionName, ...pkg, providers: attach(s.providers), userMetadata: userMetadata(s.metadata), ...target }));
  }
  return docs;
}

function opt(m: string | undefined): { marker?: string } {
  return m === undefined ? {} : { marker: m };
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

/** Declarations for a bluzone target: its ProjectDefaults (when set) and every project. */
export function exportBluzone(live: LiveBluzone, targetRef?: string): ExportedDocument[] {
  const target = targetRef !== undefined ? { targetRef } : {};
  const docs: ExportedDocument[] = [];
  const { defaultRemoteStorage: ds, defaultRemoteConsumer: dc } = live.reseller;
  if (ds !== undefined || dc !== undefined) {
    const name = 'project-defaults';
    docs.push(doc('ProjectDefaults', name, { ...(ds ? { remoteStorage: storage(ds, name) } : {}), ...(dc ? { remoteConsumer: consumer(dc, name) } : {}), ...target }));
  }
  const names = uniqueNames(live.projects, (p) => ({ display: p.projectName, id: p.projectId }));
  for (const p of live.projects) {
    const name = names.get(p) ?? p.projectId;
    docs.push(doc('Project', name, { ...projectSpec(p, name), ...target }));
  }
  return docs;
}
