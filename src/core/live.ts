/**
 * Live state as observed through the drivers' list calls, in the model's vocabulary (camelCase).
 * Secrets the platform never returns are absent; secrets it does return are `Sensitive`.
 */
import type { Api, Metadata, ProviderType, RemoteConsumer, RemoteStorage, Sensitive } from './model.js';

export interface LiveProvider {
  readonly id: string;
  readonly uuid: string;
  readonly ulid: string;
  readonly providerName: string;
  readonly active: boolean;
  readonly providerType: ProviderType;
  readonly serviceType: string;
  /** Non-secret properties only (`url`); the platform never returns `secret`. */
  readonly properties: { readonly url?: string };
  readonly settings: Readonly<Record<string, unknown>>;
  /** The whole metadata object, reserved `syncwise.io/*` keys included. */
  readonly metadata: Metadata;
}

export interface LiveAttachment {
  readonly providerId: string;
  readonly isDefault: boolean;
}

export interface LivePackage {
  readonly id: string;
  readonly packageName: string;
  readonly providers: readonly LiveAttachment[];
  readonly metadata: Metadata;
}

export interface LiveSubscription {
  readonly id: string;
  readonly subscriptionName: string;
  readonly packageId: string;
  readonly providers: readonly LiveAttachment[];
  readonly metadata: Metadata;
}

export interface LiveStreamwise {
  readonly api: 'streamwise';
  readonly providers: readonly LiveProvider[];
  readonly packages: readonly LivePackage[];
  readonly subscriptions: readonly LiveSubscription[];
}

export interface LiveProject {
  readonly projectId: string;
  readonly projectName: string;
  readonly defaultOwnerEmail: string;
  readonly joinAccountsEnabled: boolean;
  readonly debugEnabled: boolean;
  readonly useDefaultRemoteStorage: boolean;
  readonly useDefaultRemoteConsumer: boolean;
  readonly remoteStorage?: RemoteStorage<Sensitive>;
  readonly remoteConsumer?: RemoteConsumer<Sensitive>;
  readonly projectApiKey?: Sensitive;
  /** epoch milliseconds */
  readonly createdAt?: number;
}

export interface LiveReseller {
  readonly serviceProviderId: string;
  readonly defaultRemoteStorage?: RemoteStorage<Sensitive>;
  readonly defaultRemoteConsumer?: RemoteConsumer<Sensitive>;
}

export interface LiveBluzone {
  readonly api: 'bluzone';
  readonly reseller: LiveReseller;
  readonly projects: readonly LiveProject[];
}

export type LiveTarget = LiveStreamwise | LiveBluzone;

/** Live state of every target in the configuration, by target name. */
export type LiveState = { readonly [target: string]: LiveTarget };

export type { Api };
