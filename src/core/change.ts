/**
 * The plan as a value: what changes (for people) and the ordered operations that carry it out
 * (for the apply loop and the drivers). Produced by `plan()` in plan.ts; pure data.
 */
import type { LedgerEntry, LedgerState } from './ledger.js';
import type { LiveState } from './live.js';
import type { Desired, Diagnostic, Key, ManagedKind, Metadata, ProviderType, RemoteConsumer, RemoteStorage, Sensitive } from './model.js';

/** An id known at plan time, or the id that an earlier create step of the same plan returns. */
export type IdRef = { readonly id: string } | { readonly createdBy: string };

export interface AttachmentBody {
  readonly provider: IdRef;
  readonly isDefault: boolean;
}

export interface ProviderBody {
  readonly providerName: string;
  readonly active: boolean;
  readonly providerType: ProviderType;
  readonly serviceType: 'meet';
  /** On patch, only the keys to change are sent (the platform merges properties by key). */
  readonly properties: { readonly url?: string; readonly secret?: Sensitive };
  readonly settings: Readonly<Record<string, never>>;
  /** Always the whole object: the platform replaces metadata on write. */
  readonly metadata: Metadata;
}

export interface PackageBody {
  readonly packageName: string;
  readonly providers: readonly AttachmentBody[];
  readonly metadata: Metadata;
}

export interface SubscriptionBody {
  readonly subscriptionName: string;
  readonly packageId: IdRef;
  readonly providers: readonly AttachmentBody[];
  readonly metadata: Metadata;
}

export interface ProjectBody {
  readonly projectName: string;
  readonly defaultOwnerEmail: string;
  readonly defaultOwnerPassword: Sensitive;
  readonly joinAccountsEnabled: boolean;
  readonly debugEnabled: boolean;
  /** absent: the reseller's default is used (`useDefaultRemoteStorage=true`). */
  readonly remoteStorage?: RemoteStorage<Sensitive>;
  readonly remoteConsumer?: RemoteConsumer<Sensitive>;
}

/** One platform call (or a ledger-only step). Drivers map these to the wire. */
export type Operation =
  | { readonly type: 'provider.create'; readonly body: ProviderBody }
  | { readonly type: 'provider.patch'; readonly id: IdRef; readonly body: Partial<ProviderBody> }
  | { readonly type: 'provider.delete'; readonly id: string }
  | { readonly type: 'package.create'; readonly body: PackageBody }
  | { readonly type: 'package.patch'; readonly id: IdRef; readonly body: Partial<PackageBody> }
  | { readonly type: 'package.delete'; readonly id: string }
  | { readonly type: 'subscription.create'; readonly body: SubscriptionBody }
  | { readonly type: 'subscription.patch'; readonly id: IdRef; readonly body: Partial<SubscriptionBody> }
  | { readonly type: 'subscription.delete'; readonly id: string }
  | { readonly type: 'project.create'; readonly body: ProjectBody }
  | { readonly type: 'project.delete'; readonly id: string }
  | { readonly type: 'defaults.storage'; readonly body: RemoteStorage<Sensitive>; readonly updateProjects: boolean }
  | { readonly type: 'defaults.consumer'; readonly body: RemoteConsumer<Sensitive>; readonly updateProjects: boolean };

export type OperationType = Operation['type'];

/** An operation with its place in the dependency graph. */
export interface Step {
  /** Unique in the plan, stable: `<key>#<verb>` e.g. `ServicePackage/gold#attach`. */
  readonly id: string;
  readonly key: Key;
  readonly target: string;
  readonly operation: Operation;
  /** Step ids that must succeed first. */
  readonly dependsOn: readonly string[];
}

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'noop' | 'blocked';

/** One field of a change; sensitive fields carry no values, only `sensitive: true`. */
export interface FieldDiff {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive?: true;
}

/** Why an action was not planned: the platform rule, the object in the way, and the smallest fix. */
export interface Blocker {
  /** The platform's error code it would have answered (`provider_is_default`) or a PLAN_* code. */
  readonly rule: string;
  readonly summary: string;
  readonly hint: string;
  readonly by?: { readonly kind: ManagedKind; readonly name?: string; readonly id?: string };
}

/**
 * What the ledger records once every step of a change has succeeded. `movedFrom`: the entry of a
 * renamed declaration, dropped when this one is set, so the object changes key instead of owner.
 */
export type LedgerUpdate =
  | { readonly set: Omit<LedgerEntry, 'externalId'> & { readonly externalId: IdRef }; readonly movedFrom?: Key }
  | { readonly remove: Key };

/** One resource's change, as people read it. */
export interface Change {
  readonly action: Action;
  readonly key: Key;
  readonly kind: ManagedKind;
  readonly name: string;
  readonly target: string;
  readonly externalId?: string;
  readonly fields: readonly FieldDiff[];
  /** For blocked (and replace/delete): why. */
  readonly reason?: string;
  readonly blocker?: Blocker;
  /** Ids of the steps that carry this change out, in order. */
  readonly steps: readonly string[];
  /** Other objects this change touches on the platform (projects following changed defaults). */
  readonly touches?: readonly string[];
  readonly ledger?: LedgerUpdate;
}

export interface Plan {
  /** Sorted by target, then key: byte-identical for the same inputs in any order. */
  readonly changes: readonly Change[];
  readonly steps: readonly Step[];
  /** Step ids grouped in waves: every step's dependencies are in earlier waves. */
  readonly waves: readonly (readonly string[])[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlanOptions {
  /** Delete owned objects that are no longer declared. @default false */
  readonly prune: boolean;
  /** Most deletes allowed in one run without `force`; undefined: half of the owned objects, at least 5. */
  readonly maxDelete?: number;
  /** Override the delete budget and the empty-desired-set guard. @default false */
  readonly force: boolean;
  /** Allow project replacement even without `replacePolicy: Allow`. @default false */
  readonly allowReplace: boolean;
}

export interface PlanInput {
  readonly desired: readonly Desired[];
  readonly live: LiveState;
  readonly ledger: LedgerState;
  readonly options: PlanOptions;
}
