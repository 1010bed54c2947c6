/**
 * `metav1.Status` bodies in the exact shape kube-apiserver sends for failures, so that clients
 * (client-node's ApiException, our error classification) see what a real cluster returns.
 */
import { typeKey, type ResourceType } from './resources.js';

/** One field-level cause of a 422 Invalid answer. */
export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field: string;
}

/** A failure answered with a Status object; thrown inside the server and turned into a response. */
export class StatusError extends Error {
  constructor(readonly code: number, readonly body: Readonly<Record<string, unknown>>) {
    super(String(body['message']));
  }
}

function details(t: ResourceType | undefined, name: string | undefined): Record<string, unknown> {
  return { ...(name === undefined ? {} : { name }), ...(t === undefined ? {} : { ...(t.group === '' ? {} : { group: t.group }), kind: t.plural }) };
}

function failure(code: number, reason: string, message: string, extra: Record<string, unknown> = {}): StatusError {
  return new StatusError(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...extra, code });
}

/** 404 NotFound for a named object. */
export function notFound(t: ResourceType, name: string): StatusError {
  return failure(404, 'NotFound', `${typeKey(t)} "${name}" not found`, { details: details(t, name) });
}

/** 404 for a path nothing is served at. */
export function noRoute(path: string): StatusError {
  return failure(404, 'NotFound', `the server could not find the requested resource (${path})`, { details: {} });
}

/** 409 AlreadyExists on create. */
export function alreadyExists(t: ResourceType, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${typeKey(t)} "${name}" already exists`, { details: details(t, name) });
}

/** 409 Conflict for a stale `resourceVersion` or a failed precondition. */
export function conflict(t: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${typeKey(t)} "${name}": ${why}`, { details: details(t, name) });
}

/** 422 Invalid with the field causes, worded like the apiserver's field errors. */
export function invalid(t: ResourceType, name: string, causes: readonly StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return failure(422, 'Invalid', `${t.group === '' ? t.kind : `${t.kind}.${t.group}`} "${name}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`, { details: { ...details(t, name), causes } });
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

/** 422 Invalid without field causes, as a patch that cannot be applied is answered. */
export function unprocessable(message: string): StatusError {
  return failure(422, 'Invalid', message);
}

/** 405 MethodNotAllowed for a verb a path does not support. */
export function methodNotAllowed(method: string): StatusError {
  return failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`, { details: {} });
}

/** 415 UnsupportedMediaType for a patch content type the resource does not accept. */
export function unsupportedMediaType(contentType: string): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`);
}

/** 410 Expired: what a watch answers (as an ERROR event) for a compacted `resourceVersion`. */
export function expired(resourceVersion: string, current: number): StatusError {
  return failure(410, 'Expired', `too old resource version: ${resourceVersion} (${current})`);
}

/** The Status a non-custom resource answers to an immediate DELETE. */
export function deleted(t: ResourceType, name: string, uid: unknown): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { ...details(t, name), uid } };
}
