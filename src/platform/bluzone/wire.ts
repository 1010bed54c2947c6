/**
 * bluzone wire <-> model. Secrets in answers (`secretKey`, `awsSecretKey`, `projectApiKey`) are
 * wrapped in `sensitive()` the moment they are read, so no later log or error can print them;
 * secrets in bodies stay `Sensitive` until the HTTP client serialises them.
 */
import type { ProjectBody } from '../../core/change.js';
import type { LiveProject, LiveReseller } from '../../core/live.js';
import { sensitive, type RemoteConsumer, type RemoteStorage, type Sensitive, type StreamType } from '../../core/model.js';
import {
  arrayAt, booleanAt, numberAt, objectAt, optionalStringAt, stringAt, WireShapeError, type WireObject,
} from '../wire-read.js';

const STREAM_TYPES: readonly string[] = ['PACKET_DATA', 'LOCATION_DATA', 'POLICY_EVENT_DATA'];

function secretAt(o: WireObject, key: string, path: string): Sensitive {
  const v = o[key];
  if (typeof v !== 'string') throw new WireShapeError(`${path}.${key}`, 'a string');
  return sensitive(v);
}

/** A remoteStorage as returned, or undefined for null. */
export function storageFromWire(value: unknown, path: string): RemoteStorage<Sensitive> | undefined {
  if (value === null || value === undefined) return undefined;
  const o = objectAt(value, path);
  if (o.storageProvider !== 'AWS') throw new WireShapeError(`${path}.storageProvider`, "'AWS'");
  const roleName = optionalStringAt(o, 'assumeRoleName', path);
  return {
    storageProvider: 'AWS', storageRegion: stringAt(o, 'storageRegion', path),
    storageResourceIdentifier: stringAt(o, 'storageResourceIdentifier', path), accessKey: stringAt(o, 'accessKey', path),
    secretKey: secretAt(o, 'secretKey', path), assumeRoleEnabled: booleanAt(o, 'assumeRoleEnabled', path, false),
    ...(roleName === undefined ? {} : { assumeRoleName: roleName }),
    storageTypes: arrayAt(o.storageTypes ?? [], `${path}.storageTypes`).map((t, i) => {
      if (typeof t !== 'string') throw new WireShapeError(`${path}.storageTypes[${i}]`, 'a string');
      return t;
    }),
  };
}

/** A remoteConsumer as returned, or undefined for null. A null `partitionKey` reads as ''. */
export function consumerFromWire(value: unknown, path: string): RemoteConsumer<Sensitive> | undefined {
  if (value === null || value === undefined) return undefined;
  const o = objectAt(value, path);
  const streamType = stringAt(o, 'streamType', path);
  if (!STREAM_TYPES.includes(streamType)) throw new WireShapeError(`${path}.streamType`, STREAM_TYPES.join(' | '));
  return {
    awsAccessKey: stringAt(o, 'awsAccessKey', path), awsSecretKey: secretAt(o, 'awsSecretKey', path),
    kinesisEndpoint: stringAt(o, 'kinesisEndpoint', path), streamName: stringAt(o, 'streamName', path),
    streamType: streamType as StreamType, partitionKey: optionalStringAt(o, 'partitionKey', path) ?? '',
  };
}

/** The reseller record. */
export function resellerFromWire(body: unknown): LiveReseller {
  const o = objectAt(body, '(body)');
  const storage = storageFromWire(o.defaultRemoteStorage, 'defaultRemoteStorage');
  const consumer = consumerFromWire(o.defaultRemoteConsumer, 'defaultRemoteConsumer');
  return {
    serviceProviderId: stringAt(o, 'serviceProviderId', '(body)'),
    ...(storage ? { defaultRemoteStorage: storage } : {}),
    ...(consumer ? { defaultRemoteConsumer: consumer } : {}),
  };
}

/** A project as listed or created. */
export function projectFromWire(value: unknown, path: string): LiveProject {
  const o = objectAt(value, path);
  const storage = storageFromWire(o.remoteStorage, `${path}.remoteStorage`);
  const consumer = consumerFromWire(o.remoteConsumer, `${path}.remoteConsumer`);
  return {
    projectId: stringAt(o, 'projectId', path), projectName: stringAt(o, 'projectName', path),
    defaultOwnerEmail: stringAt(o, 'defaultOwnerEmail', path),
    joinAccountsEnabled: booleanAt(o, 'joinAccountsEnabled', path, false), debugEnabled: booleanAt(o, 'debugEnabled', path, false),
    useDefaultRemoteStorage: booleanAt(o, 'useDefaultRemoteStorage', path, false),
    useDefaultRemoteConsumer: booleanAt(o, 'useDefaultRemoteConsumer', path, false),
    ...(storage ? { remoteStorage: storage } : {}),
    ...(consumer ? { remoteConsumer: consumer } : {}),
    ...(o.projectApiKey === undefined || o.projectApiKey === null ? {} : { projectApiKey: secretAt(o, 'projectApiKey', path) }),
    ...(o.createdAt === undefined || o.createdAt === null ? {} : { createdAt: numberAt(o, 'createdAt', path) }),
  };
}

/** The plain array of projects. */
export function projectsFromWire(body: unknown): LiveProject[] {
  return arrayAt(body, '(body)').map((v, i) => projectFromWire(v, `[${i}]`));
}

/** A remoteStorage body; `secretKey` stays `Sensitive`. */
export function storageToWire(s: RemoteStorage<Sensitive>): Record<string, unknown> {
  return {
    storageProvider: s.storageProvider, storageRegion: s.storageRegion, storageResourceIdentifier: s.storageResourceIdentifier,
    accessKey: s.accessKey, secretKey: s.secretKey, assumeRoleEnabled: s.assumeRoleEnabled,
    ...(s.assumeRoleName === undefined ? {} : { assumeRoleName: s.assumeRoleName }), storageTypes: s.storageTypes,
  };
}

/** A remoteConsumer body; `awsSecretKey` stays `Sensitive`; an empty `partitionKey` is left out. */
export function consumerToWire(c: RemoteConsumer<Sensitive>): Record<string, unknown> {
  return {
    awsAccessKey: c.awsAccessKey, awsSecretKey: c.awsSecretKey, kinesisEndpoint: c.kinesisEndpoint,
    streamName: c.streamName, streamType: c.streamType, ...(c.partitionKey === '' ? {} : { partitionKey: c.partitionKey }),
  };
}

/** A project create body and its query: `useDefault…=true` where the body has no own value. */
export function projectToWire(b: ProjectBody): { body: Record<string, unknown>; query: string } {
  const body = {
    projectName: b.projectName, defaultOwnerEmail: b.defaultOwnerEmail, defaultOwnerPassword: b.defaultOwnerPassword,
    joinAccountsEnabled: b.joinAccountsEnabled, debugEnabled: b.debugEnabled,
    ...(b.remoteStorage ? { remoteStorage: storageToWire(b.remoteStorage) } : {}),
    ...(b.remoteConsumer ? { remoteConsumer: consumerToWire(b.remoteConsumer) } : {}),
  };
  const query = `useDefaultRemoteStorage=${b.remoteStorage === undefined}&useDefaultRemoteConsumer=${b.remoteConsumer === undefined}`;
  return { body, query };
}
