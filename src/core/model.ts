/**
 * The resource model shared by every layer: declarations (as loaded), desired resources (secrets
 * resolved), live objects (as observed) and the ledger. Pure data; no I/O.
 */

export const API_VERSION = 'syncwise.io/v1alpha1';

export const KINDS = ['Target', 'ServiceProvider', 'ServicePackage', 'Subscription', 'ProjectDefaults', 'Project'] as const;
export type Kind = (typeof KINDS)[number];
/** Kinds that become platform objects (everything but Target). */
export type ManagedKind = Exclude<Kind, 'Target'>;

/** `<kind>/<name>`: names are unique per kind across one configuration. */
export type Key = string;

/** Returns the key of a resource: `ServiceProvider/bbb-eu-1`. */
export function keyOf(kind: Kind, name: string): Key {
  return `${kind}/${name}`;
}

/** The target every resource uses when the configuration declares no Target at all. */
export const EMBEDDED_TARGET = 'embedded';

export type Api = 'streamwise' | 'bluzone';

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/**
 * A secret value that cannot leak by accident: JSON, string conversion and `util.inspect` all give
 * `(sensitive)`. Only `reveal()` returns the plaintext, and only drivers and hashing call it.
 */
export interface Sensitive {
  readonly sensitive: true;
  reveal(): string;
  toJSON(): string;
  toString(): string;
}

export const SENSITIVE_MARK = '(sensitive)';

/** Wraps a plaintext secret; the value lives only in a closure. */
export function sensitive(value: string): Sensitive {
  const mark = (): string => SENSITIVE_MARK;
  return Object.freeze({ sensitive: true as const, reveal: () => value, toJSON: mark, toString: mark, [inspectCustom]: mark });
}

export function isSensitive(v: unknown): v is Sensitive {
  return typeof v === 'object' && v !== null && (v as { sensitive?: unknown }).sensitive === true && typeof (v as Sensitive).reveal === 'function';
}

/** Where a secret comes from, as declared. Resolution turns each into a `Sensitive`. */
export type SecretSource =
  | { readonly from: 'literal'; readonly value: Sensitive }
  | { readonly from: 'env'; readonly name: string }
  /**
   * `path` is absolute (resolved against the declaring file's directory at load time). `root`, when
   * set, is the configuration root the file must stay inside, symbolic links resolved, at the
   * moment it is read (absent with `--allow-outside-root`).
   */
  | { readonly from: 'file'; readonly path: string; readonly root?: string }
  | { readonly from: 'secretKeyRef'; readonly name: string; readonly key: string; readonly namespace?: string };

/** Where a declaration came from: a file position, or a custom resource `namespace/name`. */
export interface Origin {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  /** `namespace/name` of a custom resource. */
  readonly object?: string;
  /** dotted field path, e.g. `spec.providers[0].providerRef`. */
  readonly path?: string;
}

export type Severity = 'error' | 'warning';

/** A problem reported as data. `code` is one of the documented codes (see docs/codes.md). */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly summary: string;
  readonly detail?: string;
  readonly origin?: Origin;
}

export type MetaScalar = string | number | boolean | null;
/** Scalars plus one level of nested object or array. */
export type MetaValue = MetaScalar | readonly MetaScalar[] | { readonly [k: string]: MetaScalar };
export type Metadata = { readonly [k: string]: MetaValue };

/** Reserved metadata keys written on streamwise objects. */
export const RESERVED_PREFIX = 'syncwise.io/';
export const META_NAME = 'syncwise.io/name';
export const META_OWNER = 'syncwise.io/owner';
export const META_HASH = 'syncwise.io/hash';
export const META_MANAGED_KEYS = 'syncwise.io/managed-keys';

/** A reference to another object: by declaration name, or by platform id for an unmanaged object. */
export type ObjectRef = { readonly by: 'name'; readonly name: string } | { readonly by: 'id'; readonly id: string };

export type DeletionPolicy = 'Delete' | 'Orphan';

export interface TargetSpec<S> {
  readonly api: Api;
  readonly url: string;
  readonly token?: S;
  readonly serviceProviderId?: string;
  readonly apiKey?: S;
  /** @default 30 */
  readonly timeoutSeconds: number;
  /** @default 20 */
  readonly maxRequestsPerSecond: number;
}

export type ProviderType = 'bbb' | 'scalelite';

