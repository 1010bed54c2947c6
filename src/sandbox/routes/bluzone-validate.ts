/**
 * Field validation of bluzone bodies and query flags. Problems are collected and reported in one
 * 422 `unprocessable` whose message names every refused field. Optional fields come back with
 * their defaults, so what the platform returns is fully determined by what was sent.
 */
import { ApiError } from './router.js';
import { FieldErrors, isObject, type Json } from './streamwise-validate.js';

/** Throws one 422 naming every refused field. */
export function throwUnprocessable(errors: FieldErrors): void {
  if (errors.isEmpty) return;
  const list = Object.entries(errors.fields).map(([f, m]) => `${f} ${m}`).join('; ');
  throw new ApiError(422, 'unprocessable', `invalid fields: ${list}`);
}

/** A boolean query flag: absent is false; anything but `true`/`false` is a 400. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ApiError(400, 'bad_request', `query parameter ${name} must be true or false`);
}

function checkString(body: Json, key: string, field: string, errors: FieldErrors, optional = false): void {
  const v = body[key];
  if (optional && (v === undefined || v === null)) return;
  if (typeof v !== 'string' || v === '') errors.add(field, 'must be a non-empty string');
  else if (v.length > 1024) errors.add(field, 'must be at most 1024 characters');
}

function checkKeys(body: Json, allowed: readonly string[], prefix: string, errors: FieldErrors): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) errors.add(`${prefix}${k}`, 'is not a known field');
}

const STORAGE_KEYS = ['storageProvider', 'storageRegion', 'storageResourceIdentifier', 'accessKey', 'secretKey', 'assumeRoleEnabled', 'assumeRoleName', 'storageTypes'] as const;
const CONSUMER_KEYS = ['awsAccessKey', 'awsSecretKey', 'kinesisEndpoint', 'streamName', 'streamType', 'partitionKey'] as const;
const STREAM_TYPES = ['PACKET_DATA', 'LOCATION_DATA', 'POLICY_EVENT_DATA'];

/** Absent and null mean "none"; anything else that is not an object is refused. */
function nullOrRefused(value: unknown, field: string, errors: FieldErrors): null {
  if (value !== null && value !== undefined) errors.add(field, 'must be an object or null');
  return null;
}

/** A remoteStorage (or null); returns it with defaults filled in: assumeRoleEnabled false, assumeRoleName null, storageTypes []. */
export function checkRemoteStorage(value: unknown, field: string, errors: FieldErrors): Json | null {
  if (!isObject(value)) return nullOrRefused(value, field, errors);
  checkKeys(value, STORAGE_KEYS, `${field}.`, errors);
  if (value.storageProvider !== 'AWS') errors.add(`${field}.storageProvider`, "must be 'AWS'");
  for (const k of ['storageRegion', 'storageResourceIdentifier', 'accessKey', 'secretKey']) checkString(value, k, `${field}.${k}`, errors);
  if (value.assumeRoleEnabled !== undefined && typeof value.assumeRoleEnabled !== 'boolean') errors.add(`${field}.assumeRoleEnabled`, 'must be a boolean');
  checkString(value, 'assumeRoleName', `${field}.assumeRoleName`, errors, true);
  const types = value.storageTypes ?? [];
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) errors.add(`${field}.storageTypes`, 'must be an array of strings');
  return {
    storageProvider: value.storageProvider, storageRegion: value.storageRegion, storageResourceIdentifier: value.storageResourceIdentifier,
    accessKey: value.accessKey, secretKey: value.secretKey, assumeRoleEnabled: value.assumeRoleEnabled ?? false,
    assumeRoleName: value.assumeRoleName ?? null, storageTypes: types,
  };
}

/** A remoteConsumer (or null); returns it with `partitionKey` defaulting to null. */
export function checkRemoteConsumer(value: unknown, field: string, errors: FieldErrors): Json | null {
  if (!isObject(value)) return nullOrRefused(value, field, errors);
  checkKeys(value, CONSUMER_KEYS, `${field}.`, errors);
  for (const k of ['awsAccessKey', 'awsSecretKey', 'kinesisEndpoint', 'streamName']) checkString(value, k, `${field}.${k}`, errors);
  if (!STREAM_TYPES.includes(String(value.streamType))) errors.add(`${field}.streamType`, `must be one of ${STREAM_TYPES.join(', ')}`);
  checkString(value, 'partitionKey', `${field}.partitionKey`, errors, true);
  return {
    awsAccessKey: value.awsAccessKey, awsSecretKey: value.awsSecretKey, kinesisEndpoint: value.kinesisEndpoint,
    streamName: value.streamName, streamType: value.streamType, partitionKey: value.partitionKey ?? null,
  };
}

const PROJECT_KEYS = ['projectName', 'defaultOwnerEmail', 'defaultOwnerPassword', 'joinAccountsEnabled', 'debugEnabled', 'remoteStorage', 'remoteConsumer'] as const;

/** The creation-time fields of a project, checked. */
export interface ProjectInput {
  readonly projectName: string;
  readonly defaultOwnerEmail: string;
  readonly defaultOwnerPassword: string;
  readonly joinAccountsEnabled: boolean;
  readonly debugEnabled: boolean;
  readonly remoteStorage: Json | null;
  readonly remoteConsumer: Json | null;
}

/** Checks a create body; `remoteStorage`/`remoteConsumer` must be absent when the matching default is used. */
export function checkProject(body: Json, useDefault: { storage: boolean; consumer: boolean }): ProjectInput {
  const errors = new FieldErrors();
  checkKeys(body, PROJECT_KEYS, '', errors);
  checkString(body, 'projectName', 'projectName', errors);
  checkString(body, 'defaultOwnerPassword', 'defaultOwnerPassword', errors);
  if (typeof body.defaultOwnerEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(body.defaultOwnerEmail)) errors.add('defaultOwnerEmail', 'must be an email address');
  for (const k of ['joinAccountsEnabled', 'debugEnabled']) if (body[k] !== undefined && typeof body[k] !== 'boolean') errors.add(k, 'must be a boolean');
  if (useDefault.storage && body.remoteStorage != null) errors.add('remoteStorage', 'must be absent with useDefaultRemoteStorage=true');
  if (useDefault.consumer && body.remoteConsumer != null) errors.add('remoteConsumer', 'must be absent with useDefaultRemoteConsumer=true');
  const remoteStorage = checkRemoteStorage(body.remoteStorage, 'remoteStorage', errors);
  const remoteConsumer = checkRemoteConsumer(body.remoteConsumer, 'remoteConsumer', errors);
  throwUnprocessable(errors);
  return {
    projectName: String(body.projectName), defaultOwnerEmail: String(body.defaultOwnerEmail), defaultOwnerPassword: String(body.defaultOwnerPassword),
    joinAccountsEnabled: body.joinAccountsEnabled === true, debugEnabled: body.debugEnabled === true, remoteStorage, remoteConsumer,
  };
}
