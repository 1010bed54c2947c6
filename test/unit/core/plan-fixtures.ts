/**
 * Plain-value builders for planner tests: declarations, live objects and ledger entries on two
 * targets, `sw` (streamwise) and `bz` (bluzone).
 */
import type { PlanInput, PlanOptions } from '../../../src/core/change.js';
import type { LedgerEntry, LedgerState } from '../../../src/core/ledger.js';
import type { LiveBluzone, LivePackage, LiveProject, LiveProvider, LiveStreamwise, LiveSubscription } from '../../../src/core/live.js';
import {
  isSensitive,
  keyOf,
  META_HASH,
  META_MANAGED_KEYS,
  META_NAME,
  META_OWNER,
  sensitive,
  type Desired,
  type ManagedKind,
  type Metadata,
  type OfKind,
  type ProjectSpec,
  type ProviderSpec,
  type RemoteConsumer,
  type RemoteStorage,
  type Sensitive,
} from '../../../src/core/model.js';

export const SW = 'sw';
export const BZ = 'bz';
export const OWNER = 'team-a';

function reveal(v: unknown): unknown {
  if (isSensitive(v)) return { $s: v.reveal() };
  if (Array.isArray(v)) return v.map(reveal);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** A short stable digest of a value (secrets included), standing in for the engine's salted hash. */
export function digest(value: unknown): string {
  const text = JSON.stringify(reveal(value));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

type Envelope = { target?: string; deletionPolicy?: 'Delete' | 'Orphan' };

function envelope<K extends ManagedKind>(kind: K, name: string, env: Envelope) {
  return { kind, name, key: keyOf(kind, name), labels: {}, target: env.target ?? (kind === 'Project' || kind === 'ProjectDefaults' ? BZ : SW), deletionPolicy: env.deletionPolicy ?? 'Delete', origin: { file: 'config.yaml' } };
}

function withHash<D extends { spec: unknown; kind: string; target: string }>(d: D): D & { hash: string } {
  return { ...d, hash: digest({ kind: d.kind, target: d.target, spec: d.spec }) };
}

export function provider(name: string, spec: Partial<ProviderSpec<Sensitive>> = {}, env: Envelope = {}): OfKind<Desired, 'ServiceProvider'> {
  return withHash({
    ...envelope('ServiceProvider', name, env),
    spec: {
      providerName: name.toUpperCase(),
      active: true,
      providerType: 'bbb' as const,
      serviceType: 'meet' as const,
      properties: { url: `https://${name}.example.com/`, secret: sensitive(`secret-of-${name}`) },
      settings: {},
      ...spec,
    },
  });
}

/** Attachments: `'p1*'` is the default, `'#id'` references a provider by platform id. */
function attachments(list: readonly string[]) {
  return list.map((s) => {
    const isDefault = s.endsWith('*');
    const ref = s.replace(/\*$/, '');
    return { provider: ref.startsWith('#') ? { by: 'id' as const, id: ref.slice(1) } : { by: 'name' as const, name: ref }, isDefault };
  });
}

export function pkg(name: string, providers: readonly string[], extra: { userMetadata?: Metadata; packageName?: string } = {}, env: Envelope = {}): OfKind<Desired, 'ServicePackage'> {
  const { packageName = name.toUpperCase(), userMetadata } = extra;
  return withHash({ ...envelope('ServicePackage', name, env), spec: { packageName, providers: attachments(providers), ...(userMetadata ? { userMetadata } : {}) } });
}

export function sub(name: string, packageRef: string, providers: readonly string[], env: Envelope = {}): OfKind<Desired, 'Subscription'> {
  const pkgRef = packageRef.startsWith('#') ? { by: 'id' as const, id: packageRef.slice(1) } : { by: 'name' as const, name: packageRef };
  return withHash({ ...envelope('Subscription', name, env), spec: { subscriptionName: name.toUpperCase(), package: pkgRef, providers: attachments(providers) } });
}

export const storage = (over: Partial<RemoteStorage<Sensitive>> = {}): RemoteStorage<Sensitive> => ({
  storageProvider: 'AWS',
  storageRegion: 'eu-west-1',
  storageResourceIdentifier: 'bucket-a',
  accessKey: 'AKIA1',
  secretKey: sensitive('storage-secret'),
  assumeRoleEnabled: false,
  storageTypes: ['recordings'],
  ...over,
});

export const consumer = (over: Partial<RemoteConsumer<Sensitive>> = {}): RemoteConsumer<Sensitive> => ({
  awsAccessKey: 'AKIA2',
  awsSecretKey: sensitive('consumer-secret'),
  kinesisEndpoint: 'https://kinesis.example.com',
  streamName: 'events',
  streamType: 'PACKET_DATA',
  partitionKey: 'pk',
  ...over,
});

export function project(name: string, spec: Partial<ProjectSpec<Sensitive>> = {}, env: Envelope = {}): OfKind<Desired, 'Project'> {
  return withHash({
    ...envelope('Project', name, env),
    spec: {
      projectName: name,
      defaultOwnerEmail: `${name}@example.com`,
      defaultOwnerPassword: sensitive(`pw-${name}`),
      joinAccountsEnabled: false,
      debugEnabled: false,
      remoteStorage: { useDefault: true as const },
      remoteConsumer: { useDefault: true as const },
      replacePolicy: 'Never' as const,
      ...spec,
    },
  });
}

export function defaults(name: string, spec: { remoteStorage?: RemoteStorage<Sensitive>; remoteConsumer?: RemoteConsumer<Sensitive>; propagateToProjects?: boolean }): OfKind<Desired, 'ProjectDefaults'> {
  return withHash({ ...envelope('ProjectDefaults', name, {}), spec: { propagateToProjects: false, ...spec } });
}

/** Reserved markers as this configuration writes them for a declaration. */
export function markers(d: Desired, managedKeys: readonly string[] = [], owner = OWNER): Metadata {
  return { [META_NAME]: d.name, [META_OWNER]: owner, [META_HASH]: d.hash, [META_MANAGED_KEYS]: [...managedKeys] };
}

/** The live provider that exactly matches a declaration (as after a successful apply). */
export function liveProvider(id: string, d: OfKind<Desired, 'ServiceProvider'> | undefined, over: Partial<LiveProvider> = {}): LiveProvider {
  const s = d?.spec ?? provider(id).spec;
  const meta = d ? { ...(s.userMetadata ?? {}), ...markers(d, Object.keys(s.userMetadata ?? {}).sort()) } : {};
  return { id, uuid: `u-${id}`, ulid: `l-${id}`, providerName: s.providerName, active: s.active, providerType: s.providerType, serviceType: 'meet', properties: { url: s.properties.url }, settings: {}, metadata: meta, ...over };
}

export function livePackage(id: string, name: string, providers: readonly string[], metadata: Metadata = {}): LivePackage {
  return { id, packageName: name, providers: providers.map((p) => ({ providerId: p.replace(/\*$/, ''), isDefault: p.endsWith('*') })), metadata };
}

export function liveSub(id: string, name: string, packageId: string, providers: readonly string[], metadata: Metadata = {}): LiveSubscription {
  return { id, subscriptionName: name, packageId, providers: providers.map((p) => ({ providerId: p.replace(/\*$/, ''), isDefault: p.endsWith('*') })), metadata };
}

export function liveProject(id: string, d: OfKind<Desired, 'Project'>, over: Partial<LiveProject> = {}): LiveProject {
  const s = d.spec;
  return {
    projectId: id,
    projectName: s.projectName,
    defaultOwnerEmail: s.defaultOwnerEmail,
    joinAccountsEnabled: s.joinAccountsEnabled,
    debugEnabled: s.debugEnabled,
    useDefaultRemoteStorage: 'useDefault' in s.remoteStorage,
    useDefaultRemoteConsumer: 'useDefault' in s.remoteConsumer,
    ...('useDefault' in s.remoteStorage ? {} : { remoteStorage: s.remoteStorage }),
    ...('useDefault' in s.remoteConsumer ? {} : { remoteConsumer: s.remoteConsumer }),
    ...over,
  };
}

export function streamwise(over: Partial<Omit<LiveStreamwise, 'api'>> = {}): LiveStreamwise {
  return { api: 'streamwise', providers: [], packages: [], subscriptions: [], ...over };
}

export function bluzone(over: Partial<Omit<LiveBluzone, 'api'>> = {}): LiveBluzone {
  return { api: 'bluzone', reseller: { serviceProviderId: 'sp1' }, projects: [], ...over };
}

/** The ledger entry of a declaration applied as `id`. */
export function entry(d: Desired, externalId: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const userMetadata = 'userMetadata' in d.spec ? d.spec.userMetadata : undefined;
  return { key: d.key, kind: d.kind, name: d.name, target: d.target, externalId, hash: d.hash, managedMetadataKeys: Object.keys(userMetadata ?? {}).sort(), state: 'applied', ...over };
}

export function ledger(entries: readonly LedgerEntry[] = []): LedgerState {
  return { version: 1, owner: OWNER, salt: 'salt', entries: Object.fromEntries(entries.map((e) => [e.key, e])) };
}

/**
 * The live state and ledger of declarations applied earlier, each `[declaration, id, live
 * attachments]` (`'k1*'`: provider id k1 as default). A subscription's package is looked up among them.
 */
export function applied(objects: readonly (readonly [Desired, string, (readonly string[])?])[]): { sw: LiveStreamwise; ledger: LedgerState } {
  const ids = new Map(objects.map(([d, id]) => [d.key, id]));
  const live = streamwise();
  const out = { providers: [...live.providers], packages: [...live.packages], subscriptions: [...live.subscriptions] };
  for (const [d, id, attached = []] of objects) {
    if (d.kind === 'ServiceProvider') out.providers.push(liveProvider(id, d));
    if (d.kind === 'ServicePackage') out.packages.push(livePackage(id, d.spec.packageName, attached, markers(d)));
    if (d.kind === 'Subscription') {
      const pkgId = d.spec.package.by === 'id' ? d.spec.package.id : (ids.get(keyOf('ServicePackage', d.spec.package.name)) ?? '');
      out.subscriptions.push(liveSub(id, d.spec.subscriptionName, pkgId, attached, markers(d)));
    }
  }
  return { sw: streamwise(out), ledger: ledger(objects.map(([d, id]) => entry(d, id))) };
}

export function input(p: { desired?: readonly Desired[]; sw?: LiveStreamwise; bz?: LiveBluzone; ledger?: LedgerState; options?: Partial<PlanOptions> }): PlanInput {
  return {
    desired: p.desired ?? [],
    live: { [SW]: p.sw ?? streamwise(), [BZ]: p.bz ?? bluzone() },
    ledger: p.ledger ?? ledger(),
    options: { prune: false, force: false, allowReplace: false, ...p.options },
  };
}