export interface ProviderSpec<S> {
  readonly providerName: string;
  readonly active: boolean;
  readonly providerType: ProviderType;
  readonly serviceType: 'meet';
  readonly properties: { readonly url: string; readonly secret: S };
  readonly settings: Readonly<Record<string, never>>;
  /** undefined: not managed (left alone); `{}`: every managed key removed. */
  readonly userMetadata?: Metadata;
}

export interface Attachment {
  readonly provider: ObjectRef;
  readonly isDefault: boolean;
}

export interface PackageSpec {
  readonly packageName: string;
  readonly providers: readonly Attachment[];
  readonly userMetadata?: Metadata;
}

export interface SubscriptionSpec {
  readonly subscriptionName: string;
  readonly package: ObjectRef;
  readonly providers: readonly Attachment[];
  readonly userMetadata?: Metadata;
}

export type StreamType = 'PACKET_DATA' | 'LOCATION_DATA' | 'POLICY_EVENT_DATA';

export interface RemoteStorage<S> {
  readonly storageProvider: 'AWS';
  readonly storageRegion: string;
  readonly storageResourceIdentifier: string;
  readonly accessKey: string;
  readonly secretKey: S;
  readonly assumeRoleEnabled: boolean;
  readonly assumeRoleName?: string;
  readonly storageTypes: readonly string[];
}

export interface RemoteConsumer<S> {
  readonly awsAccessKey: string;
  readonly awsSecretKey: S;
  readonly kinesisEndpoint: string;
  readonly streamName: string;
  readonly streamType: StreamType;
  readonly partitionKey: string;
}

export interface ProjectDefaultsSpec<S> {
  readonly remoteStorage?: RemoteStorage<S>;
  readonly remoteConsumer?: RemoteConsumer<S>;
  /** Projects that use the defaults follow a change (`updateProjects=true`). @default false */
  readonly propagateToProjects: boolean;
}

export type UseDefault = { readonly useDefault: true };

export interface ProjectSpec<S> {
  readonly projectName: string;
  readonly defaultOwnerEmail: string;
  readonly defaultOwnerPassword: S;
  readonly joinAccountsEnabled: boolean;
  readonly debugEnabled: boolean;
  readonly remoteStorage: UseDefault | RemoteStorage<S>;
  readonly remoteConsumer: UseDefault | RemoteConsumer<S>;
  /** @default 'Never' */
  readonly replacePolicy: 'Never' | 'Allow';
}

interface Envelope<K extends Kind> {
  readonly kind: K;
  readonly name: string;
  readonly key: Key;
  readonly labels: Readonly<Record<string, string>>;
  /** Name of the Target this resource lives on; EMBEDDED_TARGET when no Target is declared. */
  readonly target: string;
  /** @default 'Delete' */
  readonly deletionPolicy: DeletionPolicy;
  readonly origin: Origin;
}

/** A declaration. `S` is `SecretSource` as loaded and `Sensitive` once secrets are resolved. */
export type Resource<S = Sensitive> =
  | (Envelope<'Target'> & { readonly spec: TargetSpec<S> })
  | (Envelope<'ServiceProvider'> & { readonly spec: ProviderSpec<S> })
  | (Envelope<'ServicePackage'> & { readonly spec: PackageSpec })
  | (Envelope<'Subscription'> & { readonly spec: SubscriptionSpec })
  | (Envelope<'ProjectDefaults'> & { readonly spec: ProjectDefaultsSpec<S> })
  | (Envelope<'Project'> & { readonly spec: ProjectSpec<S> });

export type Declared = Resource<SecretSource>;

/** Salted hash of each secret field of a spec, by dotted path (`defaultOwnerPassword`, `properties.secret`). */
export type SecretHashes = { readonly [path: string]: string };

/**
 * A resource ready to plan: secrets resolved, `hash` = salted hash of the whole spec (secrets
 * included) and `secretHashes` = one salted hash per secret field. Without `secretHashes` a
 * changed write-only secret is only visible through `hash`. Secret hashes are salted with the key,
 * so a declaration new to the ledger also carries `secretHashesAs`: its secrets hashed under the
 * key of each owned entry it may be a rename of, which tells a renamed secret from a changed one.
 */
export type Desired = Exclude<Resource<Sensitive>, { kind: 'Target' }> & {
  readonly hash: string;
  readonly secretHashes?: SecretHashes;
  readonly secretHashesAs?: { readonly [oldKey: Key]: SecretHashes };
};

/** Narrows a resource union by kind. */
export type OfKind<R, K extends Kind> = Extract<R, { kind: K }>;

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
