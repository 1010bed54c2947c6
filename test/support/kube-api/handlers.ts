/**
 * The REST verbs of the fake apiserver on one resource path: list and watch, get, create, update,
 * patch and delete on the main endpoint and on `/status`, with kube-apiserver's answers.
 */
import type { ServerResponse } from 'node:http';
import { applyPatch, parsePatchBody, patchKind, type JsonObject } from './patch.js';
import { apiVersionOf, findType, type ResourceType } from './resources.js';
import { labelsOf, metaOf, metaString, prepareStatusUpdate, prepareUpdate, selectableFields } from './object-rules.js';
import { fieldSelector, labelSelector } from './selectors.js';
import { badRequest, methodNotAllowed, noRoute, notFound } from './status.js';
import type { DeletePreconditions, ObjectStore } from './store.js';
import type { WatchHub } from './watch.js';

/** A request on a resource path, already parsed. */
export interface ResourceRequest {
  readonly method: string;
  readonly type: ResourceType;
  /** Undefined for the cluster-wide collection (`/apis/g/v/plural`). */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** What a handler answers: a status code and a JSON body, or 'streaming' when it took over the response. */
export type HandlerResult = { readonly code: number; readonly body: unknown } | 'streaming';

const PATH = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

/** Parses a resource path; undefined when it names no served type (404). */
export function parseResourcePath(path: string): Pick<ResourceRequest, 'type' | 'namespace' | 'name' | 'subresource'> | undefined {
  const m = PATH.exec(path);
  if (m === null) return undefined;
  const [, core, group = '', version = '', namespace, plural = '', name, subresource] = m;
  const type = findType(core === undefined ? group : '', core ?? version, plural);
  if (type === undefined) return undefined;
  return { type, namespace: namespace === undefined ? undefined : decodeURIComponent(namespace), name: name === undefined ? undefined : decodeURIComponent(name), subresource };
}

function parseJson(body: string): JsonObject {
  try {
    const v: unknown = JSON.parse(body);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as JsonObject;
  } catch {
    // answered below
  }
  throw badRequest('the body of the request could not be decoded as a JSON object');
}

function list(store: ObjectStore, r: ResourceRequest): HandlerResult {
  const labels = labelSelector(r.query.get('labelSelector'));
  const fields = fieldSelector(r.query.get('fieldSelector'));
  const items = store.list(r.type, r.namespace)
    .filter((o) => labels(labelsOf(o)) && fields(selectableFields(o)))
    .map((o) => (r.type.isCustom ? o : (({ apiVersion: _a, kind: _k, ...rest }) => rest)(o)));
  const body = { apiVersion: apiVersionOf(r.type), kind: `${r.type.kind}List`, metadata: { resourceVersion: String(store.resourceVersion) }, items };
  return { code: 200, body };
}

function collection(store: ObjectStore, hub: WatchHub, r: ResourceRequest, res: ServerResponse): HandlerResult {
  if (r.method === 'GET') {
    const watch = r.query.get('watch');
    if (watch !== 'true' && watch !== '1') return list(store, r);
    const timeout = r.query.get('timeoutSeconds');
    hub.serve({
      type: r.type, namespace: r.namespace, labels: labelSelector(r.query.get('labelSelector')), fields: fieldSelector(r.query.get('fieldSelector')),
      resourceVersion: r.query.get('resourceVersion') ?? '', allowBookmarks: r.query.get('allowWatchBookmarks') === 'true',
      timeoutSeconds: timeout === null ? undefined : Number(timeout),
    }, res);
    return 'streaming';
  }
  if (r.method === 'POST' && r.namespace !== undefined) return { code: 201, body: store.create(r.type, r.namespace, parseJson(r.body)) };
  throw methodNotAllowed(r.method);
}

function update(store: ObjectStore, r: ResourceRequest, namespace: string, name: string, incoming: JsonObject): JsonObject {
  const current = store.get(r.type, namespace, name);
  const next = r.subresource === 'status' ? prepareStatusUpdate(r.type, current, incoming) : prepareUpdate(r.type, current, incoming);
  return store.replace(r.type, current, next);
}

function put(store: ObjectStore, r: ResourceRequest, namespace: string, name: string): HandlerResult {
  const incoming = parseJson(r.body);
  const bodyName = metaString(incoming, 'name');
  if (bodyName !== name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
  return { code: 200, body: update(store, r, namespace, name, incoming) };
}

function patch(store: ObjectStore, r: ResourceRequest, namespace: string, name: string): HandlerResult {
  const kind = patchKind(r.contentType, r.type.isCustom);
  const body = parsePatchBody(kind, r.body);
  const current = store.find(r.type, namespace, name);
  if (current === undefined) {
    if (kind !== 'apply' || r.subresource !== undefined) throw notFound(r.type, name);
    return { code: 201, body: store.create(r.type, namespace, { ...(body as JsonObject), metadata: { ...metaOf(body as JsonObject), name } }) };
  }
  const patched = applyPatch(kind, current, body);
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw badRequest('the patch did not produce an object');
  return { code: 200, body: update(store, r, namespace, name, patched as JsonObject) };
}

function preconditions(body: string): DeletePreconditions {
  if (body.trim() === '') return {};
  const p = parseJson(body)['preconditions'] as DeletePreconditions | undefined;
  return { ...(p?.uid === undefined ? {} : { uid: p.uid }), ...(p?.resourceVersion === undefined ? {} : { resourceVersion: p.resourceVersion }) };
}

function item(store: ObjectStore, r: ResourceRequest, namespace: string, name: string): HandlerResult {
  if (r.subresource !== undefined && (r.subresource !== 'status' || !r.type.hasStatus)) throw noRoute(`${r.type.plural}/${r.subresource}`);
  switch (r.method) {
    case 'GET': return { code: 200, body: store.get(r.type, namespace, name) };
    case 'PUT': return put(store, r, namespace, name);
    case 'PATCH': return patch(store, r, namespace, name);
    case 'DELETE':
      if (r.subresource !== undefined) throw methodNotAllowed(r.method);
      return { code: 200, body: store.delete(r.type, namespace, name, preconditions(r.body)) };
    default: throw methodNotAllowed(r.method);
  }
}

/** Serves one request on a resource path. */
export function handleResource(store: ObjectStore, hub: WatchHub, r: ResourceRequest, res: ServerResponse): HandlerResult {
  if (r.name === undefined) return collection(store, hub, r, res);
  if (r.namespace === undefined) throw noRoute(`${r.type.plural}/${r.name}`);
  return item(store, r, r.namespace, r.name);
}
