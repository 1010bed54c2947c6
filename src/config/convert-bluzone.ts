/**
 * Converters of Target and the bluzone kinds: ProjectDefaults and Project. Defaults are those of
 * schemas/ (a unit test compares them). Pure.
 */
import type { Declared, RemoteConsumer, RemoteStorage, SecretSource, UseDefault } from '../core/model.js';
import { envelope, type Collector } from './convert-common.js';
import type * as G from './generated/declarations.js';
import type { FieldPath } from './locate.js';

/** Converts a Target; it lives on itself (`target` = its name) and is never deleted. */
export function targetDeclared(doc: G.Target, c: Collector): Declared {
  const s = doc.spec;
  const spec = {
    api: s.api,
    url: s.url,
    ...(s.token !== undefined ? { token: c.source(s.token, ['spec', 'token']) } : {}),
    ...(s.serviceProviderId !== undefined ? { serviceProviderId: s.serviceProviderId } : {}),
    ...(s.apiKey !== undefined ? { apiKey: c.source(s.apiKey, ['spec', 'apiKey']) } : {}),
    timeoutSeconds: s.timeoutSeconds ?? 30,
    maxRequestsPerSecond: s.maxRequestsPerSecond ?? 20,
  };
  return { ...envelope('Target', doc, c), target: doc.metadata.name, deletionPolicy: 'Orphan', spec };
}

function remoteStorage(s: G.RemoteStorage, c: Collector, path: FieldPath): RemoteStorage<SecretSource> {
  return {
    storageProvider: s.storageProvider ?? 'AWS',
    storageRegion: s.storageRegion,
    storageResourceIdentifier: s.storageResourceIdentifier,
    accessKey: s.accessKey,
    secretKey: c.source(s.secretKey, [...path, 'secretKey']),
    assumeRoleEnabled: s.assumeRoleEnabled ?? false,
    ...(s.assumeRoleName !== undefined ? { assumeRoleName: s.assumeRoleName } : {}),
    storageTypes: [...(s.storageTypes ?? [])],
  };
}

function remoteConsumer(s: G.RemoteConsumer, c: Collector, path: FieldPath): RemoteConsumer<SecretSource> {
  return {
    awsAccessKey: s.awsAccessKey,
    awsSecretKey: c.source(s.awsSecretKey, [...path, 'awsSecretKey']),
    kinesisEndpoint: s.kinesisEndpoint,
    streamName: s.streamName,
    streamType: s.streamType,
    partitionKey: s.partitionKey ?? '',
  };
}

/**
 * Converts ProjectDefaults. Removing it from the configuration leaves the reseller's defaults as
 * they are (there is no API to clear them), so its deletionPolicy is always Orphan.
 */
export function projectDefaultsDeclared(doc: G.ProjectDefaults, c: Collector): Declared {
  const s = doc.spec;
  const spec = {
    ...(s.remoteStorage !== undefined ? { remoteStorage: remoteStorage(s.remoteStorage, c, ['spec', 'remoteStorage']) } : {}),
    ...(s.remoteConsumer !== undefined ? { remoteConsumer: remoteConsumer(s.remoteConsumer, c, ['spec', 'remoteConsumer']) } : {}),
    propagateToProjects: s.propagateToProjects ?? false,
  };
  return { ...envelope('ProjectDefaults', doc, c), deletionPolicy: 'Orphan', spec };
}

const USE_DEFAULT: UseDefault = { useDefault: true };

function isUseDefault(v: object): v is G.UseDefault {
  return 'useDefault' in v;
}

/** Converts a Project; omitted remoteStorage/remoteConsumer mean `{useDefault: true}`. */
export function projectDeclared(doc: G.Project, c: Collector): Declared {
  const s = doc.spec;
  c.cite(['spec', 'projectName']);
  const rs = s.remoteStorage;
  const rc = s.remoteConsumer;
  const spec = {
    projectName: s.projectName,
    defaultOwnerEmail: s.defaultOwnerEmail,
    defaultOwnerPassword: c.source(s.defaultOwnerPassword, ['spec', 'defaultOwnerPassword']),
    joinAccountsEnabled: s.joinAccountsEnabled ?? false,
    debugEnabled: s.debugEnabled ?? false,
    remoteStorage: rs === undefined || isUseDefault(rs) ? USE_DEFAULT : remoteStorage(rs, c, ['spec', 'remoteStorage']),
    remoteConsumer: rc === undefined || isUseDefault(rc) ? USE_DEFAULT : remoteConsumer(rc, c, ['spec', 'remoteConsumer']),
    replacePolicy: s.replacePolicy ?? 'Never',
  };
  return { ...envelope('Project', doc, c), deletionPolicy: s.deletionPolicy ?? 'Delete', spec };
}
